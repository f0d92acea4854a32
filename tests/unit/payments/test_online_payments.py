"""Online payments through the simulation and through a Mollie stand-in: booked once by law,
refunds reopen, unknown ids change nothing."""

from __future__ import annotations

import json

import httpx
import pytest

from shared.adapters.mollie import MollieClient
from tests.conftest import MOLLIE
from tests.support.stand_in import Received, Reply, serve
from tests.unit.payments.conftest import claim_total, deliver_webhooks, status


def test_simulated_payment_of_two_invoices_is_booked_once(shop):
    world, client = shop
    online = world.services.online_payments
    owed = claim_total(world, "F1") + claim_total(world, "F2")
    assert owed > 17_100  # interest has accrued since the due date: the whole claim is asked
    started = online.start(client, "D1", ["F1", "F2"], "https://portal.example/return")
    assert started.simulated and "/api/pay/simulate/" in started.checkout_url
    assert online.status(client, started.payment_id) == "open"
    online.simulation.settle(started.payment_id, "paid")
    for _ in range(10):
        online.webhook(started.payment_id)  # Mollie may call ten times
    assert set(deliver_webhooks(world)) == {"paid"}
    assert status(world, "F1") == "paid" and status(world, "F2") == "paid"
    payments = world.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert (
        len(payments) == 1 and payments[0]["amount"] == owed and payments[0]["source"] == "mollie"
    )
    assert claim_total(world, "F1") == claim_total(world, "F2") == 0


def test_failed_expired_canceled_change_nothing(shop):
    world, client = shop
    online = world.services.online_payments
    for outcome in ("failed", "expired", "canceled"):
        started = online.start(client, "D1", ["F1"], "https://x/return")
        online.simulation.settle(started.payment_id, outcome)
        online.webhook(started.payment_id)
        assert deliver_webhooks(world) == [outcome]
    assert status(world, "F1") == "open"


def test_unknown_or_foreign_ids_change_nothing(shop):
    world, client = shop
    online = world.services.online_payments
    online.webhook("tr_doesnotexist")
    assert deliver_webhooks(world) == []  # not ours: not even queued
    assert online.process("tr_doesnotexist") == "unknown"  # a job queued before that rule
    with pytest.raises(Exception, match="no such invoices"):
        online.start(client, "D2", ["F1"], "https://x")  # F1 is not D2's


def test_refund_reopens_and_counts_against_the_debtor(shop):
    world, client = shop
    online = world.services.online_payments
    started = online.start(client, "D1", ["F1"], "https://x/return")
    online.simulation.settle(started.payment_id, "paid")
    online.webhook(started.payment_id)
    deliver_webhooks(world)
    assert status(world, "F1") == "paid"
    online.simulation.settle(started.payment_id, "refunded")
    online.webhook(started.payment_id)
    online.webhook(started.payment_id)
    assert deliver_webhooks(world) == ["refund", "refund"]
    assert status(world, "F1") == "open"
    assert online.refunds_this_year(client.client_id, "D1") == 1
    kinds = [x["kind"] for x in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "payment_reversed" in kinds


def test_with_a_mollie_key_the_real_api_is_asked(shop):
    world, client = shop
    paid = json.loads((MOLLIE / "payment_single.json").read_text())
    created = {}

    def mollie(r: Received) -> Reply:
        if r.method == "POST":
            created["amount"] = r.json()["amount"]
            body = dict(
                paid,
                id="tr_real1",
                status="open",
                amount=r.json()["amount"],
                metadata=r.json()["metadata"],
            )
            return Reply(201, body)
        if r.path == "/v2/payments/tr_real1":
            settled = {
                "amountRefunded": {"value": "0.00", "currency": "EUR"},
                "amountChargedBack": {"value": "0.00", "currency": "EUR"},
            }
            return Reply(
                200,
                dict(
                    paid,
                    id="tr_real1",
                    status="paid",
                    amount=created["amount"],
                    **settled,
                ),
            )
        return Reply(404, {"status": 404})

    with serve(mollie) as server:
        online = world.services.online_payments
        online.providers = {"MOLLIE_KEY_C1": "test_key"}
        online._client_for_key = lambda key: MollieClient(
            key, base_url=f"{server.url}/v2", http=httpx.Client()
        )
        owed = claim_total(world, "F1")
        started = online.start(client, "D1", ["F1"], "https://x/return")
        assert not started.simulated
        sent = server.received[0].json()
        assert sent["webhookUrl"].endswith("/api/mollie/webhook") and sent["amount"] == {
            "currency": "EUR",
            "value": f"{owed // 100}.{owed % 100:02d}",
        }
        online.webhook("tr_real1")
        assert deliver_webhooks(world) == ["paid"]
    assert status(world, "F1") == "paid" and claim_total(world, "F1") == 0


def test_no_simulation_outside_local(shop):
    world, client = shop
    online = world.services.online_payments
    online.allow_simulation = False
    with pytest.raises(Exception, match="no Mollie key"):
        online.start(client, "D1", ["F1"], "https://x")


def test_refunds_of_debtor_d10_do_not_count_for_d1(shop):
    from shared.adapters.tables.keys import encode
    from shared.adapters.tables.messaging_repo import USAGE

    world, client = shop
    online = world.services.online_payments
    year = world.clock.now().year
    online.counters.increment(USAGE, client.client_id, f"refunds|{year}|{encode('D10')}")
    assert online.refunds_this_year(client.client_id, "D10") == 1
    assert online.refunds_this_year(client.client_id, "D1") == 0
