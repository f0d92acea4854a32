"""A payment plan's direct debits on Azurite (tables and blobs): the collection filed with
its end-to-end id, the file built, a pain.002 rejection failing the installment before it is
booked, and a postponement withdrawing the next collection from its file."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.blobs.store import AzureFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.services.plans.direct_debit import CONTAINER
from tests.unit.api.conftest import (
    SETTINGS,
    ApiClient,
    client_iban,
    client_row,
    debtor_row,
    invoice_row,
)
from tests.unit.plans.test_sepa_returns import MANDATE, report


def test_filed_rejected_and_withdrawn_on_table_storage(storage_connection: str) -> None:
    clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    services = build_services(
        SETTINGS,
        clock=clock,
        store=AzureTableStore.from_connection_string(storage_connection),
        files=AzureFileStore.from_connection_string(storage_connection),
        queues=InMemoryQueueSender(),
        senders={},
    )
    agency_id = "az-" + uuid.uuid4().hex[:8]
    services.repos.agencies.save(Agency(agency_id, "Azurite Incasso"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id=agency_id)
    a = ApiClient(IntegrationApi(services), key)
    assert (
        a.call(
            "POST",
            "/v1/clients",
            {"items": [client_row("C1", charge_interest=False, ibans=[client_iban(agency_id)])]},
        ).status
        == 200
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="300.00", due_date="2025-12-01"),
    ]})  # fmt: skip
    a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"})
    base = "/v1/clients/C1/plans"
    made = a.call("POST", base, {"debtor": "D1", "invoices": ["F1"], "start": "2026-01-26",
                                 "installments": 3, "method": "direct_debit"})  # fmt: skip
    plan_id = made.body["plan_id"]
    assert a.call("PUT", f"{base}/{plan_id}/mandate", MANDATE).status == 200
    assert a.call("POST", f"{base}/{plan_id}/activate").status == 200
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    desk = services.plans.desk
    assert desk is not None

    def day(on: date) -> dict[str, Any]:
        clock.at = datetime(on.year, on.month, on.day, 6, 30, tzinfo=UTC)
        desk.build_files(on)
        services.plans.process(client_id, plan_id, on)
        return dict(a.call("GET", f"{base}/{plan_id}").body)

    filed = day(date(2026, 1, 21))
    (debit,) = filed["direct_debits"]
    assert desk.plan_of(client_id, debit["end_to_end_id"]) == plan_id
    day(date(2026, 1, 24))
    names = [n for n in services.files.names(CONTAINER) if n.startswith(client_id)]
    assert len(names) == 1
    message_id = names[0].rsplit("-", 1)[-1].removesuffix(".xml")
    clock.at = datetime(2026, 1, 25, 9, 0, tzinfo=UTC)
    body = report(message_id, (debit["end_to_end_id"], "RJCT", "AC04"))
    answer = a.call("POST", "/v1/clients/C1/direct-debits/status-reports", raw=body)
    assert answer.status == 200, answer.body
    after = day(date(2026, 1, 26))
    assert after["installments"][0]["status"] == "failed"
    assert after["installments"][0]["paid"] == "0.00"
    # staff retry: collected a few days later
    assert a.call("POST", f"{base}/{plan_id}/installments/1/retry").status == 200
    for on in (date(2026, 1, 27), date(2026, 1, 29), date(2026, 1, 31), date(2026, 2, 2)):
        after = day(on)
    assert after["installments"][0]["status"] == "paid", after
    # the second installment is filed, then moved by staff before its file is made
    day(date(2026, 2, 21))
    moved = a.call("POST", f"{base}/{plan_id}/installments/2/postpone", {"to": "2026-03-20"})
    assert moved.status == 200, moved.body
    states = [(d["installment"], d["state"]) for d in moved.body["direct_debits"]]
    assert states == [(1, "returned"), (1, "collected"), (2, "withdrawn")]
    day(date(2026, 2, 24))
    files_now = [n for n in services.files.names(CONTAINER) if n.startswith(client_id)]
    assert len(files_now) == 2  # the first file and the retry's; none for the withdrawn one
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert "plan_debit_failed" in {x["kind"] for x in items}
    assert json.dumps(items).count("direct_debit_withdrawn") == 0  # no file was made for it
