"""A later 14-day letter for a claim an earlier letter could have claimed joins that notice
(art. 6:96 lid 7 BW; law8 finding 2).

Consumer D1, F1 and F2 3,000.00 each, due 2025-12-01. One staffel over 6,000.00 (Besluit BIK
art. 2: 15 % x 2,500 + 10 % x 2,500 + 5 % x 1,000 = 375 + 250 + 50 = 675.00), 337.50 each;
two staffels over 3,000.00 (375 + 50 = 425.00 each) would be 850.00. A letter of 2026-01-05
(received 01-07, term to 01-21) makes costs owed from 01-22.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.ledger.costs import ClaimRecord, notices
from shared.domain.ledger.model import ClaimTerms
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _rows(f2_letter: str, f2_due: str = "2025-12-01") -> list[dict[str, str]]:
    return [
        invoice_row("F1", "D1", amount="3000.00", invoice_date="2025-11-01",
                    due_date="2025-12-01", fourteen_day_letter_on="2026-01-05"),
        invoice_row("F2", "D1", amount="3000.00", invoice_date="2025-11-01",
                    due_date=f2_due, fourteen_day_letter_on=f2_letter),
    ]  # fmt: skip


def _setup(world, at: datetime):  # type: ignore[no-untyped-def]
    world.clock.at = at
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    return a


def _costs(a, on: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return tuple(
        a.call("GET", f"{BASE}/{n}/claim", on=on).body["open"]["costs"] for n in ("F1", "F2")
    )  # type: ignore[return-value]


def test_a_second_letter_for_one_invoice_of_a_combined_letter_stays_one_notice(world):  # type: ignore[no-untyped-def]
    a = _setup(world, datetime(2026, 1, 6, 9, 0, tzinfo=UTC))
    assert not a.call("POST", BASE, {"items": _rows("2026-01-05")}).body["errors"]
    assert _costs(a, "2026-01-25") == ("337.50", "337.50")
    # the client sends F2 a new letter on 01-26 and imports its date: F2's own costs are
    # owed from 02-12, but it stays in the 01-05 notice (was 425.00 + 425.00 on 03-01)
    world.clock.at = datetime(2026, 1, 26, 9, 0, tzinfo=UTC)
    r = a.call("POST", BASE, {"items": _rows("2026-01-26")})
    assert r.status == 200 and not r.body["errors"], r.body
    assert (
        a.call("GET", f"{BASE}/F2/claim", on="2026-03-01").body["costs_owed_from"] == "2026-02-12"
    )
    # F1 keeps what its letter announced while F2's share waits for F2's own day
    assert _costs(a, "2026-02-01") == ("337.50", "0.00")
    assert _costs(a, "2026-03-01") == ("337.50", "337.50")


def test_separate_letters_for_invoices_open_and_due_together_are_one_notice(world):  # type: ignore[no-untyped-def]
    # F1's letter 01-05, F2's 01-20 (owed from 02-05): F2 was due when F1's letter went out
    a = _setup(world, datetime(2026, 1, 21, 9, 0, tzinfo=UTC))
    assert not a.call("POST", BASE, {"items": _rows("2026-01-20")}).body["errors"]
    assert _costs(a, "2026-03-01") == ("337.50", "337.50")


def test_an_invoice_due_after_the_letter_went_out_has_a_notice_of_its_own(world):  # type: ignore[no-untyped-def]
    # F2 falls due on 02-01, after F1's letter of 01-05: its own letter (02-05), its own
    # staffel: 425.00 + 425.00
    a = _setup(world, datetime(2026, 2, 6, 9, 0, tzinfo=UTC))
    r = a.call("POST", BASE, {"items": _rows("2026-02-05", f2_due="2026-02-01")})
    assert not r.body["errors"], r.body
    assert _costs(a, "2026-03-01") == ("425.00", "425.00")


def _terms(number: str, due: date, owed: date, consumer: bool = True) -> ClaimRecord:
    return ClaimRecord(
        ClaimTerms(number, "D1", due, 100_00, consumer=consumer, costs_owed_from=owed)
    )


def test_notices_chain_through_each_letter_a_claim_could_have_been_in():
    # letters owed from 01-22 (sent by 01-07 at the latest), 02-20 (by 02-05), 03-20 (by 03-05)
    records = [
        _terms("A", date(2025, 12, 1), date(2026, 1, 22)),
        _terms("B", date(2026, 1, 1), date(2026, 2, 20)),  # due by A's letter: joins A's
        _terms("C", date(2026, 1, 10), date(2026, 3, 20)),  # not by A's, by B's letter
        _terms("D", date(2026, 3, 10), date(2026, 4, 20)),  # due after every earlier letter
    ]
    assert notices(records) == {
        "A": date(2026, 1, 22),
        "B": date(2026, 1, 22),
        "C": date(2026, 1, 22),
        "D": date(2026, 4, 20),
    }
    business = [
        _terms("A", date(2025, 12, 1), date(2026, 1, 22), consumer=False),
        _terms("B", date(2026, 1, 1), date(2026, 2, 20), consumer=False),
    ]  # a business invoice carries its own EUR 40 and may owe from its own due date
    assert notices(business) == {"A": date(2026, 1, 22), "B": date(2026, 2, 20)}
