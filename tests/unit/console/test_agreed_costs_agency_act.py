"""attack6 finding 1: a client's admin set the agreed B2B collection costs on the console to
anything (EUR 999,999,999.99 or 100 %), re-pricing every open business claim, also those whose
sommatie announced the staffel's costs, with no audit entry. Now: the agency's act only (as
``POST /v1/clients``), at most 15 % or EUR 6,775.00, audited, and refused while an open
business claim's costs were announced on the current terms."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.console.conftest import Browser, csrf_of
from tests.unit.console.test_console_data_settings import _browser
from tests.unit.people.conftest import Tenants


def _stored(world: World, tenants: Tenants) -> tuple[str | None, int]:
    found = world.services.repos.clients.get(tenants.c1)
    assert found
    return found[0].b2b_costs_percent, found[0].b2b_costs_fixed


def _post(desk: tuple[Browser, str], tenants: Tenants, basis: str, value: str) -> int:
    browser, path = desk
    page = browser.get(path)
    form = {"csrf": csrf_of(page), "client": tenants.c1, "do": "b2b_costs", "basis": basis,
            "value": value}  # fmt: skip
    return browser.post(path, form).status


def test_the_clients_own_admin_cannot_set_the_agreed_costs(world: World, tenants: Tenants) -> None:
    desk = _browser(world, tenants, Role.CLIENT_ADMIN)
    assert 'name="do" value="b2b_costs"' not in desk[0].get(desk[1]).encoded().decode()
    assert _post(desk, tenants, "fixed", "999999999,99") == 403
    assert _post(desk, tenants, "percentage", "100") == 403
    assert _stored(world, tenants) == (None, 0)


def test_the_agency_sets_it_within_bounds_and_the_change_is_audited(
    world: World, tenants: Tenants
) -> None:
    agency = _browser(world, tenants, Role.AGENCY_ADMIN)
    for basis, value in (("fixed", "999999999,99"), ("fixed", "6775,01"),
                         ("percentage", "100"), ("percentage", "15,01")):  # fmt: skip
        assert _post(agency, tenants, basis, value) == 422, (basis, value)
    assert _stored(world, tenants) == (None, 0)
    assert _post(agency, tenants, "percentage", "15") == 303
    assert _post(agency, tenants, "fixed", "6775,00") == 303
    assert _stored(world, tenants) == (None, 677_500)
    events = [e for e in world.services.people.kit.people.audit.between(
        f"client:{tenants.c1}", "0", "z") if e.event is Event.AGREED_COSTS_CHANGED]  # fmt: skip
    assert [(e.detail["before"], e.detail["after"]) for e in events] == [
        ("staffel", "15.00 %"),
        ("15.00 %", "6775.00 fixed"),
    ]
    assert all(e.actor and e.subject == tenants.c1 for e in events)
    # and the API keeps the same bounds
    reply = world.agency_a.call("POST", "/v1/clients", {"items": [
        {"number": "C1", "name": "Client C1", "b2b_collection_costs_rate": "100"}]})  # fmt: skip
    assert reply.status == 422 or reply.body.get("errors"), reply.body


def test_claims_whose_costs_were_announced_are_not_re_priced(
    world: World, tenants: Tenants
) -> None:
    world.clock.at = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("B1", name="Bouw BV", kind="b2b")]}
    )
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("B-1", "B1", amount="1000.00", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip

    def costs() -> str:
        claim = a.call("GET", "/v1/clients/C1/invoices/B-1/claim", on="2025-03-10")
        return str(claim.body["open"]["costs"])

    assert costs() == "150.00"  # the staffel the sommatie announced
    agency = _browser(world, tenants, Role.AGENCY_ADMIN)
    assert _post(agency, tenants, "fixed", "500,00") == 422
    assert costs() == "150.00"
    assert _stored(world, tenants) == (None, 0)


def test_the_api_keeps_the_same_rule_and_audits(world: World, tenants: Tenants) -> None:
    world.clock.at = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    row = {"number": "C1", "name": "Client C1"}
    assert a.call("POST", "/v1/clients", {"items": [
        {**row, "b2b_collection_costs_rate": "10"}]}).body["updated"] == 1  # fmt: skip
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("B1", kind="b2b")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("B-1", "B1", amount="1000.00", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    reply = a.call("POST", "/v1/clients", {"items": [{**row, "b2b_collection_costs_rate": "15"}]})
    assert reply.body["updated"] == 0 and "B-1" in reply.body["errors"][0]["message"]
    assert _stored(world, tenants) == ("10.00", 0)
    events = [e for e in world.services.people.kit.people.audit.between(
        f"client:{tenants.c1}", "0", "z") if e.event is Event.AGREED_COSTS_CHANGED]  # fmt: skip
    assert [(e.detail["before"], e.detail["after"]) for e in events] == [("staffel", "10.00 %")]
