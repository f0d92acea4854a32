"""failure14b Q5: a return cut off after PaymentService.reverse saved the row reversed (its
save_if under the ETag) and before the contact log and the payment_reversed item: the
redelivery reads reversed=True and returns early; staff are never told the money came back.

Story of tests/unit/payments (test_client_sync_receipts' _handed_over): F1 1,000.00; p1 300.00
booked on F1 by the bank; the bank returns it (AC04)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.records import PaymentSource
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.payments.test_client_sync_receipts import _handed_over


@pytest.mark.parametrize("cut", [False, True], ids=["control-whole", "cut-after-row"])
def test_return_cut_after_the_row(cut: bool) -> None:
    world = make_world()
    client = _handed_over(world)
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    p = world.services.payments
    p.book(client, payment_id="p1", amount=30000, received_on=date(2026, 3, 2),
           source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    contacts = world.services.repos.contacts
    real = contacts.add_once  # the return's line is written once under its key
    if cut:

        def crash(entry: Any) -> Any:
            if "reversed" in entry.summary:
                raise SimulatedCrash("after the ledger took the money back")
            return real(entry)

        with pytest.MonkeyPatch.context() as m:
            m.setattr(contacts, "add_once", crash)
            with pytest.raises(SimulatedCrash):
                p.reverse(client, "p1", "returned by the bank (AC04)", date(2026, 3, 5))
    p.reverse(client, "p1", "returned by the bank (AC04)", date(2026, 3, 5))  # redelivered
    items = [i for i in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
             if i["kind"] == "payment_reversed"]  # fmt: skip
    logged = [c.summary for c in contacts.between(client.client_id) if "reversed" in c.summary]
    assert len(items) == 1 and len(logged) == 1
