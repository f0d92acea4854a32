# ruff: noqa: F811
"""failure7 #4: a debtor pays on the portal while our storage is down, so every webhook call of
Mollie fails (500) until Mollie stops retrying. The app's own timers then book it: the
reconcile timer asks Mollie about the payment and books it through the webhook's path, on the
day it was paid, and dunning stops."""

from __future__ import annotations

from datetime import date, timedelta

from azure.core.exceptions import ServiceRequestError

from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.payments.conftest import shop, status  # noqa: F401


def test_a_portal_payment_whose_webhooks_all_failed_is_booked_by_the_timer(shop):
    world, client = shop
    online = world.services.online_payments
    started = online.start(client, "D1", ["F1"], "https://x/return")
    online.simulation.settle(started.payment_id, "paid")  # the debtor paid at Mollie, 20 March
    # Mollie calls the webhook; storage is down: the HTTP function raises -> 500, Mollie retries
    real_get = world.services.repos.store.get

    def down(*a, **k):
        raise ServiceRequestError("storage unreachable")

    world.services.repos.store.get = down
    for _ in range(10):
        try:
            online.webhook(started.payment_id)
        except ServiceRequestError:
            pass
    world.services.repos.store.get = real_get
    assert world.services.messaging.queues.take("mollie-webhook") == []
    # storage is back; Mollie has given up. The app's own timers, every 15 minutes for a day:
    for _ in range(4 * 24):
        world.clock.at = world.clock.now() + timedelta(minutes=15)
        world.services.mollie_reconciliation.run()
    assert status(world, "F1") == "paid"
    booked = world.services.repos.payments.get(client.client_id, f"mollie-{started.payment_id}")
    assert booked is not None and booked.received_on == date(2025, 3, 20)
