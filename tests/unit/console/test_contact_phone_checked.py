"""attack23: a client's contact_phone took any 30 printable characters ("bel ons!!", a number
in words), which the portal printed to its debtors as "Bel …" and as a tel: link. Now it is a
phone number, stored in E.164 (a Dutch national number read as Dutch): refused otherwise
(422 phone_invalid, in Dutch on the console), in PUT …/contact, the settings page and a
POST /v1/clients row; a number stored before and sent back unchanged stays, so the other
details can still be changed and a nightly push of the same rows is not refused."""

from __future__ import annotations

from dataclasses import replace

from shared.api.console.refusal_text import refusal
from shared.domain.people.authorisation import Role
from shared.services.errors import Invalid
from tests.unit.api.conftest import World, client_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants

CONTACT = "/v1/clients/C1/contact"


def _stored(world: World, tenants: Tenants) -> str | None:
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    return found[0].contact_phone


def test_the_api_stores_a_phone_number_in_e164_and_refuses_words(
    world: World, tenants: Tenants
) -> None:
    a = world.agency_a
    for given, stored in (("030 123 45 67", "+31301234567"), ("+32 470 12 34 56", "+32470123456"),
                          ("0031 6 12345678", "+31612345678"), ("0800 0123", "+318000123")):  # fmt: skip
        reply = a.call("PUT", CONTACT, {"contact_phone": given})
        assert reply.status == 200, reply.body
        assert _stored(world, tenants) == stored
    for words in ("bel ons!!", "12345", "+31 30 123 45 67 (ma-vr)"):
        reply = a.call("PUT", CONTACT, {"contact_phone": words})
        assert reply.status == 422, reply.body
        (detail,) = reply.body["error"]["details"]
        assert (detail["field"], detail["code"]) == ("contact_phone", "phone_invalid")
    assert _stored(world, tenants) == "+318000123"
    words = refusal(Invalid("x", "contact_phone", code="phone_invalid"), "nl")
    assert words.startswith("Dat is geen telefoonnummer.")


def test_a_client_row_with_words_for_a_phone_is_refused(world: World, tenants: Tenants) -> None:
    a = world.agency_a
    reply = a.call("POST", "/v1/clients", {"items": [
        client_row("C1", contact_phone="bel ons!!"), client_row("C2", contact_phone="030 1234567"),
    ]})  # fmt: skip
    assert reply.status == 200, reply.body
    (error,) = reply.body["errors"]
    assert (error["index"], error["field"]) == (0, "contact_phone")
    c2 = world.services.repos.clients.get(tenants.c2)
    assert c2 is not None and c2[0].contact_phone == "+31301234567"


def test_a_number_stored_before_still_reads_and_may_be_sent_back(
    world: World, tenants: Tenants
) -> None:
    repos = world.services.repos
    found = repos.clients.get(tenants.c1)
    assert found is not None
    repos.clients.save(replace(found[0], contact_phone="030-1234567 (ma-vr)"), found[1])
    a = world.agency_a
    # the settings form sends it back as shown: the e-mail changes, the phone stays
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "baas@c1.example")
    page = admin.get("/settings")
    assert 'value="030-1234567 (ma-vr)"' in page.encoded().decode()
    form = {"csrf": csrf_of(page), "do": "contact", "contact_email": "nieuw@c1.example",
            "contact_phone": "030-1234567 (ma-vr)"}  # fmt: skip
    assert admin.post("/settings", form).status == 303
    assert _stored(world, tenants) == "030-1234567 (ma-vr)"
    # the agency's push of the same row keeps it too
    reply = a.call("POST", "/v1/clients", {"items": [
        client_row("C1", contact_phone="030-1234567 (ma-vr)")]})  # fmt: skip
    assert reply.status == 200 and reply.body["errors"] == [], reply.body
    assert _stored(world, tenants) == "030-1234567 (ma-vr)"
    # another text is checked, and refused in Dutch on the settings page
    page = admin.get("/settings")
    refused = admin.post("/settings", {**form, "csrf": csrf_of(page), "contact_phone": "bel ons"})
    assert refused.status == 422
    assert "Dat is geen telefoonnummer." in refused.encoded().decode()
    assert _stored(world, tenants) == "030-1234567 (ma-vr)"
