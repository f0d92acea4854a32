"""An online payment is booked on the day it was paid, as the law counts it (law7 F4): Mollie's
``paidAt`` taken as a Europe/Amsterdam day, not the day the amount was quoted (the payment
created) nor the UTC day. Interest runs to that day (6:119) and "paid within the 14-day term"
(6:96 lid 6) is decided on it. Read through the real Mollie client from the local Mollie that
enforces the API (tests/support/mollie_stand_in.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.settings import Settings
from tests.support.mollie_stand_in import MollieWorld, mollie_world
from tests.unit.api.conftest import ApiClient, World, client_row, debtor_row, invoice_row


@pytest.fixture
def mollie():
    with mollie_world() as m:
        yield m


@pytest.fixture
def world(mollie: MollieWorld) -> World:
    """Client C1 takes payments in its Mollie account (MOLLIE_KEY_C1); D1 (a consumer) owes
    F1, EUR 1,000.00 due 31 January 2025, and was sent the 14-day letter on 3 March."""
    settings = Settings.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true",
                                  "MOLLIE_KEY_C1": mollie.api_key, "MOLLIE_API_URL": mollie.url})  # fmt: skip
    store = InMemoryTableStore()
    clock = FixedClock(datetime(2025, 3, 10, 10, 0, tzinfo=UTC))
    services = build_services(settings, clock=clock, store=store, files=InMemoryFileStore(),
                              queues=InMemoryQueueSender(), senders={})  # fmt: skip
    api = IntegrationApi(services)
    keys = []
    for agency_id in ("agency-a", "agency-b"):
        services.repos.agencies.save(Agency(agency_id, agency_id.upper()))
        keys.append(services.access.issue(scope=Scope.AGENCY, agency_id=agency_id)[1])
    w = World(api, services, clock, store, ApiClient(api, keys[0]), ApiClient(api, keys[1]))
    a = w.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    made = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-01-01", due_date="2025-01-31",
        fourteen_day_letter_on="2025-03-03")]})  # fmt: skip
    assert made.status in (200, 201), made.body
    return w


def the_client(world: World) -> Any:
    access = world.services.access
    key = world.agency_a.key
    assert key is not None
    principal = access.authenticate(key)
    assert principal is not None
    return access.client_for(principal, "C1")


def claim(world: World, on: str) -> dict[str, Any]:
    body: dict[str, Any] = world.agency_a.call(
        "GET", "/v1/clients/C1/invoices/F1/claim", on=on
    ).body
    return body


def webhook(world: World, payment_id: str) -> list[str]:
    online = world.services.online_payments
    assert online.webhook(payment_id)
    queues: Any = world.services.messaging.queues  # the in-memory queue sender
    return [online.process(json.loads(m.body)["id"]) for m in queues.take("mollie-webhook")]


def test_a_checkout_paid_after_the_term_is_booked_on_its_paid_day(world, mollie):
    assert claim(world, "2025-03-12")["costs_owed_from"] == "2025-03-20"  # the term ends 19 March
    online = world.services.online_payments
    # 12 March, inside the term: the debtor opens a checkout (a bank transfer Mollie keeps
    # open for days). Interest 1 Feb up to 12 Mar: 39 days x 6% x 1000.00 / 365 = 6.41
    world.clock.at = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
    started = online.start(the_client(world), "D1", ["F1"], "https://x/return")
    assert started.amount == 100641
    # the money arrives at 00:30 on 24 March in Amsterdam (CET: 23:30 UTC on the 23rd), after
    # the term; the webhook is handled that morning
    mollie.settle(started.payment_id, "paid", paid_at="2025-03-23T23:30:00+00:00")
    world.clock.at = datetime(2025, 3, 24, 8, 0, tzinfo=UTC)
    assert webhook(world, started.payment_id) == ["paid"]
    booked = world.services.repos.payments.get(
        the_client(world).client_id, f"mollie-{started.payment_id}"
    )
    assert booked is not None and booked.received_on == date(2025, 3, 24)
    # on 24 March the claim is: costs 15% x 1000.00 = 150.00 (owed: not paid within the
    # term), interest 1 Feb up to 24 Mar: 51 days x 6% x 1000.00 / 365 = 8.38 (8.3835),
    # principal 1000.00. The 1006.41 pays costs, then interest, then principal (6:44):
    # 1006.41 - 150.00 - 8.38 = 848.03 of the principal; 151.97 stays open.
    after = claim(world, "2025-03-24")
    assert after["paid"]["costs"] == "150.00" and after["paid"]["interest"] == "8.38"
    assert after["paid"]["principal"] == "848.03"
    assert after["open"] == {"principal": "151.97", "costs": "0.00", "costs_vat": "0.00",
                             "interest": "0.00", "total": "151.97"}  # fmt: skip


def test_a_checkout_paid_on_the_day_it_was_quoted_settles_the_claim(world, mollie):
    online = world.services.online_payments
    world.clock.at = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
    started = online.start(the_client(world), "D1", ["F1"], "https://x/return")
    assert started.amount == 100641  # 1000.00 + 6.41 interest (see above), no costs in the term
    mollie.settle(started.payment_id, "paid", paid_at="2025-03-12T10:05:00+00:00")
    # the webhook got through only two days later: the payment day is still Mollie's
    world.clock.at = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
    assert webhook(world, started.payment_id) == ["paid"]
    after = claim(world, "2025-03-14")
    assert after["paid"]["interest"] == "6.41" and after["paid"]["principal"] == "1000.00"
    assert after["open"]["total"] == "0.00"
