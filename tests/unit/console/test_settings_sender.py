"""sender33: Settings shows whether the contact e-mail is the From of the client's mail; the
client's admin enters the code mailed to a changed address there; agency people may mark it
verified (audited); a client's admin may not."""

from __future__ import annotations

from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_client_own_contact import FORM
from tests.unit.people.conftest import Tenants
from tests.unit.sending.test_sender_through_api import AGENCY_BOX, codes_mailed


def test_the_admin_enters_the_code_in_settings(world: World, tenants: Tenants) -> None:
    world.services.repos.agencies.save(Agency("agency-a", "AGENCY-A", contact_email=AGENCY_BOX))
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "baas@c1.example")
    page = admin.get("/settings")
    assert admin.post("/settings", {"csrf": csrf_of(page), **FORM}).status == 303
    page = admin.get(f"/settings?client={tenants.c1}&lang=nl")
    body = page.encoded().decode()
    assert 'data-verified="no"' in body
    assert f"tot dan gaat de e-mail uit van {AGENCY_BOX}" in body
    assert 'name="do" value="sender_agency"' not in body  # the agency's door only
    refused = admin.post(
        "/settings", {"csrf": csrf_of(page), "do": "sender_code", "code": "000000"}
    )
    assert refused.status == 422 and "De code klopt niet" in refused.encoded().decode()
    [(_, code)] = codes_mailed(world, FORM["contact_email"])
    sent = admin.post("/settings", {"csrf": csrf_of(page), "do": "sender_code", "code": code})
    assert sent.status == 303
    english = admin.get(f"/settings?client={tenants.c1}&lang=en").encoded().decode()
    assert 'data-verified="yes"' in english
    assert f"Verified: e-mail to debtors goes from {FORM['contact_email']}" in english
    forged = admin.post("/settings", {"csrf": csrf_of(page), "do": "sender_agency"})
    assert forged.status in (403, 404)


def test_agency_people_mark_it_verified(world: World, tenants: Tenants) -> None:
    world.services.repos.agencies.save(Agency("agency-a", "AGENCY-A", contact_email=AGENCY_BOX))
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "baas@c1.example")
    admin.post("/settings", {"csrf": csrf_of(admin.get("/settings")), **FORM})
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@agency-a.example")
    page = agency.get(f"/settings?client={tenants.c1}&lang=nl")
    assert 'name="do" value="sender_agency"' in page.encoded().decode()
    done = agency.post(f"/settings?client={tenants.c1}",
                       {"csrf": csrf_of(page), "client": tenants.c1, "do": "sender_agency"})  # fmt: skip
    assert done.status == 303
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None and found[0].sender_check is None
