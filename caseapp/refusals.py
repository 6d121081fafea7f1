"""The two ways a change is turned down, shared by every area.

``Refusal``: the change cannot be made as asked (a rule, a missing basis, a closed case);
``messages`` say why, translated and without personal data. ``Conflict``: someone else saved
the record after the user opened it. Areas name their own kinds (``ConsentError``,
``StaleCase``, …) as subclasses.

Creating either during a request rolls the request's transaction back at once
(``caseapp.transaction``): nothing flushed before the refusal is stored, whatever status the
page that says so answers with. Raise them; never create one only to test a rule.
"""
from __future__ import annotations

from caseapp import transaction


class Refusal(ValueError):
    """The change cannot be saved; ``messages`` say why (translated, without personal data)."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(str(m) for m in self.messages))
        transaction.refused()


class Conflict(Exception):
    """Someone else saved the record after the user opened it; nothing was saved."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        transaction.refused()
