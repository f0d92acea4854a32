"""Money a refund or chargeback took back that counts again is dated when it happened, not on
the day Inning handles Mollie's webhook (money9 #1), against the Mollie stand-in over HTTP.

A refund that ``failed`` (or was ``canceled``) never reached the debtor: the payment stands
from its own day (6:114 lid 2 BW), as what stands of a payment after a refund does. Mollie
dates no refund's failure (a refund has ``createdAt`` only; its webhook is sent when it fails).
A chargeback the bank reversed: the money came back to the client on Mollie's ``reversedAt``.

By hand (as tests/unit/payments/test_mollie_partial_refund_term.py): F1 1,000.00 due 1-12-2025,
14-day letter 5-1-2026 (costs from 22-1). On 15-1 the debtor pays the whole claim online,
1,006.47 (interest 30 d x 6 % + 14 d x 4 % = 4.93 + 1.53). The client refunds 10.00 on 2-2;
the refund fails; Mollie's webhook is handled on 1-3. The payment stands from 15-1: paid in
full inside the term, nothing open (main: booked as received 1-3, after the term, 150.00 costs
and interest to 1-3 open)."""

from __future__ import annotations

import json
from collections.abc import Iterator
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
def mollie() -> Iterator[MollieWorld]:
    with mollie_world() as m:
        yield m


@pytest.fixture
def world(mollie: MollieWorld) -> World:
    settings = Settings.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true",
                                  "MOLLIE_KEY_C1": mollie.api_key, "MOLLIE_API_URL": mollie.url})  # fmt: skip
    store = InMemoryTableStore()
    clock = FixedClock(datetime(2026, 1, 6, 9, 0, tzinfo=UTC))
    services = build_services(settings, clock=clock, store=store, files=InMemoryFileStore(),
                              queues=InMemoryQueueSender(), senders={})  # fmt: skip
    api = IntegrationApi(services)
    services.repos.agencies.save(Agency("agency-a", "AGENCY-A"))
    key = services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")[1]
    w = World(api, services, clock, store, ApiClient(api, key), ApiClient(api, key))
    a = w.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01",
        fourteen_day_letter_on="2026-01-05")]})  # fmt: skip
    return w


def _client(world: Any) -> Any:
    access = world.services.access
    return access.client_for(access.authenticate(world.agency_a.key), "C1")


def _webhook(world: Any, payment_id: str) -> list[str]:
    online = world.services.online_payments
    assert online.webhook(payment_id)
    taken = world.services.messaging.queues.take("mollie-webhook")
    return [online.process(json.loads(m.body)["id"]) for m in taken]


def _paid_on_15_january(world: World, mollie: MollieWorld) -> str:
    world.clock.at = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    started = world.services.online_payments.start(_client(world), "D1", ["F1"], "https://x/r")
    assert started.amount == 100647
    mollie.settle(started.payment_id, "paid", paid_at="2026-01-15T10:05:00+00:00")
    assert _webhook(world, started.payment_id) == ["paid"]
    return str(started.payment_id)


def _standing(world: World, payment_id: str) -> Any:
    derived = world.services.repos.payments.derived(
        _client(world).client_id, f"mollie-{payment_id}"
    )
    [net] = [p for p in derived if not p.reversed]
    return net


def _open(world: World) -> dict[str, str]:
    claim = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-01").body
    return dict(claim["open"])


def test_a_failed_refund_leaves_the_payment_standing_from_its_own_day(
    world: World, mollie: MollieWorld
) -> None:
    pid = _paid_on_15_january(world, mollie)
    mollie.refund(pid, "10.00", at="2026-02-02T10:00:00.0Z")
    world.clock.at = datetime(2026, 2, 2, 11, 0, tzinfo=UTC)
    assert _webhook(world, pid) == ["refund"]
    [refund] = mollie.refunds[pid]
    mollie.refund_status(pid, refund["id"], "failed")
    world.clock.at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # the webhook handled weeks on
    assert _webhook(world, pid) == ["refund_failed"]
    net = _standing(world, pid)
    assert net.amount == 100647 and net.received_on == date(2026, 1, 15)
    # paid in full inside the term: no costs, no interest after 15-1, nothing open
    assert _open(world) == {"principal": "0.00", "costs": "0.00", "costs_vat": "0.00",
                            "interest": "0.00", "total": "0.00"}  # fmt: skip
    assert _webhook(world, pid) == ["paid"]  # handled again: booked once
    assert _standing(world, pid).payment_id == net.payment_id


def test_a_reversed_chargeback_counts_again_on_its_reversed_at(
    world: World, mollie: MollieWorld
) -> None:
    pid = _paid_on_15_january(world, mollie)
    mollie.chargeback(pid, at="2026-01-20T08:00:00.0Z")
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    assert _webhook(world, pid) == ["chargeback"]
    [chargeback] = mollie.chargebacks[pid]
    # 23:30 UTC on 2 February is 00:30 on 3 February in Amsterdam
    mollie.reverse_chargeback(pid, chargeback["id"], at="2026-02-02T23:30:00.0Z")
    world.clock.at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # the webhook handled weeks on
    assert _webhook(world, pid) == ["paid"]
    net = _standing(world, pid)
    assert net.amount == 100647 and net.received_on == date(2026, 2, 3)
    # the payment reached the client again on 3-2, after the term: the staffel's 150.00
    # costs first (6:44), then interest to 3-2 (6.47 + 19 d x 4 % over 1,000.00 = 2.08),
    # 847.92 principal; on 152.08 open, 26 d x 4 % to 1-3 (main: received 1-3, 45 d)
    assert _open(world) == {"principal": "152.08", "costs": "0.00", "costs_vat": "0.00",
                            "interest": "0.43", "total": "152.51"}  # fmt: skip


def test_the_adapter_reads_mollies_documented_reversed_at() -> None:
    from shared.adapters.mollie import _chargeback
    from tests.support.mollie_stand_in import fixture

    got = _chargeback(fixture("payment_chargeback_single.json"), 3507)
    assert got.reversed and got.reversed_at == datetime(2018, 3, 14, 17, 0, 55, tzinfo=UTC)
    assert _chargeback({"id": "chb_1", "amount": None, "reversedAt": None}, 1).reversed_at is None
