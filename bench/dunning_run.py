"""The daily run's cost must follow what is due, not the portfolio: 50,000 open invoices over
50 clients with 2% due today (scale 1; ``--scale 4`` is the 200,000 over 200 clients of the
first version, about 20 minutes on its own here), against Azurite, then the same number due
in a portfolio ten times smaller. Wall time and storage requests per due invoice of a full
run, and their ratio (near 1 means the run does not read the portfolio). Storage requests are
counted at the SDK clients for tables, blobs and queues (the reminders' queue messages are real
ones on Azurite). The portfolios are seeded four clients at a time."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.harness import figure
from shared.adapters.metering import METER, StorageMeter
from shared.adapters.tables import schema
from shared.adapters.tables.dunning_repo import SCHEDULE
from shared.adapters.tables.invoices_repo import InvoiceRepository
from shared.adapters.tables.keys import encode
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.dunning.templates import MessageTemplate
from shared.domain.dunning.workflow import SegmentRule, Step, StepChannel, Workflow
from shared.domain.invoices import Invoice
from shared.domain.parties import Address, Client, Debtor, DebtorKind
from shared.ports.tables import MAX_BATCH, Op, OpKind, Row
from shared.settings import Settings

TODAY = date(2025, 6, 2)


def _portfolio(
    services: Any, clients: int, invoices_per_client: int, due_per_client: int, tag: str
) -> list[str]:
    store = services.repos.store
    template = MessageTemplate(
        "nl", "Herinnering", "Beste {{ debtor.name }}, openstaand {{ principal|money }}"
    )
    workflow = Workflow(
        "wf",
        "Standaard",
        (Step("Herinnering", StepChannel.EMAIL, 7, templates={"nl": "t"}),),
        active=True,
    )

    def seed(c: int) -> str:
        client = Client(
            f"{tag}{c:04d}",
            "bench",
            f"{tag}{c}",
            f"Client {c}",
            contact_email=f"c{c}@bench.example",
        )
        services.repos.clients.save(client, new=True)
        services.repos.dunning.save_template(client.client_id, "t", template)
        services.repos.dunning.save_workflow(client.client_id, workflow)
        services.repos.dunning.save_rules(client.client_id, [SegmentRule("wf")])
        debtors = [Debtor(client.client_id, f"D{d:05d}", DebtorKind.B2C, f"Debtor {d}", (f"d{d}@example.nl",), address=Address("Straat 1", "1234 AB", "Utrecht"))
                   for d in range(invoices_per_client // 5)]  # fmt: skip
        for start in range(0, len(debtors), MAX_BATCH):
            services.repos.debtors.save_ops(
                [
                    services.repos.debtors.write_op(d, None)
                    for d in debtors[start : start + MAX_BATCH]
                ]
            )
        ops: list[Op] = []
        schedule: list[Op] = []
        for i in range(invoices_per_client):
            due_today = i < due_per_client
            due = TODAY - timedelta(days=7) if due_today else TODAY + timedelta(days=30 + i % 60)
            inv = Invoice(
                client.client_id,
                f"F{i:06d}",
                f"D{i % len(debtors):05d}",
                due - timedelta(days=30),
                due,
                10_000 + i,
            )
            ops += InvoiceRepository.write_ops(inv, None)
            check = TODAY if due_today else due + timedelta(days=7)
            schedule.append(
                Op(
                    OpKind.UPSERT,
                    Row(
                        encode(client.client_id),
                        services.repos.dunning.schedule_key(check, inv.debtor_number, inv.number),
                        {},
                    ),
                )
            )
        for start in range(0, len(ops), MAX_BATCH):
            store.transact(schema.INVOICES, ops[start : start + MAX_BATCH])
        for start in range(0, len(schedule), MAX_BATCH):
            store.transact(SCHEDULE, schedule[start : start + MAX_BATCH])
        return client.client_id

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(seed, range(clients)))


def _run(services: Any, client_ids: list[str]) -> tuple[float, int, int]:
    before = METER.snapshot()
    began = time.perf_counter()
    steps = 0
    for client_id in client_ids:
        record = services.dunning.run_client(client_id, TODAY)
        steps += record.steps if record else 0
    seconds = time.perf_counter() - began
    return seconds, StorageMeter.since(before, METER.snapshot())["total"], steps


def run(connection: str, scale: float) -> dict[str, Any]:
    clients = max(4, int(50 * scale))
    per_client = 1000  # 50,000 invoices at scale 1: a due debtor's run costs ~90 ms here
    due = per_client * 2 // 100
    settings = Settings.from_env({"AzureWebJobsStorage": connection})
    clock = FixedClock(datetime(2025, 6, 2, 6, 0, tzinfo=UTC))
    services = build_services(settings, clock=clock, senders={})
    big = _portfolio(services, clients, per_client, due, "big")
    small = _portfolio(services, clients, per_client // 10, due, "sml")
    big_seconds, big_requests, big_steps = _run(services, big)
    small_seconds, small_requests, small_steps = _run(services, small)
    due_invoices = clients * due
    return {
        "benchmark": "dunning_run",
        "clients": clients,
        "portfolio_large": clients * per_client,
        "portfolio_small": clients * per_client // 10,
        "due_invoices": due_invoices,
        "messages_large": big_steps,
        "messages_small": small_steps,
        "figures": {
            "run_seconds": figure(
                big_seconds,
                small_seconds,
                unit=f"s for a full run, {due_invoices} invoices due",
                baseline_is="the same due invoices in a portfolio ten times smaller",
                goal="ratio near 1",
            ),
            "storage_requests_per_due_invoice": figure(
                big_requests / due_invoices,
                small_requests / due_invoices,
                unit="storage requests per due invoice (tables, blobs, queues)",
                baseline_is="the same due invoices in a portfolio ten times smaller",
                goal="ratio near 1",
            ),
        },
    }
