"""The daily installment run's cost must follow the installments due, not the number of
plans: 100,000 running plans over 100 clients with 1% needing attention today (scale 1),
against the same number due among 10,000 plans, on Azurite. The run reads the calendar of
plans needing attention (one range read), puts one queue message per plan, and works each
plan (its claims from the ledger, the reminder through the outbox). Figures: storage
requests per due installment (tables, blobs and queues, counted at the SDK clients), wall
time, and their ratios large/small (near 1: the run does not read the plans that wait)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.harness import figure
from shared.adapters.metering import METER, StorageMeter
from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import InvoiceRepository
from shared.adapters.tables.keys import encode, join
from shared.adapters.tables.plans_repo import CALENDAR, CALENDAR_PK, PLANS, PlanRepository
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.invoices import Invoice
from shared.domain.parties import Address, Client, Debtor, DebtorKind
from shared.domain.plans.plan import PaymentPlan, PlanStatus
from shared.domain.plans.rules import PlanRules
from shared.domain.plans.schedule import Period, PlanMethod, by_count
from shared.ports.tables import MAX_BATCH, Op, OpKind, Row
from shared.settings import Settings

TODAY = date(2026, 3, 2)
INSTALLMENTS = 6
TOTAL = 60_000


def _plans(services: Any, clients: int, per_client: int, due_per_client: int, tag: str) -> None:
    store = services.repos.store
    rules = PlanRules(reminder_offset_days=0)

    def seed(c: int) -> list[Op]:
        client = Client(
            f"{tag}{c:04d}", "bench", f"{tag}{c}", f"Client {c}", ibans=("NL91ABNA0417164300",)
        )
        services.repos.clients.save(client, new=True)
        plan_ops: list[Op] = []
        calendar: list[Op] = []
        invoice_ops: list[Op] = []
        debtors: list[Debtor] = []
        for p in range(per_client):
            due_today = p < due_per_client
            # a plan that needs attention today has installment 2 due today; the others wait
            start = TODAY - timedelta(days=31) if due_today else TODAY - timedelta(days=10)
            schedule = by_count(TOTAL, start, Period.MONTH, INSTALLMENTS, PlanMethod.TRANSFER)
            debtor, number = f"D{p:06d}", f"F{p:06d}"
            plan = PaymentPlan(
                client.client_id, f"PL{p:07d}", debtor, (number,), True, PlanMethod.TRANSFER,
                start, Period.MONTH, TOTAL, f"{p:016d}", tuple(schedule), rules,
                datetime(2026, 1, 1, tzinfo=UTC), "bench", PlanStatus.ACTIVE,
                activated_at=datetime(2026, 1, 1, tzinfo=UTC), paid=10_000,
                attention_on=TODAY if due_today else TODAY + timedelta(days=21),
            )  # fmt: skip
            plan_ops.append(Op(OpKind.UPSERT, PlanRepository._row(plan)))
            on = plan.attention_on
            assert on is not None
            calendar.append(Op(OpKind.UPSERT, Row(CALENDAR_PK, join(on.strftime("%Y%m%d"), encode(client.client_id), encode(plan.plan_id)),
                                                  {"ClientId": client.client_id, "PlanId": plan.plan_id})))  # fmt: skip
            if due_today:  # only what the run reads: the due plans' debtors and invoices
                debtors.append(Debtor(client.client_id, debtor, DebtorKind.B2C, f"Debtor {p}", (f"d{p}@example.nl",),
                                      address=Address("Straat 1", "1234 AB", "Utrecht")))  # fmt: skip
                inv = Invoice(
                    client.client_id, number, debtor, date(2025, 11, 1), date(2025, 12, 1), TOTAL
                )
                invoice_ops += InvoiceRepository.write_ops(inv, None)
        for start_at in range(0, len(plan_ops), MAX_BATCH):
            store.transact(PLANS, plan_ops[start_at : start_at + MAX_BATCH])
        for start_at in range(0, len(invoice_ops), MAX_BATCH):
            store.transact(schema.INVOICES, invoice_ops[start_at : start_at + MAX_BATCH])
        for d in debtors:
            services.repos.debtors.save(d, None)
        return calendar

    with ThreadPoolExecutor(max_workers=4) as pool:
        calendar = [op for ops in pool.map(seed, range(clients)) for op in ops]
    # the calendar is one partition for every client: its transactions go one after another
    for start_at in range(0, len(calendar), MAX_BATCH):
        store.transact(CALENDAR, calendar[start_at : start_at + MAX_BATCH])


def _run(services: Any) -> tuple[float, int, int]:
    """The timer's fan-out (calendar read, one queue message per plan), then each plan's
    queue job, as the host would deliver them (the jobs are the calendar rows, listed here
    before the meter starts so the listing is not counted twice)."""
    plans = services.plans
    jobs = plans.plans.needing_attention(TODAY)
    before = METER.snapshot()
    began = time.perf_counter()
    plans.fan_out(TODAY)
    for row_on, client_id, plan_id in jobs:
        plans.process(client_id, plan_id, TODAY, row_on)
    seconds = time.perf_counter() - began
    return seconds, StorageMeter.since(before, METER.snapshot())["total"], len(jobs)


def run(connection: str, scale: float) -> dict[str, Any]:
    clients = max(4, int(100 * scale))
    per_client = 1000
    due = per_client // 100
    settings = Settings.from_env({"AzureWebJobsStorage": connection})
    clock = FixedClock(datetime(2026, 3, 2, 6, 30, tzinfo=UTC))
    services = build_services(settings, clock=clock, senders={})
    _plans(services, clients, per_client, due, "big")
    large_seconds, large_requests, large_worked = _run(services)
    _plans(services, clients, per_client // 10, due, "sml")
    small_seconds, small_requests, small_worked = _run(services)
    due_total = clients * due
    return {
        "benchmark": "installment_run",
        "plans_large": clients * per_client,
        "plans_small": clients * per_client // 10,
        "due_plans": due_total,
        "worked_large": large_worked,
        "worked_small": small_worked,
        "figures": {
            "requests_per_due_installment": figure(
                large_requests / max(1, large_worked),
                small_requests / max(1, small_worked),
                unit="storage requests per plan needing attention (calendar, plan, claims, reminder)",
                baseline_is="the same due plans among ten times fewer plans",
                goal="ratio near 1: the run reads what is due, not every plan",
            ),
            "run_seconds": figure(
                large_seconds,
                small_seconds,
                unit=f"s for the whole run, {due_total} plans due",
                baseline_is="the same due plans among ten times fewer plans",
            ),
        },
    }
