"""The hostile-input corpus: every input must end in a clear 4xx, a quarantine with a report
or an action item; never a 500, a crash or silence. Outcomes are counted and printed."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.unit.api.conftest import world  # noqa: F401 - the in-memory app

OUTCOMES: Counter[str] = Counter()


def record(kind: str, status: int) -> None:
    OUTCOMES[f"{kind}: {status}"] += 1
    OUTCOMES["tried"] += 1
    if status >= 500:
        OUTCOMES["500s"] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not OUTCOMES:
        return
    terminalreporter.section("hostile inputs (#12): how each ended")
    for name, count in sorted(OUTCOMES.items()):
        terminalreporter.write_line(f"{name:>50}: {count}")
