"""newcomer15b #1 and #4: words that mean one thing across the console. The Invoices page's
open column is the principal only (F-0003: 163.00 where the dossier and the portal say 164.32
with interest): its header says so and the page carries the Today page's note. The payment
suggestion's match on a Dutch page is a Dutch word with a decimal comma, not "score 0.78"."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_page_actions import suggestion
from tests.unit.people.conftest import Tenants


def test_the_invoices_open_column_says_it_is_the_principal(world: World, tenants: Tenants) -> None:
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors",
                               {"items": [debtor_row("D1")]}).status == 200  # fmt: skip
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices",
                               {"items": [invoice_row("F1", "D1", amount="121.00")]}).status == 200  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    nl = staff.get("/invoices?lang=nl").encoded().decode()
    assert 'class="num">Open hoofdsom</th>' in nl and "zonder incassokosten en rente" in nl
    en = staff.get("/invoices?lang=en").encoded().decode()
    assert 'class="num">Open principal</th>' in en and "without collection costs and interest" in en


def test_the_suggestions_match_reads_dutch_on_the_dutch_page(
    world: World, tenants: Tenants
) -> None:
    world.services.repos.actions.add(suggestion(tenants.c1))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    nl = staff.get("/actions/a-sug?lang=nl").encoded().decode()
    assert "overeenkomst 0,70" in nl and "score 0.70" not in nl, nl[-3000:]
    en = staff.get("/actions/a-sug?lang=en").encoded().decode()
    assert "score 0.70" in en
