"""docs/encryption.md lists every column's decision, and it matches the models."""
from __future__ import annotations

import re
from pathlib import Path

from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db

DOC = Path(__file__).resolve().parents[2] / "docs" / "encryption.md"
ROW = re.compile(r"^\| `(\w+\.\w+)` \| (encrypted|plain) \|", re.MULTILINE)


def test_every_column_has_a_documented_decision():
    import caseapp.models  # noqa: F401

    documented = dict(ROW.findall(DOC.read_text(encoding="utf-8")))
    actual = {f"{table.name}.{column.name}":
              "encrypted" if isinstance(column.type, EncryptedText) else "plain"
              for table in db.metadata.sorted_tables for column in table.columns}
    missing = sorted(set(actual) - set(documented))
    assert not missing, "add these columns to docs/encryption.md: " + ", ".join(missing)
    wrong = sorted(name for name in actual if documented[name] != actual[name])
    assert not wrong, "docs/encryption.md disagrees with the model: " + ", ".join(wrong)
    assert not set(documented) - set(actual), "docs/encryption.md lists columns that are gone"
