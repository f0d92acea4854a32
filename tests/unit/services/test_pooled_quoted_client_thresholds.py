"""On the agency's pooled account the booking thresholds of a client that does not allow
matching there, let in by a line quoting its code (newcomer19 F10), hold that line only. They
held the whole file: TECH switched automatic booking off for its own statements, one line of
the agency's file paid TECH's case, and C2's payment by its exact payment reference in the same
file became a suggestion (booked 0, suggested 2; alone it is booked: codereview20 F5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_pooled_case_quote_without_opt_in import POOLED, _tech
from tests.unit.services.test_pooled_handed_over_quote import invoice
from tests.unit.services.test_statement_ingest import paid_line, statement


@pytest.mark.parametrize("window", [1, None], ids=["line-by-line", "window"])
def test_a_quoted_clients_own_switch_holds_its_own_line_only(world, window):  # type: ignore[no-untyped-def]
    if window is not None:
        world.services.statements.window = window
    tech = _tech(world, handed_over=True)
    found = world.services.repos.clients.get(tech.client_id)
    world.services.repos.clients.save(replace(found[0], auto_book=False), found[1])
    a = world.agency_a
    row = client_row("C2", allow_third_party_matching=True, charge_interest=False)
    a.call("POST", "/v1/clients", {"items": [row]})
    verify_ibans(a, "C2")
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("D-1")]})
    a.call("POST", "/v1/clients/C2/invoices",
           {"items": [invoice_row("F-0001", "D-1", amount="50.00")]})  # fmt: skip
    reference = invoice(world, "C2", "F-0001")["payment_reference"]
    [case] = a.call("GET", "/v1/cases").body["items"]
    lines = [
        paid_line(12_100, case["transfer_quote"], end_to_end_id="E-1", name="CAFE T HOEKJE"),
        paid_line(5_000, "", reference=reference, end_to_end_id="E-2"),
    ]
    report = world.services.statements.ingest(
        "agency-a/pool.sta",
        statement(lines, opening=0, account=POOLED, sid="S1", day=date(2025, 3, 4)),
    )
    assert invoice(world, "C2", "F-0001")["open_amount"] == "0.00"
    # TECH's own line: its switch says a person books it
    assert invoice(world, "TECH", "24-0502")["open_amount"] == "121.00"
    assert (report.booked, report.suggested) == (1, 1)
