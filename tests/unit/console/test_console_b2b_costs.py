"""The console's settings page: a business client's agreed collection costs (law4 finding 10),
changed by the agency's admins only (MANAGE_CLIENTS, as POST /v1/clients: attack6 finding 1),
validated (at most 15 % or EUR 6,775.00), shown with the reasonableness note when above the
staffel."""

from __future__ import annotations

import pytest

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of
from tests.unit.console.test_console_data_settings import _browser
from tests.unit.people.conftest import Tenants

MAY = {Role.AGENCY_ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_the_costs_form_is_for_the_terms_of_collecting(
    world: World, tenants: Tenants, role: Role
) -> None:
    browser, path = _browser(world, tenants, role)
    page = browser.get(path)
    body = page.encoded().decode()
    assert ('name="do" value="b2b_costs"' in body) == (role in MAY)
    answer = browser.post(path, {"csrf": csrf_of(page), "client": tenants.c1, "do": "b2b_costs",
                                 "basis": "percentage", "value": "12,5"})  # fmt: skip
    assert answer.status == (303 if role in MAY else 403), (role, answer.status)
    found = world.services.repos.clients.get(tenants.c1)
    assert found
    assert (found[0].b2b_costs_percent == "12.50") == (role in MAY)


def test_values_are_checked_and_one_basis_replaces_the_other(
    world: World, tenants: Tenants
) -> None:
    admin, path = _browser(world, tenants, Role.AGENCY_ADMIN)
    csrf = csrf_of(admin.get(path))
    for basis, value in (("percentage", "0"), ("percentage", "15.01"), ("percentage", "12.345"),
                         ("percentage", "vijftien"), ("fixed", "0"), ("fixed", "12.345"),
                         ("fixed", "-5"), ("other", "1")):  # fmt: skip
        answer = admin.post(path, {"csrf": csrf, "client": tenants.c1, "do": "b2b_costs",
                                   "basis": basis, "value": value})  # fmt: skip
        assert answer.status == 422, (basis, value, answer.status)
        assert 'class="notice error"' in answer.encoded().decode()

    def stored():
        found = world.services.repos.clients.get(tenants.c1)
        assert found
        return found[0].b2b_costs_percent, found[0].b2b_costs_fixed

    assert stored() == (None, 0)
    post = {"csrf": csrf, "client": tenants.c1, "do": "b2b_costs"}
    assert admin.post(path, {**post, "basis": "percentage", "value": "15 %"}).status == 303
    assert stored() == ("15.00", 0)
    assert admin.post(path, {**post, "basis": "fixed", "value": "€ 250,00"}).status == 303
    assert stored() == (None, 25_000)
    assert admin.post(path, {**post, "basis": "staffel", "value": ""}).status == 303
    assert stored() == (None, 0)
