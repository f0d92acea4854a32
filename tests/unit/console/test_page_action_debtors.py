"""The suggestion form names each candidate invoice's debtor (review newcomer4, finding 2):
two invoices one character apart and of the same amount are told apart by whose they are."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_page_actions import suggestion
from tests.unit.figures.test_console_figures import seed


def test_each_suggested_invoice_shows_its_debtor(world, tenants):
    seed(world)
    item = suggestion(tenants.c1)
    offered = [
        {"invoice": "F2", "client_id": None, "amount": 12100, "score": 0.6},
        {"invoice": "F3", "client_id": None, "amount": 12100, "score": 0.35},
        {"invoice": "GONE", "client_id": None, "amount": 12100, "score": 0.3},
    ]
    world.services.repos.actions.add(replace(item, detail={**item.detail, "suggestions": offered}))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/actions/a-sug?lang=en")
    body = page.encoded().decode()
    assert page.status == 200
    stored = world.services.repos.invoices.get_many(tenants.c1, ["F2", "F3"])
    for number in ("F2", "F3"):
        debtor = stored[number].invoice.debtor_number
        name = world.services.repos.debtors.get(tenants.c1, debtor)[0].name
        label = next(
            x for x in body.split("<label") if f'for="inv-s-{1 if number == "F2" else 2}"' in x
        )
        assert f"{name} ({debtor})" in label.replace("&amp;", "&")
    assert 'value="GONE"' in body  # an invoice no longer stored is still offered, without debtor
