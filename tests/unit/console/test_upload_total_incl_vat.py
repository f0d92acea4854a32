"""An invoice list exported from Moneybird (and the like) has `Totaal excl. btw` and `Totaal
incl. btw` and no `Bedrag`: the upload refused the file and offered both as the column to call
"bedrag" (newcomer20 F10), so a credit manager could claim 1,000.00 of an invoice of 1,210.00.
The total with VAT, what the debtor owes, is the amount now; the one without is left out."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import text
from tests.unit.console.test_upload_new_debtors import _preview, _token

EXPORT = (
    "Factuurnummer,Klantnummer,Naam,Factuurdatum,Vervaldatum,Totaal excl. btw,"
    "Totaal incl. btw,Openstaand,Status\n"
    '2026-0101,K12,Tuinarchitect Mol,2026-10-20,2026-11-03,"1000,00","1210,00","1210,00",Te laat\n'
)


def test_the_total_with_vat_is_the_amount(world, tenants):
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = _preview(admin, EXPORT.encode(), new_kind="b2b")
    shown = text(page)
    assert page.status == 200, shown[:800]
    assert "Totaal excl. btw" in shown.split("niet worden ingelezen")[1][:300]
    done = admin.post("/upload", {"csrf": csrf_of(page), "do": "confirm", "upload": _token(page)})
    assert done.status == 200 and "Nieuw: 1" in text(done)
    stored = world.services.repos.invoices.get(tenants.c1, "2026-0101")
    assert stored is not None and stored.invoice.amount == 121_000
