"""An Exact Online open-items export names the debtor by `Relatiecode`, right-aligned with
spaces as Exact writes codes; the upload refused the whole file ("De kolom debiteur (debtor)
ontbreekt; niet gelezen: Relatiecode", newcomer20 F4). It is read as the debtor number now."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import text
from tests.unit.console.test_upload_new_debtors import _preview

EXPORT = (
    '\ufeff"Relatiecode";"Relatienaam";"Factuurnummer";"Omschrijving";"Factuurdatum";'
    '"Vervaldatum";"Valuta";"Bedrag";"Openstaand";"Soort"\r\n'
    '"            1001";"Hoveniersbedrijf Groen B.V.";"26100045";"Levering beplanting";'
    '"01-10-2026";"31-10-2026";"EUR";"4.235,00";"4.235,00";"zakelijk"\r\n'
)


def test_exacts_relation_code_is_the_debtor_number(world, tenants):
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = _preview(admin, EXPORT.encode("utf-8"))
    shown = text(page)
    assert page.status == 200, shown[:600]
    assert "Worden ingelezen: 1" in shown and "Geweigerd: 0" in shown, shown[:800]
    debtors = shown.split('id="pv-debtors"')[1].split("</table>")[0]
    assert "1001" in debtors and "Hoveniersbedrijf Groen B.V." in debtors
