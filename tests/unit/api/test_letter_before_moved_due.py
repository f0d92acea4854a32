"""A 14-day letter (consumer) or sommatie (business) the client dated before the debtor was in
default is no letter under 6:96 lid 6 (and lid 4) BW, also when it became so only later: the
client's next sync moved the due date, or the default date, past it (law11b F1). The same facts
in one row are refused by the row check; reached in two pushes the claim owes no costs until a
new letter, sent in default, has run its term.

Figures by hand: 1,000.00 due 1-12-2025, letter of 3-12-2025 (a Wednesday: received Friday 5-12,
term 6-12..19-12, costs owed from 20-12): 15% of 1,000.00 = 150.00. Default moved to 16-1-2026:
no costs; interest 16-1..14-2 = 30 days x 4% x 1,000.00 / 365 = 3.29."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

INVOICES = "/v1/clients/C1/invoices"
ROW = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01")


def _claim_with_letter(world: World, kind: str) -> Any:
    a = world.agency_a
    world.clock.at = datetime(2025, 12, 20, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind=kind)]})
    r = a.call("POST", INVOICES, {"items": [dict(ROW, fourteen_day_letter_on="2025-12-03")]})
    assert r.status == 200, r.body
    before = a.call("GET", f"{INVOICES}/F1/claim", on="2026-01-05").body["open"]
    assert before["costs"] == "150.00"  # the letter ran its term in default: costs owed
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    return a


@pytest.mark.parametrize("kind", ["b2c", "b2b"])
def test_a_due_date_moved_past_the_letter_drops_the_costs(world: World, kind: str) -> None:
    a = _claim_with_letter(world, kind)
    moved = a.call("POST", INVOICES, {"items": [dict(ROW, due_date="2026-01-15")]})
    assert moved.status == 200, moved.body
    after = a.call("GET", f"{INVOICES}/F1/claim", on="2026-02-15").body["open"]
    assert after["costs"] == "0.00"
    if kind == "b2c":
        assert after["interest"] == "3.29"
        assert after["total"] == "1003.29"
    # the claim's contact log says why the costs went (the change is an administrator's)
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert found
    entries, _ = world.services.repos.contacts.for_debtor(found, "D1")
    (line,) = [e.summary for e in entries if "2025-12-01 -> 2026-01-15" in e.summary]
    assert "the 14-day letter now precedes default: no collection costs" in line


def test_a_default_date_moved_past_the_letter_drops_the_costs(world: World) -> None:
    a = _claim_with_letter(world, "b2c")
    moved = a.call("POST", INVOICES, {"items": [dict(ROW, interest_from="2026-01-16")]})
    assert moved.status == 200, moved.body
    after = a.call("GET", f"{INVOICES}/F1/claim", on="2026-02-15").body["open"]
    assert (after["costs"], after["interest"]) == ("0.00", "3.29")
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert found
    entries, _ = world.services.repos.contacts.for_debtor(found, "D1")
    (line,) = [e.summary for e in entries if "default date" in e.summary]
    assert "the 14-day letter of 2025-12-03 now precedes default: no collection costs" in line
    # sent again, nothing new is logged
    assert (
        a.call("POST", INVOICES, {"items": [dict(ROW, interest_from="2026-01-16")]}).status == 200
    )
    entries, _ = world.services.repos.contacts.for_debtor(found, "D1")
    assert len([e for e in entries if "default date" in e.summary]) == 1


def test_a_new_letter_in_default_owes_the_costs_again(world: World) -> None:
    # letter of Tuesday 20-1-2026: received Thursday 22-1, term 23-1..5-2, owed from 6-2
    a = _claim_with_letter(world, "b2c")
    row = dict(ROW, due_date="2026-01-15", fourteen_day_letter_on="2026-01-20")
    assert a.call("POST", INVOICES, {"items": [row]}).status == 200
    on_5_feb = a.call("GET", f"{INVOICES}/F1/claim", on="2026-02-05").body["open"]
    on_6_feb = a.call("GET", f"{INVOICES}/F1/claim", on="2026-02-06").body["open"]
    assert (on_5_feb["costs"], on_6_feb["costs"]) == ("0.00", "150.00")


def test_a_paid_claim_is_restated_without_the_costs(world: World) -> None:
    """500.00 paid on 10-1-2026 went to the costs 150.00, the interest 2-12..9-1 (30 d x 6 % +
    9 d x 4 % x 1,000.00 / 365 = 5.92) and 344.08 principal. The due date moved to 15-1-2026:
    the letter is none and the debtor was never in default before 16-1, so the 500.00 was all
    principal; on 15-2 500.00 + 16-1..14-2 30 d x 4 % x 500.00 / 365 = 1.64 = 501.64."""
    a = _claim_with_letter(world, "b2c")
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    stored = world.services.repos.clients.get(found) if found else None
    assert stored is not None
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    world.services.payments.book(stored[0], payment_id="p1", amount=50_000,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    paid = a.call("GET", f"{INVOICES}/F1/claim", on="2026-01-10").body["paid"]
    assert (paid["costs"], paid["interest"], paid["principal"]) == ("150.00", "5.92", "344.08")
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    moved = a.call("POST", INVOICES, {"items": [dict(ROW, due_date="2026-01-15")]})
    assert moved.body["updated"] == 1, moved.body
    body = a.call("GET", f"{INVOICES}/F1/claim", on="2026-02-15").body
    assert (body["paid"]["costs"], body["paid"]["principal"]) == ("0.00", "500.00")
    assert (body["open"]["costs"], body["open"]["total"]) == ("0.00", "501.64")
