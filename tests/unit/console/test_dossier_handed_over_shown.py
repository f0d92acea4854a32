"""cm18 F2: after the workflow's hand-over (D-2's F-1003 to the agency, its case open) the
console showed the invoice as any open one: the dossier's "Incasso: loopt", the claims row
"deels betaald", the invoices list "Deels betaald", and the dossier offered "Betalingsregeling
maken" with F-1003 ticked, which the plan service refuses (422 ``invoice_handed_over``). Now
the dossier and the list say the agency has it and the plan form offers only what the client
still collects itself."""

from __future__ import annotations

import re
from dataclasses import replace

from shared.adapters.tables.cases_repo import Case
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_claim_work import TUESDAY_10, seed
from tests.unit.people.conftest import Tenants


def _hand_over_f1(world: World, tenants: Tenants) -> None:
    """What the hand-over step leaves: F1 marked as the agency's, its case open."""
    repos = world.services.repos
    stored = repos.invoices.get(tenants.c1, "F1")
    assert stored is not None
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    case = Case("agency-a", f"{tenants.c1}-D1-abc", tenants.c1, "D1", ("F1",), TUESDAY_10,
                {"debtor": {"number": "D1", "name": "Debtor D1"},
                 "invoices": [{"number": "F1", "due_date": "2025-01-31", "open": "121.00"}],
                 "amounts": {"principal": "121.00", "costs": "0.00", "interest": "0.00"}})  # fmt: skip
    assert repos.cases.add(case)


def _row(page: str, number: str) -> str:
    (row,) = re.findall(rf"<tr><(?:th scope=\"row\"|td)>{number}</(?:th|td)>.*?</tr>", page, re.S)
    return str(row)


def _plan_form(page: str) -> str:
    (form,) = re.findall(r'<section aria-labelledby="np-h">.*?</section>', page, re.S)
    return str(form)


def test_the_dossier_and_the_list_say_the_agency_has_it_and_no_plan_is_offered_over_it(
    world: World, tenants: Tenants
) -> None:
    seed(world)
    _hand_over_f1(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    page = dossier.encoded().decode()
    assert "F1 overgedragen aan het incassobureau: betaling, uitstel en een regeling" in page
    assert "overgedragen aan het incassobureau" in _row(page, "F1")
    assert "overgedragen" not in _row(page, "F2")
    # the plan form: F2 only (F1 would be refused by the service)
    plan_form = _plan_form(page)
    assert 'name="invoices" value="F2"' in plan_form
    assert 'name="invoices" value="F1"' not in plan_form
    refused = staff.post("/plans", {"csrf": csrf_of(dossier), "do": "create", "debtor": "D1",
                                    "invoices": "F1", "start": "2025-03-10",
                                    "installments": "3", "period": "month"})  # fmt: skip
    assert refused.status == 422  # the service's rule stands, the form just no longer leads there

    listed = staff.get("/invoices").encoded().decode()
    assert "overgedragen aan het incassobureau" in _row(listed, "F1")
    assert "overgedragen" not in _row(listed, "F2")
    english = staff.get("/dossier/D1?lang=en").encoded().decode()
    assert "F1 handed over to the collection agency" in english


def test_nothing_handed_over_nothing_said(world: World, tenants: Tenants) -> None:
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1").encoded().decode()
    assert "overgedragen" not in page  # nothing handed over: nothing said
    plan_form = _plan_form(page)
    assert 'name="invoices" value="F1"' in plan_form and 'name="invoices" value="F2"' in plan_form
