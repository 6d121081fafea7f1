"""What the demo adds so every journey can be tried at once: a case handed over, cases
reassigned by a coordinator, a person whose processing is restricted, and a break-glass opening
for the privacy officer to review.
Each is made through the service a user's action goes through (audited as that action) and
picked with its own random generator, so the rest of the demo stays as the seed makes it."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.privacy.erasure import Outcome, decide
from caseapp.accounts.models import User
from caseapp.breakglass.services import open_with_reason
from caseapp.caseload.reassign import reassign
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import now
from caseapp.handovers.services import hand_over
from caseapp.units.models import Unit
from consent.purposes import Purpose
from consent.services import valid_basis

HANDOVER = ("uv.lund", "uv.vagsbygd", "Vågsbygd ungdomsskole")  # from, to, to unit
RESTRICTED_FROM = "al.bygg"
BREAK_GLASS = ("koord.fylke", "uv.vagsbygd")  # who opened, whose case


def _user(session: Session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _active_cases(session: Session, worker: User) -> list[Case]:
    cases = session.scalars(select(Case).where(
        Case.worker_id == worker.id, Case.status == CaseStatus.ACTIVE.value)
        .order_by(Case.started_on, Case.id)).all()
    return [c for c in cases
            if valid_basis(session, c.participant_id, Purpose.FOLLOW_UP) is not None]


def add_journeys(session: Session, seed: int) -> dict:
    """Add the handover, the restriction and the break-glass opening; return what was made."""
    rng = random.Random(seed + 3)
    session.flush()
    sender, receiver = _user(session, HANDOVER[0]), _user(session, HANDOVER[1])
    to_unit = session.scalar(select(Unit).where(Unit.name == HANDOVER[2]))
    handed = rng.choice(_active_cases(session, sender))
    hand_over(session, sender, handed, to_worker=receiver, to_unit=to_unit,
              note="Flytter til Vågsbygd etter jul. Trives best med korte møter om morgenen.",
              version=handed.version, read_days=14)

    # The second building work leader took over part of the first one's caseload.
    coordinator, newcomer = _user(session, "koord.nav"), _user(session, "al.vedlikehold")
    for case in rng.sample(_active_cases(session, _user(session, "al.bygg")), 8):
        reassign(session, coordinator, case, to_worker_id=str(newcomer.id), reason="workload",
                 note=None, version=case.version, grounds="coordinator_review")

    officer = _user(session, "personvern")
    restricted = rng.choice(_active_cases(session, _user(session, RESTRICTED_FROM)))
    decide(session, officer, restricted.participant, Outcome.RESTRICT,
           "Den unge har bestridt opplysningene i saken; behandlingen er begrenset til "
           "spørsmålet er avklart.")

    opener = _user(session, BREAK_GLASS[0])
    opened = rng.choice([c for c in _active_cases(session, _user(session, BREAK_GLASS[1]))
                         if c.id != handed.id])
    access = open_with_reason(session, opener, opened,
                              "Eleven møtte opp på Kvadraturen i krise; veilederen var ikke "
                              "å nå, og jeg trengte planen og kontaktpersonene.", minutes=60)
    access.granted_at = now() - timedelta(days=2, hours=3)  # yesterday's emergency, expired
    access.expires_at = access.granted_at + timedelta(minutes=60)
    session.flush()
    return {"handover": handed.id, "restricted": restricted.participant_id,
            "break_glass": access.id}
