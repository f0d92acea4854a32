"""law12 #2-#5: which claims a ruling holds and what staff are told to file, figured by hand.

Consumer D1, F1 1,000.00 invoiced 1-11-2025, due 1-12-2025, 14-day letter 5-1-2026, costs
150.00 from 22-1. Bankrupt (or WSNP) since 10-2-2026, recorded late. 6:119 2-12..31-12
30 d x 6 % = 4.93, 1-1..9-2 40 d x 4 % = 4.38: 9.32 at the ruling."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world

URL = "/v1/clients/C1/debtors/D1/standing"


def _world(kind: str = "b2c", letter: str | None = "2026-01-05") -> Any:
    w = make_world()
    a = w.agency_a
    w.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    extra = {"kind": kind, **({"kvk_number": "12345678"} if kind == "b2b" else {})}
    assert (
        a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", **extra)]}).status
        == 200
    )
    row = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01", **({"fourteen_day_letter_on": letter} if letter else {}))  # fmt: skip
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": [row]})
    assert reply.status == 200 and not reply.body.get("errors"), reply.body
    return w


def _at(w: Any, day: date) -> None:
    w.clock.at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _set(w: Any, body: dict[str, str]) -> None:
    reply = w.agency_a.call("POST", URL, body)
    assert reply.status == 200, reply.body


def _filing(w: Any) -> dict[str, Any]:
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    found: list[dict[str, Any]] = [x for x in items if x["kind"] == "debtor_standing"]
    assert len(found) == 1, found
    return found[0]


def _later_claim(w: Any) -> None:
    """F2 1,000.00: a purchase of 1-3-2026, after the ruling, due 31-3."""
    row = invoice_row(
        "F2", "D1", amount="1000.00", invoice_date="2026-03-01", due_date="2026-03-31"
    )
    reply = w.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]})
    assert reply.status == 200 and not reply.body.get("errors"), reply.body


def test_the_curator_item_gives_the_claim_at_the_ruling_and_the_money_paid_after_it() -> None:
    w = _world()
    client = w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")
    _at(w, date(2026, 2, 20))
    w.services.payments.book(client, payment_id="p1", amount=50_000, received_on=date(2026, 2, 20),
                             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    item = _filing(w)
    # 1,000.00 + 150.00 + 9.32: what is filed (art. 26, 110 Fw), not the 659.32 left open
    # after the 500.00 the bankrupt paid out of the estate on 20-2 (art. 23 Fw)
    assert item["detail"]["to_file"] == 115932, item
    assert item["detail"]["paid_after_ruling"] == [
        {"payment": "p1", "amount": 50000, "received_on": "2026-02-20"}
    ], item


def test_without_money_after_the_ruling_the_item_names_the_claim_only() -> None:
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    detail = _filing(w)["detail"]
    assert detail["to_file"] == 115932 and "paid_after_ruling" not in detail, detail


@pytest.mark.parametrize("standing", ["wsnp", "bankrupt"])
def test_a_claim_that_arose_after_the_ruling_is_not_in_it_whatever_the_order(standing: str) -> None:
    # recorded 15-5, back-dated to 10-2, after F2 (1-3) was imported: F2 is no claim of the
    # ruling (art. 24, 299 lid 1 Fw): 6:119 1-4..31-5 61 d x 4 % x 1,000.00 = 6.68
    w = _world()
    _at(w, date(2026, 3, 1))
    _later_claim(w)
    _at(w, date(2026, 5, 15))
    _set(w, {"standing": standing, "since": "2026-02-10"})
    f2 = w.agency_a.call("GET", "/v1/clients/C1/invoices/F2/claim", on="2026-06-01").body
    assert f2["open"]["interest"] == "6.68", f2
    f1 = w.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-06-01").body
    assert f1["open"]["interest"] == "9.32", f1
    item = _filing(w)
    assert item["invoice_numbers"] == ["F1"] and item["detail"]["to_file"] == 115932, item


@pytest.mark.parametrize(
    ("start", "to", "letter", "interest"),
    [
        # 6:119a 2-12..31-12 30 d x 10.15 % = 8.34, 1-1..9-2 40 d x 10.15 % = 11.12: 19.47
        ("b2c", "b2b", None, "19.47"),
        # 6:119 4.93 + 4.38 = 9.32
        ("b2b", "b2c", "2026-01-05", "9.32"),
    ],
)
def test_a_kind_corrected_after_a_ruling_stops_the_interest_on_the_ruling_day(
    start: str, to: str, letter: str | None, interest: str
) -> None:
    w = _world(start, letter)
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    _at(w, date(2026, 3, 26))
    extra = {"kind": to, **({"kvk_number": "12345678"} if to == "b2b" else {})}
    reply = w.agency_a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", **extra)]}
    )
    assert reply.status == 200 and not reply.body.get("errors"), reply.body
    _at(w, date(2026, 3, 27))
    got = w.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-27").body
    assert got["open"]["interest"] == interest, got


def _plan(w: Any) -> Any:
    return w.agency_a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "start": "2026-04-15", "installments": 2,
        "include_costs": True, "agreed_by_debtor_on": "2026-03-24", "agreed_how": "phone"})  # fmt: skip


def test_no_plan_is_drafted_or_started_with_a_bankrupt_debtor() -> None:
    """His consent binds neither the curator nor the estate (art. 23, 26 Fw): refused, as
    the console says in the reader's language (code plan_debtor_standing)."""
    w = _world()
    _at(w, date(2026, 3, 24))
    draft = _plan(w)
    assert draft.status == 201, draft.body
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    refused = _plan(w)
    assert refused.status == 409, refused.body
    assert "D1 is bankrupt since 2026-02-10" in refused.body["error"]["message"], refused.body
    plan_id = draft.body["plan_id"]
    started = w.agency_a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate")
    assert started.status == 409, started.body
    assert "no plan is agreed with him" in started.body["error"]["message"]
    assert w.agency_a.call("GET", f"/v1/clients/C1/plans/{plan_id}").body["status"] == "draft"


def test_a_claim_of_before_the_ruling_pushed_after_it_was_recorded_is_held_as_the_others() -> None:
    # F3 1,000.00 invoiced 1-11-2025, due 1-12-2025 (as F1, no letter), pushed on 1-4 after
    # the WSNP of 10-2 was recorded on 25-3: 6:119 30 d x 6 % = 4.93 + 40 d x 4 % = 4.38,
    # 9.32 on 1-6 as on the ruling's day (not 21.48 with the scheme's 111 days at 4 %)
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _at(w, date(2026, 4, 1))
    row = invoice_row(
        "F3", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01"
    )
    for _ in range(2):  # pushed again by the next sync: the same figures
        reply = w.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]})
        assert reply.status == 200 and not reply.body.get("errors"), reply.body
        f3 = w.agency_a.call("GET", "/v1/clients/C1/invoices/F3/claim", on="2026-06-01").body
        assert f3["open"]["interest"] == "9.32", f3
    _later_claim(w)  # and one of after it, pushed after it was recorded, runs on
    f2 = w.agency_a.call("GET", "/v1/clients/C1/invoices/F2/claim", on="2026-06-01").body
    assert f2["open"]["interest"] == "6.68", f2
