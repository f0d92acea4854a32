"""The app wired over fault-injecting adapters, with a client whose debtors walk a workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.messaging import Channel
from shared.domain.parties import Agency, Client
from shared.ports.tables import TableStore
from shared.services.container import Services
from tests.faults.harness import CountingChannel, QueueHost
from tests.support.faults import FaultPlan, FaultyFileStore, FaultyQueueSender, FaultyTableStore
from tests.unit.api.conftest import SETTINGS, ApiClient, client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW

START = datetime(2025, 3, 3, 5, 0, tzinfo=UTC)  # a Monday


@dataclass
class FaultWorld:
    services: Services
    api: ApiClient
    clock: FixedClock
    plan: FaultPlan
    host: QueueHost
    channel: CountingChannel
    files: InMemoryFileStore
    store: TableStore


def build(seed: int, rate: float, store: TableStore | None = None) -> FaultWorld:
    plan = FaultPlan(seed=seed, rate=rate, enabled=False)
    inner = store or InMemoryTableStore()
    files = InMemoryFileStore()
    sender = InMemoryQueueSender()
    clock = FixedClock(START)
    channel = CountingChannel()
    services = build_services(
        SETTINGS, clock=clock, store=FaultyTableStore(inner, plan),
        files=FaultyFileStore(files, plan), queues=FaultyQueueSender(sender, plan),
        senders={c: channel for c in Channel},
    )  # fmt: skip
    services.repos.agencies.save(Agency("agency-a", "A"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")
    api = ApiClient(IntegrationApi(services), key)
    host = QueueHost(services, sender, clock, plan)
    return FaultWorld(services, api, clock, plan, host, channel, files, inner)


def portfolio(world: FaultWorld, debtors: int = 10) -> None:
    """A client with a workflow and ``debtors`` debtors, each with one or two invoices due on
    days spread over the first weeks (set up without faults)."""
    a = world.api
    assert (
        a.call(
            "POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]}
        ).status
        == 200
    )
    rows = [debtor_row(f"D{i}", name=f"Debtor {i}") for i in range(debtors)]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": rows}).body["created"] == debtors
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "particulier"}]})
    invoices = []
    for i in range(debtors):
        due = f"2025-03-{3 + i % 9:02d}"
        invoices.append(invoice_row(f"F{i}a", f"D{i}", due_date=due))
        if i % 3 == 0:
            invoices.append(invoice_row(f"F{i}b", f"D{i}", due_date=due, amount="55.00"))
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": invoices}).body["created"] == len(
        invoices
    )


def mollie_debtor(world: FaultWorld, invoices: list[dict[str, Any]] | None = None) -> Client:
    """The Mollie fault tests' start (set up without faults): client C1, its debtor D1 and
    ``invoices`` (by default F1 and F2 of 50.00); returns the client."""
    a = world.api
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = invoices or [invoice_row("F1", "D1"), invoice_row("F2", "D1", amount="50.00")]
    a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    return next(iter(world.services.repos.clients.all()))


def paid_online(world: FaultWorld, client: Client, invoices: tuple[str, ...] = ("F1", "F2")) -> str:
    """D1 pays ``invoices`` online and Mollie says paid (its webhook job is queued, not run);
    returns the payment id."""
    online = world.services.online_payments
    payment_id = online.start(client, "D1", list(invoices), "https://x.example/back").payment_id
    online.settle_simulated(payment_id, "paid")
    return payment_id
