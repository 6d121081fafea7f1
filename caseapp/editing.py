"""Shared pieces of saving with history: the refusal (``caseapp.refusals``), reading back the
version number a form was opened at (optimistic locking), checks every write makes."""
from __future__ import annotations

from caseapp.refusals import Refusal as Refused  # noqa: F401  (the one refusal type)


def opened_version(value) -> int:
    """The version number posted by a form; garbage never matches a real version."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class SpecialCategoryWarning(Exception):
    """The text seems to mention special categories; nothing was saved until the user confirms."""

    def __init__(self, categories: list[str]) -> None:
        super().__init__(", ".join(categories))
        self.categories = categories


def check_special_categories(session, participant_id, texts, *, confirmed: bool,
                             refusal: type[Refused] = Refused, known=()) -> list[str]:
    """The special categories (Art. 9/10) ``texts`` seem to mention, to tag the saved text
    with. A consent basis that does not list such a category refuses the save (``refusal``);
    otherwise, until the user has ``confirmed`` that it is needed, ``SpecialCategoryWarning``
    (not again for categories already ``known``, i.e. confirmed at an earlier save).
    A statutory basis covers what its law requires (the warning still asks)."""
    from flask_babel import gettext as _

    from consent.purposes import LegalBasis, Purpose
    from consent.services import valid_basis
    from consent.special_categories import CATEGORY_LABELS, detect

    categories = detect(*texts)
    if not categories:
        return []
    record = valid_basis(session, participant_id, Purpose.FOLLOW_UP)
    if record is not None and record.legal_basis == LegalBasis.CONSENT.value:
        missing = [c for c in categories if c not in (record.data_categories or [])]
        if missing:
            names = ", ".join(str(CATEGORY_LABELS[c]) for c in missing)
            raise refusal([_("The text looks like it mentions %(categories)s. The person's "
                             "consent does not cover %(categories)s: leave it out, or record a "
                             "consent that covers it. Nothing was saved.", categories=names)])
    if not confirmed and not set(categories) <= set(known):
        raise SpecialCategoryWarning(categories)
    return categories


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
