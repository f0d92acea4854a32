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

from shared.adapters.tables import payer_digest, schema
from shared.adapters.tables.banking_repo import LEARNED_IBANS, PAYMENT_REFS, STATEMENT_LINES
from shared.adapters.tables.figures_repo import FiguresRepository
from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.ledger_repo import LEDGER
from shared.adapters.tables.match_index_repo import MATCH_INDEX
from shared.adapters.tables.payment_days_repo import PAYMENTS_BY_DAY
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.ports.tables import TableStore, all_rows
from shared.services.statements_redo import UNDONE
from tests.faults.checks import all_actions
from tests.faults.crashes import TABLE_WRITES, crash_after_write
from tests.faults.figures import FIGURES
from tests.faults.test_booking_under_faults import ACCOUNT, ledger
from tests.faults.world import FaultWorld, build
from tests.support.faults import SimulatedCrash

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


def _world(store: TableStore | None = None) -> tuple[FaultWorld, bytes, list[list[str]]]:
    """The same client, debtors and invoices every time (ids drawn from a seeded generator
    while they are made), so two runs compare row by row."""
    rng = random.Random(13)
    with mock.patch.object(secrets, "token_hex", lambda n=16: rng.randbytes(n).hex()):
        world = build(0, 0.0, store=store)
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


def _digest_holds(world: FaultWorld, cid: str) -> bool:
    """No account learned without its hash in a digest the window would use."""
    row = world.store.get(LEARNED_IBANS, encode(cid), payer_digest.DIGEST_RK)
    digest = payer_digest.from_row(row)
    learned = world.services.repos.banking.learned_ibans(cid)
    return all(digest.may_know(decode(account)) for account in learned)


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
    # the statement's mark (booked whole) and the account's closing balance live in its
    # lines' partition, written with the last of them settled: compared on their own
    marks = {rk: d for (_, rk), d in _rows(world, STATEMENT_LINES).items()
             if rk.startswith(("stmt-", "~"))}  # fmt: skip
    lines = {
        rk: (d["Status"], d.get("ClientId"), d.get("PaymentId"), d.get("Invoices"))
        for (_, rk), d in _rows(world, STATEMENT_LINES).items()
        if not rk.startswith(("stmt-", "~"))
    }
    allocated = {a.invoice_number for p in payments for a in p.allocations}
    return {
        "payments": sorted(
            (p.payment_id, p.amount, p.allocations, p.unallocated, p.reversed) for p in payments
        ),
        "payments by day": sorted(_rows(world, PAYMENTS_BY_DAY)),
        "return references": _rows(world, PAYMENT_REFS),
        # the digest of learned accounts is compared by what it must hold (a redelivery on
        # the one-line path may leave it to be built by the next window, a clean run built it)
        "learned ibans": {
            k: v for k, v in _rows(world, LEARNED_IBANS).items() if k[1] != payer_digest.DIGEST_RK
        },
        "payers digest holds every learned account": _digest_holds(world, cid),
        "contact log": contacts,
        "action items": actions,
        "invoices": _rows(world, schema.INVOICES),
        "ledger": _rows(world, LEDGER),
        # the debtor's name and kind on an index row are a cache of the debtor's row (the
        # window writes them, a redelivery's repair may not: the matcher then reads the
        # debtor), so the index is compared without them
        "match index": {
            k: {f: x for f, x in v.items() if f not in ("Name", "Kind")}
            for k, v in _rows(world, MATCH_INDEX).items()
        },
        "today open": figures.open_by_due,
        "today received": figures.received_by_month,
        "today waiting": figures.waiting_by_kind,
        "lines": lines,
        "statement marked": marks,
        "listener told": allocated <= {n for numbers in told for n in numbers},
        "f1 booked": any(
            a.invoice_number == "F1" for p in payments if not p.reversed for a in p.allocations
        ),
        "undone listed": sum(
            1 for a in all_actions(world) if UNDONE in str(a.detail.get("reasons"))
        ),
        "consistent": _booked_once_and_consistent(world),
    }


def _deliver(world: FaultWorld, data: bytes) -> bool:
    try:
        world.services.statements.ingest(NAME, data)
    except (Exception, SimulatedCrash):
        return False
    return True


def _crashed_at(
    k: int | None, *, credit: bool = False, store: TableStore | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The state after the worker died right after its k-th write and the blob came again;
    with the writes of the first delivery (``op table``). ``credit``: staff credit F1 while
    the first delivery's window is between its read and its ledger write."""
    world, data, told = _world(store)
    staff = {"credited": False}

    def staff_credit(op: str, target: str) -> bool:
        if credit and op == "transact" and target == LEDGER and not staff["credited"]:
            staff["credited"] = True
            cut.counting = False  # staff's writes are not the worker's
            client = next(iter(world.services.repos.clients.all()))
            world.services.invoice_status.credit(client, "F1", "staff")
            cut.counting = True
        return False

    world.plan.rule(staff_credit, "reset")
    cut = crash_after_write(world.plan, k, ops=TABLE_WRITES)
    world.plan.enabled = True
    finished = _deliver(world, data)
    world.plan.enabled = False
    if not finished:
        assert _deliver(world, data)  # the host delivers the blob again
    return _state(world, told), cut.seen


@pytest.fixture(scope="module")
def clean() -> tuple[dict[str, Any], list[str]]:
    return _crashed_at(None)


@pytest.fixture(scope="module")
def clean_with_credit() -> tuple[dict[str, Any], list[str]]:
    return _crashed_at(None, credit=True)


def test_the_clean_run_books_what_the_redelivery_must_match(clean):
    state, writes = clean
    assert len(writes) > 15
    assert len(state["payments"]) == 6
    assert sum(1 for p in state["payments"] if p[3] > 0) == 1  # the overpayment
    assert sum(state["contact log"].values()) == 6
    kinds = Counter(a[1] for a in state["action items"].elements())
    assert kinds["overpayment"] == 1 and kinds["payment_suggestion"] == 1
    # each payment under its end-to-end id and under its payer's account (a return quoting
    # no end-to-end id finds it there: statement_returns)
    refs = [rk for (_, rk) in state["return references"]]
    assert len(refs) == 12
    assert sum(1 for rk in refs if rk.startswith("~payer")) == 6
    assert state["learned ibans"]
    assert state["payers digest holds every learned account"]
    assert state["today received"]
    assert state["listener told"]
    assert {s for s, *_ in state["lines"].values()} == {"booked", "suggested", "debit"}
    assert sorted(d.get("Status", "closing") for d in state["statement marked"].values()) == [
        "closing",
        "done",
    ]


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


# -- another writer between the window's read and its writes ------------------------------------
def _booked_once_and_consistent(world: FaultWorld) -> dict[str, Any]:
    """What must hold whoever wrote in between: allocations only on invoices that took them,
    each line booked or waiting on the action list (never both), the index as the invoices
    stand, every line settled."""
    svc = world.services
    cid = next(iter(svc.repos.clients.all())).client_id
    payments = [p for p in svc.repos.payments.list(cid, page_size=1000)[0] if not p.reversed]
    taken: Counter[str] = Counter()
    for p in payments:
        for a in p.allocations:
            if a.component == "principal":
                taken[a.invoice_number] += a.amount
    invoices = {n: svc.repos.invoices.get(cid, n) for n in taken}
    shown = {n: s.invoice.paid if s else None for n, s in invoices.items()}
    listed = {
        str(a.detail.get("line_id"))
        for a in all_actions(world)
        if a.detail.get("line_id") and a.status.value != "resolved"
    }
    booked = {p.external_id for p in payments}
    index = _rows(world, MATCH_INDEX)
    open_now = {inv.number: inv.open_amount for inv in svc.repos.invoices.open_invoices(cid)}
    indexed = {
        str(d["Number"]): int(d["Open"]) for (_, rk), d in index.items() if rk.startswith("a|")
    }
    return {
        "principal taken vs shown paid": {n: (taken[n], shown[n]) for n in taken
                                          if taken[n] != shown[n]},
        "booked and listed": sorted(booked & listed),
        "index vs invoices": {n: (indexed.get(n), open_now.get(n))
                              for n in set(indexed) | set(open_now)
                              if indexed.get(n) != open_now.get(n)},
        "lines not settled": sorted(
            rk for (_, rk), d in _rows(world, STATEMENT_LINES).items()
            if d.get("Status") in ("pending", "booking")
        ),
    }  # fmt: skip


def test_a_credit_note_between_the_windows_read_and_its_ledger_write_is_seen():
    """Staff credit F1 after the window read the debtor's claims and before it writes the
    ledger: the payment meant for F1 must not end up allocated to a credited invoice."""
    world, data, _ = _world()
    svc = world.services
    client = next(iter(svc.repos.clients.all()))
    credited: list[str] = []

    def staff_credit_first(op: str, target: str) -> bool:
        if op == "transact" and target == LEDGER and not credited:
            credited.append("F1")
            svc.invoice_status.credit(client, "F1", "staff")
        return False

    world.plan.rule(staff_credit_first, "reset")
    world.plan.enabled = True
    assert _deliver(world, data)
    world.plan.enabled = False
    assert credited == ["F1"]
    f1 = svc.repos.invoices.get(client.client_id, "F1")
    assert f1 is not None and f1.invoice.status.value == "credited" and f1.invoice.paid == 0
    on_f1 = [
        p for p in svc.repos.payments.list(client.client_id)[0]
        if not p.reversed and any(a.invoice_number == "F1" for a in p.allocations)
    ]  # fmt: skip
    assert on_f1 == []
    # the line is a person's, as when the credit came first, with the reason
    undone = [a for a in all_actions(world) if UNDONE in str(a.detail.get("reasons"))]
    assert len(undone) == 1 and undone[0].detail["amount"] == 10_100
    assert _booked_once_and_consistent(world) == {
        "principal taken vs shown paid": {},
        "booked and listed": [],
        "index vs invoices": {},
        "lines not settled": [],
    }


def test_a_delivery_that_lists_a_line_another_one_booked_meanwhile_leaves_it_booked():
    """Two deliveries of the file at once: the second claimed the first line (pending) before
    the first delivery booked it, and then finds nothing open to book it on. Its settlement
    as unmatched is guarded by the ETag of its claim: it loses, the line stays booked, and the
    item it added is withdrawn (resolved), so the line is not both booked and listed."""
    from shared.domain.statements.matching import LineMatch
    from shared.domain.statements.model import line_identities
    from shared.domain.statements.parse import parse_statement_file
    from shared.services.statements import IngestReport

    world, data, _ = _world()
    svc = world.services
    banking = svc.repos.banking
    statement = parse_statement_file(data)[0]
    line, line_id = statement.lines[0], line_identities(statement)[0]
    second = banking.claim_line(ACCOUNT, line_id, line.amount, line.booking_date, "act-second")
    assert second is not None and second.status == "pending"
    assert _deliver(world, data)  # the first delivery books the line over the claim
    assert banking.line(ACCOUNT, line_id).status == "booked"  # type: ignore[union-attr]
    client = next(iter(svc.repos.clients.all()))
    owner = banking.owner(ACCOUNT)
    assert owner is not None
    unmatched = LineMatch(0, line.amount, (), (), ("nothing open",), None)
    svc.statements._list(
        ACCOUNT, line, line_id, second, unmatched, [client], owner, IngestReport(NAME, "booked")
    )
    settled = banking.line(ACCOUNT, line_id)
    assert settled is not None and settled.status == "booked"
    items = [a for a in all_actions(world) if a.detail.get("line_id") == line_id]
    assert [a.status.value for a in items] == ["resolved"]
    assert _booked_once_and_consistent(world)["booked and listed"] == []


def test_a_window_undoing_a_booking_on_a_credited_invoice_survives_a_crash_after_any_write(
    clean_with_credit,
):
    """The credit note of the test above, and the worker killed after each write in turn (the
    undoing included): the redelivery ends as the run that was not killed, but for two trails
    that say more than that run, never less (each named here, so that a new one fails):

    - killed between the window's ledger write and its payment row: the redelivery books the
      line through the booking path (its return reference, payer account and "payment
      received" entry) before it finds the invoice credited and undoes it;
    - killed inside :meth:`PaymentService.reverse` (after the payment row says reversed): its
      "reversed" contact entry and ``payment_reversed`` item are not written again by the
      redelivery (the payment service's own, see the report).

    Whatever the crash, nothing stays booked on the credited invoice and the line is listed
    once with the reason."""
    expected, writes = clean_with_credit
    credited_at = writes.index(f"transact {LEDGER}") + 1  # killed earlier: no credit came
    # the undoing: the payment saved reversed, under the ETag it was read with (returns14)
    reversed_at = writes.index("replace Payments") + 1
    undone_by = writes.index(f"transact {PAYMENT_REFS}", reversed_at) + 1  # back in the window
    trails = {
        credited_at: {"return references", "learned ibans", "contact log"},
        **{k: {"contact log", "action items", "today waiting"}
           for k in range(reversed_at, undone_by)},
    }  # fmt: skip
    differences: list[str] = []
    for k in range(credited_at, len(writes) + 1):
        state, _ = _crashed_at(k, credit=True)
        FIGURES["window crash points replayed"] += 1
        wrong = {aspect for aspect, value in expected.items() if state[aspect] != value}
        if wrong - trails.get(k, set()) or state["f1 booked"] or state["undone listed"] != 1:
            differences.append(f"killed after write {k} ({writes[k - 1]}): {sorted(wrong)}")
    FIGURES["window crash points left different"] += len(differences)
    assert not differences, "\n".join(differences)
