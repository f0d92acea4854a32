"""Cold start: what a new worker pays before its first request, and what the CLI pays per call.

Each command runs in a fresh interpreter, several times, interleaved (so a busy moment of the
machine hits every command alike); the figure is the median wall time. Baselines from the same
run: ``import azure.functions`` (what any v2 app must import) for ``import function_app``, and
``python -c pass`` (an empty interpreter) for ``inning costs 100``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import figure

NEEDS_STORAGE = False
ROOT = Path(__file__).resolve().parent.parent


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("inning")  # the installed console script
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "shared.cli.main"]


def _modules(statement: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{statement}\nprint(len(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out)


def run(_connection: str, scale: float) -> dict[str, Any]:
    runs = max(5, int(15 * scale))
    commands = {
        "empty": [sys.executable, "-c", "pass"],
        "azure_functions": [sys.executable, "-c", "import azure.functions"],
        "function_app": [sys.executable, "-c", "import function_app"],
        "cli_costs": [*_cli(), "costs", "100"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            began = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            times[name].append(time.perf_counter() - began)
    ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return {
        "benchmark": "cold_start",
        "runs_per_command": runs,
        "figures": {
            "import_function_app_ms": figure(
                ms["function_app"],
                ms["azure_functions"],
                unit="ms (median, fresh interpreter)",
                baseline_is="import azure.functions",
                goal="ratio <= 3",
                digits=1,
            ),
            "modules_after_import_function_app": figure(
                _modules("import function_app"),
                _modules("import azure.functions"),
                unit="modules in sys.modules",
                baseline_is="import azure.functions",
                digits=0,
            ),
            "cli_costs_ms": figure(
                ms["cli_costs"],
                ms["empty"],
                unit="ms (median, fresh interpreter)",
                baseline_is="python -c pass",
                goal="ratio <= 3",
                digits=1,
            ),
        },
    }
