"""failure11b B2 / law11b F3: 250.00 sent to the agency's ING third-party account, 12.50 kept
by the bank, 237.50 arrived and settled; then the 237.50 goes back (a return). The invoice
reopens at 250.00 (the debtor's claim is his again) and the next settlement undoes the charges
line with the payment: the client and the agency end where they started, and the account,
237.50 in and 237.50 out, holds nothing owned by no one (it held 12.50 before)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import tests.unit.settlement.test_bank_charges as tb
from shared.domain.settlement.agreement import Recipient


@pytest.mark.parametrize("by", [Recipient.CLIENT, Recipient.AGENCY])
def test_a_returned_charged_credit_leaves_nothing_on_the_account(world, by) -> None:  # type: ignore[no-untyped-def]
    ref = tb._pooled_world(world, by)
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    assert world.services.statements.ingest("agency-a/ing.sta", tb._ing_file(ref)).booked == 1
    t1 = tb._settle(world, date(2026, 12, 3)).totals
    assert t1.bank_charges == 1_250
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    client, _ = world.services.repos.clients.get(cid)
    (paid,) = list(world.services.settlements.store.payments_of(cid))
    world.clock.at = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(client, paid.payment_id, "returned FOCR", date(2026, 12, 4))
    t2 = tb._settle(world, date(2026, 12, 5)).totals
    assert t2.bank_charges == -1_250  # undone with the payment
    assert t2.net == -t1.payout  # 204.62 (client bears, VAT on them) or 219.75 claimed back
    arrived, returned = 23_750, 23_750
    agency = sum(t.commission + t.fee_vat - t.bank_charges_by_agency for t in (t1, t2))
    assert agency == 0
    assert arrived - returned - (t1.payout + t2.net) - agency == 0
    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/N10-9").body
    assert (invoice["status"], invoice["open_amount"]) == ("open", "250.00")
