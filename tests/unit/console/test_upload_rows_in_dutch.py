"""words10: every reason a row of the client's invoice upload is refused for reads Dutch on
the Dutch page, with the CSV's Dutch column name as its field (the preview and the job's
page alike); an upload over the size limit is refused in Dutch too. The English page keeps
the API's words."""

from __future__ import annotations

import html
import re

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors

HEADER = "factuurnummer;debiteur;factuurdatum;vervaldatum;bedrag;betalingskenmerk;valuta\n"
ROWS = (
    "F1;D2;01-01-2025;31-01-2025;121,00;;\n"  # F1 is D1's: an invoice does not move
    "F2;D1;01-01-2025;31-01-2025;10,00;12345;\n"  # no valid payment reference
    "F3;D1;01-01-2025;31-01-2025;10,00;;USD\n"  # another currency
)


def _rejected(page) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    body = text(page)
    assert page.status == 200, body[:400]
    section = body.split('id="rj-h"', 1)[1]
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>', section)
    return [(line, field, html.unescape(said)) for line, field, said in rows]


def _preview(world, tenants, lang: str):  # type: ignore[no-untyped-def]
    with_debtors(world, "C1", "D1", "D2")
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]}).status == 200  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    path = f"/upload?lang={lang}"
    token = csrf_of(staff.get(path))
    data = (HEADER + ROWS).encode()
    return post_files(staff, path, {"csrf": token, "do": "preview"}, {"file": ("f.csv", data)})


def test_the_import_services_refusals_read_dutch_on_the_dutch_page(world, tenants):
    assert _rejected(_preview(world, tenants, "nl")) == [
        ("2", "factuurnummer", "factuur F1 hoort bij debiteur D1: een factuur verhuist niet; "
                               "crediteer haar en stuur een nieuwe factuur"),
        ("3", "betalingskenmerk", "geen geldig betalingskenmerk, RF-referentie of Belgische "
                                  "gestructureerde mededeling"),
        ("4", "valuta", "alleen bedragen in euro (EUR)"),
    ]  # fmt: skip


def test_the_english_page_keeps_the_apis_words(world, tenants):
    assert _rejected(_preview(world, tenants, "en")) == [
        ("2", "number", "invoice F1 belongs to debtor D1; credit it and send a new invoice "
                        "instead of moving it"),
        ("3", "payment_reference", "not a valid betalingskenmerk, RF creditor reference or "
                                   "Belgian structured reference"),
        ("4", "currency", "Input should be 'EUR'"),
    ]  # fmt: skip


def test_an_upload_over_the_limit_is_refused_in_dutch(world, tenants):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/upload"))
    big = HEADER.encode() + b"x" * (4 * 1024 * 1024 + 1)
    page = post_files(staff, "/upload", {"csrf": token, "do": "preview"}, {"file": ("f.csv", big)})
    assert page.status == 413
    assert "Het bestand is niet te lezen: Het bestand is groter dan 4 MB." in text(page)
    assert "larger than" not in text(page)
