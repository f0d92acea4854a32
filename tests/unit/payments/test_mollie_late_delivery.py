"""A webhook delivery that read the payment from Mollie before a refund, and finishes after the
refund's own delivery was processed, changes nothing (failure review F4): it read what was
booked before it read Mollie, so a booking made since refuses its claim (ETag) and its message
is retried, reading Mollie afresh; a view that would book nothing books nothing (failure4 #2:
staleness is judged by when a view was read, never by its figures)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from shared.adapters.mollie import MolliePayment
from shared.services.errors import ConflictingUpdate
from tests.unit.payments.conftest import deliver_webhooks
from tests.unit.payments.test_mollie_partial_refunds import _live, _paid, _set


def _late_delivery(world: Any, payment_id: str, meanwhile: Any) -> str:
    """process() reads Mollie, then ``meanwhile`` runs before it goes on (slow storage)."""
    online = world.services.online_payments
    real_get = online.simulation.get_payment
    fetched, go_on = threading.Event(), threading.Event()

    def slow_get(pid: str) -> MolliePayment | None:
        payment: MolliePayment | None = real_get(pid)
        if threading.current_thread().name == "late":
            fetched.set()
            go_on.wait(timeout=10)
        return payment

    online.simulation.get_payment = slow_get
    out: list[str] = []

    def run() -> None:
        try:
            out.append(online.process(payment_id))
        except ConflictingUpdate:
            out.append("retried")  # the queue delivers the message again

    late = threading.Thread(target=run, name="late")
    late.start()
    assert fetched.wait(timeout=10)
    meanwhile()
    go_on.set()
    late.join()
    online.simulation.get_payment = real_get
    return out[0]


def test_a_late_paid_delivery_does_not_book_a_refunded_payment_again(shop: Any) -> None:
    world, client = shop
    payment_id, amount = _paid(world, client)

    def refund_in_full() -> None:
        _set(world, payment_id, Refunded=amount)
        world.services.online_payments.webhook(payment_id)
        assert deliver_webhooks(world) == ["refund"]

    assert _late_delivery(world, payment_id, refund_in_full) == "paid"  # nothing new booked
    assert _live(world, client) == []
    log = [e.summary for e in world.services.repos.contacts.for_debtor(client.client_id, "D1")[0]]
    assert not [s for s in log if "reversed by the bank" in s]


def test_a_late_partial_refund_view_does_not_book_its_net_after_the_full_refund(
    shop: Any,
) -> None:
    world, client = shop
    payment_id, amount = _paid(world, client)
    _set(world, payment_id, Refunded=1000)  # the first part; its delivery is the late one

    def rest_refunded() -> None:
        _set(world, payment_id, Refunded=amount)
        world.services.online_payments.webhook(payment_id)
        assert deliver_webhooks(world) == ["refund"]

    assert _late_delivery(world, payment_id, rest_refunded) == "retried"
    assert _live(world, client) == []


def test_a_delivery_judged_against_a_booking_that_changed_since_is_retried(shop: Any) -> None:
    """Two deliveries read the same state; the one that writes second is refused (ETag) and
    its message retried, reading Mollie afresh."""
    world, client = shop
    payment_id, amount = _paid(world, client)
    online = world.services.online_payments
    real_state = online._undone_state

    def judged_then_overtaken(pid: str) -> Any:
        judged = real_state(pid)
        _set(world, payment_id, Refunded=amount)  # meanwhile the full refund is booked
        online.webhook(payment_id)
        online._undone_state = real_state
        assert deliver_webhooks(world) == ["refund"]
        return judged

    _set(world, payment_id, Refunded=1000)
    online._undone_state = judged_then_overtaken
    with pytest.raises(ConflictingUpdate):
        online.process(payment_id)
    online._undone_state = real_state
    assert _live(world, client) == []
    online.webhook(payment_id)  # the retry reads Mollie afresh: nothing left booked
    assert deliver_webhooks(world) == ["refund"]
    assert _live(world, client) == []
