"""``audit/`` is the log, a low-level service every area writes to: it imports nothing from the
areas (``caseapp.<area>``, ``consent``, ``roles``). The privacy officer's work that reads the
log lives in ``caseapp/privacy/``."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("audit", "caseapp", "consent", "roles", "tools", "benchmarks", "tests")
# What the log may use of the project: itself and the app's infrastructure (the database
# extension, the clock, the key store).
ALLOWED = ("audit", "caseapp.extensions", "caseapp.clock", "caseapp.crypto.keys")


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, also inside functions."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def within(name: str, packages) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def forbidden(folder: Path) -> dict[str, list[str]]:
    """File name -> the project modules it imports that the log may not use."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        bad = sorted(n for n in imported(path) if within(n, PROJECT) and not within(n, ALLOWED))
        if bad:
            found[str(path.relative_to(folder))] = bad
    return found


def test_audit_imports_nothing_from_the_areas():
    assert (ROOT / "audit" / "chain.py").exists()
    assert forbidden(ROOT / "audit") == {}


def test_the_check_finds_an_area_import(tmp_path):
    """The check itself: a module of the log that reached into an area is named."""
    (tmp_path / "leak.py").write_text(
        "import audit\nfrom caseapp.clock import now\n\n\ndef f():\n"
        "    from caseapp.participants.models import Participant\n    import roles\n",
        encoding="utf-8")
    assert forbidden(tmp_path) == {"leak.py": ["caseapp.participants.models", "roles"]}
