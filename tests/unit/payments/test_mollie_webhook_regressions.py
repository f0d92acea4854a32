"""Issue 12, item 8: Mollie webhooks. Concurrent deliveries log "payment received" once; after
a refund, later webhooks never book the reversed payment again; webhook ids are checked before
they are queued. Only what existed before the claim ledger is used here, so each test fails on
the code before the fix for the reason it names."""

from __future__ import annotations

import threading

import pytest

from shared.adapters.tables.memory import InMemoryTableStore
from shared.ports.tables import Row
from tests.unit.payments.conftest import deliver_webhooks, status


def contacts(world, debtor="D1"):
    return [
        x["summary"]
        for x in world.agency_a.call("GET", f"/v1/clients/C1/debtors/{debtor}/contacts").body[
            "items"
        ]
    ]


def received(world):
    return [s for s in contacts(world) if " received " in s]


def started_and_paid(world, client, numbers=("F1",)):
    online = world.services.online_payments
    started = online.start(client, "D1", list(numbers), "https://x/return")
    online.simulation.settle(started.payment_id, "paid")
    return started.payment_id


def test_after_a_refund_later_webhooks_never_book_it_again(shop):
    world, client = shop
    online = world.services.online_payments
    payment_id = started_and_paid(world, client)
    online.webhook(payment_id)
    assert deliver_webhooks(world) == ["paid"]
    online.simulation.settle(payment_id, "refunded")
    online.webhook(payment_id)
    assert deliver_webhooks(world) == ["refund"]
    logged = len(contacts(world))
    for _ in range(3):
        online.webhook(payment_id)
        deliver_webhooks(world)
        assert status(world, "F1") == "open"
    assert len(contacts(world)) == logged  # no "received", no "reversed" again
    assert len(received(world)) == 1
    payments = world.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert len(payments) == 1 and payments[0]["reversed"] is True


def test_a_delivery_that_loses_the_race_logs_nothing(shop):
    """The second delivery runs to its end while the first is between its check and its
    write: the payment is booked and logged once."""
    world, client = shop
    online = world.services.online_payments
    payment_id = started_and_paid(world, client)
    store = world.store
    original = InMemoryTableStore.insert
    state = {"nested": False}

    def insert(self, table: str, row: Row) -> Row:
        if table == "Payments" and not state["nested"]:
            state["nested"] = True
            online.process(payment_id)
        return original(self, table, row)

    store.insert = insert.__get__(store)  # type: ignore[method-assign]
    try:
        assert online.process(payment_id) == "paid"
    finally:
        del store.insert
    assert state["nested"] and len(received(world)) == 1
    assert status(world, "F1") == "paid"


def test_six_concurrent_deliveries_log_once(shop):
    world, client = shop
    online = world.services.online_payments
    payment_id = started_and_paid(world, client, ("F1", "F2"))
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def deliver() -> None:
        barrier.wait()
        try:
            online.process(payment_id)
        except BaseException as exc:  # reported below, after the join
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(received(world)) == 1
    assert status(world, "F1") == "paid" and status(world, "F2") == "paid"


@pytest.mark.parametrize(
    "bad", ["", "../../x", "tr_" + "a" * 65, "tr_a|b", "re_abc", "tr_ä", "tr_abc\n", "x" * 5000]
)
def test_webhook_ids_are_checked_before_they_are_queued(shop, bad):
    world, _ = shop
    assert world.services.online_payments.webhook(bad) is False
    assert world.services.messaging.queues.take("mollie-webhook") == []


def test_an_id_that_is_not_ours_is_answered_and_never_queued(shop):
    """Anyone can call the webhook: an id Inning never started costs one point read, no queue
    message, no execution, no call to Mollie (the answer is the same as for one of ours)."""
    world, _ = shop
    assert world.services.online_payments.webhook("tr_WDqYK6vllg") is True
    assert world.services.messaging.queues.take("mollie-webhook") == []


def test_calls_for_one_payment_coalesce_while_its_job_waits(shop):
    """50 calls for a payment of ours while its job waits make one job (the job reads
    Mollie's state when it runs, which includes every change called about); a call after the
    job began, or a minute after a job that never ran, is queued again."""
    world, client = shop
    online = world.services.online_payments
    payment_id = started_and_paid(world, client)
    for _ in range(50):
        online.webhook(payment_id)
    assert deliver_webhooks(world) == ["paid"]
    world.clock.advance(seconds=1)
    online.webhook(payment_id)  # after the job began: a change may have come since
    online.webhook(payment_id)
    assert len(world.services.messaging.queues.take("mollie-webhook")) == 1  # lost on the way
    world.clock.advance(seconds=61)
    online.webhook(payment_id)
    assert deliver_webhooks(world) == ["paid"]
