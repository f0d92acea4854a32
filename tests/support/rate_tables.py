"""The shipped statutory rate table as it was before its 2026-07-01 row (rates14).

Many tests play a half-year row that reaches Inning late: payments booked on the table in
force, then the 2026-07-01 row put in force and the claims restated. They were written when
the shipped table ended at 2026-01-01, and their worked figures (docs/law.md) start from that
table. Now that the 2026-07-01 row is shipped, they start from this copy of the older table
instead: the fixture ``shipped_before_july_2026`` (tests/conftest.py) makes it the shipped
table for one test, and ``table_before_july_2026`` gives it to build the newer CSVs from."""

from __future__ import annotations

from shared.domain.law.interest_rates import RateTable, parse_rate_table
from tests.support.code_scan import ROOT

BEFORE_JULY_2026 = ROOT / "tests" / "fixtures" / "statutory_rates_until_2026-01-01.csv"


def table_before_july_2026() -> RateTable:
    return parse_rate_table(BEFORE_JULY_2026.read_text(encoding="utf-8").splitlines())
