"""Partial credit notes that the ledger and the invoice saw differently (attack5): the client's
next push of the invoice at its invoiced amount, a credit note dated in the future or before
the invoice, a reference that starts like another's, the retry of a note that was all of the
open principal; and the claim that says what was credited (newcomer5 finding 7)."""

from __future__ import annotations

from datetime import date

from shared.domain.ledger.booking import credit_note_on
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, Component, EventKind, LedgerEvent
from tests.unit.api.conftest import invoice_row
from tests.unit.ledger.test_credit_part_api import BASE, _setup

NOTE = {"amount": "125.00", "reference": "CN-2026-0042", "reason": "one item returned"}


def _adds_up(claim: dict) -> None:  # type: ignore[type-arg]
    """charged - paid - waived - written off - credited = open, per component."""
    for part in ("principal", "costs", "costs_vat", "interest"):
        cents = [
            round(float(x) * 100)
            for x in (claim[part], claim["paid"][part], claim["waived"][part],
                      claim["written_off"][part], claim["credited"][part], claim["open"][part])
        ]  # fmt: skip
        assert cents[0] - sum(cents[1:5]) == cents[5], (part, claim)


def test_the_clients_next_push_at_the_invoiced_amount_keeps_the_credit_note(world):
    a = _setup(world)
    assert a.call("POST", f"{BASE}/F1/credit", NOTE).status == 200
    before = a.call("GET", f"{BASE}/F1/claim").body
    row = invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10")
    # the daily sync: the invoice as the client's books have it (the note is a document apart)
    for open_amount in (None, "1000.00", "875.00"):
        sent = row if open_amount is None else row | {"open_amount": open_amount}
        r = a.call("POST", BASE, {"items": [sent]})
        assert r.status == 200 and not r.body["errors"], r.body
        invoice = a.call("GET", f"{BASE}/F1").body
        assert (invoice["amount"], invoice["paid"], invoice["status"]) == ("875.00", "0.00", "open")
        assert invoice["invoiced"] == "1000.00"
        assert invoice["credit_notes"] == [
            {"reference": "CN-2026-0042", "amount": "125.00", "kind": "correction"}
        ]
        assert a.call("GET", f"{BASE}/F1/claim").body == before  # nothing charged again
    # a corrected invoiced amount: the credit note stays off it (a lower one: after the 14-day
    # letter announced the costs a higher one is refused, attack7 #4)
    raised = a.call("POST", BASE, {"items": [row | {"amount": "1100.00"}]}).body
    assert [e["field"] for e in raised["errors"]] == ["amount"], raised
    assert a.call("POST", BASE, {"items": [row | {"amount": "900.00"}]}).status == 200
    assert a.call("GET", f"{BASE}/F1").body["amount"] == "775.00"
    claim = a.call("GET", f"{BASE}/F1/claim").body
    assert (claim["principal"], claim["credited"]["principal"]) == ("900.00", "125.00")
    assert claim["open"]["principal"] == "775.00"
    # an amount the credit note takes all of is a row error, the invoice unchanged
    r = a.call("POST", BASE, {"items": [row | {"amount": "125.00"}]})
    assert [e["field"] for e in r.body["errors"]] == ["amount"], r.body
    assert a.call("GET", f"{BASE}/F1").body["amount"] == "775.00"


def test_a_credit_note_dated_after_today_or_before_the_invoice_is_refused(world):
    a = _setup(world)  # today is 20 March 2025 in Amsterdam; F1 is dated 1 January 2025
    before = a.call("GET", f"{BASE}/F1/claim").body
    for day in ("2025-03-21", "2099-12-31", "2024-12-31"):
        r = a.call("POST", f"{BASE}/F1/credit", NOTE | {"date": day})
        assert r.status == 422 and r.body["error"]["field"] == "date", r.body
        assert day in r.body["error"]["message"]
    assert a.call("GET", f"{BASE}/F1").body["amount"] == "1000.00"
    assert a.call("GET", f"{BASE}/F1/claim").body == before
    for day in ("2025-03-20", "2025-01-01"):  # today and the invoice's own date: booked
        r = a.call("POST", f"{BASE}/F1/credit", NOTE | {"date": day, "reference": f"CN-{day}"})
        assert r.status == 200, r.body
    assert a.call("GET", f"{BASE}/F1").body["amount"] == "750.00"
    assert a.call("GET", f"{BASE}/F1/claim").body["open"]["principal"] == "750.00"


def test_a_reference_is_matched_exactly_not_as_the_start_of_another_notes_text(world):
    a = _setup(world)
    assert a.call("POST", f"{BASE}/F1/credit",
                  {"amount": "10.00", "reference": "X", "reason": "Y: z"}).status == 200  # fmt: skip
    r = a.call("POST", f"{BASE}/F1/credit",
               {"amount": "10.00", "reference": "X: Y", "reason": "second"})  # fmt: skip
    assert r.status == 200 and r.body["amount"] == "980.00", r.body
    claim = a.call("GET", f"{BASE}/F1/claim").body
    assert claim["open"]["principal"] == "980.00" and claim["credited"]["principal"] == "20.00"
    # each note again books nothing; with another amount it is a conflict
    assert a.call("POST", f"{BASE}/F1/credit",
                  {"amount": "10.00", "reference": "X: Y"}).body["amount"] == "980.00"  # fmt: skip
    assert a.call("POST", f"{BASE}/F1/credit", {"amount": "11.00", "reference": "X"}).status == 409
    assert a.call("GET", f"{BASE}/F1/claim").body["open"]["principal"] == "980.00"


def test_a_credit_event_written_before_the_note_field_is_still_found():
    terms = ClaimTerms("F1", "D1", date(2025, 1, 31), 100000)
    old = LedgerEvent(1, EventKind.CREDIT, Component.PRINCIPAL, 1000, date(2025, 3, 1),
                      reason="credit note of 2025-01-31: X: Y: z")  # fmt: skip
    record = ClaimRecord(terms, (old,))
    assert credit_note_on(record, "X") == 1000
    assert credit_note_on(record, "X: Y") is None and credit_note_on(record, "Y") is None
    new = LedgerEvent(2, EventKind.CREDIT, Component.PRINCIPAL, 500, date(2025, 3, 1),
                      reason="credit note of 2025-01-31: X: Y: q", note="X: Y")  # fmt: skip
    record = ClaimRecord(terms, (old, new))
    assert (credit_note_on(record, "X"), credit_note_on(record, "X: Y")) == (1000, 500)


def test_a_note_for_all_of_the_open_principal_keeps_its_reference_for_its_retry(world):
    a = _setup(world)
    assert a.call("POST", f"{BASE}/F2/credit", {"amount": "20.00", "reference": "S1"}).status == 200
    note = {"amount": "180.00", "reference": "S2"}
    for _ in range(2):  # the client's retry after a lost answer: the same answer
        r = a.call("POST", f"{BASE}/F2/credit", note)
        assert r.status == 200 and r.body["status"] == "credited", r.body
    assert a.call("POST", f"{BASE}/F2/credit", note | {"amount": "170.00"}).status == 409
    logs = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert [x["summary"] for x in logs if "S2" in x["summary"]] == [
        "Invoice F2 credited (credit note S2)"
    ]
    claim = a.call("GET", f"{BASE}/F2/claim").body
    assert claim["open"]["total"] == "0.00"
    _adds_up(claim)


def test_the_claim_says_what_was_credited_so_its_figures_add_up(world):
    a = _setup(world)
    assert a.call("POST", f"{BASE}/F1/credit", NOTE | {"date": "2025-03-10"}).status == 200
    claim = a.call("GET", f"{BASE}/F1/claim").body
    assert claim["principal"] == "1000.00" and claim["credited"]["principal"] == "125.00"
    assert claim["credited"]["interest"] != "0.00"  # the interest on the part, taken back
    _adds_up(claim)
    debtor = a.call("GET", "/v1/clients/C1/debtors/D1/claim").body
    _adds_up(debtor)
    assert debtor["credited"]["principal"] == "125.00"
