"""The console upload's preview reads the stored debtors its rows name once, for both the
debtors it will create and the rows naming a stored debtor otherwise (misc17b: it read the
same debtors twice, once in ``new_debtors`` and once in ``stored_differences``), and says
both as before."""

from __future__ import annotations

from typing import Any

from shared.adapters.tables import schema
from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import text, with_debtors
from tests.unit.console.test_upload_new_debtors import _preview

EXPORT = (
    "Factuurnr.;Deb.nr.;Naam;Soort;E-mail;Adres;Postcode;Plaats;Factuurdatum;Vervalt;Factuur\n"
    "NEW-1;K-100;Fietsenhandel Jansen;zakelijk;info@jansen.example;Dorpsstraat 1;1234ab;"
    "Utrecht;01-11-2026;01-12-2026;€ 250,00\n"
    "NEW-3;D1;debtor  D1;consument;;;;;01-11-2026;01-12-2026;€ 10,00\n"  # stored, same name
    "NEW-4;D2;J. de Vries;consument;;;;;01-11-2026;01-12-2026;€ 20,00\n"  # stored as 'debtor D2'
)


def test_the_preview_reads_the_stored_debtors_once(world, tenants, monkeypatch) -> None:
    with_debtors(world, "C1", "D1", "D2")
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    store = world.services.repos.debtors.store
    real = store.get_many
    asked: list[list[str]] = []

    def get_many(table: str, pk: str, rks: Any) -> Any:
        if table == schema.DEBTORS:
            asked.append(sorted(rks))
        return real(table, pk, rks)

    monkeypatch.setattr(store, "get_many", get_many)
    page = _preview(admin, EXPORT.encode())
    shown = text(page)
    assert page.status == 200, shown[:600]
    assert "Nieuwe debiteuren (worden aangemaakt): 1" in shown  # K-100
    assert "J. de Vries" in shown and "Geweigerd: 1" in shown  # D2 named otherwise: refused
    # the rows' debtors, read once (was twice: the new ones, then the names to compare);
    # then the import service's own screen of the rows kept (D2's refused), as the API's
    assert asked == [["D1", "D2", "K-100"], ["D1", "K-100"]], asked
