"""An online payment refunded or charged back in steps: after every step exactly what the
debtor did not get back stays booked (one net booking, the earlier one reversed), however
often Mollie calls the webhook."""

from __future__ import annotations

import json

from shared.ports.tables import Row
from tests.unit.payments.conftest import deliver_webhooks

SIMULATED = "SimulatedPayments"


def _set(world, payment_id, **fields):
    store = world.services.online_payments.simulation.store
    row = next(r for r in store.query(SIMULATED, pk="sim").rows if r.rk == payment_id)
    store.upsert(SIMULATED, Row("sim", payment_id, {**row.data, **fields}))


def _live(world, client):
    pays = world.services.repos.payments.list(client.client_id)[0]
    return sorted((p.payment_id, p.amount) for p in pays if not p.reversed)


def _webhook(world, payment_id, times=2):
    """Mollie's call, and the queue delivering its job ``times`` times (at-least-once: Mollie's
    own calls for one payment coalesce while a job waits, see test_mollie_webhook_regressions)."""
    world.services.online_payments.webhook(payment_id)
    for _ in range(times - 1):
        world.services.messaging.queues.send("mollie-webhook", json.dumps({"id": payment_id}))
    return deliver_webhooks(world)


def _paid(world, client):
    online = world.services.online_payments
    started = online.start(client, "D1", ["F1"], "https://x/return")
    online.simulation.settle(started.payment_id, "paid")
    assert _webhook(world, started.payment_id) == ["paid", "paid"]
    (booked,) = _live(world, client)
    return started.payment_id, booked[1]


def test_a_refund_in_two_steps_leaves_nothing_booked(shop):
    world, client = shop
    payment_id, amount = _paid(world, client)
    _set(world, payment_id, Refunded=1000)
    assert _webhook(world, payment_id) == ["refund", "refund"]
    assert _live(world, client) == [(f"mollie-{payment_id}-r1000", amount - 1000)]
    _set(world, payment_id, Refunded=3000)
    _webhook(world, payment_id)
    assert _live(world, client) == [(f"mollie-{payment_id}-r3000", amount - 3000)]
    _set(world, payment_id, Refunded=amount)
    _webhook(world, payment_id)
    assert _live(world, client) == []


def test_a_chargeback_after_a_partial_refund_leaves_nothing_booked(shop):
    world, client = shop
    payment_id, amount = _paid(world, client)
    _set(world, payment_id, Refunded=1000)
    _webhook(world, payment_id)
    _set(world, payment_id, ChargedBack=amount - 1000)
    assert _webhook(world, payment_id) == ["chargeback", "chargeback"]
    assert _live(world, client) == []


def test_a_chargeback_the_bank_reverses_is_booked_again(shop):
    world, client = shop
    payment_id, amount = _paid(world, client)
    _set(world, payment_id, ChargedBack=amount)
    assert _webhook(world, payment_id) == ["chargeback", "chargeback"]
    assert _live(world, client) == []
    _set(world, payment_id, ChargedBack=0)  # the bank reversed the chargeback
    assert _webhook(world, payment_id) == ["paid", "paid"]
    assert _live(world, client) == [(f"mollie-{payment_id}-r0", amount)]


def test_a_payment_staff_reversed_is_not_booked_again_by_a_webhook(shop):
    world, client = shop
    payment_id, _ = _paid(world, client)
    world.services.payments.reverse(client, f"mollie-{payment_id}", "booked in error")
    _webhook(world, payment_id)
    assert _live(world, client) == []
