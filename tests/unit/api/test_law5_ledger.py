"""The law review's fifth round (law5): the ledger's figures against hand computations.

Each test holds the reviewer's hand figure (actual/365, half up once at the end); each failed
on main before its fix. Consumer claims, 6 % statutory interest (6:119) in 2025.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _setup(world: World, rows: list[dict[str, Any]], today: date = date(2025, 3, 20)) -> Any:
    world.clock.at = datetime(today.year, today.month, today.day, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    assert a.call("POST", BASE, {"items": rows}).body["created"] == len(rows)
    access = world.services.access
    assert a.key is not None
    principal = access.authenticate(a.key)
    assert principal is not None
    return access.client_for(principal, "C1")


def _pay(
    world: World, c1: Any, pid: str, cents: int, on: date, numbers: tuple[str, ...] = ("F1",)
) -> Any:
    return world.services.payments.book(
        c1, payment_id=pid, amount=cents, received_on=on,
        source=PaymentSource.BANK, invoice_numbers=list(numbers),
    )  # fmt: skip


def _claim(world: World, on: str, n: str = "F1") -> dict[str, Any]:
    reply = world.agency_a.call("GET", f"{BASE}/{n}/claim", on=on)
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def _costs(claim: dict[str, Any]) -> Decimal:
    """All the costs on a claim, open and paid."""
    paid = claim.get("paid") or {}
    return Decimal(claim["open"]["costs"]) + Decimal(paid.get("costs", "0"))


def _letter(n: str, amount: str) -> dict[str, Any]:
    return invoice_row(n, "D1", amount=amount, fourteen_day_letter_on="2025-02-10")


# finding 1: one 14-day letter over several invoices carries one WIK amount (6:96 lid 7 BW)


def test_a_payment_on_one_invoice_of_a_notice_keeps_the_notice_at_one_wik_amount(
    world: World,
) -> None:
    c1 = _setup(world, [_letter("F1", "3000.00"), _letter("F2", "3000.00")])
    paid = _pay(world, c1, "bank-1", 50_000, date(2025, 3, 3), ("F2",))
    # hand: WIK over 6,000.00 = 375 + 250 + 5 % x 1,000 = 675.00, 337.50 each; interest
    # 02-01 -> 03-03, 30 d x 6 % x 3,000 / 365 = 14.7945 -> 14.79
    assert [(x.invoice_number, str(x.component), x.amount) for x in paid.allocations] == [
        ("F2", "costs", 33_750), ("F2", "interest", 1_479), ("F2", "principal", 14_771),
    ]  # fmt: skip
    f1, f2 = _claim(world, "2025-03-03"), _claim(world, "2025-03-03", "F2")
    assert f1["open"]["costs"] == "337.50"  # not 425.00 (F1 costed alone)
    assert _costs(f1) + _costs(f2) == Decimal("675.00")


def test_a_small_notice_stays_at_the_wik_minimum_after_a_payment_on_one_invoice(
    world: World,
) -> None:
    c1 = _setup(world, [_letter("F1", "100.00"), _letter("F2", "100.00")])
    _pay(world, c1, "bank-1", 5_000, date(2025, 3, 3), ("F2",))
    # hand: 15 % x 200 = 30.00 -> the 40.00 minimum over the notice, 20.00 each
    f1, f2 = _claim(world, "2025-03-03"), _claim(world, "2025-03-03", "F2")
    assert f1["open"]["costs"] == "20.00"
    assert _costs(f1) + _costs(f2) == Decimal("40.00")


def test_the_reminder_after_one_invoice_is_paid_asks_the_notices_share(world: World) -> None:
    c1 = _setup(world, [_letter("F1", "3000.00"), _letter("F2", "3000.00")], date(2025, 3, 3))
    a = world.agency_a
    text = "incassokosten {{ costs|money }}, totaal {{ total|money }}"
    r = a.call("PUT", "/v1/clients/C1/templates/t-r",
               {"language": "nl", "subject": "Herinnering", "text": text})  # fmt: skip
    assert r.status == 200, r.body
    _pay(world, c1, "bank-1", 300_000, date(2025, 3, 3), ("F2",))
    out = a.call("POST", "/v1/clients/C1/templates/t-r/preview", {"debtor": "D1"}).body["text"]
    # hand: F1 3,000.00 + 337.50 + 14.79 = 3,352.29; F2 3,352.29 - 3,000.00 = 352.29 (costs
    # paid by it): open costs 337.50, total 3,704.58 (not 425.00 / 3,792.08)
    assert out == "incassokosten € 337,50, totaal € 3.704,58"


def test_a_partial_credit_on_one_invoice_of_a_notice_keeps_the_other_in_it(world: World) -> None:
    _setup(world, [_letter("F1", "3000.00"), _letter("F2", "3000.00")])
    r = world.agency_a.call("POST", f"{BASE}/F1/credit", {"amount": "2000.00", "reference": "CN-1"})
    assert r.status == 200, r.body
    f1, f2 = _claim(world, "2025-03-20"), _claim(world, "2025-03-20", "F2")
    # hand: WIK over 1,000 + 3,000 = 375 + 150 = 525.00, split 1 : 3 = 131.25 / 393.75
    assert (f1["open"]["costs"], f2["open"]["costs"]) == ("131.25", "393.75")


# finding 7: interest taken back from a payment joins the base only at the anniversary


def test_interest_a_credit_note_takes_back_earns_no_interest_within_the_year(
    world: World,
) -> None:
    c1 = _setup(world, [_letter("F1", "3000.00")])
    _pay(world, c1, "bank-1", 50_000, date(2025, 3, 3))
    # the 500 went [costs 425.00, interest 14.79, principal 60.21]; the credit note makes it
    # [costs 150.00, interest 4.93, principal 345.07]: 9.86 of interest is taken back
    r = world.agency_a.call("POST", f"{BASE}/F1/credit", {"amount": "2000.00", "reference": "CN"})
    assert r.status == 200, r.body
    # hand: 03-03 -> 03-20, 17 d x 6 % x 654.93 / 365 = 1.8302 -> 1.83
    assert _claim(world, "2025-03-20")["open"]["interest"] == "1.83"
    # hand: 02-01 -> 03-03 on 1,000 (30 d) 4.931507 + 03-03 -> 12-31 on 654.93 (303 d)
    # 32.620897 = 37.55 owed, 4.93 paid: 32.62 open (not 33.08: 664.79 a day from 03-20)
    assert _claim(world, "2025-12-31")["open"]["interest"] == "32.62"


def test_a_restated_claim_keeps_to_the_round_once_figure(world: World) -> None:
    world.clock.at = datetime(2025, 2, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", vat_deductible=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", BASE, {"items": [_letter("F1", "1000.00")]})
    access = world.services.access
    assert a.key is not None
    principal = access.authenticate(a.key)
    assert principal is not None
    c1 = access.client_for(principal, "C1")
    world.clock.at = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
    _pay(world, c1, "bank-A", 20_000, date(2025, 3, 5))
    _pay(world, c1, "bank-B", 50_000, date(2025, 2, 20))  # back-dated: restates bank-A
    c = _claim(world, "2025-03-12")
    # hand: base 500 -> costs 75.00 + VAT 15.75; bank-A: 75.00 + 15.75 + interest 1.08
    # (3.12329 + 1.07515 = 4.19844 -> 4.20 less 3.12) + principal 108.17 -> 394.95 open;
    # interest 03-05 -> 03-12 on 394.95 = 0.45446: 4.65290 -> 4.65 owed, 4.20 paid, 0.45 open
    assert (c["paid"]["costs"], c["paid"]["costs_vat"], c["open"]["principal"]) == (
        "75.00", "15.75", "394.95",
    )  # fmt: skip
    assert c["open"]["interest"] == "0.45"


# finding 2: a payment that comes back never paid (costs of the term, interest of its days)


def test_an_in_term_payment_returned_after_the_term_brings_the_costs_back(world: World) -> None:
    c1 = _setup(world, [_letter("F1", "1000.00")], date(2025, 2, 20))
    # interest 02-01 -> 02-20, 19 d x 6 % x 1,000 / 365 = 3.1233 -> 3.12: paid in the term
    _pay(world, c1, "bank-1", 100_312, date(2025, 2, 20))
    assert _claim(world, "2025-02-20")["open"]["total"] == "0.00"
    world.clock.at = datetime(2025, 3, 5, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(c1, "bank-1", "MD06 terugboeking", on=date(2025, 3, 5))
    c = _claim(world, "2025-03-10")
    # hand: he did not pay within the term (the money went back): costs 15 % x 1,000 = 150.00;
    # interest 02-01 -> 03-10, 37 d x 6 % x 1,000 / 365 = 6.0822 -> 6.08 (main: 0.00, 3.95)
    assert (c["open"]["principal"], c["open"]["costs"], c["open"]["interest"]) == (
        "1000.00", "150.00", "6.08",
    )  # fmt: skip
    # the day before it came back the claim read as it did then
    assert _claim(world, "2025-03-04")["open"]["total"] == "0.00"


def test_a_returned_back_dated_payment_gives_the_later_one_back_to_the_costs(
    world: World,
) -> None:
    c1 = _setup(world, [_letter("F1", "1000.00")], date(2025, 3, 12))
    _pay(world, c1, "bank-A", 20_000, date(2025, 3, 5))
    _pay(world, c1, "bank-B", 50_000, date(2025, 2, 20))  # a statement brings it: restated
    world.clock.at = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(c1, "bank-B", "AC04 rekening opgeheven", on=date(2025, 3, 14))
    c = _claim(world, "2025-03-14")
    # hand (bank-B never paid): costs 150.00; bank-A 200.00 on 03-05 goes [costs 150.00,
    # interest 02-01 -> 03-05 32 d on 1,000 = 5.2603 -> 5.26, principal 44.74]: 955.26 open
    assert (c["paid"]["costs"], c["paid"]["interest"], c["paid"]["principal"]) == (
        "150.00", "5.26", "44.74",
    )  # fmt: skip
    assert (c["open"]["principal"], c["open"]["costs"]) == ("955.26", "0.00")
    row = world.services.payments.repos.payments.get(c1.client_id, "bank-A")
    assert row is not None  # the payment row follows the ledger
    assert {(x.component, x.amount) for x in row.allocations} == {
        ("costs", 15_000), ("interest", 526), ("principal", 4_474),
    }  # fmt: skip


# finding 4: a payment that came back leaves nothing to refund


def test_a_returned_overpayment_closes_its_refund_item(world: World) -> None:
    c1 = _setup(world, [_letter("F1", "1000.00")], date(2025, 2, 20))
    paid = _pay(world, c1, "bank-1", 110_000, date(2025, 2, 20))
    # hand: interest 3.12 + principal 1,000.00 taken, 96.88 over: an item to refund it
    assert paid.unallocated == 9_688
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [i["title"] for i in items if i["kind"] == "overpayment"] == ["Overpayment of € 96,88"]
    world.clock.at = datetime(2025, 3, 5, 10, 0, tzinfo=UTC)
    for _ in range(2):  # the return delivered twice: one change
        world.services.payments.reverse(c1, "bank-1", "MD06", on=date(2025, 3, 5))
    # all 1,100.00 went back to the payer: nothing to refund (main: the item stayed open)
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = [i for i in items if i["kind"] == "overpayment"]
    assert [i["status"] for i in over] == ["resolved"]
    assert "came back (MD06)" in over[0]["resolution"]
    assert [i["kind"] for i in items if i["status"] == "open"] == ["payment_reversed"]
