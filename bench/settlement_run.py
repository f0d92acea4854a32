"""Settlement runs and the usage meter against Azurite.

``settlement_run``: an agency whose clients each received many payments (all four
components): the first run settles them all (statements, one pain.001); a next-day run with
nothing new shows what a due client's history costs to read; a run after one new payment
per client is the everyday case; a run after one settled payment per client was moved (a
credit note) writes one correction per client. Wall time and storage requests per payment settled.

``usage_meter``: a client with a large history of which a few invoices are open: counting
a month reads that month's rows only, next to reading the open invoices the way the old meter
did (a filtered scan of the client's whole invoice partition). Wall time of each.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import InvoiceRepository
from shared.adapters.tables.records_repo import PaymentRepository
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.parties import Agency, Client
from shared.domain.records import AllocatedAmount, Payment, PaymentSource
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from shared.ports.tables import MAX_BATCH, Op, OpKind
from shared.settings import Settings

RUN_ON = date(2026, 11, 30)
PAYOUT = "NL44RABO0123456789"
THIRD_PARTY = "NL91ABNA0417164300"


def _services(connection: str, clock: FixedClock) -> Any:
    settings = Settings.from_env({"AzureWebJobsStorage": connection})
    return build_services(settings, clock=clock, queues=InMemoryQueueSender(), senders={})


def _payment(client_id: str, i: int, on: date) -> Payment:
    parts = (("costs", 4000), ("costs_vat", 840), ("interest", 155 + i % 50), ("principal", 12100))
    allocations = tuple(AllocatedAmount(f"F{i:06d}", c, a) for c, a in parts)
    return Payment(
        client_id,
        f"pay-{i:06d}",
        "D1",
        sum(a for _, a in parts),
        on,
        PaymentSource.BANK,
        allocations=allocations,
    )


def _write_payments(services: Any, payments: list[Payment]) -> None:
    ops = [Op(OpKind.INSERT, PaymentRepository.to_row(p)) for p in payments]
    for start in range(0, len(ops), MAX_BATCH):
        services.repos.store.transact(schema.PAYMENTS, ops[start : start + MAX_BATCH])


def _timed(services: Any, fn: Any) -> tuple[float, int, Any]:
    before = services.repos.store.requests
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, services.repos.store.requests - before, result


def _save_payment(services: Any, p: Payment) -> None:
    services.repos.store.upsert(schema.PAYMENTS, PaymentRepository.to_row(p))


def settlement(connection: str, scale: float) -> dict[str, Any]:
    clients, per_client = max(2, int(20 * scale)), max(50, int(500 * scale))
    clock = FixedClock(datetime(2026, 11, 30, 5, tzinfo=UTC))
    services = _services(connection, clock)
    agency_id = f"bench-settle-{time.time_ns()}"
    services.repos.agencies.save(Agency(agency_id, "Bench Incasso", THIRD_PARTY))
    ids = []
    for c in range(clients):
        client = Client(f"{agency_id}-c{c:03d}", agency_id, f"C{c}", f"Client {c}")
        services.repos.clients.save(client, new=True)
        services.settlements.store.save_agreement(
            SettlementAgreement(
                client.client_id,
                agency_id,
                PAYOUT,
                f"Client {c}",
                frequency=Frequency.DAILY,
                commission_bp=1000,
            )
        )
        _write_payments(
            services,
            [
                _payment(client.client_id, i, RUN_ON - timedelta(days=1 + i % 20))
                for i in range(per_client)
            ],
        )
        ids.append(client.client_id)
    runner = services.settlement_runs
    first_s, first_r, first = _timed(services, lambda: runner.run_agency(agency_id, RUN_ON))
    clock.at += timedelta(days=1)
    idle_s, idle_r, _ = _timed(
        services, lambda: runner.run_agency(agency_id, RUN_ON + timedelta(days=1))
    )
    for client_id in ids:
        _write_payments(services, [_payment(client_id, per_client, RUN_ON + timedelta(days=1))])
    clock.at += timedelta(days=1)
    one_s, one_r, _ = _timed(
        services, lambda: runner.run_agency(agency_id, RUN_ON + timedelta(days=2))
    )
    # money moved after the payout (a credit note rewrites a payment's allocations): one
    # settled payment per client is corrected
    for client_id in ids:
        moved = _payment(client_id, 0, RUN_ON - timedelta(days=1))
        _save_payment(services, replace(moved, allocations=moved.allocations[:2]))
    clock.at += timedelta(days=1)
    moved_s, moved_r, _ = _timed(
        services, lambda: runner.run_agency(agency_id, RUN_ON + timedelta(days=3))
    )
    total = clients * per_client
    transfer = services.files.get("settlements", first.transfer_file)
    return {
        "benchmark": "settlement_run",
        "clients": clients,
        "payments": total,
        "first_run_seconds": round(first_s, 2),
        "first_run_payments_per_second": round(total / first_s),
        "first_run_requests_per_payment": round(first_r / total, 2),
        "idle_run_seconds": round(idle_s, 2),
        "idle_run_requests": idle_r,
        "one_new_payment_per_client_seconds": round(one_s, 2),
        "one_new_payment_requests_per_client": round(one_r / clients, 1),
        "one_moved_payment_per_client_seconds": round(moved_s, 2),
        "one_moved_payment_requests_per_client": round(moved_r / clients, 1),
        "idle_to_first_time_ratio": round(idle_s / first_s, 2),
        "pain001_bytes": len(transfer or b""),
    }


def usage(connection: str, scale: float) -> dict[str, Any]:
    invoices, open_share = max(1000, int(20_000 * scale)), 20  # one in twenty still open
    clock = FixedClock(datetime(2026, 11, 1, 0, 5, tzinfo=UTC))
    services = _services(connection, clock)
    client = Client(f"bench-usage-{time.time_ns()}", "bench", "U1", "Usage Client")
    services.repos.clients.save(client, new=True)
    ops: list[Op] = []
    for i in range(invoices):
        paid = i % open_share != 0
        inv = Invoice(
            client.client_id,
            f"F{i:06d}",
            f"D{i % 500:03d}",
            date(2025, 1, 1),
            date(2025, 1, 31),
            12100,
            paid=12100 if paid else 0,
            status=InvoiceStatus.PAID if paid else InvoiceStatus.OPEN,
        )
        ops += InvoiceRepository.write_ops(inv, None)
    for start in range(0, len(ops), MAX_BATCH):
        services.repos.store.transact(schema.INVOICES, ops[start : start + MAX_BATCH])
    meter = services.managed_invoices
    open_s, _, _ = _timed(services, lambda: meter.open_month(client.client_id, "2026-11"))
    count_s, count_r, counted = _timed(services, lambda: meter.count(client.client_id, "2026-11"))
    scan_s, scan_r, scanned = _timed(
        services, lambda: services.repos.invoices.open_invoices(client.client_id)
    )
    return {
        "benchmark": "usage_meter",
        "invoices_in_history": invoices,
        "under_management_in_month": counted,
        "open_month_seconds": round(open_s, 3),
        "count_month_seconds": round(count_s, 3),
        "count_month_requests": count_r,
        "old_meter_open_scan_seconds": round(scan_s, 3),
        "old_meter_open_scan_requests": scan_r,
        "old_meter_counted": len(scanned),
        "count_to_old_scan_time_ratio": round(count_s / scan_s, 2),
    }
