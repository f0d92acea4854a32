"""A Mollie test payment is never money outside local development (attack16 F5).

On Mollie's test checkout the payer picks the status himself ("paid"); no money moves. In
production a client out of sandbox linked a ``test_`` key, its debtor clicked "paid" and
Inning booked 10031 cents on F2 and closed it. Now: a client out of sandbox links no test
account (a ``test_`` key or Connect in test mode), a test link kept past the client's approval
starts no payment, and a payment Mollie answers in ``mode`` "test" (an agency's test key in a
setting) is not booked: it goes on the action list, once, webhook or reconcile timer alike."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
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
from shared.services.errors import Invalid
from shared.settings import Settings
from tests.support.mollie_stand_in import MollieWorld, mollie_world
from tests.unit.api.conftest import ApiClient, World, client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_mollie import actions, booked, the_client, webhook

TEST_KEY = "test_OwnAccountOfTheClient000000000"


@pytest.fixture
def mollie():
    with mollie_world() as m:  # its payments answer "mode": "test", as a test key's do
        yield m


def _production(monkeypatch: pytest.MonkeyPatch, extra: dict[str, str]) -> World:
    import shared.bootstrap as boot
    from shared.adapters.secrets.table_store import TableSecretStore

    # Key Vault stood in by the table store: the only part of production not run here
    monkeypatch.setattr(boot, "secret_store", lambda settings, store: TableSecretStore(store))
    settings = Settings.from_env({
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
        "INNING_ENVIRONMENT": "production",
        "INNING_API_KEY_PEPPER": "test-pepper-0123456789abcdef",
        "INNING_PORTAL_KEYS": "k1:test-portal-key-0123456789abcdef",
        "INNING_PUBLIC_BASE_URL": "https://inning.example",
        **extra,
    })  # fmt: skip
    store = InMemoryTableStore()
    clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    services = build_services(settings, clock=clock, store=store, files=InMemoryFileStore(),
                              queues=InMemoryQueueSender(), senders={})  # fmt: skip
    api = IntegrationApi(services)
    keys = []
    for agency_id in ("agency-a", "agency-b"):
        services.repos.agencies.save(Agency(agency_id, agency_id.upper()))
        keys.append(services.access.issue(scope=Scope.AGENCY, agency_id=agency_id)[1])
    w = World(api, services, clock, store, ApiClient(api, keys[0]), ApiClient(api, keys[1]))
    a = w.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F2", "D1", amount="100.00", due_date="2025-12-15")]})  # fmt: skip
    return w


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, mollie: MollieWorld) -> World:
    """Production; the client links nothing yet (the stand-in is where it would link)."""
    w = _production(monkeypatch, {})
    w.services.mollie_accounts.api_url = mollie.url
    mollie.api_key = TEST_KEY
    return w


def _sandbox(world: World, on: bool) -> None:
    clients = world.services.repos.clients
    client, etag = clients.get(the_client(world).client_id)  # type: ignore[misc]
    clients.save(replace(client, sandbox=on, sandbox_email="adm@c1.example" if on else None), etag)


def _f2(world: World) -> Any:
    stored = world.services.repos.invoices.get(the_client(world).client_id, "F2")
    assert stored is not None
    return stored.invoice


def test_a_client_out_of_sandbox_links_no_test_key(production: World) -> None:
    client = the_client(production)
    assert not client.sandbox
    with pytest.raises(Invalid) as refused:
        production.services.mollie_accounts.set_api_key(client.client_id, TEST_KEY)
    assert refused.value.code == "mollie_test_link_live_client"
    assert production.services.mollie_accounts.links.mollie(client.client_id) is None
    # the API says the same, with the rule's code
    reply = production.agency_a.call("PUT", "/v1/clients/C1/links/mollie/api-key",
                                     {"api_key": TEST_KEY})  # fmt: skip
    assert reply.status == 422, reply.body
    assert "mollie_test_link_live_client" in json.dumps(reply.body)


def test_a_client_out_of_sandbox_starts_no_test_connect_link(monkeypatch, mollie) -> None:
    world = _production(monkeypatch, {"MOLLIE_CONNECT_CLIENT_ID": "app_x",
                                      "MOLLIE_CONNECT_CLIENT_SECRET": "secret_x"})  # fmt: skip
    accounts = world.services.mollie_accounts
    client = the_client(world)
    with pytest.raises(Invalid) as refused:
        accounts.authorize_url(client.client_id, testmode=True)
    assert refused.value.code == "mollie_test_link_live_client"
    assert accounts.authorize_url(client.client_id).startswith("https://")  # a live link: asked
    _sandbox(world, True)  # a sandbox client tries its integration with a test link
    assert accounts.authorize_url(client.client_id, testmode=True).startswith("https://")


def test_a_test_link_kept_past_approval_starts_no_payment(production: World) -> None:
    _sandbox(production, True)
    link = production.services.mollie_accounts.set_api_key(
        the_client(production).client_id, TEST_KEY
    )
    assert link.testmode  # allowed in sandbox: no debtor pays a sandbox client online
    _sandbox(production, False)  # the agency approves it with the test link in place
    with pytest.raises(Invalid) as refused:
        production.services.online_payments.start(
            the_client(production), "D1", ["F2"], "https://x/r"
        )
    assert refused.value.code == "mollie_test_link"


def test_a_test_key_in_a_setting_starts_no_payment(monkeypatch, mollie) -> None:
    """The agency set a test key for the client in production (a setting, not a link)."""
    world = _production(
        monkeypatch, {"MOLLIE_KEY_C1": mollie.api_key, "MOLLIE_API_URL": mollie.url}
    )
    assert mollie.api_key.startswith("test_")
    with pytest.raises(Invalid) as refused:
        world.services.online_payments.start(the_client(world), "D1", ["F2"], "https://x/return")
    assert refused.value.code == "mollie_test_key_setting"
    assert mollie.payments == {}


def test_a_test_mode_payment_is_not_booked_in_production(monkeypatch, mollie) -> None:
    """Mollie answers a payment in test mode (a key that reads as live, a link changed at
    Mollie): the payer's "paid" books nothing, and a person is told once (webhook and timer)."""
    mollie.api_key = "live_StandInAnswersInTestMode00000"  # the stand-in answers "mode": "test"
    world = _production(
        monkeypatch, {"MOLLIE_KEY_C1": mollie.api_key, "MOLLIE_API_URL": mollie.url}
    )
    online = world.services.online_payments
    started = online.start(the_client(world), "D1", ["F2"], "https://x/return")
    assert mollie.payments[started.payment_id]["mode"] == "test"
    assert webhook(world, started.payment_id) == ["open"]  # open: nothing to tell yet
    mollie.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id, times=2) == ["test_mode", "test_mode"]
    world.clock.advance(hours=2)
    run = world.services.mollie_reconciliation.run()
    assert (run.asked, run.ended, run.still_open) == (1, 1, 0)  # no longer watched
    assert booked(world, started.payment_id) is None
    assert _f2(world).status.value != "paid" and _f2(world).open_amount > 0
    (item,) = actions(world, "mollie_test_payment")  # told once
    assert item["detail"]["payment_id"] == started.payment_id
    assert "no money moved" in item["title"]


def test_a_test_mode_payment_seen_by_two_workers_at_once_is_told_once(monkeypatch, mollie) -> None:
    """Mollie's webhook and the reconcile timer (or a webhook retry while the first call
    runs) on one ended test payment at once: both read the "told" counter before either
    counted it (failure16b F4: two ``mollie_test_payment`` items for one payment). The item's
    id is the payment's, so the second is refused."""
    mollie.api_key = "live_StandInAnswersInTestMode00000"
    world = _production(
        monkeypatch, {"MOLLIE_KEY_C1": mollie.api_key, "MOLLIE_API_URL": mollie.url}
    )
    online = world.services.online_payments
    started = online.start(the_client(world), "D1", ["F2"], "https://x/return")
    mollie.settle(started.payment_id, "paid")
    counters = online.counters
    real_count = counters.count

    def read_before_the_other_counted(*a: Any, **k: Any) -> int:
        return 0 if str(a[-1]).startswith("testmode|") else real_count(*a, **k)

    monkeypatch.setattr(counters, "count", read_before_the_other_counted)
    assert webhook(world, started.payment_id, times=2) == ["test_mode", "test_mode"]
    (item,) = actions(world, "mollie_test_payment")
    assert item["detail"]["payment_id"] == started.payment_id
