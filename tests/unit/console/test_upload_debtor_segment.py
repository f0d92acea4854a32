"""The workflows page's rules choose by "Debiteurgroep", but no console page put a debtor in
one (newcomer20 F2): the upload left a `Debiteurgroep` column out ("niet gelezen") and every
debtor a console-only client has stayed in the default group, so a rule on a group never
matched. A new debtor's row now gives its group, shown on the preview beside its name."""

from __future__ import annotations

from shared.domain.dunning.workflow import SegmentRule
from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import text
from tests.unit.console.test_upload_new_debtors import _preview, _token

EXPORT = (
    "Factuurnr.;Deb.nr.;Naam;Soort;Debiteurgroep;Factuurdatum;Vervalt;Factuur\n"
    "G-1;K-200;Kwekerij Vos B.V.;zakelijk;groot;01-11-2026;01-12-2026;€ 12.500,00\n"
    "G-2;K-201;Bloemist Lely;zakelijk;;01-11-2026;01-12-2026;€ 125,00\n"
)


def test_a_new_debtor_is_put_in_the_group_its_row_names(world, tenants):
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = _preview(admin, EXPORT.encode())
    shown = text(page)
    assert page.status == 200, shown[:600]
    assert "Kolommen die niet worden ingelezen" not in shown  # Debiteurgroep is read
    debtors = shown.split('id="pv-debtors"')[1].split("</table>")[0]
    assert "Debiteurgroep" in debtors
    assert "groot" in debtors.split("K-200")[1].split("K-201")[0]
    done = admin.post("/upload", {"csrf": csrf_of(page), "do": "confirm", "upload": _token(page)})
    assert done.status == 200 and "Nieuwe debiteuren aangemaakt: 2" in text(done)
    vos = world.services.repos.debtors.get(tenants.c1, "K-200")
    lely = world.services.repos.debtors.get(tenants.c1, "K-201")
    assert vos is not None and lely is not None
    assert (vos[0].segment, lely[0].segment) == ("groot", "default")
    rule = SegmentRule("grootzakelijk", segment="groot")
    assert rule.matches(vos[0], 1_250_000) and not rule.matches(lely[0], 12_500)
