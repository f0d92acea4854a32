"""The dossier's claims table adds up on screen (dossier-cols6): a waiver, a write-off and a
partial credit each have a column, so every row reads principal + costs + VAT + interest -
paid - credited - waived - written off = open to the cent, and a totals row sums each column.
The two columns appear only when a claim of the dossier has them. The page is read as a table
(headers, rows, the totals row), never searched for short strings; the figures are checked
against the API's claim of each invoice as well."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shared.api.console.dossier_claims import claims_table, of_invoice
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.people.authorisation import Role
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.console.conftest import Browser, desk_for
from tests.unit.people.conftest import Tenants

NL_COLUMNS = ["Hoofdsom", "Incassokosten", "Btw op kosten", "Rente", "Betaald", "Gecrediteerd"]
EN_COLUMNS = ["Principal", "Collection costs", "VAT on costs", "Interest", "Paid", "Credited"]


def _cents(cell: str, lang: str) -> int:
    """A money cell's leading amount (a credited cell goes on with its credit notes)."""
    if lang == "nl":
        found = re.match(r"€ (-?[\d.]+,\d\d)", cell)
        assert found, cell
        number = found[1].replace(".", "").replace(",", ".")
    else:
        found = re.match(r"EUR (-?[\d,]+\.\d\d)", cell)
        assert found, cell
        number = found[1].replace(",", "")
    return int(Decimal(number) * 100)


def claims_on(page: str) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """The claims table of a dossier page: the column headers, each invoice's cells (by
    invoice number, the cells after the row's header) and the totals row's cells."""
    section = re.search(r'<section aria-labelledby="c-h">(.*?)</section>', page, flags=re.S)
    assert section, page
    table = section[1]
    head = re.search(r"<thead>(.*?)</thead>", table, flags=re.S)
    body = re.search(r"<tbody>(.*?)</tbody>", table, flags=re.S)
    foot = re.search(r"<tfoot>(.*?)</tfoot>", table, flags=re.S)
    assert head and body and foot, table
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', head[1])
    rows = {
        number: re.findall(r"<td[^>]*>(.*?)</td>", cells, flags=re.S)
        for number, cells in re.findall(
            r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', body[1], flags=re.S
        )
    }
    totals = re.findall(r'<td class="num">(.*?)</td>', foot[1], flags=re.S)
    return headers, rows, totals


def _figures(cells: list[str], lang: str) -> list[int]:
    return [_cents(c, lang) for c in cells[2:]]  # after the due date and the status


def _adds_up(figures: list[int]) -> bool:
    *charged_then_settled, open_ = figures
    charged, settled = charged_then_settled[:4], charged_then_settled[4:]
    return sum(charged) - sum(settled) == open_


@pytest.fixture
def dossier(world: World, tenants: Tenants) -> Browser:
    """D1 on 20 March 2025: F1 with its costs owed (a 14-day letter of 10 February) and part
    of them waived; F2 written off as uncollectable; F3 partly paid and partly credited.
    D2: an ordinary debtor with one open invoice."""
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/debtors",
                  {"items": [debtor_row("D1"), debtor_row("D2")]}).status == 200  # fmt: skip
    items = [
        invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="50.00", due_date="2025-02-15"),
        invoice_row("F3", "D1", amount="200.00", due_date="2025-02-28"),
        invoice_row("G1", "D2", amount="80.00"),
    ]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": items})
    assert reply.body["created"] == 4, reply.body
    waived = a.call("POST", "/v1/clients/C1/invoices/F1/waive",
                    {"component": "costs", "amount": "15.00", "reason": "settled for less"})  # fmt: skip
    assert waived.status == 200, waived.body
    off = a.call("POST", "/v1/clients/C1/invoices/F2/write-off", {"reason": "debtor emigrated"})
    assert off.status == 200, off.body
    credit = a.call("POST", "/v1/clients/C1/invoices/F3/credit",
                    {"amount": "30.00", "reference": "CN-9", "reason": "one item returned"})  # fmt: skip
    assert credit.status == 200, credit.body
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    world.services.payments.book(found[0], payment_id="p1", amount=2000, received_on=date(2025, 3, 19),
                                 source=PaymentSource.BANK, invoice_numbers=["F3"])  # fmt: skip
    return desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")


@pytest.mark.parametrize(
    ("lang", "columns", "waived", "written_off", "total"),
    [
        ("nl", NL_COLUMNS, "Kwijtgescholden", "Afgeboekt", "Totaal"),
        ("en", EN_COLUMNS, "Waived", "Written off", "Total"),
    ],
)
def test_each_row_and_the_totals_add_up_to_the_cent(
    world, dossier, lang, columns, waived, written_off, total
):  # type: ignore[no-untyped-def]
    page = dossier.get(f"/dossier/D1?lang={lang}").encoded().decode()
    headers, rows, totals = claims_on(page)
    assert headers[3:] == [*columns, waived, written_off, headers[-1]] and len(headers) == 12
    assert f'<th scope="row" colspan="3">{total}</th>' in page
    assert sorted(rows) == ["F1", "F2", "F3"]
    figures = {number: _figures(cells, lang) for number, cells in rows.items()}
    for number, row in figures.items():
        assert len(row) == 9 and _adds_up(row), (number, row)
    sums = [_cents(c, lang) for c in totals]
    assert sums == [sum(column) for column in zip(*figures.values(), strict=True)]
    assert _adds_up(sums)
    # the rows are the ledger's figures, as the API's claim states them
    for number, row in figures.items():
        claim = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}/claim").body

        def euros(text: str) -> int:
            return int(Decimal(text) * 100)

        expected = [
            *(euros(claim[c]) for c in ("principal", "costs", "costs_vat", "interest")),
            *(sum(euros(v) for v in claim[k].values())
              for k in ("paid", "credited", "waived", "written_off")),
            euros(claim["open"]["total"]),
        ]  # fmt: skip
        assert row == expected, (number, row, expected)
    f1, f2, f3 = figures["F1"], figures["F2"], figures["F3"]
    assert f1[6] == 1500 and f1[1] > 0  # 15.00 of the costs waived, costs charged
    assert f2[7] == f2[0] + f2[3] and f2[8] == 0  # all that was open on F2 written off
    # 20.00 paid; 30.00 of the principal credited (and the interest on it taken back, so
    # the credited column may be a little more); the rest open
    assert f3[4] == 2000 and 3000 <= f3[5] < 3100 and 0 < f3[8] < 20000 - 5000 + f3[3]
    # the credited cell still names the credit note
    assert "CN-9" in rows["F3"][7]
    # the summary above says the totals row's open and paid figures
    open_figure = re.search(r'<p class="figure">(.*?)</p>', page)
    assert open_figure and _cents(open_figure[1], lang) == sums[-1]


def test_an_ordinary_dossier_stays_narrow(dossier):  # type: ignore[no-untyped-def]
    page = dossier.get("/dossier/D2?lang=en").encoded().decode()
    headers, rows, totals = claims_on(page)
    assert headers[3:] == [*EN_COLUMNS, "Open"]
    assert "Waived" not in headers and "Written off" not in headers
    (cells,) = rows.values()
    assert _adds_up(_figures(cells, "en")) and len(totals) == 7
    assert [_cents(c, "en") for c in totals] == _figures(cells, "en")


def test_the_waiver_and_the_write_off_are_on_the_timeline_in_both_languages(dossier):  # type: ignore[no-untyped-def]
    nl = dossier.get("/dossier/D1?lang=nl").encoded().decode()  # no system toggle needed
    assert "€ 15,00 van de incassokosten op F1 kwijtgescholden: settled for less" in nl
    assert "Vordering F2 afgeboekt als oninbaar: debtor emigrated" in nl
    en = dossier.get("/dossier/D1?lang=en").encoded().decode()
    assert "Waived EUR 15.00 of the costs on F1: settled for less" in en
    assert "Claim F2 written off as uncollectable: debtor emigrated" in en


def test_an_invoice_without_claim_figures_adds_up_too():
    """The invoice alone (no claim figures): the credit notes and what a closed invoice left
    open count as credited, as the ledger counts them, so the row still adds up."""
    base = Invoice("c1", "F9", "D1", date(2025, 1, 1), date(2025, 1, 31), 12100, paid=2100,
                   status=InvoiceStatus.PARTIALLY_PAID, credit_notes=(("CN-1", 1000),))  # fmt: skip
    for inv in (base, replace(base, status=InvoiceStatus.WITHDRAWN)):
        row = of_invoice(inv)
        assert row.principal == 13100 and row.charged - row.settled == row.open == inv.open_amount
    table = claims_table([base], {})
    assert not table.rows[0].from_ledger and table.total == table.rows[0].figures
    assert (table.show_waived, table.show_written_off, table.columns) == (False, False, 10)
