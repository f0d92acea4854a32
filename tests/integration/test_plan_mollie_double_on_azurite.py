"""An installment paid by transfer while its Mollie recurring payment is under way, on Azurite
(real ETags and table queries): the payment is canceled through the local Mollie and recorded
withdrawn, however often the webhook comes; a payment Mollie could no longer cancel is booked
once, its surplus on the action list for staff."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.settings import Settings
from tests.support.mollie_stand_in import mollie_world
from tests.unit.api.conftest import ApiClient, client_iban, client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_mollie import webhook
from tests.unit.plans.test_plan_service import pay, run_day


def test_a_transfer_cancels_the_recurring_payment_on_table_storage(
    storage_connection: str,
) -> None:
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
        a.call("PUT", "/v1/clients/C1/plan-rules", {"direct_debit_via": "mollie"})
        base = "/v1/clients/C1/plans"
        plan_id = a.call("POST", base, {"debtor": "D1", "invoices": ["F1", "F2"], "start": "2026-01-31",
                                        "installments": 3, "method": "direct_debit"}).body["plan_id"]  # fmt: skip
        assert a.call("POST", f"{base}/{plan_id}/activate").status == 200
        principal = services.access.authenticate(key)
        assert principal is not None
        client = services.access.client_for(principal, "C1")
        world = SimpleNamespace(services=services, clock=clock)

        def plan() -> dict[str, Any]:
            return dict(a.call("GET", f"{base}/{plan_id}").body)

        (first,) = mollie.posted("first")
        mollie.settle(first["id"], "paid")
        assert webhook(world, first["id"]) == ["paid"]
        run_day(world, date(2026, 3, 2))
        (second,) = mollie.posted("recurring")
        pay(world, client, "bank-inst2", 10_000, date(2026, 3, 3))
        assert mollie.payments[second["id"]]["status"] == "canceled"
        assert webhook(world, second["id"], times=2) == ["canceled", "canceled"]
        got = plan()
        assert [d["state"] for d in got["direct_debits"]] == ["collected", "withdrawn"]
        assert got["installments"][1]["status"] == "paid"
        # the last installment: Mollie has sent its debit to the bank when the transfer comes
        run_day(world, date(2026, 3, 31))
        third = mollie.posted("recurring")[1]
        mollie.to_bank(third["id"])
        pay(world, client, "bank-inst3", 10_000, date(2026, 4, 1))
        mollie.settle(third["id"], "paid")
        assert webhook(world, third["id"], times=2) == ["paid", "paid"]
        got = plan()
        assert got["status"] == "completed"
        items = a.call("GET", "/v1/clients/C1/actions").body["items"]
        (item,) = [x for x in items if x["kind"] == "plan_overpayment"]
        assert item["detail"]["overpaid"] == 10_000
        assert "surplus" in [e["kind"] for e in got["timeline"]]
        queues = services.messaging.queues
        assert isinstance(queues, InMemoryQueueSender)
        assert [json.loads(m.body) for m in queues.take("mollie-webhook")] == []  # all handled
