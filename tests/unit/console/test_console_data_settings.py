"""The settings page: each form guarded by its own Action, tried per role (allowed and
refused); the IBAN proof flow as the API's (a client's own people confirm); people admin."""

from __future__ import annotations

import pytest

from shared.domain.people.accounts import UserStatus
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.people.conftest import Tenants

FORMS = {
    "details": {"name": "Bakkerij Nieuw", "contact_email": "info@nieuw.example", "contact_phone": "",
                "kvk_number": "12345678", "language": "nl"},
    "house": {"primary_color": "#112233", "accent_color": "#445566", "footer_text": "Groet"},
    "booking": {"auto_book": "1", "threshold": "90"},
    "postpone": {"days": "14"},
    "minimum": {"minimum": "2,50"},
    "iban_add": {"iban": "NL91 ABNA 0417 1643 00"},
    "channels": {"channel": "email"},
}  # fmt: skip

# which role may use which form on its own client (agency roles: on any of the agency's)
ALLOWED = {
    Role.AGENCY_ADMIN: {
        "details",
        "house",
        "booking",
        "postpone",
        "minimum",
        "iban_add",
        "channels",
    },
    Role.AGENCY_STAFF: {"house", "channels"},
    Role.CLIENT_ADMIN: {"house", "booking", "postpone", "iban_add", "channels"},
    Role.CLIENT_STAFF: {"house", "channels"},
    Role.READ_ONLY: set(),
}


def _browser(world: World, tenants: Tenants, role: Role) -> tuple[Browser, str]:
    agency = role.agency_level
    browser = desk_for(world, role, None if agency else tenants.c1, f"{role.value}@x.example")
    return browser, (f"/settings?client={tenants.c1}" if agency else "/settings")


@pytest.mark.parametrize("role", list(Role))
def test_each_form_is_guarded_by_its_action(world: World, tenants: Tenants, role: Role) -> None:
    browser, path = _browser(world, tenants, role)
    page = browser.get(path)
    assert page.status == 200
    body = page.encoded().decode()
    csrf = csrf_of(page)
    for do, fields in FORMS.items():
        shown = f'name="do" value="{do}"' in body
        assert shown == (do in ALLOWED[role]), (role, do)
        answer = browser.post(path, {"csrf": csrf, "client": tenants.c1, "do": do, **fields})
        assert answer.status == (303 if do in ALLOWED[role] else 403), (role, do, answer.status)
    client = world.services.repos.clients.get(tenants.c1)
    assert client
    c = client[0]
    assert (c.name == "Bakkerij Nieuw") == ("details" in ALLOWED[role])
    assert (c.house_style.primary_color == "#112233") == ("house" in ALLOWED[role])
    assert (c.auto_book_threshold == 0.9) == ("booking" in ALLOWED[role])
    assert (c.postpone_auto_days == 14) == ("postpone" in ALLOWED[role])
    assert (c.dunning_minimum == 250) == ("minimum" in ALLOWED[role])
    assert ("NL91ABNA0417164300" in c.ibans) == ("iban_add" in ALLOWED[role])


def test_bad_values_are_refused_with_a_reason(world: World, tenants: Tenants) -> None:
    admin, path = _browser(world, tenants, Role.CLIENT_ADMIN)
    csrf = csrf_of(admin.get(path))
    for do, fields in (("booking", {"threshold": "30"}), ("postpone", {"days": "90"}),
                       ("house", {"primary_color": "red", "accent_color": "#000000", "footer_text": ""}),
                       ("iban_add", {"iban": "NL00 NOPE"})):  # fmt: skip
        answer = admin.post(path, {"csrf": csrf, "do": do, **fields})
        assert answer.status == 422, (do, answer.status)
        assert 'class="notice error"' in answer.encoded().decode()


def test_an_iban_is_proven_by_the_clients_own_confirmation(world: World, tenants: Tenants) -> None:
    """The agency registers the account; the client's admin confirms the code (two parties)."""
    agency, agency_path = _browser(world, tenants, Role.AGENCY_ADMIN)
    agency_page = agency.get(agency_path)
    added = agency.post(agency_path, {"csrf": csrf_of(agency_page), "client": tenants.c1,
                                      "do": "iban_add", "iban": "NL91ABNA0417164300"})  # fmt: skip
    assert added.status == 303
    admin, path = _browser(world, tenants, Role.CLIENT_ADMIN)
    csrf = csrf_of(admin.get(path))
    items = {i["iban"]: i for i in world.services.client_settings.ibans(
        world.services.repos.clients.get(tenants.c1)[0])}  # type: ignore[index]  # fmt: skip
    pending = items["NL91ABNA0417164300"]
    assert pending["status"] == "pending" and pending["code"]
    page = admin.get(path).encoded().decode()
    assert str(pending["code"]) in page and 'value="iban_confirm"' in page
    wrong = admin.post(
        path,
        {"csrf": csrf, "do": "iban_confirm", "iban": "NL91ABNA0417164300", "code": "XXXX-0000"},
    )
    assert wrong.status == 422
    agency_page = agency.get(agency_path)
    assert 'value="iban_confirm"' not in agency_page.encoded().decode()
    refused = agency.post(agency_path, {"csrf": csrf_of(agency_page), "client": tenants.c1, "do": "iban_confirm",
                                        "iban": "NL91ABNA0417164300", "code": str(pending["code"])})  # fmt: skip
    assert refused.status == 403  # the agency cannot confirm its own registration
    ok = admin.post(path, {"csrf": csrf, "do": "iban_confirm", "iban": "NL91ABNA0417164300",
                           "code": str(pending["code"])})  # fmt: skip
    assert ok.status == 303
    assert "bewezen" in admin.get(path).encoded().decode()


def test_an_iban_the_client_added_itself_needs_a_transfer_or_the_agency(
    world: World, tenants: Tenants
) -> None:
    """attack8 #1: a client's admin adding an account and confirming the code on its own page
    proves nothing (it may be another client's account); the agency's admin decides."""
    admin, path = _browser(world, tenants, Role.CLIENT_ADMIN)
    csrf = csrf_of(admin.get(path))
    assert (
        admin.post(path, {"csrf": csrf, "do": "iban_add", "iban": "NL91ABNA0417164300"}).status
        == 303
    )
    items = {i["iban"]: i for i in world.services.client_settings.ibans(
        world.services.repos.clients.get(tenants.c1)[0])}  # type: ignore[index]  # fmt: skip
    pending = items["NL91ABNA0417164300"]
    page = admin.get(path).encoded().decode()
    assert 'name="iban" value="NL91ABNA0417164300"' not in page  # no confirm form for it
    assert "vraag het incassobureau" in page
    refused = admin.post(path, {"csrf": csrf, "do": "iban_confirm", "iban": "NL91ABNA0417164300",
                                "code": str(pending["code"])})  # fmt: skip
    assert refused.status == 422
    assert world.services.repos.banking.owner("NL91ABNA0417164300") is None
    assert (
        admin.post(path, {"csrf": csrf, "do": "iban_decide", "iban": "NL91ABNA0417164300"}).status
        == 403
    )
    agency, agency_path = _browser(world, tenants, Role.AGENCY_ADMIN)
    agency_page = agency.get(agency_path)
    assert 'value="iban_decide"' in agency_page.encoded().decode()
    decided = agency.post(agency_path, {"csrf": csrf_of(agency_page), "client": tenants.c1,
                                        "do": "iban_decide", "iban": "NL91ABNA0417164300"})  # fmt: skip
    assert decided.status == 303
    owner = world.services.repos.banking.owner("NL91ABNA0417164300")
    assert owner is not None and owner.client_id == tenants.c1


def test_admins_manage_their_clients_people(world: World, tenants: Tenants) -> None:
    admin, path = _browser(world, tenants, Role.CLIENT_ADMIN)
    page = admin.get(path)
    assert 'value="invite"' in page.encoded().decode()
    csrf = csrf_of(page)
    assert admin.post(path, {"csrf": csrf, "do": "invite", "email": "nieuw@c1.example",
                             "role": "client_staff"}).status == 303  # fmt: skip
    users = world.services.people.admin.people.users.of_tenant("agency-a", tenants.c1)
    new = next(u for u in users if u.email == "nieuw@c1.example")
    assert new.role is Role.CLIENT_STAFF
    assert admin.post(path, {"csrf": csrf, "do": "invite", "email": "x@c1.example",
                             "role": "agency_admin"}).status == 422  # fmt: skip
    assert (
        admin.post(
            path, {"csrf": csrf, "do": "role", "user": new.user_id, "role": "read_only"}
        ).status
        == 303
    )
    assert admin.post(path, {"csrf": csrf, "do": "reset_factor", "user": new.user_id}).status == 303
    assert admin.post(path, {"csrf": csrf, "do": "deactivate", "user": new.user_id}).status == 303
    found = world.services.people.admin.people.users.get(new.user_id)
    assert found and found[0].role is Role.READ_ONLY and found[0].status is UserStatus.DEACTIVATED
    # another client's person is out of reach of this client's admin
    desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    other_id = next(
        u.user_id
        for u in world.services.people.admin.people.users.of_tenant("agency-a", tenants.c2)
        if u.email == "s@c2.example"
    )
    assert admin.post(path, {"csrf": csrf, "do": "deactivate", "user": other_id}).status == 404
    staff, staff_path = _browser(world, tenants, Role.CLIENT_STAFF)
    staff_page = staff.get(staff_path)
    assert 'value="invite"' not in staff_page.encoded().decode()
    assert staff.post(staff_path, {"csrf": csrf_of(staff_page), "do": "invite",
                                   "email": "y@c1.example", "role": "read_only"}).status == 403  # fmt: skip


def test_an_agency_admin_works_on_the_chosen_client_only(world: World, tenants: Tenants) -> None:
    agency, _ = _browser(world, tenants, Role.AGENCY_ADMIN)
    page = agency.get(f"/settings?client={tenants.c2}")
    assert page.status == 200 and "Client C2" in page.encoded().decode()
    csrf = csrf_of(page)
    assert (
        agency.post(
            f"/settings?client={tenants.b1}", {"csrf": csrf, "do": "postpone", "days": "3"}
        ).status
        == 404
    )
    b1 = world.services.repos.clients.get(tenants.b1)
    assert b1 and b1[0].postpone_auto_days == 0  # another agency's client is never changed


def test_a_channel_switched_off_is_used_by_nobody(world: World, tenants: Tenants) -> None:
    """Settings -> channels: WhatsApp and SMS off; the workflow's step on them falls back or
    becomes a person's task, and staff cannot write on them by hand."""
    from shared.domain.dunning.workflow import Step, StepChannel, resolve_channel
    from tests.unit.api.conftest import debtor_row

    admin, path = _browser(world, tenants, Role.CLIENT_ADMIN)
    csrf = csrf_of(admin.get(path))
    # the test browser posts one value per field: a form with three ticked boxes by hand
    from urllib.parse import urlencode

    from shared.api.http import ApiRequest

    body = urlencode([("csrf", csrf), ("do", "channels"), ("channel", "email"),
                      ("channel", "letter"), ("channel", "robocall")]).encode()  # fmt: skip
    headers = {"cookie": "; ".join(f"{k}={v}" for k, v in admin.jar.items())}
    answer = admin.app.handle(ApiRequest("POST", "/settings", headers, {}, body))
    assert answer.status == 303
    client = world.services.repos.clients.get(tenants.c1)
    assert client and client[0].channels_off == frozenset({"sms", "whatsapp"})
    shown = admin.get(path).encoded().decode()
    assert 'id="set-ch-sms" name="channel" value="sms">' in shown  # unticked now

    world.agency_a.call("POST", "/v1/clients/C1/debtors",
                        {"items": [debtor_row("D7", whatsapp_consent=True)]})  # fmt: skip
    debtor = world.services.repos.debtors.get(tenants.c1, "D7")
    assert debtor
    step = Step("Appje", StepChannel.WHATSAPP, 0, fallback=StepChannel.EMAIL)
    assert resolve_channel(step, debtor[0]) is StepChannel.WHATSAPP
    assert resolve_channel(step, debtor[0], client[0].channels_off) is StepChannel.EMAIL
    sms_only = Step("SMS", StepChannel.SMS, 0)
    assert resolve_channel(sms_only, debtor[0], client[0].channels_off) is None  # a person's
    channels = {
        c["channel"]: c
        for c in world.agency_a.call("GET", "/v1/clients/C1/debtors/D7/channels").body["items"]
    }
    assert (
        channels["whatsapp"]["available"] is False
        and "does not use" in channels["whatsapp"]["reason"]
    )
    assert channels["email"]["available"] is True
    refused = world.agency_a.call(
        "POST", "/v1/clients/C1/debtors/D7/messages", {"channel": "sms", "body": "Hallo"}
    )
    assert refused.status == 422


def test_taking_another_clients_proven_account_names_it_and_needs_a_confirmation(
    world: World, tenants: Tenants
) -> None:
    """attack9 F3: C2's admin adds C1's proven account on C2's page; the agency admin opening
    C2's settings sees whose account it is, and one plain click moves nothing: only the
    confirmation naming C1 does (its statements are then booked for C2)."""
    from tests.unit.api.conftest import client_iban, verify_ibans

    verify_ibans(world.agency_a, "C1")
    account = client_iban("C1")
    c2_admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c2, "boss@c2.example")
    page = c2_admin.get("/settings")
    added = c2_admin.post("/settings", {"csrf": csrf_of(page), "do": "iban_add", "iban": account})
    assert added.status == 303
    told = c2_admin.get("/settings").encoded().decode()
    assert "de bewezen rekening van opdrachtgever" not in told  # a claimant learns nothing
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    c1 = found[0]
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@agency.example")
    page = agency.get(f"/settings?client={tenants.c2}")
    html = page.encoded().decode()
    assert f"Nu de bewezen rekening van opdrachtgever {c1.number} {c1.name}" in html
    plain = {"csrf": csrf_of(page), "client": tenants.c2, "do": "iban_decide", "iban": account}
    refused = agency.post(f"/settings?client={tenants.c2}", plain)
    assert refused.status == 422
    assert f"de bewezen rekening van opdrachtgever {c1.number}" in refused.encoded().decode()
    owner = world.services.repos.banking.owner(account)
    assert owner is not None and owner.client_id == tenants.c1
    confirmed = agency.post(f"/settings?client={tenants.c2}", {**plain, "take_from": c1.number})
    assert confirmed.status == 303
    owner = world.services.repos.banking.owner(account)
    assert owner is not None and owner.client_id == tenants.c2


def test_the_dunning_minimum_is_set_on_the_page_and_refused_in_dutch(
    world: World, tenants: Tenants
) -> None:
    agency, path = _browser(world, tenants, Role.AGENCY_ADMIN)
    page = agency.get(path)
    assert 'value="5,00"' in page.encoded().decode()  # the default, as a Dutch amount
    csrf = csrf_of(page)
    for wrong, said in (
        ("1.250", "is een bedrag in euro"),
        ("200000", "ten hoogste € 100.000,00"),
    ):
        answer = agency.post(path, {"csrf": csrf, "client": tenants.c1, "do": "minimum",
                                    "minimum": wrong})  # fmt: skip
        assert answer.status == 422 and said in answer.encoded().decode(), wrong
    assert agency.post(path, {"csrf": csrf, "client": tenants.c1, "do": "minimum",
                              "minimum": "0"}).status == 303  # fmt: skip
    stored = world.services.repos.clients.get(tenants.c1)
    assert stored and stored[0].dunning_minimum == 0


def test_the_agency_registers_the_domains_a_clients_texts_may_link_to(
    world: World, tenants: Tenants
) -> None:
    """people27 F8: a link elsewhere is refused in the client's texts; the client's own
    website's domain is the agency's to register (a client's people could add "tikkie.me")."""
    from shared.services.payee_accounts import link_domains

    def stored() -> tuple[str, ...]:
        found = world.services.repos.clients.get(tenants.c1)
        assert found is not None
        return link_domains(world.services.repos, found[0])

    admin, path = _browser(world, tenants, Role.CLIENT_ADMIN)
    page = admin.get(path)
    assert "Links in berichten" in page.encoded().decode()
    assert 'value="link_domains"' not in page.encoded().decode()
    own = admin.post(path, {"csrf": csrf_of(page), "do": "link_domains", "domains": "tikkie.me"})
    assert own.status == 403 and stored() == ()
    agency, agency_path = _browser(world, tenants, Role.AGENCY_ADMIN)
    agency_page = agency.get(agency_path)
    assert 'value="link_domains"' in agency_page.encoded().decode()
    form = {"csrf": csrf_of(agency_page), "client": tenants.c1, "do": "link_domains"}
    bad = agency.post(agency_path, {**form, "domains": "info@bakkerij.nl"})
    assert bad.status == 422 and "geen domeinnaam" in bad.encoded().decode()
    ok = agency.post(agency_path, {**form, "domains": "www.bakkerij.nl\nshop.example, bakkerij.nl"})
    assert ok.status == 303 and stored() == ("bakkerij.nl", "shop.example")
    assert "bakkerij.nl\nshop.example</textarea>" in agency.get(agency_path).encoded().decode()
