"""words9a: the refusals a credit manager meets most on the settings, workflow, template,
account and invitation pages read Dutch on a Dutch page (they read English before: "use at
least 8 characters", "a colour is written #rrggbb"); the API keeps its English message and
names the refusal's code beside it."""

from __future__ import annotations

import re

from shared.api.console.refusal_text import refusal
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import Role, Target
from shared.services.errors import Invalid
from tests.unit.api.conftest import World
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.console.test_workflow_editor import _form as editor_form
from tests.unit.people.conftest import PASSWORD, Tenants, link_token
from tests.unit.people.test_console_pages import Browser as Anonymous

TEXT = "Beste {{ debtor.name }},\n\nU hebt {{ principal|money }} open.\nGroet, {{ client.name }}"


def _notice(page: ApiResponse) -> str:
    html = page.encoded().decode()
    found = re.search(r'<p class="notice error"[^>]*>(.*?)</p>', html, flags=re.S)
    assert found is not None, html[:400]
    return found.group(1).replace("&#39;", "'")


def _admin(world: World, tenants: Tenants) -> Browser:
    return desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")  # Dutch person


def test_a_password_rule_reads_dutch_on_the_account_page(world: World, tenants: Tenants) -> None:
    admin = _admin(world, tenants)
    page = admin.get("/account")
    fields = {"csrf": csrf_of(page), "do": "password", "current": PASSWORD}
    short = admin.post("/account", {**fields, "password": "kort"})
    assert short.status == 400
    assert _notice(short) == "Dat lukte niet: Kies een wachtwoord van minstens 8 tekens."
    common = admin.post("/account", {**fields, "password": "password123"})
    assert _notice(common).startswith("Dat lukte niet: Dit wachtwoord staat op een lijst van")
    wrong = admin.post("/account", {**fields, "current": "niet mijn wachtwoord", "password": "x"})
    assert _notice(wrong) == "Dat lukte niet: Het huidige wachtwoord klopt niet."
    # the same refusal on the English page keeps the service's sentence
    english = admin.post("/account?lang=en", {**fields, "password": "kort"})
    assert _notice(english) == "That did not work: Use at least 8 characters."


def test_an_invitation_refusal_reads_dutch(world: World, tenants: Tenants) -> None:
    admin = _admin(world, tenants)
    csrf = csrf_of(admin.get("/settings"))
    bad_address = admin.post("/settings", {"csrf": csrf, "do": "invite", "email": "geen adres",
                                           "role": "client_staff"})  # fmt: skip
    assert bad_address.status == 422
    assert _notice(bad_address) == "Vul een e-mailadres in, zoals naam@voorbeeld.nl."
    agency_role = admin.post("/settings", {"csrf": csrf, "do": "invite", "role": "agency_admin",
                                           "email": "x@c1.example"})  # fmt: skip
    assert _notice(agency_role) == "De mensen van een klant krijgen een rol van de klant."
    # the invited person sets a password on the (anonymous) invitation page, in Dutch
    _, link = world.services.people.admin.invite_into(
        Target("agency-a", tenants.c1), "nieuw@c1.example", Role.CLIENT_STAFF, "test"
    )
    guest = Anonymous(admin.app)  # type: ignore[arg-type]
    path = f"/invite/{link_token(link)}?lang=nl"
    form = guest.get(path)
    refused = guest.post(path, {"csrf": csrf_of(form), "password": "inning2024"})
    assert refused.status == 400
    assert _notice(refused) == (
        "Dat lukte niet: Dit wachtwoord is hier te makkelijk te raden (uw e-mailadres of een "
        "woord uit deze toepassing); kies een ander."
    )


def test_a_settings_refusal_reads_dutch(world: World, tenants: Tenants) -> None:
    admin = _admin(world, tenants)
    csrf = csrf_of(admin.get("/settings"))
    colour = admin.post("/settings", {"csrf": csrf, "do": "house", "primary_color": "rood",
                                      "accent_color": "#445566", "footer_text": ""})  # fmt: skip
    assert colour.status == 422
    assert _notice(colour) == "Schrijf een kleur als #rrggbb (bijvoorbeeld #1a4f8b)."
    # a domain check's reason (the IBAN's check digits) comes through the service in Dutch too
    iban = admin.post("/settings", {"csrf": csrf, "do": "iban_add", "iban": "NL92ABNA0417164300"})
    assert _notice(iban) == "De controlecijfers van de IBAN kloppen niet (een tikfout?)."
    days = admin.post("/settings", {"csrf": csrf, "do": "postpone", "days": "90"})
    assert _notice(days) == "Het aantal dagen is een heel getal van 0 tot en met 62."


def _seed_workflow(world: World) -> None:
    api = world.agency_a
    body = {"language": "nl", "subject": "Herinnering", "text": TEXT}
    assert api.call("PUT", "/v1/clients/C1/templates/herinnering", body).status == 200
    steps = [{"name": "Herinnering", "channel": "email", "offset_days": 7,
              "templates": {"nl": "herinnering"}}]  # fmt: skip
    flow = {"name": "Zacht", "steps": steps}
    assert api.call("PUT", "/v1/clients/C1/workflows/zacht", flow).status == 200


def test_a_workflow_edit_refusal_reads_dutch(world: World, tenants: Tenants) -> None:
    _seed_workflow(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = editor_form(staff, "/workflows/edit?id=zacht")
    refused = staff.post("/workflows/edit", {**form, "r0_days": "400", "do": "save"})
    assert refused.status == 422
    assert _notice(refused) == "Stap 1 (Herinnering): het aantal dagen ligt tussen -60 en 365."
    copied = staff.post("/workflows", {"csrf": csrf_of(staff.get("/workflows")), "do": "copy",
                                       "workflow": "zacht", "new_id": ""})  # fmt: skip
    assert copied.status == 422
    assert _notice(copied) == "Een kopie binnen dezelfde klant heeft een nieuwe naam nodig."


def test_a_template_refusal_reads_dutch(world: World, tenants: Tenants) -> None:
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    csrf = csrf_of(staff.get("/templates/edit"))
    form = {"csrf": csrf, "template_id": "herinnering", "language": "nl", "subject": "x" * 501,
            "text": TEXT, "do": "save"}  # fmt: skip
    refused = staff.post("/templates/edit", form)
    assert refused.status == 422
    assert _notice(refused) == "Het onderwerp mag hoogstens 500 tekens hebben."
    nameless = staff.post("/templates/edit", {**form, "subject": "Herinnering", "template_id": ""})
    assert _notice(nameless) == "Een sjabloon heeft een naam van hoogstens 100 tekens."


def test_the_api_keeps_the_english_message_and_names_the_code(
    world: World, tenants: Tenants
) -> None:
    _seed_workflow(world)
    answer = world.agency_a.call(
        "PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "bestaat-niet"}]}
    )
    assert answer.status == 422
    error = answer.body["error"]
    assert error["message"] == "rule 1: there is no workflow bestaat-niet"
    assert error["details"] == [
        {"field": "workflow", "message": error["message"], "code": "rule_unknown_workflow"}
    ]


def test_a_domain_reason_keeps_its_code_through_the_refusal() -> None:
    from shared.domain.people.passwords import password_error

    reason = password_error("kort")
    assert reason == "use at least 8 characters"  # still the plain English string callers use
    refused = Invalid(reason or "", field="password")
    assert (refused.code, refused.params) == ("password_short", {"limit": 8})
    assert refusal(refused, "nl") == "Kies een wachtwoord van minstens 8 tekens."
    # a code given with the refusal wins over its reason's
    told = Invalid(reason or "", code="password_long", params={"limit": 128})
    assert refusal(told, "nl") == "Kies een wachtwoord van hoogstens 128 tekens."


def test_a_whatsapp_template_check_reads_dutch_beside_its_field(
    world: World, tenants: Tenants
) -> None:
    from tests.unit.console.test_page_whatsapp_templates import _form as wat_form
    from tests.unit.console.test_page_whatsapp_templates import _post

    admin = _admin(world, tenants)
    fields = {"name": "Not Valid", "languages": "nl", "body_params": "debtor.name",
              "url_button_base": "", "url_button_index": "0"}  # fmt: skip
    form = wat_form(admin, "/whatsapp-templates/new", tenants.c1, **fields)
    answer = _post(admin, "/whatsapp-templates/new", form)
    assert answer.status == 422
    said = re.search(r'<p class="red" id="err-name">(.*?)</p>', answer.encoded().decode())
    assert said is not None
    assert said.group(1) == "De goedgekeurde naam: kleine letters, cijfers en liggende streepjes."
