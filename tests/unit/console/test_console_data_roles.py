"""Every data page, tried by every role: each may read (GET), only a role with WRITE may change
(a POST refused with 403 otherwise, before the page acts). The shell's own tests hold that a
person never reaches another tenant's client."""

from __future__ import annotations

import pytest

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Tenants

PAGES = ["/invoices", "/debtors", "/workflows", "/templates", "/templates/edit", "/settings"]
WRITES = [
    ("/workflows", {"do": "copy", "workflow": "none", "new_id": "x"}),
    ("/templates", {"do": "copy", "template": "none", "new_id": "x"}),
    ("/templates/edit", {"do": "save", "template_id": "t", "language": "nl", "text": "x"}),
    ("/settings", {"do": "house", "primary_color": "#000000", "accent_color": "#ffffff"}),
]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_and_only_writers_write(
    world: World, tenants: Tenants, role: Role
) -> None:
    agency = role.agency_level
    browser = desk_for(world, role, None if agency else tenants.c1, f"{role.value}@r.example")
    query = f"?client={tenants.c1}" if agency else ""
    for path in PAGES:
        assert browser.get(path + query).status == 200, (role, path)
    csrf = csrf_of(browser.get("/debtors" + query))
    writer = role is not Role.READ_ONLY
    for path, form in WRITES:
        answer = browser.post(path + query, {"csrf": csrf, "client": tenants.c1, **form})
        # a writer gets the page's own answer (a 404 for what does not exist, a redirect, a
        # 422 for a bad template); a reader is refused before the page acts
        assert (answer.status != 403) == writer, (role, path, answer.status)
