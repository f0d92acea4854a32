"""failure31 F2: a payment's booking cut off around its contact-log line ("Payment of …
received") and delivered again wrote the line twice (cut after the line, before the return
reference's row that tells a redelivery the first one finished) or never (cut before the
line of a payment without a return reference: Mollie, the portal, staff). The line is written
once under the id the payment row keeps (``Payment.told_as``), whatever the cut.

Story of tests/unit/payments (test_client_sync_receipts' _handed_over): F1 1,000.00; p1 300.00
paid on F1, by the bank (with the end-to-end id a return quotes) or through Mollie (without)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.records import PaymentSource
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.payments.test_client_sync_receipts import _handed_over


@pytest.mark.parametrize("source", [PaymentSource.BANK, PaymentSource.MOLLIE])
@pytest.mark.parametrize("cut", ["none", "before-line", "after-line"])
def test_payment_received_logged_once(cut: str, source: PaymentSource) -> None:
    world = make_world()
    client = _handed_over(world)
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    p = world.services.payments
    reference = "E2E-1" if source is PaymentSource.BANK else None

    def book() -> None:
        p.book(client, payment_id="p1", amount=30000, received_on=date(2026, 3, 2),
               source=source, invoice_numbers=["F1"], return_reference=reference)  # fmt: skip

    contacts = world.services.repos.contacts
    banking = world.services.repos.banking
    if cut != "none":

        def crash(*_: Any) -> Any:
            raise SimulatedCrash(cut)

        with pytest.MonkeyPatch.context() as m:
            if cut == "before-line":
                m.setattr(contacts, "add", crash)
                m.setattr(contacts, "add_once", crash)
                m.setattr(contacts, "add_claimed", crash)
            elif reference is not None:
                m.setattr(banking, "remember_payment", crash)
            else:  # no later write: cut in the listeners told after the line
                m.setattr(p, "_follow_up", crash)
            with pytest.raises(SimulatedCrash):
                book()
        world.clock.at = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
    book()  # delivered (again)
    book()  # and once more: a redelivery of a finished booking adds nothing
    logged = [c for c in contacts.between(client.client_id) if c.summary.startswith("Payment of")]
    assert len(logged) == 1, [c.summary for c in logged]
    if reference is not None:
        assert [r.payment_id for r in banking.payments_for(client.client_id, reference)] == ["p1"]
