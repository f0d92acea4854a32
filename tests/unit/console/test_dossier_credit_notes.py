"""A partial credit note on the debtor's dossier (newcomer5 finding 7): the claims table has a
credited column, with the note's number, so principal + costs + interest - paid - credited is
the open figure; the timeline's entry of the note reads Dutch on the Dutch page."""

from __future__ import annotations

import re

from shared.domain.people.authorisation import Role
from shared.services.invoice_status import CreditNote
from tests.unit.console.conftest import desk_for
from tests.unit.figures.test_console_figures import seed


def _row(page: str, number: str) -> list[str]:
    row = re.search(rf'<tr><th scope="row">{number}</th>(.*?)</tr>', page, flags=re.S)
    assert row, page
    return re.findall(r'<td class="num">(.*?)</td>', row[1], flags=re.S)


def test_the_dossier_shows_the_credited_part_of_a_claim_in_both_languages(world, tenants):
    seed(world)  # F1: EUR 121.00, due 10 March; today 3 March
    client = world.services.repos.clients.get(tenants.c1)[0]
    note = CreditNote(2100, "CN-7", "one item returned")
    world.services.invoice_status.credit_part(client, "F1", note, "s@c1.example")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    nl = staff.get("/dossier/D1?lang=nl").encoded().decode()  # no system toggle needed
    assert '<th scope="col" class="num">Gecrediteerd</th>' in nl
    principal, _, _, _, paid, credited, open_ = _row(nl, "F1")
    assert (principal, paid, open_) == ("€ 121,00", "€ 0,00", "€ 100,00")
    assert credited.startswith("€ 21,00") and "creditnota CN-7: € 21,00" in credited
    assert "Creditnota CN-7: € 21,00 van factuur F1 gecrediteerd op 2025-03-03: " in nl
    en = staff.get("/dossier/D1?lang=en").encoded().decode()
    assert '<th scope="col" class="num">Credited</th>' in en
    assert (
        _row(en, "F1")[5] == 'EUR 21.00<br><span class="muted">credit note CN-7: EUR 21.00</span>'
    )
    # the API's claim says the same: charged less credited is what is open
    claim = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim").body
    assert (claim["principal"], claim["credited"]["principal"]) == ("121.00", "21.00")
    assert claim["open"]["principal"] == "100.00"
