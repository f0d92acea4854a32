"""A handed-over debtor's payment to the agency's pooled account, booked on a client that does
not allow matching there because the line quoted the client's code while the agency holds a
case of its (newcomer19 F10), is undone when the bank returns it, as one of a client that
allows matching is. The return quotes no code, so the client was not among those the file's
lines let in: the invoice stayed paid (open 0.00), the agency's item said "without a booked
original", and the settlement run would pay the client 121.00 that went back to the debtor
(codereview20 F4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shared.domain.statements.mt940_writer import OutLine
from tests.unit.services.test_pooled_case_quote_without_opt_in import POOLED, _tech
from tests.unit.services.test_pooled_handed_over_quote import invoice
from tests.unit.services.test_statement_ingest import PAYER, paid_line, statement


@pytest.mark.parametrize("allows_matching", [False, True])
def test_the_return_of_a_quoted_payment_reopens_the_invoice(world, allows_matching):  # type: ignore[no-untyped-def]
    tech = _tech(world, handed_over=True)
    if allows_matching:  # the comparison: a client that allows matching on the pooled account
        found = world.services.repos.clients.get(tech.client_id)
        world.services.repos.clients.save(
            replace(found[0], allow_third_party_matching=True), found[1]
        )
    [case] = world.agency_a.call("GET", "/v1/cases").body["items"]
    paid = paid_line(12_100, case["transfer_quote"], end_to_end_id="E-1", name="CAFE T HOEKJE")
    world.services.statements.ingest(
        "agency-a/pool.sta",
        statement([paid], opening=0, account=POOLED, sid="S1", day=date(2025, 3, 4)),
    )
    assert invoice(world, "TECH", "24-0502")["open_amount"] == "0.00"
    back = OutLine(date(2025, 3, 6), -12_100, "retour", counterparty_iban=PAYER,
                   counterparty_name="CAFE T HOEKJE", return_reason="AC04",
                   end_to_end_id="E-1")  # fmt: skip
    world.services.statements.ingest(
        "agency-a/back.sta",
        statement([back], opening=12_100, account=POOLED, sid="S2", day=date(2025, 3, 6)),
    )
    assert invoice(world, "TECH", "24-0502")["open_amount"] == "121.00"
    items, _ = world.services.repos.actions.list("@agency-a")
    assert [i.title for i in items if i.kind == "unmatched_return"] == []
