"""cm18 F1: with a workflow active and no segment rule, the Workflows page said "Geen regels:
elke debiteur volgt de standaardworkflow" and the rules editor "Een debiteur zonder passende
regel volgt de standaardworkflow". There is no default workflow: the run gives such a debtor
nothing and files a ``no_workflow`` item. Sanne trusted the page; her three debtors (2.463,50
overdue) got no reminder on the first day. The pages now say what the run does."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row
from tests.unit.console.conftest import desk_for
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, WORKFLOW, day


def _active_workflow_no_rules(world: World) -> None:
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 20, 8, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]}).status == 200
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    row = invoice_row("F1", "D1", due_date="2025-03-10")
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200


def test_the_pages_say_a_debtor_no_rule_fits_gets_nothing_as_the_run_does(world: World) -> None:
    _active_workflow_no_rules(world)
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id
    client = world.services.repos.clients.get(client_id)
    assert client is not None
    sent = day(world, client[0])
    assert sent == []  # the run: no rule, no workflow, nothing sent
    items, _ = world.services.repos.actions.list(client_id)
    assert [i.kind for i in items] == ["no_workflow"]

    admin = desk_for(world, Role.CLIENT_ADMIN, client_id, "sanne@c1.example")
    page = admin.get("/workflows").encoded().decode()
    assert "standaardworkflow" not in page
    assert "Geen regels: geen debiteur krijgt een workflow, dus er gaat niets uit" in page
    rules = admin.get("/workflows/rules").encoded().decode()
    assert "standaardworkflow" not in rules
    assert "krijgt geen workflow: er gaat niets naar hem uit" in rules
    english = admin.get("/workflows?lang=en").encoded().decode()
    assert "default workflow" not in english
    assert "No rules: no debtor gets a workflow, so nothing is sent" in english


def test_the_workflows_page_shows_each_workflows_bundling(world: World) -> None:
    """cm18 F3: the bundling days (the editor's "Bundelen (dagen)") were shown only in the
    editor; the list of workflows now says them too."""
    _active_workflow_no_rules(world)
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id
    admin = desk_for(world, Role.CLIENT_ADMIN, client_id, "sanne@c1.example")
    assert "Bundelen: uit" in admin.get("/workflows").encoded().decode()
    bundled = {**WORKFLOW, "bundle_days": 7}
    assert world.agency_a.call("PUT", "/v1/clients/C1/workflows/particulier", bundled).status == 200
    page = admin.get("/workflows").encoded().decode()
    assert "Bundelen: 7 dagen (de facturen van een debiteur" in page
    assert "Bundling: 7 days" in admin.get("/workflows?lang=en").encoded().decode()
