"""No import cycle between the project's files.

Every ``import`` counts, also one inside a function: a cycle hidden in a function body is
still two modules that each need the other (the drift that put a handover rule back into
``roles/policy.py``). The one exception is the app factory, ``caseapp/__init__.py``: it
assembles every blueprint, and the commands that start the app from outside (CLI, job
worker) import it to do so.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("caseapp", "roles", "consent", "audit")
FACTORY = "caseapp"
# Cycles that are still to be taken apart. The test fails when one is added, and when one is
# gone but still listed here.
KNOWN: list[list[str]] = []


def modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``packages`` (migrations excluded:
    Alembic loads them by path)."""
    found = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``module`` imports anywhere in its file."""
    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {resolve(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            # ``from a.b import c`` imports the module a.b.c when there is one, else a.b
            targets |= {resolve(f"{base}.{alias.name}") if f"{base}.{alias.name}" in known
                        else resolve(base) for alias in node.names}
    return targets - {None, module}


def import_graph(root: Path, packages=PACKAGES) -> dict[str, set[str]]:
    known = modules(root, packages)
    return {module: _imported(module, path, known) for module, path in known.items()}


def cycles(graph: dict[str, set[str]], ignore_into: set[str] = frozenset()) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected components of more
    than one module; Tarjan's algorithm, iterative). Edges into ``ignore_into`` are left out."""
    edges = {v: sorted(w for w in targets if w not in ignore_into and w in graph)
             for v, targets in graph.items()}
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    for start in graph:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for i in range(position, len(edges[node])):
                target = edges[node][i]
                if target not in index:
                    work += [(node, i + 1), (target, 0)]
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return groups


def test_no_import_cycle_between_files():
    graph = import_graph(ROOT)
    assert len(graph) > 100 and sum(map(len, graph.values())) > 500  # the scan found the code
    assert sorted(cycles(graph, ignore_into={FACTORY})) == sorted(KNOWN)


def test_a_cycle_inside_a_function_is_found(tmp_path):
    """The scan sees imports in function bodies and relative imports."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg.b import rule\n")
    (tmp_path / "pkg" / "b.py").write_text("def rule():\n    from . import c\n")
    (tmp_path / "pkg" / "c.py").write_text("def later():\n    import pkg.a\n")
    (tmp_path / "pkg" / "d.py").write_text("import pkg.a\n")
    assert cycles(import_graph(tmp_path, ("pkg",))) == [["pkg.a", "pkg.b", "pkg.c"]]
