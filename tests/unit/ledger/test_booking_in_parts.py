"""A ledger booking over more claims than one transaction holds (``CLAIMS_PER_TRANSACTION``)
is written in parts; one that stops between them (a lost race on a later part, a crash) is
finished by the retry or the redelivery, not taken for the whole booking (failure5 finding 10).

D1 has 55 invoices of 10.00 and pays 550.00 designating all of them: two transactions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.ledger_repo import LEDGER, PARTS
from shared.domain.records import PaymentSource
from shared.ports.tables import PreconditionFailed, TransactionFailed
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

N = 55


def _setup(world):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 1, 10, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row(f"F{i:02d}", "D1", amount="10.00", invoice_date="2025-01-01",
                        due_date="2025-01-31") for i in range(N)]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == N
    access = world.services.access
    return a, access.client_for(access.authenticate(a.key), "C1")


ARGS = dict(payment_id="bank-all", amount=N * 1_000, received_on=date(2025, 1, 10),
            source=PaymentSource.BANK, invoice_numbers=[f"F{i:02d}" for i in range(N)])  # fmt: skip


def _marks(store, client_id):  # type: ignore[no-untyped-def]
    rows = store.query(LEDGER, page_size=1000).rows
    return [r.rk for r in rows if r.rk.split("|")[1] == PARTS]


@pytest.mark.parametrize(
    "fault", ["race_on_the_second_part", "crash_between_the_parts", "crash_after_the_parts", None]
)
def test_a_payment_over_many_claims_is_booked_whole(world, monkeypatch, fault):
    a, c1 = _setup(world)
    pay = world.services.payments
    store = pay.ledger.ledger.store
    real, real_delete = store.transact, store.delete
    calls = {"n": 0}

    def second_part_fails(table, ops):  # type: ignore[no-untyped-def]
        if table == LEDGER:
            calls["n"] += 1
            if calls["n"] == 2 and fault == "race_on_the_second_part":
                raise TransactionFailed(0, PreconditionFailed("injected: another booking won"))
            if calls["n"] == 2 and fault == "crash_between_the_parts":
                raise SimulatedCrash("between the ledger's two transactions")
        return real(table, ops)

    def dies_before_the_mark_goes(table, pk, rk, etag=None):  # type: ignore[no-untyped-def]
        if table == LEDGER and rk.split("|")[1] == PARTS:
            raise SimulatedCrash("after both parts, before the mark is taken away")
        return real_delete(table, pk, rk, etag)

    monkeypatch.setattr(store, "transact", second_part_fails)
    if fault == "crash_after_the_parts":
        monkeypatch.setattr(store, "delete", dies_before_the_mark_goes)
    if fault and fault.startswith("crash"):
        with pytest.raises(SimulatedCrash):
            pay.book(c1, **ARGS)
        assert _marks(store, c1.client_id)  # the write in parts is marked unfinished
        monkeypatch.undo()
    booked = pay.book(c1, **ARGS)  # the retry inside book, or the redelivery
    assert booked.unallocated == 0
    assert len({x.invoice_number for x in booked.allocations}) == N
    invoices = a.call("GET", "/v1/clients/C1/invoices", page_size="100").body["items"]
    assert len(invoices) == N and all(i["status"] == "paid" for i in invoices)
    claims = world.services.ledger.debtor_claims(c1, "D1")
    paid = [e.amount for r in claims.records for e in r.events if e.payment_id == "bank-all"]
    assert sum(paid) == N * 1_000  # booked once on every claim, never twice
    assert _marks(store, c1.client_id) == []
    assert not [x for x in a.call("GET", "/v1/clients/C1/actions").body["items"]
                if x["kind"] == "overpayment"]  # fmt: skip
