"""Restatements on Azurite: what it costs when the ledger books a debtor's claims again from
the final facts (``shared/domain/ledger/replayed.py``), against booking one payment.

For debtors with 1, 5 and 20 claims, each claim with a 14-day letter (costs), and as many
partial payments as claims already booked, one after the other, each attributed to the debtor
by its payer's account without naming an invoice (so each goes over all his claims by 6:43
lid 2, and moving one moves the later ones' money), one debtor per trigger and size is taken through one of
the five things that restate a debtor's claims:

- ``return``: the debtor's first payment comes back (a bank return, ``payments.reverse``);
- ``rate_table``: a statutory rate table with another consumer rate from 2025-01-01 put in
  force, the debtor's claims restated to it (``ledger.restate_rates``, what one queue message
  of ``rate_restatement`` does per debtor);
- ``changed_terms``: the first invoice sent again with its due date ten days later (the import,
  which restates the claim that moved: ``due_date_restatement``; its figure includes the
  import's own work);
- ``corrected_designation``: staff name the debtor's last invoice for his first payment
  (``redesignation.redesignate``; none for one claim: there is no other to name);
- ``back_dated_payment``: a payment received before every booked one (``payments.book``).

The baseline, in the same run and on a debtor of the same size: the same payment (amount,
designation) booked today, which restates nothing. Each figure is the median over the
debtors of the Python process's CPU time (Azurite's own is not counted: it is another
process) and of the storage requests of one such operation (a client's first booking pays
one-time reads: the median leaves them out). ``claims_replayed``: how many of the debtor's
claims carry a replayed booking afterwards (the restatement went through the replay, not
claim by claim); the least over the debtors.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

from bench.harness import figure
from shared.adapters.metering import METER, StorageMeter
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.law.interest_rates import RateTable, default_rate_table
from shared.domain.ledger.model import REPLAYED
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.records import PaymentSource
from shared.services.claim_terms_changes import Importer
from shared.services.imports import InvoiceDraft
from shared.settings import Settings

TODAY = date(2025, 6, 2)
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
SIZES = (1, 5, 20)  # claims a debtor
TRIGGERS = (
    "return",
    "rate_table",
    "changed_terms",
    "corrected_designation",
    "back_dated_payment",
)
PRINCIPAL = 20_000  # each invoice
PAID = 5_000  # each payment: part of its claim, so there is money to move
ADMINISTRATOR = Importer("bench", True)  # a due date moves after the letter only by one
RATES_FROM = date(2025, 1, 1)  # the row the restating table changes (the claims' interest)


@dataclass(frozen=True)
class Cost:
    cpu_ms: float
    wall_ms: float
    requests: int
    claims_replayed: int


def _due(k: int) -> date:
    return TODAY - timedelta(days=120 - k)


def _draft(debtor: str, k: int, due: date | None = None) -> InvoiceDraft:
    due = due or _due(k)
    return InvoiceDraft(
        f"{debtor}-F{k:02d}",
        debtor,
        due - timedelta(days=30),
        due,
        PRINCIPAL + k,
        fourteen_day_letter_on=TODAY - timedelta(days=70),
    )


def _paid_on(k: int) -> date:
    return TODAY - timedelta(days=40 - k)  # after the letter's term: costs, interest, principal


def _portfolio(services: Any, tag: str, claims: int, debtors: list[str]) -> Client:
    """A client whose ``debtors`` each owe ``claims`` invoices, each paid in part once."""
    client = Client(f"bench-restate-{tag}-{time.time_ns()}", "bench", f"BR{tag}", "Restate Bench")
    services.repos.clients.save(client, new=True)
    people = [Debtor(client.client_id, d, DebtorKind.B2C, f"Debtor {d}") for d in debtors]
    services.imports.upsert_debtors(client, list(enumerate(people)))
    drafts = [_draft(d, k) for d in debtors for k in range(claims)]
    result = services.imports.upsert_invoices(client, list(enumerate(drafts)))
    assert not result.errors, result.errors[:3]
    for d in debtors:
        for k in range(claims):  # in the order received
            _pay(services, client, d, claims, f"{d}-p{k:02d}", _paid_on(k))
    return client


def _pay(services: Any, client: Client, debtor: str, claims: int, payment_id: str, on: date) -> Any:
    """A bank payment attributed to the debtor by its payer's account, naming no invoice: it
    goes over all his claims by 6:43 lid 2, so that moving one payment moves the others'."""
    return services.payments.book(
        client, payment_id=payment_id, amount=PAID, received_on=on, source=PaymentSource.BANK,
        invoice_numbers=[f"{debtor}-F{k:02d}" for k in range(claims)], designated=[],
    )  # fmt: skip


def restating_table(table: RateTable) -> RateTable:
    """The table in force with the consumer rate of the half-year the claims' interest runs
    in one point higher: every claim a payment paid interest on is restated."""
    changes = tuple(
        replace(c, consumer=c.consumer + Fraction(1, 100)) if c.effective_from == RATES_FROM else c
        for c in table.changes
    )
    assert changes != table.changes, "the shipped table has no row of 2025-01-01"
    return RateTable(changes)


def _operations(
    services: Any, client: Client, claims: int
) -> dict[str, Callable[[str], object] | None]:
    ledger = services.ledger
    last = claims - 1
    return {
        "booking": lambda d: _pay(services, client, d, claims, f"{d}-today", TODAY),
        "return": lambda d: services.payments.reverse(client, f"{d}-p00", "bench: bank return"),
        "rate_table": lambda d: ledger.restate_rates(
            client.client_id, [f"{d}-F{k:02d}" for k in range(claims)], "bench", since=RATES_FROM
        ),
        "changed_terms": lambda d: _imported(
            services.imports.upsert_invoices(
                client, [(0, _draft(d, 0, _due(0) + timedelta(days=10)))], ADMINISTRATOR
            )
        ),
        "corrected_designation": None
        if claims == 1
        else lambda d: services.redesignation.redesignate(
            client, f"{d}-p00", [f"{d}-F{last:02d}"], "bench", "bench: corrected designation"
        ),
        "back_dated_payment": lambda d: _pay(
            services, client, d, claims, f"{d}-early", _paid_on(0) - timedelta(days=5)
        ),
    }


def _imported(result: Any) -> Any:
    assert not result.errors and result.updated == 1, result
    return result


def _replayed(services: Any, client: Client, debtor: str) -> int:
    claims = services.ledger.debtor_claims(client, debtor)
    return sum(any((e.reason or "").startswith(REPLAYED) for e in r.events) for r in claims.records)


def _measure(services: Any, client: Client, debtor: str, op: Callable[[str], object]) -> Cost:
    store = services.repos.store
    requests = store.requests
    others = METER.snapshot()
    cpu = time.process_time()
    began = time.perf_counter()
    op(debtor)
    wall = time.perf_counter() - began
    spent = time.process_time() - cpu
    untabled = StorageMeter.since(others, METER.snapshot())
    made = store.requests - requests + untabled.get("blob", 0) + untabled.get("queue", 0)
    return Cost(spent * 1000, wall * 1000, made, _replayed(services, client, debtor))


def measure(services: Any, debtors: int, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """Every trigger and the baseline at every size (claims a debtor), ``debtors`` debtors
    each."""
    in_force = services.ledger.rates_in_force
    table = in_force() if in_force else default_rate_table()
    out: dict[str, Any] = {}
    figures: dict[str, dict[str, Any]] = {}
    for claims in sizes:
        names = [f"D{claims:02d}{t:02d}{i:03d}" for t in range(len(TRIGGERS) + 1)
                 for i in range(debtors)]  # fmt: skip
        client = _portfolio(services, f"{claims}", claims, names)
        ops = _operations(services, client, claims)
        costs: dict[str, list[Cost]] = {}
        for t, (name, op) in enumerate(ops.items()):
            if op is None:
                continue
            if name == "rate_table":  # this worker has the new table (RateRestatement.fresh)
                services.ledger.rates_in_force = lambda: restating_table(table)
            try:
                for i in range(debtors):
                    costs.setdefault(name, []).append(
                        _measure(services, client, f"D{claims:02d}{t:02d}{i:03d}", op)
                    )
            finally:
                services.ledger.rates_in_force = in_force
        base = costs["booking"]
        base_cpu = statistics.median(c.cpu_ms for c in base)
        base_requests = statistics.median(c.requests for c in base)
        out[f"booking_{claims}_claims"] = {
            "cpu_ms": round(base_cpu, 2),
            "requests": round(base_requests, 1),
            "wall_ms": round(statistics.median(c.wall_ms for c in base), 1),
        }
        for name in TRIGGERS:
            if name not in costs:
                out[f"{name}_{claims}_claims"] = None
                continue
            got = costs[name]
            out[f"{name}_{claims}_claims"] = figures[f"{name}_{claims}_claims"] = {
                "cpu_ms": figure(
                    statistics.median(c.cpu_ms for c in got),
                    base_cpu,
                    unit="ms CPU",
                    baseline_is=f"the same payment booked today, {claims} claim(s), no restatement",
                ),
                "requests": figure(
                    statistics.median(c.requests for c in got),
                    base_requests,
                    unit="storage requests",
                    baseline_is="the same booking's requests",
                    digits=1,
                ),
                "wall_ms": round(statistics.median(c.wall_ms for c in got), 1),
                "claims_replayed": min(c.claims_replayed for c in got),
            }
    for name in TRIGGERS:
        small, large = out.get(f"{name}_{sizes[0]}_claims"), out.get(f"{name}_{sizes[-1]}_claims")
        if small and large:
            out[f"{name}_cpu_{sizes[-1]}_to_{sizes[0]}_claims"] = round(
                large["cpu_ms"]["value"] / small["cpu_ms"]["value"], 2
            )
    # the figures with their baselines, one a row, as `python -m bench.report` lists them
    out["figures"] = {
        f"{key} {kind}": found[kind]
        for key, found in figures.items()
        for kind in ("cpu_ms", "requests")
    }
    return out


def run(connection: str, scale: float) -> dict[str, Any]:
    debtors = max(2, round(10 * scale))
    settings = Settings.from_env({"AzureWebJobsStorage": connection})
    services = build_services(
        settings, clock=FixedClock(NOW), queues=InMemoryQueueSender(), senders={}
    )
    services.repos.ensure_tables()
    return {"benchmark": "restatement", "debtors_per_trigger": debtors} | measure(services, debtors)
