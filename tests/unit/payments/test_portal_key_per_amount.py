# ruff: noqa: F811
"""review33b: the invoice pay button's Idempotency-Key answers one payment for one amount.
A click whose Mollie answer was lost keeps its claim (``open|…``) and key, so that the next
click finds the payment Mollie made; but when a transfer lowered the claim meanwhile, that
next click sent the same key with another amount: Mollie answers the first payment (the old,
higher amount) or refuses the key (the local Mollie: 400), and either way the debtor got no
checkout for what is open now. The key is now bound to the amount it asks."""

from __future__ import annotations

import pytest

from shared.adapters.mollie import MollieError
from shared.clock import amsterdam_date
from shared.domain.records import PaymentSource
from tests.unit.payments.test_portal_checkout_reuse import BASE, _access
from tests.unit.plans.test_plan_mollie import mollie, the_client, world  # noqa: F401


def test_a_lower_claim_after_a_lost_answer_gets_a_payment_for_what_is_open(
    world, mollie, monkeypatch
):
    portal = world.services.portal
    online = portal.online
    access = _access(world)
    real = online.start

    def lost(*args, **kwargs):
        real(*args, **kwargs)  # Mollie made the payment; its answer never came back
        raise MollieError("read timed out", transient=True)

    monkeypatch.setattr(online, "start", lost)
    with pytest.raises(MollieError):
        portal.pay(access, ["F1"], BASE)
    monkeypatch.setattr(online, "start", real)
    client = the_client(world)
    world.services.payments.book(
        client, payment_id="bank-1", amount=1_000, received_on=amsterdam_date(world.clock.now()),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    checkout = portal.pay(access, ["F1"], BASE)
    payment = online.provider_for(client)
    assert payment is not None
    asked = payment.get_payment(checkout.rsplit("=", 1)[1])
    today = amsterdam_date(world.clock.now())
    claims = online.payments.ledger.open_claims(client, ["F1"], today)
    assert asked is not None and asked.amount == sum(c.open.total for c in claims.values())
    assert mollie.created == 2
