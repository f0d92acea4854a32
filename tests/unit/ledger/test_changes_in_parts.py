"""A credit, a partial credit note or a return whose ledger change spans more claims than one
transaction holds is journaled, so a crash (or a lost race) between its parts is finished by
the redelivery, never left half booked (ledger-rest6 item 1; as failure5 #10 for payments).

D1 has F00 and 55 invoices F01..F55 of 10.00 (due today: no costs, no interest yet).
F00 (700.00) holds 600.00 of bank-big; crediting it releases that money, which goes over
F01..F55 (550.00: due on the day it was received, law15c F4) and leaves 50.00 unallocated: 56
claims change, two transactions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.ledger_repo import LEDGER, PARTS
from shared.domain.records import PaymentSource
from shared.ports.tables import PreconditionFailed, TransactionFailed
from shared.services.invoice_status import CreditNote
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

N = 55
OTHERS = [f"F{i:02d}" for i in range(1, N + 1)]


def _setup(world, f00: str, paid: int = 0):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 1, 10, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F00", "D1", amount=f00, due_date="2025-03-31")] + [
        invoice_row(n, "D1", amount="10.00", due_date="2025-01-10") for n in OTHERS
    ]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == N + 1
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    world.services.payments.book(
        c1, payment_id="bank-big", amount=paid or int(f00.replace(".", "")), received_on=date(2025, 1, 10),
        source=PaymentSource.BANK, invoice_numbers=["F00"],
    )  # fmt: skip
    return a, c1


def _marks(store):  # type: ignore[no-untyped-def]
    return [r.rk for r in store.query(LEDGER, page_size=1000).rows if r.rk.split("|")[1] == PARTS]


def _fail_second_part(world, monkeypatch, fault):  # type: ignore[no-untyped-def]
    store = world.services.ledger.ledger.store
    real = store.transact
    calls = {"n": 0}

    def second_part_fails(table, ops):  # type: ignore[no-untyped-def]
        if table == LEDGER:
            calls["n"] += 1
            if calls["n"] == 2 and fault == "race_on_the_second_part":
                raise TransactionFailed(0, PreconditionFailed("injected: another change won"))
            if calls["n"] == 2 and fault == "crash_between_the_parts":
                raise SimulatedCrash("between the ledger's two transactions")
        return real(table, ops)

    monkeypatch.setattr(store, "transact", second_part_fails)
    return store


def _run(world, monkeypatch, fault, change):  # type: ignore[no-untyped-def]
    """``change`` once under ``fault``, then as the redelivery would, then once more."""
    store = _fail_second_part(world, monkeypatch, fault)
    if fault == "crash_between_the_parts":
        with pytest.raises(SimulatedCrash):
            change()
        assert _marks(store)  # half written: the journal says so
    else:
        change()
    monkeypatch.undo()
    change()  # the redelivery (a no-op after a whole change)
    change()
    assert _marks(store) == []


def _check_moved(world, c1, on_f00: int) -> None:  # type: ignore[no-untyped-def]
    ledger = world.services.ledger
    claims = ledger.debtor_claims(c1, "D1")
    net: dict[str, int] = {}
    for r in claims.records:
        for e in r.events:
            if e.payment_id == "bank-big":
                sign = 1 if e.kind.value == "payment_allocated" else -1
                net[r.number] = net.get(r.number, 0) + sign * e.amount
    # every other claim took its 10.00 exactly once, F00 keeps what it still asks
    assert {n: v for n, v in net.items() if v} == {
        **({"F00": on_f00} if on_f00 else {}),
        **dict.fromkeys(OTHERS, 1_000),
    }
    figures = ledger.open_claims(c1, OTHERS)
    assert all(f.open.total == 0 for f in figures.values())
    row = world.services.payments.repos.payments.get(c1.client_id, "bank-big")
    assert row.unallocated == 5_000
    assert sum(x.amount for x in row.allocations) == N * 1_000 + on_f00
    invoices = world.services.payments.repos.invoices.get_many(c1.client_id, OTHERS)
    assert all(s.invoice.status.value == "paid" for s in invoices.values())
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = [x for x in items if x["kind"] == "overpayment"]
    assert len(over) == 1 and "50,00" in over[0]["title"]


FAULTS = ["crash_between_the_parts", "race_on_the_second_part", None]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_credit_over_many_claims_is_finished_by_its_redelivery(world, monkeypatch, fault):
    _, c1 = _setup(world, "700.00", 60_000)  # a paid invoice is refunded, not credited
    status = world.services.invoice_status
    _run(world, monkeypatch, fault, lambda: status.credit(c1, "F00", "staff"))
    _check_moved(world, c1, 0)


@pytest.mark.parametrize("fault", FAULTS)
def test_a_partial_credit_note_over_many_claims_is_finished_by_its_redelivery(
    world, monkeypatch, fault
):
    # F00 1,200.00 holds 1,100.00; a note of 700.00 leaves a 500.00 claim: 600.00 released
    _, c1 = _setup(world, "1200.00", 110_000)
    status = world.services.invoice_status
    note = CreditNote(70_000, "CN-700", "price agreed lower", date(2025, 1, 10))
    _run(world, monkeypatch, fault, lambda: status.credit_part(c1, "F00", note, "staff"))
    _check_moved(world, c1, 50_000)
    f00 = world.services.ledger.open_claims(c1, ["F00"])["F00"]
    assert (f00.charged.principal - f00.credited.principal, f00.open.total) == (50_000, 0)


@pytest.mark.parametrize("fault", FAULTS)
def test_a_return_over_many_claims_is_finished_by_its_redelivery(world, monkeypatch, fault):
    _, c1 = _setup(world, "600.00")
    pay = world.services.payments
    pay.book(c1, payment_id="bank-all", amount=N * 1_000, received_on=date(2025, 1, 10),
             source=PaymentSource.BANK, invoice_numbers=OTHERS)  # fmt: skip
    _run(world, monkeypatch, fault, lambda: pay.reverse(c1, "bank-all", "storno"))
    figures = world.services.ledger.open_claims(c1, OTHERS)
    assert all(f.open.total == 1_000 for f in figures.values())
    claims = world.services.ledger.debtor_claims(c1, "D1")
    back = [e for r in claims.records for e in r.events
            if e.payment_id == "bank-all" and e.kind.value == "reversal"]  # fmt: skip
    assert sum(e.amount for e in back) == N * 1_000  # reversed once on every claim
    row = pay.repos.payments.get(c1.client_id, "bank-all")
    assert row.reversed


def test_a_statement_line_for_a_debtor_with_a_half_written_credit_finishes_it_first(
    world, monkeypatch
):
    """The credit of F00 crashes between its parts; a bank line paying F56 (10.00, its
    reference) comes in a statement window: the window leaves it to the one-line path, which
    finishes the credit before it books the line."""
    from shared.domain.statements.mt940_writer import OutLine, write_mt940
    from tests.unit.api.conftest import client_iban, verify_ibans
    from tests.unit.services.test_statement_window import service

    a, c1 = _setup(world, "700.00", 55_000)  # 550.00 released: F01..F55 exactly
    verify_ibans(a, "C1")
    row = invoice_row("F56", "D1", amount="10.00", due_date="2025-04-30")
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body["created"] == 1
    store = _fail_second_part(world, monkeypatch, "crash_between_the_parts")
    with pytest.raises(SimulatedCrash):
        world.services.invoice_status.credit(c1, "F00", "staff")
    monkeypatch.undo()
    assert _marks(store)
    ref = a.call("GET", "/v1/clients/C1/invoices/F56").body["payment_reference"]
    line = OutLine(date(2025, 1, 10), 1_000, "", counterparty_iban="NL02RABO0123456789",
                   counterparty_name="J de Vries", reference=ref, end_to_end_id="E1")  # fmt: skip
    data = write_mt940(client_iban("C1"), [line], opening=0, opening_date=date(2025, 1, 10),
                       statement_id="S1")  # fmt: skip
    report = service(world, 50).ingest("agency-a/day.sta", data.encode())
    assert report.booked == 1
    assert _marks(store) == []  # the credit is whole
    figures = world.services.ledger.open_claims(c1, [*OTHERS, "F56"])
    assert all(f.open.total == 0 for f in figures.values())
    claims = world.services.ledger.debtor_claims(c1, "D1")
    on = {
        r.number: sorted({e.payment_id for e in r.events if e.payment_id}) for r in claims.records
    }
    assert all(on[n] == ["bank-big"] for n in OTHERS)  # the credit's money, once each
    assert len(on["F56"]) == 1 and on["F56"] != ["bank-big"]  # the line's payment


def test_a_terms_restatement_over_many_claims_is_finished_by_its_redelivery(world, monkeypatch):
    """F01..F55 (due 01-10) have a costs term (03-16: a letter sent in default on 03-01 at the
    earliest) and are paid whole on 03-20, costs included (the
    costs over the claims together); the 14-day letter turns out undelivered: no term, the
    costs are taken back on all 55 claims and that money goes to F00, the one claim open
    (a crash between the parts; one case only: 55 restated claims replay slowly)."""
    fault = "crash_between_the_parts"
    from dataclasses import replace

    _, c1 = _setup(world, "700.00", 1)
    repos = world.services.payments.repos
    for number in OTHERS:
        stored = repos.invoices.get(c1.client_id, number)
        repos.invoices.save(replace(stored.invoice, costs_owed_from=date(2025, 3, 16)), stored)
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    ledger = world.services.ledger
    owed = ledger.open_claims(c1, OTHERS)
    costs = sum(f.open.costs + f.open.costs_vat for f in owed.values())
    assert costs > 0
    world.services.payments.book(
        c1, payment_id="bank-all", amount=sum(f.open.total for f in owed.values()),
        received_on=date(2025, 3, 20), source=PaymentSource.BANK, invoice_numbers=OTHERS,
    )  # fmt: skip
    for number in OTHERS:  # the term cleared (letter_undelivered.undo_costs_term)
        stored = repos.invoices.get(c1.client_id, number)
        repos.invoices.save(replace(stored.invoice, costs_owed_from=None), stored)
    _run(world, monkeypatch, fault, lambda: ledger.restate_terms(c1.client_id, OTHERS))
    figures = ledger.open_claims(c1, OTHERS)
    assert all(f.open.total == 0 and f.paid.costs + f.paid.costs_vat == 0
               for f in figures.values())  # fmt: skip
    row = repos.payments.get(c1.client_id, "bank-all")
    on_f00 = sum(x.amount for x in row.allocations if x.invoice_number == "F00")
    assert (on_f00, row.unallocated) == (costs, 0)  # what the costs took moved, once
