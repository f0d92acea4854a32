"""A plan installment paid online, against the local Mollie (tests/support/mollie_stand_in.py,
which enforces Mollie's API and its ``Idempotency-Key``) and on Azurite (real ETags): the
client sends the key, Mollie answers the same key with the same payment and refuses it for
another body; the portal's pending row is claimed under its ETag, so two clicks at once are
one payment; the webhook books it once on the plan's invoices."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.mollie import MollieClient, MollieError
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.domain.portal.tokens import PortalAccess
from shared.settings import Settings
from tests.support.mollie_stand_in import mollie_world
from tests.unit.api.conftest import ApiClient, client_iban, client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_mollie import webhook


def test_the_same_idempotency_key_is_the_same_payment_at_mollie() -> None:
    with mollie_world() as mollie:
        client = MollieClient(mollie.api_key, base_url=mollie.url, http=httpx.Client())
        ask: dict[str, Any] = {"description": "Client C1: termijn 1/3", "redirect_url": "https://x/api/portal/return/b1",
               "webhook_url": "https://x/api/mollie/webhook",
               "metadata": {"plan": "P1", "installment": 1}}  # fmt: skip
        first = client.create_payment(amount=10_000, idempotency_key="k-1", **ask)
        again = client.create_payment(amount=10_000, idempotency_key="k-1", **ask)
        assert again.payment_id == first.payment_id and mollie.created == 1
        assert first.status == "open" and first.checkout_url and first.sequence_type == "oneoff"
        posted = [r for r in mollie.server.received if r.method == "POST"]  # type: ignore[union-attr]
        assert [r.headers.get("idempotency-key") for r in posted] == ["k-1", "k-1"]
        with pytest.raises(MollieError) as refused:  # the key used before for another amount
            client.create_payment(amount=6_000, idempotency_key="k-1", **ask)
        assert refused.value.status == 400 and mollie.created == 1
        other = client.create_payment(amount=10_000, idempotency_key="k-2", **ask)
        assert other.payment_id != first.payment_id and mollie.created == 2


def test_two_clicks_on_table_storage_make_one_payment_booked_once(storage_connection: str) -> None:
    with mollie_world() as mollie:
        settings = Settings.from_env({"AzureWebJobsStorage": storage_connection,
                                      "MOLLIE_KEY_C1": mollie.api_key,
                                      "MOLLIE_API_URL": mollie.url})  # fmt: skip
        clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
        services = build_services(settings, clock=clock,
                                  store=AzureTableStore.from_connection_string(storage_connection),
                                  files=InMemoryFileStore(), queues=InMemoryQueueSender(),
                                  senders={})  # fmt: skip
        agency_id = "az-" + uuid.uuid4().hex[:8]
        services.repos.agencies.save(Agency(agency_id, "Azurite Incasso"))
        _, key = services.access.issue(scope=Scope.AGENCY, agency_id=agency_id)
        a = ApiClient(IntegrationApi(services), key)
        a.call(
            "POST",
            "/v1/clients",
            {"items": [client_row("C1", charge_interest=False, ibans=[client_iban(agency_id)])]},
        )
        a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
        a.call("POST", "/v1/clients/C1/invoices", {"items": [
            invoice_row("F1", "D1", amount="200.00", due_date="2025-12-01"),
            invoice_row("F2", "D1", amount="100.00", due_date="2025-12-15"),
        ]})  # fmt: skip
        base = "/v1/clients/C1/plans"
        plan_id = a.call("POST", base, {"debtor": "D1", "invoices": ["F1", "F2"], "start": "2026-01-31",
                                        "installments": 3}).body["plan_id"]  # fmt: skip
        assert a.call("POST", f"{base}/{plan_id}/activate").status == 200
        principal = services.access.authenticate(key)
        assert principal is not None
        client = services.access.client_for(principal, "C1")
        access = PortalAccess(client.client_id, "D1", 0, datetime(2026, 2, 1, tzinfo=UTC))
        desk = services.portal_plans
        online = services.online_payments
        real_start = online.start_installment
        urls: list[str] = []

        def racing(client_, order):  # type: ignore[no-untyped-def]
            if not urls:  # the second click comes while the first is inside Mollie's call
                urls.append("")
                urls.append(desk.pay_installment(access, plan_id, 1, "https://x"))
            return real_start(client_, order)

        online.start_installment = racing  # type: ignore[method-assign]
        url = desk.pay_installment(access, plan_id, 1, "https://x")
        assert url == urls[1] and mollie.created == 1
        [made] = mollie.posted("oneoff")
        assert made["amount"] == {"currency": "EUR", "value": "100.00"}
        assert desk.pay_installment(access, plan_id, 1, "https://x") == url  # a reload
        mollie.settle(made["id"], "paid")
        assert webhook(SimpleNamespace(services=services), made["id"], times=2) == ["paid", "paid"]
        got = a.call("GET", f"{base}/{plan_id}").body
        assert [i["status"] for i in got["installments"]] == ["paid", "open", "open"]
        booked = services.repos.payments.get(client.client_id, f"mollie-{made['id']}")
        assert booked is not None and booked.amount == 10_000
        assert mollie.created == 1
        assert json.loads(json.dumps(made["metadata"]))["plan"] == plan_id
