"""A statement window that dies half-way, then the same blob delivered again: the end state is
the state of one clean run.

The window (``shared/services/statements_window.py``) books its lines in steps: the intents,
the ledger, the payment rows, the invoices, the matching index and Today sums, then the side
effects (return references, learned payer accounts, the contact log, overpayment items, the
payment listeners, the action items) and at last the lines settled. The worker is killed right
after each write of a clean run in turn (the write landed, nothing after it ran), the blob is
delivered again without faults, and everything a person or a later line can see is compared
with a run that never crashed.
"""

from __future__ import annotations

import json
import random
import secrets
from collections import Counter
from datetime import date
from typing import Any
from unittest import mock

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.banking_repo import LEARNED_IBANS, PAYMENT_REFS, STATEMENT_LINES
from shared.adapters.tables.figures_repo import FiguresRepository
from shared.adapters.tables.ledger_repo import LEDGER
from shared.adapters.tables.match_index_repo import MATCH_INDEX
from shared.adapters.tables.payment_days_repo import PAYMENTS_BY_DAY
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.ports.tables import all_rows
from tests.faults.checks import all_actions
from tests.faults.figures import FIGURES
from tests.faults.test_booking_under_faults import ACCOUNT, ledger
from tests.faults.world import FaultWorld, build
from tests.support.faults import SimulatedCrash

WRITES = ("insert", "upsert", "replace", "delete", "transact")
NAME = "agency-a/window.sta"
PAYERS = [f"NL{10 + i:02d}RABO0{i:09d}" for i in range(6)]


def _statement(references: list[str]) -> bytes:
    """Six lines paying F0..F5 by reference from their own accounts (F5 paid 25 euros too
    much: an overpayment), a gift without a reference (a suggestion: its payer is known) and a debit."""
    lines = [
        OutLine(date(2025, 3, 3), (100 + i) * 100 + (2_500 if i == 5 else 0), "",
                counterparty_iban=PAYERS[i], counterparty_name=f"Debtor {i}", reference=ref,
                end_to_end_id=f"E2E-{i}")
        for i, ref in enumerate(references)
    ]  # fmt: skip
    lines.append(
        OutLine(date(2025, 3, 3), 4_321, "gift, no invoice", counterparty_iban=PAYERS[0],
                counterparty_name="X")
    )  # fmt: skip
    lines.append(OutLine(date(2025, 3, 3), -1_500, "bank costs", counterparty_name="Bank"))
    return write_mt940(
        ACCOUNT, lines, opening=0, opening_date=date(2025, 3, 3), statement_id="W1"
    ).encode()


def _world() -> tuple[FaultWorld, bytes, list[list[str]]]:
    """The same client, debtors and invoices every time (ids drawn from a seeded generator
    while they are made), so two runs compare row by row."""
    rng = random.Random(13)
    with mock.patch.object(secrets, "token_hex", lambda n=16: rng.randbytes(n).hex()):
        world = build(0, 0.0)
        data = _statement(ledger(world, invoices=6))
    # the Today page was read once: its sums are counted and kept up by each change from now
    world.services.console_figures.portfolio(
        next(iter(world.services.repos.clients.all())).client_id
    )
    told: list[list[str]] = []
    world.services.payments.listeners.append(lambda client, numbers: told.append(list(numbers)))
    return world, data, told


def _rows(world: FaultWorld, table: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r.pk, r.rk): dict(r.data) for r in all_rows(world.store, table)}


def _state(world: FaultWorld, told: list[list[str]]) -> dict[str, Any]:
    """What one clean run leaves, without what differs by the clock or chance (ids)."""
    svc = world.services
    client = next(iter(svc.repos.clients.all()))
    cid = client.client_id
    payments = svc.repos.payments.list(cid, page_size=1000)[0]
    contacts = Counter(
        (e.debtor_number, e.summary, e.invoice_numbers)
        for e in svc.repos.contacts.between(cid)
        if e.kind.value == "payment"
    )
    actions = Counter(
        (a.client_id, a.kind, a.title, json.dumps(a.detail, sort_keys=True, default=str))
        for a in all_actions(world)
    )
    svc.console_figures.portfolio(cid)  # counted again when a crash marked them uncounted
    figures = FiguresRepository(world.store).read(cid)
    lines = {
        rk: (d["Status"], d.get("ClientId"), d.get("PaymentId"), d.get("Invoices"))
        for (_, rk), d in _rows(world, STATEMENT_LINES).items()
    }
    allocated = {a.invoice_number for p in payments for a in p.allocations}
    return {
        "payments": sorted(
            (p.payment_id, p.amount, p.allocations, p.unallocated, p.reversed) for p in payments
        ),
        "payments by day": sorted(_rows(world, PAYMENTS_BY_DAY)),
        "return references": _rows(world, PAYMENT_REFS),
        "learned ibans": _rows(world, LEARNED_IBANS),
        "contact log": contacts,
        "action items": actions,
        "invoices": _rows(world, schema.INVOICES),
        "ledger": _rows(world, LEDGER),
        "match index": {k: v for k, v in _rows(world, MATCH_INDEX).items()},
        "today open": figures.open_by_due,
        "today received": figures.received_by_month,
        "today waiting": figures.waiting_by_kind,
        "lines": lines,
        "listener told": allocated <= {n for numbers in told for n in numbers},
    }


def _deliver(world: FaultWorld, data: bytes) -> bool:
    try:
        world.services.statements.ingest(NAME, data)
    except (Exception, SimulatedCrash):
        return False
    return True


def _crashed_at(k: int | None) -> tuple[dict[str, Any], list[str]]:
    """The state after the worker died right after its k-th write and the blob came again;
    with the writes of the first delivery (``op table``)."""
    world, data, told = _world()
    writes: list[str] = []

    def nth_write(op: str, target: str) -> bool:
        if op not in WRITES:
            return False
        writes.append(f"{op} {target}")
        return len(writes) == k

    world.plan.rule(nth_write, "crash_after")
    world.plan.enabled = True
    finished = _deliver(world, data)
    world.plan.enabled = False
    if not finished:
        assert _deliver(world, data)  # the host delivers the blob again
    return _state(world, told), writes


@pytest.fixture(scope="module")
def clean() -> tuple[dict[str, Any], list[str]]:
    return _crashed_at(None)


def test_the_clean_run_books_what_the_redelivery_must_match(clean):
    state, writes = clean
    assert len(writes) > 15
    assert len(state["payments"]) == 6
    assert sum(1 for p in state["payments"] if p[3] > 0) == 1  # the overpayment
    assert sum(state["contact log"].values()) == 6
    kinds = Counter(a[1] for a in state["action items"].elements())
    assert kinds["overpayment"] == 1 and kinds["payment_suggestion"] == 1
    assert len(state["return references"]) == 6
    assert state["learned ibans"]
    assert state["today received"]
    assert state["listener told"]
    assert {s for s, *_ in state["lines"].values()} == {"booked", "suggested", "debit"}


def test_a_window_killed_after_any_write_and_delivered_again_ends_as_one_clean_run(clean):
    expected, writes = clean
    differences: list[str] = []
    for k in range(1, len(writes) + 1):
        state, _ = _crashed_at(k)
        FIGURES["window crash points replayed"] += 1
        wrong = [aspect for aspect, value in expected.items() if state[aspect] != value]
        if wrong:
            differences.append(f"killed after write {k} ({writes[k - 1]}): {', '.join(wrong)}")
    FIGURES["window crash points left different"] += len(differences)
    assert not differences, "\n".join(differences)
