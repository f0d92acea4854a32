"""The one-off prescription backfill (shared/services/operations/prescription_backfill.py):
a row per collectable invoice that has none, at its earliest warning day, at most once, per
client, resumable, spread when due now. Dates by hand: 2 years (7:28 BW) from the day after
the due date for a claim of unknown kind, less the warning's 60 days."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.adapters.tables.dunning_repo import SCHEDULE
from shared.adapters.tables.invoices_repo import invoice_to_row
from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.schema import INVOICES
from shared.clock import FixedClock
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.law.prescription import ClaimKind
from shared.ports.tables import Row
from shared.services.operations.prescription_backfill import (
    PROGRESS_KEY,
    BackfillBusy,
    PrescriptionBackfill,
    earliest_look,
)
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_prescription_watch import at, engine, warnings  # noqa: F401

TODAY = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _invoice(client: str, debtor: str, number: str, due: date, **extra: object) -> Invoice:
    return Invoice(client, number, debtor, due - timedelta(days=30), due, 12100, **extra)  # type: ignore[arg-type]


def _store(*invoices: Invoice) -> InMemoryTableStore:
    store = InMemoryTableStore()
    store.ensure_tables([INVOICES, SCHEDULE])
    for invoice in invoices:
        store.upsert(INVOICES, invoice_to_row(invoice))
    return store


def _rows(store: InMemoryTableStore, client: str = "C1") -> list[str]:
    return [r.rk for r in store.query(SCHEDULE, pk=client, rk_range=(None, "~")).rows]


def test_earliest_look_takes_the_shorter_term_of_the_claims_kind():
    # due 2024-03-15: prescription counts from 03-16; 2 years -> 2026-03-16, less 60 days
    assert earliest_look(_invoice("C1", "D1", "F1", date(2024, 3, 15))) == date(2026, 1, 15)
    # a claim for something else than a sale prescribes in 5 years for anyone
    other = _invoice("C1", "D1", "F1", date(2024, 3, 15), claim_kind=ClaimKind.OTHER)
    assert earliest_look(other) == date(2029, 3, 16) - timedelta(days=60)


def test_a_row_per_open_invoice_without_one_and_nothing_else():
    store = _store(
        _invoice("C1", "D1", "F1", date(2024, 3, 15)),  # look passed: due now
        _invoice("C1", "D2", "F/2", date(2026, 6, 1)),  # look 2028-06-02 - 60 d = 2028-04-03
        _invoice("C1", "D3", "F3", date(2024, 1, 1), status=InvoiceStatus.PAID, paid=12100),
        _invoice("C1", "D4", "F4", date(2024, 1, 1)),  # has a row of its workflow
        _invoice("C1", "D5", "F5", date(2024, 1, 1)),  # named by an import's row
        _invoice("C1", "D6", "F6", date(2024, 1, 1), status=InvoiceStatus.DISPUTED),
        _invoice("C2", "D1", "G1", date(2024, 1, 1)),  # another client's
    )
    store.upsert(SCHEDULE, Row("C1", "20270105|D4|F4", {}))
    store.upsert(
        SCHEDULE, Row("C1", "20261201|!i|ab-000", {"Invoices": json.dumps([["D5", "F5"]])})
    )
    state = PrescriptionBackfill(store, FixedClock(TODAY)).run("C1")
    assert _rows(store) == sorted(
        ["20261201|D1|F1", "20280403|D2|F!2f2", "20270105|D4|F4", "20261201|!i|ab-000"]
    )
    assert (state.written, state.kept, state.closed, state.due_now, state.done) == (
        2,
        2,
        2,
        1,
        True,
    )
    assert _rows(store, "C2") == []  # tenant-keyed: C2 is its own run
    assert PrescriptionBackfill(store, FixedClock(TODAY)).progress("C2") is None


def test_a_second_run_writes_nothing_and_reports_the_first():
    store = _store(_invoice("C1", "D1", "F1", date(2024, 3, 15)))
    first = PrescriptionBackfill(store, FixedClock(TODAY)).run("C1")
    store.upsert(INVOICES, invoice_to_row(_invoice("C1", "D9", "F9", date(2024, 3, 15))))
    again = PrescriptionBackfill(store, FixedClock(TODAY + timedelta(days=3))).run("C1")
    assert again == first and _rows(store) == ["20261201|D1|F1"]


def test_rows_due_now_are_spread_per_day_from_the_first_day():
    store = _store(*[_invoice("C1", f"D{i}", f"F{i}", date(2024, 3, 15)) for i in range(5)])
    state = PrescriptionBackfill(store, FixedClock(TODAY), per_day=2).run("C1")
    assert [k.split("|")[0] for k in _rows(store)] == [
        "20261201", "20261201", "20261202", "20261202", "20261203",
    ]  # fmt: skip
    assert state.due_now == 5


def test_stopped_after_a_page_it_continues_where_it_was_on_another_day():
    store = _store(*[_invoice("C1", f"D{i}", f"F{i}", date(2024, 3, 15)) for i in range(7)])
    part = PrescriptionBackfill(store, FixedClock(TODAY), per_day=3, page_size=3)
    state = part.run("C1", max_pages=1)
    assert (state.written, state.done, len(_rows(store))) == (3, False, 3)
    # the next day's run continues after D2, with the first day and the spread it recorded
    rest = PrescriptionBackfill(
        store, FixedClock(TODAY + timedelta(days=1)), per_day=3, page_size=3
    )
    state = rest.run("C1")
    assert (state.written, state.kept, state.done) == (7, 0, True)
    assert [k.split("|")[0] for k in _rows(store)] == ["20261201"] * 3 + ["20261202"] * 3 + [
        "20261203"
    ]


def test_a_backfill_whose_progress_another_wrote_in_between_stops():
    store = _store(*[_invoice("C1", f"D{i}", f"F{i}", date(2024, 3, 15)) for i in range(4)])
    backfill = PrescriptionBackfill(store, FixedClock(TODAY), page_size=2)
    backfill.run("C1", max_pages=1)
    stored = store.get(SCHEDULE, "C1", PROGRESS_KEY)
    assert stored is not None
    theirs = dict(stored.data)

    class Racing(PrescriptionBackfill):
        def _insert(self, rows: list[Row]) -> int:
            store.upsert(SCHEDULE, Row("C1", PROGRESS_KEY, theirs))  # the other one
            return super()._insert(rows)

    with pytest.raises(BackfillBusy):
        Racing(store, FixedClock(TODAY), page_size=2).run("C1")


def test_per_day_must_be_positive():
    with pytest.raises(ValueError):
        PrescriptionBackfill(InMemoryTableStore(), FixedClock(TODAY), per_day=0)


def test_an_ended_workflows_claim_is_warned_about_after_the_backfill(engine):  # noqa: F811
    """What the deploy left: a claim whose workflow ended before the watch existed has no
    schedule row. The backfill gives it one, and the run on that day warns."""
    world, client = engine
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2")]})
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", invoice_date="2025-02-01", due_date="2025-03-10", amount="500.00",
        claim_kind="consumer_sale")]})  # fmt: skip
    for n in range(60):  # e-mail, SMS, 14-day letter, staff task: the workflow has ended
        at(world, client, date(2025, 3, 3) + timedelta(days=n))
    store = world.store
    pk = client.client_id
    for row in list(store.query(SCHEDULE, pk=pk, rk_range=(None, "~")).rows):
        store.delete(SCHEDULE, pk, row.rk)  # as before the deploy: no row for F1
    state = PrescriptionBackfill(store, world.clock).run(pk)
    # 2 years from 03-11 (the letter's receipt is not read: the earliest day) less 60 days
    assert (state.written, _rows(store, pk)) == (1, ["20270110|D1|F1"])
    assert at(world, client, date(2027, 1, 9)) == [] and warnings(world) == []
    at(world, client, date(2027, 1, 10))
    assert [p for p, _ in warnings(world)] == ["2027-03-11"]
