"""A claim keeps the cost terms its 14-day letter announced when the client's settings change
after it (law8 finding 1; docs/law.md "Client settings changed after a letter").

Consumer D1, F1 1,000.00 due 2025-12-01, the client's 14-day letter of 2026-01-05 (received
01-07, costs owed from 01-22). On 01-22: costs 150.00 (15 % of 1,000.00), interest 30 d x 6 %
+ 21 d x 4 % on 1,000.00 = 4.9315 + 2.3014 = 7.23. The client changes a setting on 01-10.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.ledger.announced_terms import keep_earlier_terms, terms_on
from shared.domain.parties import Client
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _letter(world, **settings: Any):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", **settings)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    row = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip
    assert not a.call("POST", BASE, {"items": [row]}).body["errors"]
    return a


def _change(world, a, **settings: Any) -> None:  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    r = a.call("POST", "/v1/clients", {"items": [client_row("C1", **settings)]})
    assert r.status == 200 and not r.body["errors"], r.body


def _open(a, number: str = "F1", on: str = "2026-01-22") -> dict[str, str]:  # type: ignore[no-untyped-def]
    return a.call("GET", f"{BASE}/{number}/claim", on=on).body["open"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("before", "after", "figures"),
    [
        # VAT only when the letter said the client cannot deduct it (Besluit BIK art. 2 lid 3):
        # was 150.00 + 31.50 VAT, 1,188.73
        (
            {},
            {"vat_deductible": False},
            {"costs": "150.00", "costs_vat": "0.00", "total": "1157.23"},
        ),
        # the letter announced no costs and principal-only: was 150.00 from 01-22
        (
            {"client_bears_costs": True},
            {"client_bears_costs": False},
            {"costs": "0.00", "interest": "0.00"},
        ),
        # the statutory rate the letter claimed: a 12 % set later gave 1,000 x 12 % x 51/365 = 16.77
        ({}, {"contractual_interest_rate": 12}, {"interest": "7.23", "costs": "150.00"}),
    ],
)
def test_a_setting_changed_after_the_letter_does_not_reprice_the_claim(
    world, before, after, figures
):  # type: ignore[no-untyped-def]
    a = _letter(world, **before)
    _change(world, a, **after)
    shown = _open(a)
    assert {k: shown[k] for k in figures} == figures


def test_a_letter_after_the_change_runs_on_the_new_terms(world):  # type: ignore[no-untyped-def]
    # F2, due 2026-01-15 (after F1's letter: a notice of its own), lettered 01-16 after the
    # change: received 01-20, term to 02-03, owed from 02-04; costs 150.00 + 21 % = 31.50 VAT,
    # and interest from 01-16 at 12 %: 1,000 x 12 % x 19/365 = 6.246 -> 6.25 on 02-04
    a = _letter(world)
    _change(world, a, vat_deductible=False, contractual_interest_rate=12)
    world.clock.at = datetime(2026, 1, 17, 9, 0, tzinfo=UTC)
    row = invoice_row("F2", "D1", amount="1000.00", invoice_date="2025-12-15",
                      due_date="2026-01-15", fourteen_day_letter_on="2026-01-16")  # fmt: skip
    assert not a.call("POST", BASE, {"items": [row]}).body["errors"]
    f2 = _open(a, "F2", "2026-02-04")
    assert (f2["costs"], f2["costs_vat"], f2["interest"]) == ("150.00", "31.50", "6.25")
    f1 = _open(a, "F1", "2026-02-04")  # F1 keeps its letter's terms beside it
    assert (f1["costs"], f1["costs_vat"]) == ("150.00", "0.00")


def test_a_joined_letter_keeps_its_own_vat_in_the_one_notice(world):  # type: ignore[no-untyped-def]
    # F2 3,000.00 and F1 3,000.00 due together; F1's letter 01-05 (VAT deductible), F2's
    # 01-20 after the client said it cannot deduct VAT: one staffel over 6,000.00 = 675.00,
    # 337.50 each; VAT only on F2's share: 21 % x 337.50 = 70.875 -> 70.88
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row(n, "D1", amount="3000.00", invoice_date="2025-11-01", due_date="2025-12-01")
        for n in ("F1", "F2")
    ]
    rows[0]["fourteen_day_letter_on"] = "2026-01-05"
    assert not a.call("POST", BASE, {"items": rows}).body["errors"]
    _change(world, a, vat_deductible=False)
    world.clock.at = datetime(2026, 1, 21, 9, 0, tzinfo=UTC)
    rows[1]["fourteen_day_letter_on"] = "2026-01-20"
    assert not a.call("POST", BASE, {"items": [rows[1]]}).body["errors"]
    f1, f2 = _open(a, "F1", "2026-03-01"), _open(a, "F2", "2026-03-01")
    assert (f1["costs"], f1["costs_vat"], f2["costs"], f2["costs_vat"]) == (
        "337.50", "0.00", "337.50", "70.88",
    )  # fmt: skip


def test_the_client_keeps_each_earlier_version_of_its_cost_terms():
    c = Client("c1", "a1", "C1", "Client")
    same = keep_earlier_terms(c, c, date(2026, 1, 10))
    assert same.earlier_terms == ()  # nothing changed: no history
    c2 = keep_earlier_terms(c, Client("c1", "a1", "C1", "Client", vat_deductible=False),
                            date(2026, 1, 10))  # fmt: skip
    c3 = keep_earlier_terms(c2, Client("c1", "a1", "C1", "Client", vat_deductible=False,
                                       contractual_interest_percent="12"), date(2026, 2, 1))  # fmt: skip
    # the day of a change still belongs to the terms before it (the morning's letters)
    assert terms_on(c3, date(2026, 1, 10)).vat_deductible is True
    got = terms_on(c3, date(2026, 1, 11))
    assert (got.vat_deductible, got.contractual_interest_percent) == (False, None)
    got = terms_on(c3, date(2026, 2, 2))
    assert (got.vat_deductible, got.contractual_interest_percent) == (False, "12")
