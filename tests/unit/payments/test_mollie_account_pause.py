# ruff: noqa: F811
"""A throttled Mollie account is left alone until the time it asked for, by every path and
every instance of the app (mollie33; provfix32 left it asked once per reconcile run, every
15 minutes, whatever its Retry-After): the "not before" time is a row in ``MolliePayments``
(partition ``pause``), honoured by the reconcile timer, a payment's start and its status
check, and removed by the first answer after it. Against the local Mollie, which answers 429
with a Retry-After while ``throttled``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.mollie import MollieError
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.keys import encode
from shared.adapters.tables.memory import InMemoryTableStore
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.services.mollie_pause import MOLLIE_PAYMENTS, PAUSES, AccountPause
from shared.services.mollie_reconcile import WATCHED
from tests.unit.payments.test_mollie_reconcile import at, reconcile, watched
from tests.unit.plans.test_plan_mollie import mollie, the_client, world  # noqa: F401
from tests.unit.plans.test_portal_plan_pay_mollie import (  # noqa: F401
    click,
    enter,
    own,
    transfer_plan,
)

ACCOUNT = "setting:MOLLIE_KEY_C1"  # the account C1's payments name (its configured key)


def _pause(world):
    return world.store.get(MOLLIE_PAYMENTS, PAUSES, encode(ACCOUNT))


def _asked(mollie) -> int:
    assert mollie.server is not None
    return len(mollie.server.received)


def _paused(call) -> MollieError:
    with pytest.raises(MollieError) as raised:
        call()
    assert raised.value.transient and raised.value.paused_until is not None
    return raised.value


def test_a_throttled_account_is_asked_by_no_path_and_no_instance_until_its_time(world, mollie):
    online = world.services.online_payments
    client = the_client(world)
    payment = online.start(client, "D1", ["F1"], "https://x/return").payment_id
    at(world, 61)
    mollie.throttled = "3600"
    before = _asked(mollie)
    assert reconcile(world).failed == 1 and _asked(mollie) == before + 1
    row = _pause(world)
    assert row is not None and row.data["Status"] == 429
    assert row.data["Until"] == world.clock.now() + timedelta(hours=1)
    mollie.throttled = None  # Mollie would answer now; the account asked for an hour
    for minutes in (75, 90, 120):  # the reconcile timer's runs within the hour
        at(world, minutes)
        reconcile(world)
        # the status check (the return page, a plan's click) and a new payment
        assert _paused(lambda: online.status(client, payment)).retry_after == pytest.approx(
            (61 + 60 - minutes) * 60
        )
        _paused(lambda: online.start(client, "D1", ["F2"], "https://x/return"))
    # another instance of the app, over the same storage: the same pause, nothing asked
    other = build_services(world.services.settings, clock=world.clock, store=world.store,
                           files=InMemoryFileStore(), queues=InMemoryQueueSender(), senders={})  # fmt: skip
    _paused(lambda: other.online_payments.status(the_client(world), payment))
    assert _asked(mollie) == before + 1
    # the hour is up: the next run asks, and Mollie's answer ends the pause
    at(world, 61 + 61)
    run = reconcile(world)
    assert run.asked == 1 and _asked(mollie) > before + 1
    assert _pause(world) is None
    assert online.status(client, payment) == "open"


def test_a_paused_account_holds_up_no_other_account(world, mollie, own):
    """C1 paid through the agency's configured key, then linked its own account: Mollie
    throttling the configured key leaves the payments of its own account asked as usual."""
    online = world.services.online_payments
    client = the_client(world)
    old = online.start(client, "D1", ["F1"], "https://x/return").payment_id
    accounts = world.services.mollie_accounts
    accounts.api_url = own.url
    accounts.set_api_key(client.client_id, own.api_key)
    new = online.start(client, "D1", ["F2"], "https://x/return").payment_id
    assert old in mollie.payments and new in own.payments
    at(world, 61)
    mollie.throttled = "7200"
    own.settle(new, "paid")
    run = reconcile(world)
    assert (run.asked, run.ended, run.failed) == (2, 1, 1)
    assert watched(world) == [old]  # the paid one is booked and done; the other waits
    assert _pause(world) is not None
    rows = world.store.query(MOLLIE_PAYMENTS, pk=WATCHED).rows
    assert rows[0].rk >= f"{datetime(2026, 1, 5, 12, 1, tzinfo=UTC):%Y%m%dT%H%M%S}"


def test_a_click_while_mollie_is_paused_is_the_503_page_with_the_dutch_time(
    world, mollie, transfer_plan
):
    """The portal's pay button and a plan's installment while the account is paused: the
    friendly 503 saying when to come back (Amsterdam time), no Mollie call, and no payment of
    the debtor's day spent."""
    browser = enter(world)  # 09:00 UTC: 10:00 in Amsterdam (winter)
    mollie.throttled = "5400"
    first = browser.post("/portal/pay", invoice=["F1"])  # Mollie answers 429: paused 1.5 h
    assert first.status == 503 and first.headers["Retry-After"] == "5400"
    assert "Probeer het om 11:30 uur opnieuw" in first.raw.decode()
    mollie.throttled = None
    asked = _asked(mollie)
    counters = world.services.portal.counters
    debtor_key = world.services.portal._debtor_key(world.services.portal.links.check(
        world.services.portal.links.token(the_client(world).client_id, "D1")))  # fmt: skip
    spent = counters.count("PortalThrottle", debtor_key, "pay|20260105")
    world.clock.at += timedelta(minutes=10)
    for _ in range(5):
        again = browser.post("/portal/pay", invoice=["F1"])
        assert again.status == 503 and again.headers["Retry-After"] == "4800"
        assert "Probeer het om 11:30 uur opnieuw" in again.raw.decode()
    plan = click(browser, transfer_plan, 1)
    assert plan.status == 503 and "Probeer het om 11:30 uur opnieuw" in plan.raw.decode()
    english = browser.go("POST", "/portal/pay", {"csrf": browser.csrf(), "invoice": ["F1"]},
                         query={"lang": "en"})  # fmt: skip
    assert "Please try again at 11:30." in english.raw.decode()
    assert _asked(mollie) == asked  # not one request while paused
    assert counters.count("PortalThrottle", debtor_key, "pay|20260105") == spent
    world.clock.at += timedelta(minutes=80)  # 11:30 in Amsterdam: asked, and paid
    assert browser.post("/portal/pay", invoice=["F1"]).status == 303
    assert _pause(world) is None


def test_the_pause_keeps_the_later_time_and_a_newer_429_outlives_an_older_answer():
    store = InMemoryTableStore()
    store.ensure_tables([MOLLIE_PAYMENTS])
    clock = FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    one, two = AccountPause(store, clock, ACCOUNT), AccountPause(store, clock, ACCOUNT)

    def until() -> datetime:
        row = store.get(MOLLIE_PAYMENTS, PAUSES, encode(ACCOUNT))
        assert row is not None
        return row.data["Until"]  # type: ignore[no-any-return]

    one.throttled(429, 3600)
    two.throttled(429, 60)  # a shorter wait another instance was told: the later time stands
    assert until() == clock.now() + timedelta(hours=1)
    two.throttled(503, None)  # no Retry-After: a minute, not shorter than the hour either
    assert until() == clock.now() + timedelta(hours=1)
    one.throttled(429, 10**12)  # bounded to a day
    assert until() == clock.now() + timedelta(days=1)
    clock.advance(days=1, seconds=1)
    ran_out = one.before()  # the pause ran out: this instance asks Mollie
    assert ran_out is not None
    two.throttled(429, 600)  # meanwhile Mollie throttled another instance's request
    one.answered(ran_out)  # the older answer does not end the newer pause
    _paused(two.before)
    clock.advance(seconds=601)
    last = two.before()
    two.answered(last)
    assert store.get(MOLLIE_PAYMENTS, PAUSES, encode(ACCOUNT)) is None
    assert one.before() is None


def test_a_webhook_while_the_account_is_paused_waits_for_the_pause_not_the_poison_queue(
    world, mollie
):
    """No request is made while paused, so the webhook's job failed at once: its five tries
    went by in minutes and every webhook of a throttled account became a poison item. It is
    queued again for when the pause ends, and booked then."""
    online = world.services.online_payments
    client = the_client(world)
    payment = online.start(client, "D1", ["F1"], "https://x/return").payment_id
    mollie.throttled = "1800"
    with pytest.raises(MollieError):
        online.status(client, payment)  # Mollie answers 429: the account pauses 30 minutes
    mollie.throttled = None
    mollie.settle(payment, "paid")
    queue = world.services.messaging.queues
    queue.take("mollie-webhook")
    assert online.process_queued(payment) == "paused"
    [again] = queue.take("mollie-webhook")
    assert 1800 <= again.delay_seconds <= 1800 + 10
    world.clock.at += timedelta(seconds=again.delay_seconds)
    assert online.process_queued(payment) == "paid"
    assert _pause(world) is None
