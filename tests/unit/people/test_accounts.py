"""Invitations, password reset (and its sandbox exception), admin actions, client activation,
broadcasts and onboarding. OWASP ASVS 5.0 requirement numbers per test."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pyotp
import pytest

from shared.adapters.tables.people_repo import AuditRepository, defaults_scope
from shared.domain.dunning.workflow import SegmentRule, Step, StepChannel, Workflow
from shared.domain.parties import HouseStyle
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.broadcasts import Severity
from shared.domain.people.sessions import Stage
from shared.services.errors import Invalid
from shared.services.people.accounts import LinkInvalid
from shared.services.people.signin import ClientInactive, SignInFailed
from tests.unit.people.conftest import PASSWORD, link_token, make_person, session_call, sign_in


def _outbox(world, scope, key):
    message, _ = world.services.messaging.outbox.get(scope, key)
    return message, world.services.messaging.content(scope, key)


def _link_in(world, scope, key):  # type: ignore[no-untyped-def]
    _, content = _outbox(world, scope, key)
    return next(w for w in content.text.split() if "/api/console/" in w)


# -- invitations -----------------------------------------------------------------------------------
def test_invitation_link_single_use_and_72_hours(world, tenants):
    """6.4.1 activation links random, single use, short lived (72 hours here)."""
    people = world.services.people
    _, link = people.admin.invite_into(
        Target("agency-a", tenants.c1), "new@c1.example", Role.CLIENT_STAFF, "t"
    )
    token = link_token(link)
    signed = people.accounts.accept_invitation(token, PASSWORD, "10.0.0.1")
    assert signed.session.stage is Stage.ENROL
    assert people.signin.resolve(signed.cookie) is None  # nothing but enrolment before a factor
    with pytest.raises(LinkInvalid):
        people.accounts.accept_invitation(token, PASSWORD, "10.0.0.1")
    _, late = people.admin.invite_into(
        Target("agency-a", tenants.c1), "late@c1.example", Role.CLIENT_STAFF, "t"
    )
    world.clock.advance(hours=72)
    with pytest.raises(LinkInvalid):
        people.accounts.accept_invitation(link_token(late), PASSWORD, "10.0.0.1")


def test_an_invited_password_must_pass_the_policy(world, tenants):
    """6.2.1, 6.2.4 on every password set, including the first."""
    people = world.services.people
    _, link = people.admin.invite_into(
        Target("agency-a", tenants.c1), "p@c1.example", Role.CLIENT_STAFF, "t"
    )
    with pytest.raises(Invalid):
        people.accounts.accept_invitation(link_token(link), "qwertyuiop", "10.0.0.1")
    people.accounts.accept_invitation(link_token(link), PASSWORD, "10.0.0.1")  # still usable


# -- password reset --------------------------------------------------------------------------------
def test_reset_link_single_use_one_hour_and_no_enumeration(world, tenants):
    """6.4.1 (reset links single use, expire: 1 hour), 6.3.8 (no user enumeration: the same
    outcome for an unknown address), 7.4.3 (sessions end after the change)."""
    people = world.services.people
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "r@c1.example")
    sent_before = len(people.kit.sent)
    assert people.accounts.request_reset("unknown@example.nl", "10.0.0.1") is None
    assert len(people.kit.sent) == sent_before  # nothing sent, nothing said
    assert people.accounts.request_reset(person.email, "10.0.0.1") is None
    link = _link_in(world, tenants.c1, people.kit.sent[-1])
    token = link_token(link)
    people.accounts.complete_reset(token, "een nieuw lang wachtwoord", "10.0.0.1")
    with pytest.raises(LinkInvalid):
        people.accounts.complete_reset(token, "nog een ander wachtwoord", "10.0.0.1")
    assert people.signin.resolve(person.signed.cookie) is None  # the old session ended
    assert people.signin.password(person.email, "een nieuw lang wachtwoord", "10.0.0.1")
    people.accounts.request_reset(person.email, "10.0.0.1")
    late = link_token(_link_in(world, tenants.c1, people.kit.sent[-1]))
    world.clock.advance(hours=1)
    with pytest.raises(LinkInvalid):
        people.accounts.complete_reset(late, "een nieuw lang wachtwoord 2", "10.0.0.1")


def test_reset_mail_reaches_the_user_in_sandbox_mode_and_nothing_else_does(world, tenants):
    """The exceptions to sandbox mode: the reset mail and an invitation go to the person
    (an invitation's link in the sandbox's own mailbox made its client the owner of anyone's
    address, codereview16 F4); the other account mail goes to the sandbox address."""
    people, repos = world.services.people, world.services.repos
    client, etag = repos.clients.get(tenants.c1)
    repos.clients.save(replace(client, sandbox=True, sandbox_email="sandbox@c1.example"), etag)
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "s@c1.example")
    people.admin.invite_into(
        Target("agency-a", tenants.c1), "other@c1.example", Role.CLIENT_STAFF, "t"
    )
    invite, _ = _outbox(world, tenants.c1, people.kit.sent[-1])
    assert invite.to == "other@c1.example" and invite.sandbox_of is None
    people.accounts.change_password(
        person.signed, person.password, "een nieuw lang wachtwoord 9", "10.0.0.1"
    )
    told, _ = _outbox(world, tenants.c1, people.kit.sent[-1])
    assert told.to == "sandbox@c1.example" and told.sandbox_of == person.email
    people.accounts.request_reset(person.email, "10.0.0.1")
    reset, content = _outbox(world, tenants.c1, people.kit.sent[-1])
    assert reset.to == person.email and reset.sandbox_of is None
    assert "/api/console/reset/" in content.text


# -- administration --------------------------------------------------------------------------------
def test_factor_reset_by_admin_means_enrol_again(world, tenants):
    """6.4.3-style recovery by an administrator: sessions end, the person sets a new password
    through the mailed link (people27 F7), and the next sign-in enrols."""
    people = world.services.people
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "a@c1.example")
    staff = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "b@c1.example")
    r = session_call(world, admin.signed, "POST", f"/v1/users/{staff.user_id}/reset-factor")
    assert r.status == 200
    assert people.signin.resolve(staff.signed.cookie) is None
    link = _link_in(world, tenants.c1, people.kit.sent[-1])
    assert "/api/console/reset/" in link
    people.accounts.complete_reset(link_token(link), "een nieuw lang wachtwoord 9", "10.0.0.1")
    again = people.signin.password(staff.email, "een nieuw lang wachtwoord 9", "10.0.0.1")
    assert again.session.stage is Stage.ENROL


def test_an_inactive_client_stops_dunning_and_sign_in(world, tenants):
    """Inactive: no dunning jobs, its people cannot sign in, its data stays."""
    people = world.services.people
    staff = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "x@c1.example")
    assert world.agency_a.call("POST", "/v1/clients/C1/deactivate").body == {
        "number": "C1",
        "active": False,
    }
    assert people.signin.resolve(staff.signed.cookie) is None
    with pytest.raises(ClientInactive):
        people.signin.password(staff.email, staff.password, "10.0.0.1")
    queues = world.services.queues
    queues.sent.clear()
    world.services.dunning.fan_out()
    planned = [json.loads(m.body)["client_id"] for m in queues.sent if m.queue == "dunning-run"]
    assert tenants.c1 not in planned and tenants.c2 in planned
    assert world.services.dunning.run_client(tenants.c1, date(2025, 3, 3)) is None
    assert world.agency_a.call("GET", "/v1/clients/C1").status == 200  # the data stays
    # a re-import of the client's data does not reactivate it
    world.agency_a.call("POST", "/v1/clients", {"items": [{"number": "C1", "name": "Client C1"}]})
    assert world.services.repos.clients.get(tenants.c1)[0].active is False
    assert world.agency_a.call("POST", "/v1/clients/C1/activate").body["active"] is True
    assert sign_in(world, staff)


def test_audit_log_is_append_only():
    """16.4.2 logs cannot be changed: the repository has no way to update or delete."""
    assert not any(
        name
        for name in dir(AuditRepository)
        if name.startswith(("update", "delete", "save", "replace"))
    )


# -- broadcasts ------------------------------------------------------------------------------------
def test_broadcast_shown_in_its_window_until_dismissed(world, tenants):
    people = world.services.people
    staff = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "bc@c1.example")
    admin = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "admin@a.example")
    body = {"text_nl": "Onderhoud vanavond", "text_en": "Maintenance tonight", "starts": "2025-03-03",
            "ends": "2025-03-04", "severity": "warning"}  # fmt: skip
    made = session_call(world, admin.signed, "POST", "/v1/broadcasts", json.dumps(body).encode())
    assert made.status == 201
    denied = session_call(world, staff.signed, "POST", "/v1/broadcasts", json.dumps(body).encode())
    assert denied.status in (403, 404)
    people.admin.publish(
        None, "Platform", "Platform", date(2025, 3, 1), date(2025, 3, 2), Severity.INFO
    )  # over
    shown = json.loads(session_call(world, staff.signed, "GET", "/v1/broadcasts").encoded())[
        "items"
    ]
    assert [b["text_en"] for b in shown] == ["Maintenance tonight"]
    other = make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), "admin@b.example")
    assert (
        json.loads(session_call(world, other.signed, "GET", "/v1/broadcasts").encoded())["items"]
        == []
    )
    assert (
        session_call(
            world, staff.signed, "POST", f"/v1/broadcasts/{shown[0]['broadcast_id']}/dismiss"
        ).status
        == 204
    )
    assert (
        json.loads(session_call(world, staff.signed, "GET", "/v1/broadcasts").encoded())["items"]
        == []
    )


# -- onboarding ------------------------------------------------------------------------------------
def _defaults(world):
    dunning = world.services.repos.dunning
    scope = defaults_scope("agency-a")
    step = Step("Herinnering", StepChannel.EMAIL, 7, templates={"nl": "t1"})
    dunning.save_workflow(scope, Workflow("standaard", "Standaard", (step,), active=True))
    dunning.save_rules(scope, [SegmentRule("standaard")])
    world.services.people.onboarding.save_defaults_from(
        "agency-a", HouseStyle(primary_color="#123456")
    )


def test_agency_onboards_a_client_with_copied_defaults(world, tenants):
    _defaults(world)
    body = {"number": "N1", "name": "Nieuw B.V.", "kvk_number": "12345678", "vat_deductible": True,
            "iban": "NL91ABNA0417164300", "language": "nl", "first_email": "eerste@nieuw.example",
            "first_mobile": "06 12345678"}  # fmt: skip
    r = world.agency_a.call("POST", "/v1/onboarding/clients", body)
    assert r.status == 201, r.body
    client_id = r.body["client_id"]
    assert r.body["first_user"]["role"] == "client_admin"
    dunning = world.services.repos.dunning
    assert "standaard" in dunning.workflows(client_id)
    # copied, not shared: a change to the defaults leaves the client's copy alone
    dunning.save_workflow(
        defaults_scope("agency-a"), Workflow("standaard", "Gewijzigd", (), active=True)
    )
    assert dunning.workflows(client_id)["standaard"].name == "Standaard"
    client = world.services.repos.clients.get(client_id)[0]
    assert client.house_style.primary_color == "#123456" and client.kvk_number == "12345678"
    user = world.services.people.kit.people.users.by_email("eerste@nieuw.example")[0]
    assert user.mobile == "+31612345678"
    bad = world.agency_a.call(
        "POST", "/v1/onboarding/clients", {**body, "number": "N2", "kvk_number": "1234"}
    )
    assert bad.status == 422


def test_self_onboarding_lands_in_sandbox_until_approved(world, tenants):
    people = world.services.people
    people._signup_agency = "agency-a"
    _defaults(world)
    with pytest.raises(Invalid):
        people.onboarding.sign_up(
            "Zelf B.V.", "123", "zelf@zelf.example", "0612345678", "nl", "10.0.0.1"
        )
    people.onboarding.sign_up(
        "Zelf B.V.", "87654321", "zelf@zelf.example", "0612345678", "nl", "10.0.0.1"
    )
    key = people.kit.sent[-1]
    link = _link_in(world, "@signup.agency-a", key)
    client, invited = people.onboarding.verify(link_token(link))
    assert invited.role is Role.CLIENT_ADMIN
    assert client.sandbox and client.sandbox_email == "zelf@zelf.example"
    assert "standaard" in world.services.repos.dunning.workflows(client.client_id)
    with pytest.raises(LinkInvalid):
        people.onboarding.verify(link_token(link))
    staff = make_person(world, Role.AGENCY_STAFF, Target("agency-a", None), "staff@a.example")
    assert (
        session_call(world, staff.signed, "POST", f"/v1/clients/{client.number}/approve").status
        == 403
    )
    # the client's own admin registers its account first: without one approval is refused
    world.services.client_settings.add_iban(client, "NL91ABNA0417164300", by_agency=False)
    assert (
        world.agency_a.call("POST", f"/v1/clients/{client.number}/approve").body["sandbox"] is False
    )
    assert world.services.repos.clients.get(client.client_id)[0].sandbox is False


def test_login_fails_the_same_for_a_deactivated_user(world, tenants):
    people = world.services.people
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "ad@c1.example")
    staff = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "st@c1.example")
    people.admin.deactivate(admin.signed.user.principal(""), staff.user_id)
    with pytest.raises(SignInFailed):
        people.signin.password(staff.email, staff.password, "10.0.0.1")
    assert pyotp  # used by helpers


def test_the_agency_client_list_shows_active_and_inactive(world, tenants):
    world.agency_a.call("POST", "/v1/clients/C2/deactivate")
    listed = {
        c["number"]: c["active"] for c in world.agency_a.call("GET", "/v1/clients").body["items"]
    }
    assert listed == {"C1": True, "C2": False}


# the starter templates, Dutch and English (debtor24 D1)
STARTER_IDS = [
    "fourteen_day_letter",
    "herinnering",
    "reminder",
    "sms",
    "sms_en",
    "veertiendagenbrief",
]


def test_an_agency_with_the_starter_set_onboards_clients_that_dun(world, tenants):
    """newcomer18 F2: an agency made by `inning agency create` had no defaults, so its clients
    started with no workflow (`without_workflow`) and no 14-day letter. The starter set
    `agency create` now writes is copied, and its 14-day letter passes activation for a
    client that cannot deduct VAT."""
    from shared.services.dunning_starter import seed_agency_defaults

    assert seed_agency_defaults(world.services.repos, "agency-a")
    assert not seed_agency_defaults(world.services.repos, "agency-a")  # never over its own
    body = {"number": "N1", "name": "Nieuw B.V.", "kvk_number": "12345678", "vat_deductible": False,
            "iban": "NL91ABNA0417164300", "language": "nl", "first_email": "eerste@nieuw.example",
            "first_mobile": "06 12345678"}  # fmt: skip
    r = world.agency_a.call("POST", "/v1/onboarding/clients", body)
    assert r.status == 201, r.body
    dunning = world.services.repos.dunning
    client_id = r.body["client_id"]
    assert sorted(dunning.templates(client_id)) == STARTER_IDS
    assert dunning.workflows(client_id)["standaard"].active
    assert [rule.workflow_id for rule in dunning.rules(client_id)] == ["standaard"]
    activated = world.agency_a.call("POST", "/v1/clients/N1/workflows/standaard/activate")
    assert activated.status == 200, activated.body


def test_the_starter_set_cut_before_its_rule_is_finished_by_the_repeat(world, tenants, monkeypatch):
    """failure19 S1: `agency create` met a 503 after the starter workflow, before its segment
    rule; the operator ran `agency update --dunning-starter`, which answered 'kept (the agency
    has defaults)': the defaults had no rule, and the client onboarded from them none either
    (each debtor waiting `without_workflow`). The repeat writes the set whole."""
    from shared.ports.tables import StorageError
    from shared.services.dunning_starter import seed_agency_defaults

    dunning = world.services.repos.dunning
    real = dunning.save_rules

    def refused(*args, **kwargs):
        raise StorageError("503 ServerBusy")

    monkeypatch.setattr(dunning, "save_rules", refused)
    with pytest.raises(StorageError):
        seed_agency_defaults(world.services.repos, "agency-a")
    monkeypatch.setattr(dunning, "save_rules", real)
    assert seed_agency_defaults(world.services.repos, "agency-a")  # was False: 'kept'
    scope = defaults_scope("agency-a")
    assert [rule.workflow_id for rule in dunning.rules(scope)] == ["standaard"]
    body = {"number": "N1", "name": "Nieuw B.V.", "kvk_number": "12345678", "vat_deductible": False,
            "iban": "NL91ABNA0417164300", "language": "nl", "first_email": "eerste@nieuw.example",
            "first_mobile": "06 12345678"}  # fmt: skip
    r = world.agency_a.call("POST", "/v1/onboarding/clients", body)
    assert r.status == 201, r.body
    assert [rule.workflow_id for rule in dunning.rules(r.body["client_id"])] == ["standaard"]


def test_a_starter_set_left_without_its_rule_before_is_finished(world, tenants):
    """failure19 S1, left by the order before the fix: the defaults hold the starter workflow
    and no rule; `agency update --dunning-starter` answered 'kept'. It writes the rule (and
    a template the cut left out), nothing over what stands."""
    from shared.services.dunning_starter import (
        STARTER_TEMPLATES,
        seed_agency_defaults,
        starter_workflow,
    )

    dunning = world.services.repos.dunning
    scope = defaults_scope("agency-a")
    dunning.save_template(scope, "herinnering", STARTER_TEMPLATES["herinnering"])
    dunning.save_workflow(scope, starter_workflow())
    assert seed_agency_defaults(world.services.repos, "agency-a")  # was False: 'kept'
    assert [rule.workflow_id for rule in dunning.rules(scope)] == ["standaard"]
    assert sorted(dunning.templates(scope)) == STARTER_IDS
    assert not seed_agency_defaults(world.services.repos, "agency-a")  # whole now: kept
