"""review32 on failure32 #2: a file of two statements whose first delivery was cut off after
the first statement's mark (before the second's, before its report). The redelivery skips the
first (its own mark: what it booked is counted from its lines, ``booked_before_the_cut``) and
books the second. Only a file skipped whole was reported with those figures: this one's report
named the second statement's lines alone, as if the first's were never booked."""

from __future__ import annotations

from shared.adapters.tables.keys import encode
from shared.services.payment_overview import STATEMENT_REPORTS
from shared.services.statements import IngestReport
from tests.unit.services.test_statement_ingest import setup

__all__ = ["setup"]  # the fixture

NAME = "agency-a/inbox/day.sta"


def _row(world):  # type: ignore[no-untyped-def]
    found = world.services.repos.store.get(STATEMENT_REPORTS, encode("agency-a"), encode(NAME))
    assert found is not None
    return found.data


def test_a_file_partly_booked_before_the_cut_reports_both_parts(setup):  # type: ignore[no-untyped-def]
    report = IngestReport(NAME, "booked", statements=2, statements_skipped=1, lines=2, booked=1,
                          suggested=1)  # fmt: skip
    report.booked_before_the_cut = {"lines": 3, "booked": 2, "suggested": 0, "unmatched": 1,
                                    "returned": 0}  # fmt: skip
    setup.services.payment_overview.remember(report)
    row = _row(setup)
    assert (row["Status"], row["Lines"], row["Booked"], row["Suggested"], row["Unmatched"]) == (
        "booked", 5, 3, 1, 1,
    )  # fmt: skip


def test_a_file_booked_now_whole_reports_its_own_figures(setup):  # type: ignore[no-untyped-def]
    setup.services.payment_overview.remember(IngestReport(NAME, "booked", lines=2, booked=2))
    row = _row(setup)
    assert (row["Status"], row["Lines"], row["Booked"]) == ("booked", 2, 2)
