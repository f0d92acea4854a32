# ruff: noqa: F811
"""Online payments whose webhook never got through are asked of Mollie by a timer
(failure7 #4; shared/services/mollie_reconcile.py): after ``INNING_PAYMENT_RECONCILE_MINUTES``
a watched payment is read (``GET /v2/payments/{id}``, the real client against the local Mollie
that enforces the API) with the account it was made with and booked through the webhook's own
path, exactly once however the webhook and the timer meet; expired, canceled and failed ones
are closed unbooked; one still open is asked again later; a run asks at most its batch."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from shared import bootstrap
from shared.services.mollie_reconcile import (
    MOLLIE_PAYMENTS,
    WATCHED,
    MollieReconciliation,
    ReconcileRules,
)
from tests.unit.payments.test_mollie_account_per_payment import link_own_account, own  # noqa: F401
from tests.unit.plans.test_plan_mollie import booked, mollie, the_client, webhook, world  # noqa: F401

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the world's clock


def invoice_status(world, number: str) -> str:
    body = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}").body
    return str(body["status"])


def watched(world) -> list[str]:
    page = world.store.query(MOLLIE_PAYMENTS, pk=WATCHED)
    return [str(r.data["PaymentId"]) for r in page.rows]


def at(world, minutes: int) -> None:
    world.clock.at = START + timedelta(minutes=minutes)


def reconcile(world, batch: int = 100):
    return MollieReconciliation(world.store, world.services.online_payments, world.clock,
                                ReconcileRules(after=timedelta(minutes=60), batch=batch)).run()  # fmt: skip


def mollie_payments(world) -> list[str]:
    client = the_client(world)
    return [p.payment_id for p in world.services.repos.payments.list(client.client_id)[0]]


def test_a_paid_payment_whose_webhook_never_came_is_booked_by_the_timer(world, mollie, monkeypatch):
    from functions.payments import reconcile_mollie_payments
    from tools.devhost.invoke import LocalContext

    online = world.services.online_payments
    started = online.start(the_client(world), "D1", ["F1"], "https://x/return")
    assert watched(world) == [started.payment_id]
    # the debtor pays at 09:05; every webhook call of Mollie fails until Mollie gives up
    mollie.settle(started.payment_id, "paid", paid_at="2026-01-05T09:05:00+00:00")
    at(world, 30)
    assert reconcile(world).asked == 0  # left to the webhook for the first hour
    assert invoice_status(world, "F1") == "open"
    # 10:01: the timer (the function app's own trigger, as deployed) asks Mollie and books
    at(world, 61)
    monkeypatch.setattr(bootstrap, "_services", world.services)
    reconcile_mollie_payments.build().get_user_function()(
        None, context=LocalContext("reconcile_mollie_payments")
    )
    assert invoice_status(world, "F1") == "paid"
    payment = booked(world, started.payment_id)
    assert payment.amount == 20000 and payment.received_on == date(2026, 1, 5)
    assert watched(world) == []  # ended: no longer asked
    assert reconcile(world).asked == 0
    # a late webhook (Mollie's last retry) finds it booked: once, the same booking
    assert webhook(world, started.payment_id) == ["paid"]
    assert mollie_payments(world) == [f"mollie-{started.payment_id}"]


def test_the_timer_and_the_webhook_book_it_once_whichever_comes_first(world, mollie):
    online = world.services.online_payments
    started = online.start(the_client(world), "D1", ["F1"], "https://x/return")
    mollie.settle(started.payment_id, "paid", paid_at="2026-01-05T09:05:00+00:00")
    at(world, 6)
    assert webhook(world, started.payment_id) == ["paid"]  # the webhook came after all
    at(world, 61)
    run = reconcile(world)
    assert (run.asked, run.ended) == (1, 1)
    assert mollie_payments(world) == [f"mollie-{started.payment_id}"]
    assert booked(world, started.payment_id).amount == 20000


def test_expired_canceled_and_failed_payments_are_closed_and_open_ones_asked_later(world, mollie):
    online = world.services.online_payments
    client = the_client(world)
    expired, canceled, failed, still = (
        online.start(client, "D1", [number], "https://x/return").payment_id
        for number in ("F1", "F2", "F1", "F2")
    )
    mollie.settle(expired, "expired")
    mollie.settle(canceled, "canceled")
    mollie.settle(failed, "failed")
    at(world, 61)
    run = reconcile(world)
    assert (run.asked, run.ended, run.still_open, run.failed) == (4, 3, 1, 0)
    assert watched(world) == [still]
    assert mollie_payments(world) == []  # nothing booked
    assert invoice_status(world, "F1") == "open" and invoice_status(world, "F2") == "open"
    # still open: asked again after half its age, at least the first wait (an hour)
    at(world, 62)
    assert reconcile(world).asked == 0
    mollie.settle(still, "paid", paid_at="2026-01-05T11:00:00+00:00")
    at(world, 121)
    assert reconcile(world).ended == 1
    assert booked(world, still).amount == 10000 and invoice_status(world, "F2") == "paid"
    assert watched(world) == []


def test_a_run_asks_at_most_its_batch_the_longest_due_first(world, mollie):
    online = world.services.online_payments
    client = the_client(world)
    ids = []
    for minute, number in ((0, "F1"), (1, "F2"), (2, "F1")):
        at(world, minute)
        ids.append(online.start(client, "D1", [number], "https://x/return").payment_id)
        mollie.settle(ids[-1], "paid", paid_at=(START + timedelta(minutes=minute + 1)).isoformat())
    at(world, 70)
    first = reconcile(world, batch=2)
    assert (first.asked, first.ended, first.more) == (2, 2, True)
    assert watched(world) == [ids[2]]
    second = reconcile(world, batch=2)
    assert (second.asked, second.ended, second.more) == (1, 1, False)
    assert sorted(mollie_payments(world)) == sorted(f"mollie-{i}" for i in ids)


def test_mollie_down_leaves_the_payment_watched_for_a_later_run(world, mollie):
    online = world.services.online_payments
    started = online.start(the_client(world), "D1", ["F1"], "https://x/return")
    mollie.settle(started.payment_id, "paid", paid_at="2026-01-05T09:05:00+00:00")
    mollie.down = True
    at(world, 61)
    run = reconcile(world)
    assert (run.asked, run.failed, run.ended) == (1, 1, 0)
    assert watched(world) == [started.payment_id] and invoice_status(world, "F1") == "open"
    mollie.down = False
    at(world, 122)
    assert reconcile(world).ended == 1
    assert invoice_status(world, "F1") == "paid"
    assert booked(world, started.payment_id).received_on == date(2026, 1, 5)


def test_each_payment_is_asked_with_the_account_it_was_made_with(world, mollie, own):
    """The agency's configured account and the client's own linked one: each stand-in answers
    only its own key (another key is Mollie's 401), as Mollie's accounts do."""
    online = world.services.online_payments
    client = the_client(world)
    agency = online.start(client, "D1", ["F1"], "https://x/return").payment_id
    link_own_account(world, own)
    mine = online.start(client, "D1", ["F2"], "https://x/return").payment_id
    assert agency in mollie.payments and mine in own.payments
    mollie.settle(agency, "paid", paid_at="2026-01-05T09:10:00+00:00")
    own.settle(mine, "paid", paid_at="2026-01-05T09:20:00+00:00")
    at(world, 61)
    run = reconcile(world)
    assert (run.asked, run.ended, run.failed) == (2, 2, 0)
    assert invoice_status(world, "F1") == "paid" and invoice_status(world, "F2") == "paid"


@pytest.mark.parametrize("minutes", ["0", "x", "-5"])
def test_the_settings_refuse_a_wait_that_is_not_a_positive_number(minutes):
    from shared.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="INNING_PAYMENT_RECONCILE_MINUTES"):
        Settings.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true",
                           "INNING_PAYMENT_RECONCILE_MINUTES": minutes})  # fmt: skip


def test_queued_webhook_jobs_are_untouched_by_the_timer(world, mollie):
    """The timer books directly through the webhook's path; it queues nothing of its own."""
    online = world.services.online_payments
    started = online.start(the_client(world), "D1", ["F1"], "https://x/return")
    mollie.settle(started.payment_id, "paid", paid_at="2026-01-05T09:05:00+00:00")
    at(world, 61)
    reconcile(world)
    assert [
        json.loads(m.body) for m in world.services.messaging.queues.take("mollie-webhook")
    ] == []


def test_a_run_stopping_between_its_writes_leaves_the_payment_watched_and_booked_once(
    world, mollie
):
    """The next ask is written before the current one is taken away: a run that dies in
    between (storage gone) leaves the payment watched twice, never not at all; the next runs
    book it once and take both rows away."""
    online = world.services.online_payments
    started = online.start(the_client(world), "D1", ["F1"], "https://x/return")
    at(world, 61)
    real_delete = world.store.delete

    def gone(*a, **k):
        raise ConnectionError("storage unreachable")

    world.store.delete = gone
    with pytest.raises(ConnectionError):
        reconcile(world)  # still open at Mollie: asked again later, then the run dies
    world.store.delete = real_delete
    assert watched(world) == [started.payment_id, started.payment_id]
    mollie.settle(started.payment_id, "paid", paid_at="2026-01-05T10:30:00+00:00")
    at(world, 200)
    assert reconcile(world).ended == 2
    assert watched(world) == [] and mollie_payments(world) == [f"mollie-{started.payment_id}"]
    assert invoice_status(world, "F1") == "paid"
