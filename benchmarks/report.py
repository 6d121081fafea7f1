"""Print the results in benchmarks/results/ as Markdown tables (for docs/benchmarks.md).

    .venv/bin/python benchmarks/report.py
"""
from __future__ import annotations

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
        missed.append(f"ratio {row['ratio'] / target['ratio']:.0f}× over")
    if "events_per_s" in target and row.get("events_per_s", 0) < target["events_per_s"]:
        missed.append(f"{target['events_per_s'] / row['events_per_s']:.1f}× too slow")
    return "; ".join(missed) if missed else ("met" if target else "—")


def main() -> None:
    runs = sorted(RESULTS.glob("*.json"))
    for path in runs:
        data = json.loads(path.read_text())
        if data.get("operation") == "loadtest":
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
