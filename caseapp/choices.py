"""Select options from code → label tables (WTForms' ``SelectChoice``, not legacy tuples),
and the checkbox-list field."""
from __future__ import annotations

from typing import Iterable

from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, object]] | dict) -> list[SelectChoice]:
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (works without JavaScript)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
