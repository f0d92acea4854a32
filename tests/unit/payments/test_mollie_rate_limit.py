# ruff: noqa: F811
"""Mollie's limits, against the local Mollie that enforces them (provfix32):
- a 429's ``Retry-After`` reaches the caller (``MollieError.retry_after``, at most a day) and
  pauses the account (mollie33, tests/unit/payments/test_mollie_account_pause.py): the
  reconcile timer asks no payment of it sooner than Mollie said, so a throttled account is not
  asked the rest of a batch of 100 (each one more 429);
- a payment's ``metadata`` stays within Mollie's "up to approximately 1kB": a debtor paying
  many invoices at once got a 422 from Mollie (and no payment) when all their numbers went in.
"""

from __future__ import annotations

import json
from datetime import timedelta

from shared.adapters.tables.keys import encode
from shared.services.mollie_reconcile import MOLLIE_PAYMENTS, WATCHED
from tests.support.mollie_stand_in import METADATA_LIMIT
from tests.unit.api.conftest import invoice_row
from tests.unit.payments.test_mollie_reconcile import START, at, reconcile, watched
from tests.unit.plans.test_plan_mollie import mollie, the_client, world  # noqa: F401


def test_a_throttled_mollie_is_asked_once_and_its_wait_is_kept(world, mollie):
    """The first 429 pauses the account (mollie33): the run's other payments of that account
    are moved past Mollie's Retry-After without a call, none dropped (it used to stop the run,
    holding up other accounts' payments behind them too)."""
    online = world.services.online_payments
    client = the_client(world)
    started = [online.start(client, "D1", [n], "https://x/return").payment_id
               for n in ("F1", "F2", "F1")]  # fmt: skip
    at(world, 61)
    mollie.throttled = "7200"  # two hours: longer than the timer's own next wait (an hour)
    asks = len(mollie.server.requests("GET")) if mollie.server else 0
    run = reconcile(world)
    assert (run.asked, run.failed, run.more) == (3, 3, False)
    assert mollie.server is not None and len(mollie.server.requests("GET")) == asks + 1
    assert sorted(watched(world)) == sorted(started)  # none dropped
    rows = world.store.query(MOLLIE_PAYMENTS, pk=WATCHED).rows
    assert all(r.rk.split("|")[0] >= f"{START + timedelta(minutes=61 + 120):%Y%m%dT%H%M%S}"
               for r in rows)  # fmt: skip


def test_retry_after_is_bounded_to_a_day(world, mollie):
    from shared.adapters.mollie import MollieClient, MollieError

    client = MollieClient(mollie.api_key, base_url=mollie.url)
    for asked, kept in (("30", 30.0), ("9999999999", 86_400.0)):
        mollie.throttled = asked
        try:
            client.get_payment("tr_000001x")
        except MollieError as exc:
            assert exc.transient and exc.status == 429 and exc.retry_after == kept
        else:
            raise AssertionError("a 429 is an error")


def test_many_invoices_paid_at_once_fit_mollies_metadata(world, mollie):
    a = world.agency_a
    numbers = [f"2026-VERKOOP-{i:06d}-DEELLEVERING" for i in range(60)]
    rows = [invoice_row(n, "D1", amount="10.00", due_date="2025-12-01") for n in numbers]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status in (200, 201, 207)
    started = world.services.online_payments.start(
        the_client(world), "D1", numbers, "https://x/return"
    )
    sent = mollie.payments[started.payment_id]["metadata"]
    assert len(json.dumps(sent, ensure_ascii=False).encode()) <= METADATA_LIMIT
    assert sent["invoice_count"] == 60 and sent["invoices"] == numbers[: len(sent["invoices"])]
    assert started.amount == 60 * 1000
    # the payment is booked on every invoice: its own row names them all
    row = world.store.get(MOLLIE_PAYMENTS, encode(started.payment_id), "p")
    assert row is not None and json.loads(row.data["Invoices"]) == numbers
