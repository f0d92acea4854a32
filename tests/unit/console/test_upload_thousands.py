"""newcomer9 finding E: a Dutch amount with a thousands point and no decimals ("1.250", what
Excel's #.##0 format saves for EUR 1,250) was stored as EUR 1.25, by the console upload and
the API alike, and the preview showed no amount to catch it. Now thousands separators are
read where they cannot be read two ways (1.250,00; 1,250.00; 1.250.000), "1.250" and
"1,250" are refused with what to write, and the preview shows the sum and the first rows."""

from __future__ import annotations

import html

import pytest

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors
from tests.unit.console.test_page_upload import _csv, _preview


def test_unambiguous_thousands_are_read_and_ambiguous_ones_refused(world, tenants):
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    data = _csv(
        "H1;D1;2025-01-01;2025-01-31;1.250",  # Dutch 1250 or English 1.25: refused
        "H2;D1;2025-01-01;2025-01-31;12.500",
        "H3;D1;2025-01-01;2025-01-31;1.250,00",  # Dutch, unambiguous
        "H4;D1;2025-01-01;2025-01-31;1,250.50",  # English, unambiguous
        "H5;D1;2025-01-01;2025-01-31;1.250.000",  # two groups: no decimal
    )
    page = _preview(staff, data)
    body = html.unescape(text(page))
    assert page.status == 200, body[:400]
    # main: "Rejected: 0", H1 and H2 imported as EUR 1.25 and EUR 12.50, H3 refused
    assert "Rejected: 2" in body and "To be imported: 3" in body
    assert "'1.250' is not an amount in euros with at most two decimals" in body
    assert "'12.500' is not an amount in euros with at most two decimals" in body
    # the sum and the rows as they will be stored, before anything is
    assert "Total invoiced amount of what is imported: EUR 1,252,500.50" in body
    assert "EUR 1,250.00" in body and "EUR 1,250.50" in body and "EUR 1,250,000.00" in body


def test_the_dutch_page_says_what_to_write(world, tenants):
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/upload?lang=nl"))
    data = _csv("H1;D1;2025-01-01;2025-01-31;1.250", "H2;D1;2025-01-01;2025-01-31;1.250,00")
    page = post_files(staff, "/upload?lang=nl", {"csrf": token, "do": "preview"},
                      {"file": ("facturen.csv", data)})  # fmt: skip
    body = html.unescape(text(page))
    assert "'1.250' is geen bedrag met hoogstens twee cijfers achter de komma" in body
    assert "schrijf twaalfhonderdvijftig euro als 1250 of 1250,00" in body
    assert "Totaal factuurbedrag van wat wordt ingelezen: € 1.250,00" in body


@pytest.mark.parametrize("amount", ["1.250", "12.500", "1,250", "1.2500"])
def test_the_api_refuses_an_amount_with_more_than_two_decimals(world, tenants, amount):
    with_debtors(world, "C1", "D1")
    a = world.agency_a
    r = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("T1", amount=amount)]})
    # main: created, stored as EUR 1.25 ("1.250")
    assert r.body.get("created", 0) == 0, r.body
    assert world.services.repos.invoices.get(tenants.c1, "T1") is None


@pytest.mark.parametrize(("amount", "cents"), [("1250", 125_000), ("121.00", 12_100), ("1.5", 150)])
def test_the_api_still_takes_plain_amounts(world, tenants, amount, cents):
    with_debtors(world, "C1", "D1")
    a = world.agency_a
    r = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("T1", amount=amount)]})
    assert r.body["created"] == 1, r.body
    assert world.services.repos.invoices.get(tenants.c1, "T1").invoice.amount == cents
