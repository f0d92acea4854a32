"""A client that does not allow matching on the agency's pooled account is matched there only
on a line that quotes its code while the agency holds a case of its (newcomer19 F10). The code
was gathered from every line of the file and the client taken in for all of them: one line of
a day's file quoting TECH's case made TECH's whole book matchable for every other line of that
file, and "factuur 24-0503" from another debtor, no code, booked TECH's invoice it did not
book in a file of its own (codereview20 F1)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.services.test_pooled_case_quote_without_opt_in import POOLED, _tech
from tests.unit.services.test_pooled_handed_over_quote import invoice
from tests.unit.services.test_statement_ingest import paid_line, statement


def _other_line():  # type: ignore[no-untyped-def]
    return paid_line(5_000, "factuur 24-0503", end_to_end_id="E-2", name="BAKKERIJ DE ZON")


def _setup(world):  # type: ignore[no-untyped-def]
    tech = _tech(world, handed_over=True)
    world.agency_a.call("POST", "/v1/clients/TECH/debtors",
                        {"items": [debtor_row("K102", kind="b2b", name="Bakkerij De Zon")]})  # fmt: skip
    world.agency_a.call("POST", "/v1/clients/TECH/invoices",
                        {"items": [invoice_row("24-0503", "K102", amount="50.00")]})  # fmt: skip
    return tech


@pytest.mark.parametrize("window", [1, None], ids=["line-by-line", "window"])
def test_a_line_without_the_code_books_nothing_of_the_client_beside_one_with_it(world, window):  # type: ignore[no-untyped-def]
    _setup(world)
    if window is not None:
        world.services.statements.window = window
    [case] = world.agency_a.call("GET", "/v1/cases").body["items"]
    quoted = paid_line(12_100, case["transfer_quote"], end_to_end_id="E-1", name="CAFE T HOEKJE")
    report = world.services.statements.ingest(
        "agency-a/pool.sta",
        statement([quoted, _other_line()], opening=0, account=POOLED, sid="S1",
                  day=date(2025, 3, 4)),
    )  # fmt: skip
    assert invoice(world, "TECH", "24-0502")["open_amount"] == "0.00"
    # the line that quotes no code is the agency's to look at, as it is in a file alone
    assert invoice(world, "TECH", "24-0503")["open_amount"] == "50.00"
    assert report.booked == 1


def test_the_same_line_alone_books_nothing(world):  # type: ignore[no-untyped-def]
    _setup(world)
    report = world.services.statements.ingest(
        "agency-a/pool.sta",
        statement([_other_line()], opening=0, account=POOLED, sid="S1", day=date(2025, 3, 4)),
    )
    assert report.booked == 0
    assert invoice(world, "TECH", "24-0503")["open_amount"] == "50.00"
