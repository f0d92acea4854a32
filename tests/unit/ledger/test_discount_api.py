"""POST …/invoices/{invoice}/credit with ``"kind": "discount"`` (law15c F1) and where the money
a credit note frees goes (law15c F4), through the API.

F1: consumer EUR 1,000.00 due 31-1-2025, 14-day letter of 10-2 (costs 150.00 owed from 27-2),
6 % from 1-2; on 1-6-2025 the client grants 125.00 off as a goodwill discount."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _client(world, at: datetime, rows: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    world.clock.at = at
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    assert a.call("POST", BASE, {"items": rows}).body["created"] == len(rows)
    return a


def test_a_discount_keeps_the_interest_and_costs_owed_before_it(world):  # type: ignore[no-untyped-def]
    """Before: 1,000.00 + 150.00 + 19.73 (1,000 x 6 % x 120/365 = 19.7260) = 1,169.73; after
    the discount 875.00 + 150.00 + 19.73 = 1,044.73 (as a correction it read 1,023.51: 21.22
    lost); once, on the contact log as a discount."""
    a = _client(world, datetime(2025, 6, 1, 10, 0, tzinfo=UTC),
                [invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10")])  # fmt: skip
    before = a.call("GET", f"{BASE}/F1/claim").body["open"]
    assert (before["principal"], before["costs"], before["interest"]) == (
        "1000.00", "150.00", "19.73",
    )  # fmt: skip
    note = {"amount": "125.00", "reference": "KORTING-1", "date": "2025-06-01",
            "reason": "korting coulance", "kind": "discount"}  # fmt: skip
    for _ in range(2):  # the same note twice books once
        r = a.call("POST", f"{BASE}/F1/credit", note)
        assert r.status == 200, r.body
        assert r.body["amount"] == "875.00"
    after = a.call("GET", f"{BASE}/F1/claim").body["open"]
    assert (after["principal"], after["costs"], after["interest"], after["total"]) == (
        "875.00", "150.00", "19.73", "1044.73",
    )  # fmt: skip
    access = world.services.access
    cid = access.client_for(access.authenticate(a.key), "C1").client_id
    log, _ = world.services.repos.contacts.for_debtor(cid, "D1")
    said = [e.summary for e in log if "KORTING-1" in e.summary]
    assert said == ["Discount KORTING-1: € 125,00 off invoice F1 from 2025-06-01: korting coulance"]


def test_a_discount_above_the_open_principal_is_refused_with_its_code(world):  # type: ignore[no-untyped-def]
    """950.00 paid on 1-5 leaves 214.63 of the principal open on 1-6: 250.00 off is refused
    (422 discount_above_open) and the invoice keeps its amount; a kind the API does not know
    is a 422 of the body."""
    a = _client(world, datetime(2025, 6, 1, 10, 0, tzinfo=UTC),
                [invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10")])  # fmt: skip
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    world.services.payments.book(c1, payment_id="bank-1", amount=95_000,
                                 received_on=date(2025, 5, 1), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    r = a.call("POST", f"{BASE}/F1/credit",
               {"amount": "250.00", "reference": "K-2", "kind": "discount"})  # fmt: skip
    assert r.status == 422, r.body
    [finding] = r.body["error"]["details"]
    assert finding["code"] == "discount_above_open", r.body
    assert a.call("GET", f"{BASE}/F1").body["amount"] == "1000.00"
    odd = a.call("POST", f"{BASE}/F1/credit", {"amount": "1.00", "reference": "K", "kind": "gift"})
    assert odd.status == 422


def test_money_a_note_frees_is_an_overpayment_while_the_other_claim_is_not_due(world):  # type: ignore[no-untyped-def]
    """law15c F4: F2 200.00 falls due on 30-4; bank-1 300.00 received 3-3 names F1; a note of
    800.00 on 10-3 leaves F1 asking 240.99 (costs 40.00, interest 1,000 x 6 % x 30/365 =
    4.93... as restated: 0.99 on 200.00, principal 200.00): 59.01 is freed. Before it paid F2
    six weeks before F2 was due; now it stays on bank-1, an overpayment item for staff."""
    a = _client(world, datetime(2025, 3, 20, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="200.00", due_date="2025-04-30"),
    ])  # fmt: skip
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    pay.book(c1, payment_id="bank-1", amount=30_000, received_on=date(2025, 3, 3),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    r = a.call("POST", f"{BASE}/F1/credit",
               {"amount": "800.00", "reference": "CN-8", "date": "2025-03-10"})  # fmt: skip
    assert r.status == 200, r.body
    row = pay.repos.payments.get(c1.client_id, "bank-1")
    assert {x.invoice_number for x in row.allocations} == {"F1"}
    assert (sum(x.amount for x in row.allocations), row.unallocated) == (24_099, 5_901)
    assert a.call("GET", f"{BASE}/F2").body["status"] == "open"
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = [x for x in items if x["kind"] == "overpayment"]
    assert len(over) == 1 and "59,01" in over[0]["title"], over


def test_money_a_note_frees_pays_a_claim_due_on_the_notes_day(world):  # type: ignore[no-untyped-def]
    """law16b F2: the same note of 800.00 on 10-6, when F2 (due 30-4) is due: the debtor's
    claim to have the 59.01 back and the client's due F2 face each other, so set-off is open
    (6:127 lid 2 BW) and works back to when both could be set off (6:129 lid 1): the 59.01
    pays F2, counted from 3-3, so F2's interest runs on 140.99 from its first day 1-5: on 10-6
    140.99 x 6 % x 40/365 = 0.93 (was 200.00 x 6 % x 40/365 = 1.32, F2 dunned in full while
    bank-1 held 59.01 as an overpayment); nothing over, no overpayment item."""
    a = _client(world, datetime(2025, 3, 20, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="200.00", due_date="2025-04-30"),
    ])  # fmt: skip
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    pay.book(c1, payment_id="bank-1", amount=30_000, received_on=date(2025, 3, 3),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)
    r = a.call("POST", f"{BASE}/F1/credit",
               {"amount": "800.00", "reference": "CN-8", "date": "2025-06-10"})  # fmt: skip
    assert r.status == 200, r.body
    row = pay.repos.payments.get(c1.client_id, "bank-1")
    f2 = [x.amount for x in row.allocations if x.invoice_number == "F2"]
    assert (f2, row.unallocated) == ([5_901], 0)
    claim = a.call("GET", f"{BASE}/F2/claim").body["open"]
    assert (claim["principal"], claim["interest"]) == ("140.99", "0.93")
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert not [x for x in items if x["kind"] == "overpayment"], items
