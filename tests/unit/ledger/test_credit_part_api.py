"""POST /v1/clients/{client}/invoices/{invoice}/credit with a body: a partial credit note."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import engine  # noqa: F401 - fixture

BASE = "/v1/clients/C1/invoices"


def _setup(world):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    rows = [
        invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="200.00", due_date="2025-02-20"),
        # what F1 is once credited: EUR 875 from the start (another debtor: its own notice)
        invoice_row("G1", "D2", amount="875.00", fourteen_day_letter_on="2025-02-10"),
    ]
    assert a.call("POST", BASE, {"items": rows}).body["created"] == 3
    return a


def test_a_partial_credit_note_lowers_the_claim_as_if_never_owed_once(world):
    a = _setup(world)
    note = {"amount": "125.00", "reference": "CN-2026-0042", "reason": "one item returned",
            "date": "2025-03-10"}  # fmt: skip
    for _ in range(2):  # the same credit note twice books once
        r = a.call("POST", f"{BASE}/F1/credit", note)
        assert r.status == 200, r.body
        assert r.body["status"] == "open" and r.body["amount"] == "875.00"
    f1 = a.call("GET", f"{BASE}/F1/claim").body
    g1 = a.call("GET", f"{BASE}/G1/claim").body
    # interest on the credited EUR 125 taken back from 1-2, costs on EUR 875 (131.25)
    assert f1["open"] == g1["open"] and f1["open"]["costs"] == "131.25"
    assert f1["open"]["principal"] == "875.00"
    logs = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    credited = [x["summary"] for x in logs if "CN-2026-0042" in x["summary"]]
    assert credited == [
        "Credit note CN-2026-0042: € 125,00 of invoice F1 credited on 2025-03-10: one item returned"
    ]
    # the same reference with another amount: a conflict
    r = a.call("POST", f"{BASE}/F1/credit", note | {"amount": "100.00"})
    assert r.status == 409, r.body


def test_bad_amounts_are_refused_and_all_of_the_open_principal_is_the_full_credit(world):
    a = _setup(world)
    r = a.call("POST", f"{BASE}/F2/credit", {"amount": "200.01", "reference": "CN-1"})
    assert r.status == 422, r.body
    r = a.call("POST", f"{BASE}/F2/credit", {"amount": "0.00", "reference": "CN-1"})
    assert r.status == 422, r.body
    r = a.call("POST", f"{BASE}/F2/credit", {"amount": "1.00", "reference": "x" * 36})
    assert r.status == 422, r.body
    r = a.call("POST", f"{BASE}/F2/credit", {"amount": "200.00", "reference": "CN-2"})
    assert r.status == 200 and r.body["status"] == "credited", r.body
    # no body: the whole invoice, as before
    r = a.call("POST", f"{BASE}/F1/credit")
    assert r.status == 200 and r.body["status"] == "credited", r.body


def test_a_letter_after_a_partial_credit_states_the_lower_amounts(engine):  # noqa: F811
    world, _ = engine
    a = world.agency_a
    preview = "/v1/clients/C1/templates/t-reminder/preview"
    assert "€ 171,00" in a.call("POST", preview, {"debtor": "D1"}).body["text"]  # 121 + 50
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "21.00", "reference": "CN-7"})
    assert r.status == 200 and r.body["amount"] == "100.00", r.body
    assert "€ 150,00" in a.call("POST", preview, {"debtor": "D1"}).body["text"]  # 100 + 50


def test_money_paid_beyond_the_lower_claim_moves_to_the_next_claim_once(world):
    a = _setup(world)
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    # 3-3, after the term: EUR 300 on F1 pays costs 150.00, interest 4.93, principal 145.07
    paid = pay.book(
        c1, payment_id="bank-1", amount=30_000, received_on=date(2025, 3, 3),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    assert [(x.component, x.amount) for x in paid.allocations] == [
        ("costs", 15_000), ("interest", 493), ("principal", 14_507),
    ]  # fmt: skip
    # 1,000.01 is more than the invoice's principal: refused (more than the open principal,
    # 854.93, but less than the principal is booked: law5 #6); 800.00 leaves EUR 200
    assert (
        a.call("POST", f"{BASE}/F1/credit", {"amount": "1000.01", "reference": "CN-9"}).status
        == 422
    )
    note = {"amount": "800.00", "reference": "CN-8", "date": "2025-03-10"}
    for _ in range(2):  # the same note twice: the money moves once
        r = a.call("POST", f"{BASE}/F1/credit", note)
        assert r.status == 200 and r.body["amount"] == "200.00", r.body
    # F1 as a EUR 200 claim (alone: F2 had no letter): costs 15% of 200 = 30.00 -> the EUR
    # 40 minimum, interest 1-2..2-3 on 200 (30 days: 0.986 -> 0.99), principal 200.00:
    # 240.99 of bank-1 stays; 59.01 goes to F2 on 3-3 (6:43; interest 21-2..2-3, 10 days
    # on 200: 0.329 -> 0.33, then principal 58.68)
    f1 = a.call("GET", f"{BASE}/F1/claim").body
    assert f1["open"]["total"] == "0.00" and f1["paid"]["costs"] == "40.00"
    assert a.call("GET", f"{BASE}/F1").body["status"] == "paid"
    moved = pay.repos.payments.get(c1.client_id, "bank-1")
    assert {(x.invoice_number, x.component, x.amount) for x in moved.allocations} == {
        ("F1", "costs", 4_000), ("F1", "interest", 99), ("F1", "principal", 20_000),
        ("F2", "interest", 33), ("F2", "principal", 5_868),
    }  # fmt: skip
    assert moved.unallocated == 0
    f2 = a.call("GET", f"{BASE}/F2").body
    assert f2["status"] == "partially_paid" and f2["paid"] == "58.68", f2
