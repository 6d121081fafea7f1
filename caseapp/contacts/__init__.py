"""Sessions with the young person ("samtaler"; ``contact`` in code, as ``session`` is taken)."""
