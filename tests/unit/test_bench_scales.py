"""A full `make bench` runs each benchmark at its documented default scale; one left out of
DEFAULT_SCALES would silently run at full size and break the 20-minute budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import harness


def test_every_benchmark_has_a_default_scale():
    assert set(harness.DEFAULT_SCALES) == set(harness.BENCHMARKS)
    assert all(0 < scale <= 1 for scale in harness.DEFAULT_SCALES.values())


def test_an_explicit_scale_overrides_the_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    ran: list[tuple[str, float]] = []

    def child(name: str, scale: float) -> dict[str, Any]:
        ran.append((name, scale))
        return {"benchmark": name}

    monkeypatch.setattr(harness, "_child", child)
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    harness.main(["--only", "bulk_import,cold_start"])
    assert ran == [("bulk_import", harness.DEFAULT_SCALES["bulk_import"]), ("cold_start", 1.0)]
    ran.clear()
    harness.main(["--only", "bulk_import", "--scale", "1"])
    assert ran == [("bulk_import", 1.0)]
