"""Cold start guard: what a fresh worker loads before its first request.

The Functions worker imports ``function_app`` when an instance starts; every module imported
there is paid by every trigger on every new instance. These tests check *which* modules load
(a correctness guard: a function module imported something heavy at module level), not how
long it takes (``make bench BENCH=cold_start`` measures that). The fix for a failure is the
pattern in ``functions/__init__.py``: import inside the handler.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Libraries and layers a trigger loads on first use, never at indexing.
HEAVY = (
    "fpdf",
    "jinja2",
    "pydantic",
    "segno",
    "phonenumbers",
    "mt940",
    "defusedxml",
    "msal",
    "httpx",
    "requests",
    "azure.identity",
    "azure.data.tables",
    "azure.storage.blob",
    "azure.storage.queue",
    "shared.bootstrap",
    "shared.services",
    "shared.adapters",
    "shared.api",
)


def _loaded_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out))


def _heavy(modules: set[str], heavy: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in heavy))


def test_indexing_the_app_loads_no_heavy_module() -> None:
    loaded = _loaded_after("import function_app")
    assert "functions" in loaded  # the blueprints were imported ...
    assert _heavy(loaded, HEAVY) == []  # ... and none of them pulled in what a handler uses


def test_every_function_is_still_registered() -> None:
    """The lazy imports moved code into the handlers, not functions out of the app."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import function_app; print(len(function_app.app._function_builders))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(out) >= 20


def test_a_law_command_loads_only_its_own_module() -> None:
    loaded = _loaded_after(
        "import contextlib, io\n"
        "from shared.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['costs', '100']) == 0"
    )
    assert "shared.cli.law_commands" in loaded
    assert _heavy(loaded, ("shared.cli.admin_commands", "shared.cli.statement_commands")) == []
    assert _heavy(loaded, HEAVY) == []


def test_help_still_lists_every_command() -> None:
    from shared.cli.main import COMMANDS, build_parser

    usage = build_parser().format_usage()
    assert all(command in usage for command in COMMANDS)
