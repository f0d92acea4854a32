"""codereview13 #3: a payment's surplus (6:43 lid 2 BW) goes to the enforceable debts only.

Consumer D1 as in test_standing_natural_obligation: F1 1,000.00 of before the WSNP (10-2-2026),
clean slate on 1-4, so F1 is a natural obligation at 1,159.32 (150.00 costs, 9.32 interest to
the ruling). F2 100.00 invoiced 1-3, due 31-3 (after the ruling, claimable): on 10-4 it owes
100.00 + 10 days x 4 % = 0.10 interest (6:119, 1-4..9-4), 100.10.

300.00 paid naming F2: F2 takes 100.10; the 199.90 left over is spare money (an overpayment to
refund or re-book with his consent), not a payment of F1 (6:3 lid 2 BW: only what is paid
*for* a natural obligation is no undue payment). Before the fix F1 took it: 150.00 costs,
9.32 interest, 40.58 principal (F1 959.42)."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import invoice_row
from tests.unit.standing.test_standing_natural_obligation import _clean_slate, _client, _open
from tests.unit.standing.test_standing_ruling_claims import _at, _world


def _invoices(w: Any, *rows: dict[str, Any]) -> None:
    reply = w.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": list(rows)})
    assert reply.status == 200 and not reply.body.get("errors"), reply.body


def _payment(w: Any, payment_id: str) -> dict[str, Any]:
    items = w.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    return next(x for x in items if x["payment_id"] == payment_id)


F2 = invoice_row("F2", "D1", amount="100.00", invoice_date="2026-03-01", due_date="2026-03-31")


def test_surplus_of_a_payment_for_f2_is_spare_money_not_the_natural_obligations() -> None:
    w = _world()
    _at(w, date(2026, 3, 1))
    _invoices(w, F2)
    _clean_slate(w)
    _at(w, date(2026, 4, 10))
    w.services.payments.book(_client(w), payment_id="p1", amount=30_000,
                             received_on=date(2026, 4, 10), source=PaymentSource.BANK,
                             invoice_numbers=["F2"])  # fmt: skip
    assert _open(w, "F1", "2026-04-11")["total"] == "1159.32"  # untouched
    assert _open(w, "F2", "2026-04-11")["total"] == "0.00"
    row = _payment(w, "p1")
    assert [(a["invoice_number"], a["amount"]) for a in row["allocations"]] == [
        ("F2", 10), ("F2", 10_000),
    ]  # fmt: skip
    assert row["unallocated"] == 19_990  # 300.00 - 100.10


def test_a_payment_named_for_the_natural_obligation_is_booked_on_it() -> None:
    """Control: 6:3 lid 2: paid for F1 anyway, it is booked there (costs first, 6:44)."""
    w = _world()
    _clean_slate(w)
    _at(w, date(2026, 4, 10))
    w.services.payments.book(_client(w), payment_id="p1", amount=20_000,
                             received_on=date(2026, 4, 10), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    assert _open(w, "F1", "2026-04-11")["total"] == "959.32"


def test_a_redesignation_sends_the_rest_to_the_claimable_claim_not_the_natural_one() -> None:
    """300.00 booked on F3 (500.00, invoiced 2-3, due 1-4: 8 days x 4 % = 0.44 on 10-4) by
    mistake, corrected to F2 as its payer named: F2 takes 100.10, the 199.90 rest goes on F3
    (0.44 interest, 199.46 principal: 300.54 open), F1 keeps 1,159.32."""
    w = _world()
    _at(w, date(2026, 3, 1))
    f3 = invoice_row("F3", "D1", amount="500.00", invoice_date="2026-03-02", due_date="2026-04-01")
    _invoices(w, F2, f3)
    _clean_slate(w)
    _at(w, date(2026, 4, 10))
    w.services.payments.book(_client(w), payment_id="p1", amount=30_000,
                             received_on=date(2026, 4, 10), source=PaymentSource.BANK,
                             invoice_numbers=["F3"])  # fmt: skip
    reply = w.agency_a.call("PUT", "/v1/clients/C1/payments/p1/designation",
                            {"invoices": ["F2"], "reason": "the remittance named F2",
                             "payer_word": "misread"})  # fmt: skip
    assert reply.status == 200, reply.body
    assert {(a["invoice_number"], a["component"], a["amount"]) for a in reply.body["allocations"]} == {
        ("F2", "interest", 10), ("F2", "principal", 10_000),
        ("F3", "interest", 44), ("F3", "principal", 19_946),
    }  # fmt: skip
    assert _open(w, "F1", "2026-04-11")["total"] == "1159.32"
    assert _open(w, "F2", "2026-04-11")["total"] == "0.00"
