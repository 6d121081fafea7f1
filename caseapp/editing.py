"""Shared pieces of saving with history: a refusal that carries messages for the user, and
reading back the version number a form was opened at (optimistic locking)."""
from __future__ import annotations


class Refused(ValueError):
    """The change cannot be saved; ``messages`` say why (translated, without personal data)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def opened_version(value) -> int:
    """The version number posted by a form; garbage never matches a real version."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def require_follow_up(session, participant_id, refusal: type[Refused] = Refused) -> None:
    """Raise ``refusal`` with a clear message unless a basis for follow-up is valid now."""
    from flask_babel import gettext as _

    from consent import services as consent
    from consent.purposes import Purpose

    try:
        consent.require(session, participant_id, Purpose.FOLLOW_UP)
    except consent.NoValidBasis:
        raise refusal([_("There is no valid consent or legal basis for follow-up of this "
                         "person. Nothing was saved. Record a basis first.")]) from None
