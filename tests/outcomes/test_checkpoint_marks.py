"""Checkpoints: an overdue one is marked, the answer button says what it does, and the
coordinator's number says it counts cases while the worker's list counts checkpoints."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import START


def test_overdue_checkpoints_are_marked_and_counted_as_checkpoints(client, make_client, login,
                                                                   factory):
    unit = factory.unit("Lund skole")
    mentor = factory.user("youth_mentor", [unit])
    coordinator = factory.user("coordinator", [unit])
    case = factory.case(mentor, unit, status="closed")
    late = factory.checkpoint(case, months=3, due_on=START.date() - timedelta(days=40))
    today = factory.checkpoint(case, months=6, due_on=START.date())
    login(client, mentor)
    start = client.get("/").text
    tasks = start[start.index('id="tasks"'):start.index("</section>", start.index('id="tasks"'))]
    assert "2 kontrollpunkter, i 1 sak" in tasks
    items = re.findall(r"<li>.*?</li>", tasks, re.S)
    marked = [item for item in items if "Forfalt" in item]
    assert len(marked) == 1 and str(late.id) in marked[0] and str(today.id) not in marked[0]
    detail = client.get(f"/cases/{case.id}").text
    assert detail.count(">Forfalt<") == 1

    form = client.get(f"/checkpoints/{late.id}").text
    assert re.search(r'<button type="submit" class="primary">\s*Lagre svaret\s*</button>', form)

    other = make_client()
    login(other, coordinator)
    board = other.get("/caseload/").text
    assert "Saker med forfalte kontrollpunkter" in board
