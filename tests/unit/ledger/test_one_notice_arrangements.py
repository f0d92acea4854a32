"""An arrangement on one invoice of a combined 14-day letter (law6 finding 1).

Consumer D1, F1 and F2 each 3,000.00, one 14-day letter of 2025-02-10 (term to 02-26, costs
owed from 02-27). The letter is one notice: one WIK amount over 6,000.00 (art. 6:96 lid 7
BW; Besluit BIK art. 2: 15 % x 2,500 + 10 % x 2,500 + 5 % x 1,000 = 375 + 250 + 50 =
675.00), 337.50 each. A promise, a pause or a whole-claim plan agreed on F1 inside the term
decides only from when F1's share is owed; it does not make F1 a notice of its own with its
own staffel (was: 425.00 + 425.00 = 850.00; 649.30 with the plan).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.ledger.costs import ClaimRecord, costs_shares
from shared.domain.ledger.model import ClaimTerms
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _letter(world, amounts=("3000.00", "3000.00")):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 2, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row(f"F{i + 1}", "D1", amount=x, fourteen_day_letter_on="2025-02-10")
        for i, x in enumerate(amounts)
    ]
    assert a.call("POST", BASE, {"items": rows}).body["created"] == len(amounts)
    return a


def _claims(a, on):  # type: ignore[no-untyped-def]
    return {n: a.call("GET", f"{BASE}/{n}/claim", on=on).body for n in ("F1", "F2")}


@pytest.mark.parametrize("how", ["promise", "pause"])
def test_a_promise_or_pause_on_one_invoice_keeps_the_one_notice(world, how):  # type: ignore[no-untyped-def]
    a = _letter(world)
    # made on 02-20, inside the term: F1's costs owed from 03-11 at the earliest
    r = a.call("POST", f"{BASE}/F1/{how}", {"until": "2025-03-10"})
    assert r.status == 200, r.body
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    before = _claims(a, "2025-03-03")
    # F2's share of the one notice from 02-27; F1's waits for its own day
    assert (before["F1"]["open"]["costs"], before["F2"]["open"]["costs"]) == ("0.00", "337.50")
    after = _claims(a, "2025-03-20")
    assert (after["F1"]["open"]["costs"], after["F2"]["open"]["costs"]) == ("337.50", "337.50")
    # interest 02-01 -> 03-20: 47 d x 6 % x 3,000 / 365 = 23.178 -> 23.18 each
    assert after["F1"]["open"]["interest"] == after["F2"]["open"]["interest"] == "23.18"


def test_the_reminder_says_the_letters_amount(world):  # type: ignore[no-untyped-def]
    a = _letter(world)
    assert a.call("POST", f"{BASE}/F1/promise", {"until": "2025-03-10"}).status == 200
    r = a.call("PUT", "/v1/clients/C1/templates/t-r", {
        "language": "nl", "subject": "Herinnering",
        "text": "incassokosten {{ costs|money }}, totaal {{ total|money }}"})  # fmt: skip
    assert r.status == 200, r.body
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    text = a.call("POST", "/v1/clients/C1/templates/t-r/preview", {"debtor": "D1"}).body["text"]
    # 6,000.00 + 675.00 + 2 x 23.18 = 6,721.36 (was: 850,00 and 6.896,36)
    assert text == "incassokosten € 675,00, totaal € 6.721,36"


def test_a_lapsed_plan_on_one_invoice_shares_the_notice(world):  # type: ignore[no-untyped-def]
    a = _letter(world)
    r = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "include_costs": True, "method": "transfer",
        "start": "2025-02-25", "period": "month", "installments": 2})  # fmt: skip
    assert r.status == 201, r.body
    pid = r.body["plan_id"]
    r = a.call("POST", f"/v1/clients/C1/plans/{pid}/activate")
    assert r.status == 200, r.body
    # claim on 02-20: 3,000 + 19 d x 6 % x 3,000 / 365 = 9.3699 -> 3,009.37, 2 x 1,504.68/69
    assert r.body["installments"][0]["amount"] == "1504.68"
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    world.clock.at = datetime(2025, 2, 25, 10, 0, tzinfo=UTC)
    p = world.services.payments.book(c1, payment_id="bank-1", amount=150_468,
                                     received_on=date(2025, 2, 25), source=PaymentSource.BANK,
                                     invoice_numbers=["F1"])  # fmt: skip
    assert [(x.component, x.amount) for x in p.allocations] == [
        ("interest", 937),
        ("principal", 149_531),
    ]
    world.clock.at = datetime(2025, 4, 10, 10, 0, tzinfo=UTC)
    assert (
        a.call(
            "POST", f"/v1/clients/C1/plans/{pid}/cancel", {"reason": "termijn 2 niet betaald"}
        ).status
        == 200
    )
    world.clock.at = datetime(2025, 4, 20, 10, 0, tzinfo=UTC)
    c = _claims(a, "2025-04-20")
    # one notice: F2 3,000.00 + F1 3,000 - 1,495.31 - 9.37 = 1,495.32 (paid before its own
    # term ended, 04-10) = 4,495.32: 375 + 10 % x 1,995.32 = 574.532 -> 574.53, pro rata
    # F2 574.53 x 3,000 / 4,495.32 = 383.42, F1 191.11 (was: 425.00 + 224.30 = 649.30)
    assert (c["F1"]["open"]["costs"], c["F2"]["open"]["costs"]) == ("191.11", "383.42")


def _terms(number: str, **kw: object) -> ClaimTerms:
    return ClaimTerms(number, "D1", date(2025, 1, 31), 300_000, **kw)  # type: ignore[arg-type]


def test_a_member_whose_plan_runs_counts_in_the_base_but_owes_nothing_yet() -> None:
    notice = date(2025, 2, 27)
    records = [
        ClaimRecord(_terms("F1", costs_owed_from=None, notice_from=notice)),  # plan runs
        ClaimRecord(_terms("F2", costs_owed_from=notice)),
    ]
    shares = costs_shares(records, date(2025, 3, 3))
    assert "F1" not in shares
    assert shares["F2"].costs == 33_750  # half of 675.00, not 425.00 alone
