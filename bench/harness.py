"""The benchmark harness: each benchmark in its own process, with its own Azurite on a fresh
data directory, so one benchmark's data, caches and leftovers never slow down or speed up
another (a shared Azurite died seeding 200,000 invoices after an earlier benchmark's 100,000).

A benchmark module has ``run(connection: str, scale: float) -> dict`` and prints nothing
(``NEEDS_STORAGE = False`` in a module that uses no storage: it gets no Azurite). Its
figures are ``figure(...)`` entries: each value travels with the baseline it is measured against
in the same run, what that baseline is, and their ratio. The harness adds the wall time and the
storage requests of the whole benchmark per service (tables, blobs, queues; counted at the Azure
SDK clients, see :mod:`shared.adapters.metering`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / ".data" / "bench"

# name -> module; run in this order
BENCHMARKS = {
    "cold_start": "bench.cold_start",
    "local_host": "bench.local_host",
    "bulk_import": "bench.bulk_import",
    "statement_matching": "bench.statement_matching",
    "messaging": "bench.messaging",
    "dunning_run": "bench.dunning_run",
    "portal_overview": "bench.portal_overview",
    "ledger_booking": "bench.ledger_booking",
    "restatement": "bench.restatement",
    "settlement_run": "bench.settlement_run:settlement",
    "usage_meter": "bench.settlement_run:usage",
    "template_render": "bench.template_render",
    "letters": "bench.letters",
    "installment_run": "bench.installment_run",
    "console_money": "bench.console_money",
    "console_pages": "bench.console_pages",
    "console_search": "bench.console_search",
    "statement_parsing": "bench.statement_parsing",
    "statement_scale": "bench.statement_scale",
    "statement_small": "bench.statement_scale:small_client",
}
# The scale each benchmark runs at in a full `make bench` (no --scale), chosen so the whole run
# stays under 20 minutes on the 2-CPU development machine (docs/performance.md, "Round 3",
# lists each one's measured time). A benchmark's ratios do not weaken with it: its baseline
# is measured in the same run at the same scale. 1 is the size each module's docstring
# describes; `--scale F` (`make bench SCALE=F`) runs every chosen benchmark at F instead.
DEFAULT_SCALES: dict[str, float] = {
    "cold_start": 1.0,  # 15 fresh interpreters per command, medians
    "local_host": 1.0,  # 2,000 keep-alive requests, 10 bursts of 100 clients
    "bulk_import": 0.1,  # 10,000 debtors, 10,000 invoices, 1,000-invoice updates
    "statement_matching": 1.0,  # in memory: 10,000 labelled lines, 200,000 invoices
    "messaging": 0.3,  # 150 e-mails each way, 60 letters
    "dunning_run": 0.2,  # 10 clients x 1,000 invoices (and x 100), 200 due
    "portal_overview": 0.3,  # 20 browsers x 30 pages, one browser 60 pages
    "ledger_booking": 0.3,  # 60 debtors
    "restatement": 0.3,  # 3 debtors per trigger at 1, 5 and 20 claims
    "settlement_run": 0.3,  # 6 clients x 150 payments
    "usage_meter": 0.5,  # 10,000 invoices in the history
    "template_render": 1.0,  # 2,000 renders each way
    "letters": 0.3,  # 30 letters x 3 rounds each way (embedded, per-PDF add_font, Helvetica)
    "installment_run": 0.1,  # 10 clients: 10,000 running plans against 1,000, 100 due
    "console_money": 0.1,  # 1,000 debtors
    "console_pages": 0.2,  # 2,000 debtors, 4,000 invoices, 50 requests a page
    "console_search": 0.2,  # 2,000 debtors against 200 (0.1 runs too since matchcopy31)
    "statement_parsing": 0.5,  # 5,000 lines per format, CPU time
    "statement_scale": 0.1,  # 20,000 against 200 open invoices, 200 lines end to end
    "statement_small": 1.0,  # the small client of scale 1 alone (2,000 open invoices), ~10 s
}
TIMEOUT_SECONDS = 15 * 60  # one benchmark; the whole run is meant to stay under 20 minutes
# benchmarks that need longer (statement_scale seeds 200,000 invoices, 1.1 million rows)
TIMEOUTS = {"statement_scale": 45 * 60}


def figure(
    value: float,
    baseline: float,
    *,
    unit: str,
    baseline_is: str,
    goal: str | None = None,
    digits: int = 2,
) -> dict[str, Any]:
    """One measured value next to its baseline from the same run, and value / baseline."""
    out: dict[str, Any] = {
        "value": round(value, digits),
        "baseline": round(baseline, digits),
        "ratio": round(value / baseline, 3) if baseline else None,
        "unit": unit,
        "baseline_is": baseline_is,
    }
    if goal:
        out["goal"] = goal
    return out


def run_here(name: str, scale: float) -> dict[str, Any]:
    """Run one benchmark in this process, on a fresh Azurite of its own."""
    from shared.adapters.metering import METER, StorageMeter
    from tools import azurite

    module_name, _, function = BENCHMARKS[name].partition(":")
    module = importlib.import_module(module_name)
    with contextlib.ExitStack() as stack:
        connection = ""
        if getattr(module, "NEEDS_STORAGE", True):
            data = stack.enter_context(tempfile.TemporaryDirectory(prefix=f"bench-{name}-"))
            # in memory: Azurite's periodic dump of its whole database would be measured too
            ports = stack.enter_context(azurite.running(Path(data), in_memory=True))
            connection = ports.connection_string
            os.environ["AzureWebJobsStorage"] = connection
        before = METER.snapshot()
        began = time.perf_counter()
        result: dict[str, Any] = getattr(module, function or "run")(connection, scale)
        seconds = time.perf_counter() - began
        spent = StorageMeter.since(before, METER.snapshot())
    return {
        "benchmark": name,  # named by the harness, whatever the module put first
        **result,
        "scale": scale,
        "bench_seconds": round(seconds, 1),
        "bench_storage_requests": spent,
    }


def _child(name: str, scale: float) -> dict[str, Any]:
    began = time.perf_counter()
    # a session of its own: on a timeout the whole group goes, the benchmark's Azurite with it
    # (killing only the child left an Azurite holding 100,000 invoices in memory)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.harness", "--child", name, "--scale", str(scale)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=TIMEOUTS.get(name, TIMEOUT_SECONDS))
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        limit = TIMEOUTS.get(name, TIMEOUT_SECONDS)
        return {"benchmark": name, "error": f"did not finish in {limit} s"}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        return {"benchmark": name, "error": f"exit {proc.returncode}", "stderr": tail}
    result: dict[str, Any] = json.loads(lines[-1])
    result["process_seconds"] = round(time.perf_counter() - began, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--only", default="", help=f"comma-separated, from: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=None,
        help="every benchmark at this scale (1: full size; 0.1 a quick look); "
        "without it, each at its DEFAULT_SCALES entry",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.child:
        scale = DEFAULT_SCALES.get(args.child, 1.0) if args.scale is None else args.scale
        print(json.dumps(run_here(args.child, scale)), flush=True)
        return 0
    chosen = [n for n in args.only.split(",") if n] or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    began = time.perf_counter()
    results = []
    for name in chosen:
        scale = DEFAULT_SCALES.get(name, 1.0) if args.scale is None else args.scale
        result = _child(name, scale)
        results.append(result)
        print(json.dumps(result), flush=True)
    total = round(time.perf_counter() - began, 1)
    summary = {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench"
        + (f" --only {args.only}" if args.only else "")
        + (f" --scale {args.scale:g}" if args.scale is not None else " (default scales)"),
        "total_seconds": total,
        "cpus": os.cpu_count(),
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"# {len(results)} benchmarks in {total} s; all figures in .data/bench/latest.json")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
