"""cm18 F4: the item of a plan the debtor proposed in the portal read "Betaalwijze transfer" on
the Dutch page (the stored code); now the method is a word in the page's language."""

from __future__ import annotations

import re

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_plan_proposal_decisions import propose
from tests.unit.people.conftest import Tenants


def _method(page: str) -> str:
    found = re.search(r"<dt>(?:Betaalwijze|Method)</dt><dd>([^<]*)</dd>", page)
    assert found, page[:500]
    return found.group(1)


def test_the_proposals_method_is_a_word_in_the_pages_language(
    world: World, tenants: Tenants
) -> None:
    _, _, item = propose(world, tenants)
    assert item.detail["method"] == "transfer"  # stored (and in the API) as the code
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert _method(staff.get(f"/actions/{item.action_id}").encoded().decode()) == "overboeking"
    english = staff.get(f"/actions/{item.action_id}?lang=en").encoded().decode()
    assert _method(english) == "bank transfer"
