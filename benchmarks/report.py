"""Print the results in benchmarks/results/ as Markdown tables (for docs/benchmarks.md), or
write the summary table into README.md between its bench-table markers.

    .venv/bin/python benchmarks/report.py [--readme README.md]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def target_text(target: dict) -> str:
    parts = []
    if "p95_ms" in target:
        parts.append(f"p95 ≤ {target['p95_ms']} ms")
    if "ratio" in target:
        parts.append(f"≤ {target['ratio']}× baseline")
    if "events_per_s" in target:
        parts.append(f"≥ {target['events_per_s']:,} events/s")
    return ", ".join(parts) or "—"


def verdict(row: dict) -> str:
    target = row.get("target") or {}
    missed = []
    if "p95_ms" in target and row["p95_ms"] > target["p95_ms"]:
        missed.append(f"p95 {row['p95_ms'] / target['p95_ms']:.1f}× over")
    if "ratio" in target and row.get("ratio") and row["ratio"] > target["ratio"]:
        missed.append(f"ratio {row['ratio']:g}× > {target['ratio']}×")
    if "events_per_s" in target and row.get("events_per_s", 0) < target["events_per_s"]:
        missed.append(f"{target['events_per_s'] / row['events_per_s']:.1f}× too slow")
    if missed and "p95_ms" in target and row["p95_ms"] <= target["p95_ms"]:
        missed.insert(0, "p95 met")
    return "; ".join(missed) if missed else ("met" if target else "—")


START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
# Operations whose work grows with N by design (the 1.5× flatness rule is for the others).
GROWS = {"coordinator_dashboard": "grows: the unit has 1,000 → 5,000 cases",
         "statistics_page": "grows: counts all N cases",
         "nokkeltall_pdf": "grows: counts all N cases",
         "audit_verify": "grows: reads every event"}
COLUMNS = [("sqlite", 1000), ("sqlite", 100000), ("postgresql", 1000), ("postgresql", 100000)]


def _runs() -> dict[tuple[str, int], dict]:
    runs = {}
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text())
        if data.get("operation") not in ("loadtest", "phone"):
            runs[(data["results"][0]["database"], data["dataset"]["participants"])] = data
    return runs


def _cell(row: dict | None) -> str:
    if row is None:
        return "not run"
    if "skipped" in row:
        return "skipped"
    if "events_per_s" in row:
        return f"{row['events_per_s']:,} ev/s"
    return f"{row['p95_ms']:g}"


def summary() -> str:
    """One table: p95 per operation for each database and size, the ratio to the baseline
    and the verdict at PostgreSQL N = 100,000, and whether PostgreSQL stayed flat."""
    runs = _runs()
    names = []
    for data in runs.values():
        names += [r["operation"] for r in data["results"] if r["operation"] not in names]
    by = {key: {r["operation"]: r for r in data["results"]} for key, data in runs.items()}
    head = ["operation", "target (PG, N = 100k)"] + [
        f"{'SQLite' if db == 'sqlite' else 'PG'} {n // 1000}k p95 ms" for db, n in COLUMNS] + [
        "PG 100k ratio", "PG 100k vs target", "PG 1k → 100k"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * 5 + "---|---|"]
    for name in names:
        cells = [by.get(key, {}).get(name) for key in COLUMNS]
        big, small = cells[3], cells[2]
        target = next((c.get("target") or {} for c in cells if c), {})
        growth = "—"
        if big and small and "p95_ms" in big and "p95_ms" in small and small["p95_ms"]:
            growth = f"×{big['p95_ms'] / small['p95_ms']:.2f}"
            if name in GROWS:
                growth += f" ({GROWS[name]})"
            else:
                growth += " (flat)" if big["p95_ms"] <= 1.5 * small["p95_ms"] else " (NOT flat)"
        lines.append("| " + " | ".join([name, target_text(target)] + [_cell(c) for c in cells] + [
            f"{big['ratio']:g}" if big and big.get("ratio") is not None else "—",
            verdict(big) if big and "skipped" not in big else "not run", growth]) + " |")
    measured = ", ".join(f"{'SQLite' if db == 'sqlite' else 'PostgreSQL'} {n:,}: "
                         f"{runs[(db, n)]['measured_at'][:16].replace('T', ' ')}"
                         for db, n in COLUMNS if (db, n) in runs)
    return "\n".join(lines) + f"\n\nMeasured {measured} UTC (`make bench`; details in docs/benchmarks.md).\n"


def write_readme(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{path} has no {START} … {END} block")
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    path.write_text(before + START + "\n" + summary() + END + after, encoding="utf-8")
    print(f"wrote the summary table into {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readme", type=Path, help="write the summary table into this file")
    args = parser.parse_args()
    if args.readme:
        write_readme(args.readme)
        return
    print(summary())
    runs = sorted(RESULTS.glob("*.json"))
    for path in runs:
        data = json.loads(path.read_text())
        if data.get("operation") in ("loadtest", "phone"):  # described in docs/benchmarks.md
            continue
        size = data["dataset"]
        print(f"\n### {path.stem}: {size['participants']:,} participants, "
              f"{size['sessions']:,} sessions, {size['audit_events']:,} audit events "
              f"(measured {data['measured_at']})\n")
        print("| operation | median ms | p95 ms | queries | baseline ms | ratio | target (PG, N=100k) | vs target |")
        print("|---|---:|---:|---:|---:|---:|---|---|")
        for row in data["results"]:
            if "skipped" in row:
                print(f"| {row['operation']} | skipped: {row['skipped']} | | | | | | |")
                continue
            extra = f" ({row['events_per_s']:,} events/s)" if "events_per_s" in row else ""
            print(f"| {row['operation']}{extra} | {row['median_ms']} | {row['p95_ms']} | "
                  f"{row['queries']} | {row['baseline_ms']} | {row['ratio']} | "
                  f"{target_text(row.get('target') or {})} | {verdict(row)} |")
    for path in runs:
        data = json.loads(path.read_text())
        if data.get("operation") != "loadtest":
            continue
        t = data["total"]
        print(f"\n### {path.stem}: {data['users']} users, {data['seconds']} s\n")
        print("| request | count | failures | median ms | p95 ms | req/s |")
        print("|---|---:|---:|---:|---:|---:|")
        for row in data["by_request"] + [dict(t, name="**all**")]:
            print(f"| {row['name']} | {row['requests']} | {row['failures']} | "
                  f"{row['median_ms']} | {row['p95_ms']} | {row['rps']} |")


if __name__ == "__main__":
    main()
