"""review33b: the agency's "verify for the agency" click vouches for the address its page
showed. A client's admin who changed the contact e-mail (to the director's mailbox) between
that page and the click got the new address verified by staff who checked the old one."""

from __future__ import annotations

from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_client_own_contact import FORM
from tests.unit.people.conftest import Tenants
from tests.unit.sending.test_sender_through_api import AGENCY_BOX


def test_the_agency_click_vouches_only_for_the_address_it_saw(
    world: World, tenants: Tenants
) -> None:
    world.services.repos.agencies.save(Agency("agency-a", "AGENCY-A", contact_email=AGENCY_BOX))
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "baas@c1.example")
    admin.post("/settings", {"csrf": csrf_of(admin.get("/settings")), **FORM})
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@agency-a.example")
    page = agency.get(f"/settings?client={tenants.c1}&lang=nl")
    assert f'name="address" value="{FORM["contact_email"]}"' in page.encoded().decode()
    # meanwhile the client's admin points the address at the director's mailbox
    changed = {**FORM, "contact_email": "directeur@agency-a.example"}
    assert (
        admin.post("/settings", {"csrf": csrf_of(admin.get("/settings")), **changed}).status == 303
    )
    form = {"csrf": csrf_of(page), "client": tenants.c1, "do": "sender_agency",
            "address": FORM["contact_email"]}  # fmt: skip
    refused = agency.post(f"/settings?client={tenants.c1}", form)
    assert refused.status == 422
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None and found[0].contact_email == "directeur@agency-a.example"
    assert found[0].sender_check is not None
