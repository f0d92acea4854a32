from __future__ import annotations

from typing import Any

from tests.faults.figures import FIGURES, ORDER


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fault injection figures (#12)")
    for name in ORDER:
        terminalreporter.write_line(f"{name:>40}: {FIGURES[name]}")
    for name, value in sorted(FIGURES.items()):
        if name not in ORDER:
            terminalreporter.write_line(f"{name:>40}: {value}")
