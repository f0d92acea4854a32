"""A partial credit note whose first attempt stopped halfway ends, on the integration's retry
with the same reference, as the one call does (failure5 finding 2); a note the ledger refuses
leaves nothing on the invoice (failure5 finding 9).

Figures of ``test_credit_part_api.py::test_money_paid_beyond_the_lower_claim_moves_to_the_next_
claim_once``: F1 1,000.00, F2 200.00; bank-1 300.00 on F1 (costs 150.00, interest 4.93,
principal 145.07). CN-8 credits 800.00 of F1: F1 becomes a 200.00 claim and 58.68 of bank-1's
money goes on F2's principal.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from azure.core.exceptions import ServiceResponseError

import shared.services.ledger.credit as credit
from shared.domain.records import PaymentSource
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.ledger.test_credit_part_api import BASE, _setup

NOTE = {"amount": "800.00", "reference": "CN-8", "date": "2025-03-10"}


def _dies(what: BaseException):  # type: ignore[no-untyped-def]
    def dies(*args, **kw):  # type: ignore[no-untyped-def]
        raise what

    return dies


@pytest.mark.parametrize(
    "where", ["crash_after_the_ledger", "outage_after_the_ledger", "crash_after_the_invoice", None]
)
def test_a_partial_credit_retried_after_it_stopped_halfway_ends_as_one_call(
    world, monkeypatch, where
):
    a = _setup(world)
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    pay.book(c1, payment_id="bank-1", amount=30_000, received_on=date(2025, 3, 3),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    ledger = world.services.invoice_status.ledger
    if where == "crash_after_the_ledger":
        monkeypatch.setattr(credit, "follow_ledger", _dies(SimulatedCrash("follow_ledger")))
    elif where == "outage_after_the_ledger":  # the first invoice write of the follow-ups
        monkeypatch.setattr(
            credit, "follow_ledger", _dies(ServiceResponseError("injected: read timed out"))
        )
    elif where == "crash_after_the_invoice":
        monkeypatch.setattr(ledger, "credit_part", _dies(SimulatedCrash("ledger.credit_part")))
    if where == "outage_after_the_ledger":
        assert a.call("POST", f"{BASE}/F1/credit", NOTE).status == 503
    elif where:
        with pytest.raises(SimulatedCrash):
            a.call("POST", f"{BASE}/F1/credit", NOTE)
    monkeypatch.undo()
    for _ in range(2):  # the retry (or the one call), then once more: nothing changes
        r = a.call("POST", f"{BASE}/F1/credit", NOTE)
        assert r.status == 200, r.body
    assert a.call("GET", f"{BASE}/F1/claim").body["open"]["total"] == "0.00"
    f1 = a.call("GET", f"{BASE}/F1").body
    f2 = a.call("GET", f"{BASE}/F2").body
    assert (f1["status"], f1["amount"]) == ("paid", "200.00")
    assert (f2["status"], f2["paid"]) == ("partially_paid", "58.68")
    row = pay.repos.payments.get(c1.client_id, "bank-1")
    assert ("F2", "principal", 5_868) in {
        (x.invoice_number, x.component, x.amount) for x in row.allocations
    }
    assert sum(x.amount for x in row.allocations) + row.unallocated == 30_000
    logs = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert [x["summary"] for x in logs if "CN-8" in x["summary"]] == [
        "Credit note CN-8: € 800,00 of invoice F1 credited on 2025-03-10"
    ]


def test_a_credit_note_the_ledger_refuses_leaves_nothing_on_the_invoice(world):
    """Another note lowers the claim's principal in the ledger between this note's invoice
    write and its ledger write: the ledger refuses the note (500.00 is not below the 400.00
    the claim still asks), and the invoice takes it off again. (A payment landing there no
    longer makes the ledger refuse: a note above the open principal is booked, law5 #6.)"""
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F1", "D1", amount="1000.00")]
    assert a.call("POST", BASE, {"items": rows}).body["created"] == 1
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    ledger = world.services.invoice_status.ledger
    real = ledger.credit_part

    def other_note_lands_first(*args, **kw):  # type: ignore[no-untyped-def]
        real(c1, "F1", 60_000, date(2025, 3, 20), "CN-4", "")
        return real(*args, **kw)

    ledger.credit_part = other_note_lands_first  # type: ignore[method-assign]
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "500.00", "reference": "CN-5"})
    ledger.credit_part = real  # type: ignore[method-assign]
    assert r.status == 422, r.body
    f1 = a.call("GET", f"{BASE}/F1").body
    assert (f1["amount"], f1["status"]) == ("1000.00", "open")
    assert pay.repos.invoices.get(c1.client_id, "F1").invoice.credit_notes == ()
    logs = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert not [x for x in logs if "CN-5" in x["summary"]]


def test_a_payment_landing_before_the_note_no_longer_makes_it_refused(world):
    """The debtor's 600.00 reaches the ledger between the note's invoice write and its
    ledger write (407.73 open principal then): the 500.00 note is booked all the same, and
    once the payment's worker goes on, the invoice and the claim agree."""
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F1", "D1", amount="1000.00")]
    assert a.call("POST", BASE, {"items": rows}).body["created"] == 1
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    ledger = world.services.invoice_status.ledger
    real = ledger.credit_part

    def payment_lands_first(*args, **kw):  # type: ignore[no-untyped-def]
        ledger.book(c1, "bank-P", 60_000, date(2025, 3, 20), ["F1"])
        return real(*args, **kw)

    ledger.credit_part = payment_lands_first  # type: ignore[method-assign]
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "500.00", "reference": "CN-5"})
    ledger.credit_part = real  # type: ignore[method-assign]
    assert r.status == 200, r.body
    booked = pay.book(c1, payment_id="bank-P", amount=60_000, received_on=date(2025, 3, 20),
                      source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    assert not booked.reversed
    f1 = a.call("GET", f"{BASE}/F1").body
    claim = a.call("GET", f"{BASE}/F1/claim").body
    assert (f1["amount"], f1["status"]) == ("500.00", "paid")
    assert f1["open_amount"] == claim["open"]["principal"] == "0.00"
    # hand: F1 as 500.00 from the start; interest 1-2..19-3 (47 d x 6 % x 500 / 365 =
    # 3.863 -> 3.86), principal 500.00; 96.14 of the 600.00 over (no other claim)
    assert (claim["paid"]["interest"], claim["paid"]["principal"]) == ("3.86", "500.00")
    row = pay.repos.payments.get(c1.client_id, "bank-P")
    assert row is not None and row.unallocated == 9_614
