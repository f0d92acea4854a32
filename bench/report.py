"""``python -m bench.report [results.json]``: the figures of a bench run as a Markdown table
(value, baseline, ratio, goal), for ``docs/performance.md``. Reads ``.data/bench/latest.json``
unless given a file. Benchmarks that report flat numbers are listed as they are."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.harness import RESULTS


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def table(summary: dict[str, Any]) -> str:
    lines = [
        f"Run {summary['run_at']}, `{summary['command']}`, {summary['total_seconds']} s in all, "
        f"{summary['cpus']} CPUs.",
        "",
        "| benchmark | figure | value | baseline (same run) | ratio | goal | unit |",
        "| --- | --- | ---: | --- | ---: | --- | --- |",
    ]
    for result in summary["results"]:
        name = result["benchmark"]
        if "error" in result:
            lines.append(f"| {name} | **failed**: {result['error']} | | | | | |")
            continue
        for key, f in result.get("figures", {}).items():
            lines.append(
                f"| {name} | {key} | {_num(f['value'])} | {_num(f['baseline'])} "
                f"({f['baseline_is']}) | {_num(f['ratio'])} | {f.get('goal', '')} | {f['unit']} |"
            )
        if "figures" not in result:
            flat = {
                k: v
                for k, v in result.items()
                if isinstance(v, int | float) and k not in ("scale", "bench_seconds")
            }
            shown = ", ".join(f"{k} {_num(v)}" for k, v in flat.items())
            lines.append(f"| {name} | {shown} | | | | | |")
        spent = result.get("bench_storage_requests", {})
        lines.append(
            f"| {name} | whole benchmark | {result.get('bench_seconds')} s | | | | storage "
            f"requests: {spent.get('table', 0):,} table, {spent.get('blob', 0):,} blob, "
            f"{spent.get('queue', 0):,} queue |"
        )
    return "\n".join(lines)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "latest.json"
    print(table(json.loads(path.read_text())))


if __name__ == "__main__":
    main()
