"""The claim ledger on Azurite: bank payments booked over whole claims (costs, interest,
principal) per second and storage requests per payment, for debtors with one open invoice
and with twenty (the costs of a notice are shared over all of a debtor's claims, so every
booking reads them all); and the time to replay a debtor's claims for the claim route."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.adapters.queues.storage import InMemoryQueueSender
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.records import PaymentSource
from shared.services.imports import InvoiceDraft
from shared.settings import Settings

TODAY = date(2025, 6, 2)


def _portfolio(services: Any, debtors: int, per_debtor: int, tag: str) -> Client:
    client = Client(f"bench-ledger-{tag}-{time.time_ns()}", "bench", f"BL{tag}", "Ledger Bench")
    services.repos.clients.save(client, new=True)
    people = [
        Debtor(client.client_id, f"D{i:05d}", DebtorKind.B2C, f"Debtor {i}") for i in range(debtors)
    ]
    services.imports.upsert_debtors(client, list(enumerate(people)))
    drafts = [
        InvoiceDraft(
            f"F{i:05d}-{k:02d}", p.number, TODAY - timedelta(days=120 + k), TODAY - timedelta(days=90 + k),
            12_100 + k, fourteen_day_letter_on=TODAY - timedelta(days=60),
        )
        for i, p in enumerate(people) for k in range(per_debtor)
    ]  # fmt: skip
    result = services.imports.upsert_invoices(client, list(enumerate(drafts)))
    assert not result.errors, result.errors[:3]
    return client


def _book(services: Any, client: Client, debtors: int, per_debtor: int) -> tuple[float, int, float]:
    store = services.repos.store
    before = store.requests
    began = time.perf_counter()
    for i in range(debtors):
        number = f"F{i:05d}-00"
        claim = services.ledger.claim(client, number)
        services.payments.book(
            client, payment_id=f"bank-{i}", amount=claim.open.total, received_on=TODAY,
            source=PaymentSource.BANK, invoice_numbers=[number],
        )  # fmt: skip
    seconds = time.perf_counter() - began
    requests = store.requests - before
    replay_began = time.perf_counter()
    for i in range(debtors):
        services.ledger.debtor_open_claims(client, f"D{i:05d}")
    return seconds, requests, (time.perf_counter() - replay_began) / debtors


def run(connection: str, scale: float) -> dict[str, Any]:
    debtors = max(10, int(200 * scale))
    settings = Settings.from_env({"AzureWebJobsStorage": connection})
    clock = FixedClock(datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
    services = build_services(settings, clock=clock, queues=InMemoryQueueSender(), senders={})
    services.repos.ensure_tables()
    one = _portfolio(services, debtors, 1, "one")
    many = _portfolio(services, debtors, 20, "many")
    one_s, one_r, one_replay = _book(services, one, debtors, 1)
    many_s, many_r, many_replay = _book(services, many, debtors, 20)
    paid = services.ledger.claim(one, "F00000-00")
    assert paid.open.total == 0 and paid.paid.costs > 0 and paid.paid.interest > 0
    return {
        "benchmark": "ledger_booking",
        "payments": debtors,
        "payments_per_second_one_claim": round(debtors / one_s, 1),
        "payments_per_second_twenty_claims": round(debtors / many_s, 1),
        "requests_per_payment_one_claim": round(one_r / debtors, 2),
        "requests_per_payment_twenty_claims": round(many_r / debtors, 2),
        "debtor_claim_ms_one_claim": round(one_replay * 1000, 1),
        "debtor_claim_ms_twenty_claims": round(many_replay * 1000, 1),
        "time_ratio_twenty_to_one": round(many_s / one_s, 2),
    }
