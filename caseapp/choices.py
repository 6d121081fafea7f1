"""Select options from code → label tables (WTForms' ``SelectChoice``, not legacy tuples)."""
from __future__ import annotations

from typing import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, object]] | dict) -> list[SelectChoice]:
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]
