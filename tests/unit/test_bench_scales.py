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


def test_statement_scale_bounds_a_10000_line_file_from_cpu_and_azurite_alone():
    from bench.statement_scale import bounds_per_10000

    out = {
        "e2e_lines": 400,
        "e2e_cpu_seconds": 2.4,
        "range_reads_per_line_e2e": 3.75,
        "azurite_range_read_ms_large": 12.0,
    }
    assert bounds_per_10000(out) == {
        "e2e_cpu_seconds_per_10000_lines": 60.0,  # 6 ms a line
        "e2e_azurite_range_seconds_per_10000_lines": 450.0,  # 37,500 reads of 12 ms
    }


def test_statement_scale_splits_range_reads_by_table():
    from bench.statement_scale import _reads_by_kind

    by_site = {
        "Invoices query - <- statements_window._invoice_rows": 1.0,
        "Invoices query invoices_repo.for_debtor <- statements._line": 0.25,
        "Ledger query ledger_repo._claims_of <- service.debtor_claims": 0.5,
        "MatchIndex query match_index_repo.by_amount <- statement_lookups.by_amount": 0.5,
        "Debtors get parties_repo.get <- statement_lookups.debtor": 0.2,
    }
    assert _reads_by_kind(by_site, "e2e") == {
        "range_reads_per_line_e2e": 2.25,
        "point_reads_per_line_e2e": 0.2,
        "range_reads_per_line_by_table_e2e": {"Invoices": 1.25, "Ledger": 0.5, "MatchIndex": 0.5},
    }
