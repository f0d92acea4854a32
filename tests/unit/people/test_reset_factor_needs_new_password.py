"""An administrator's second-factor reset lets in only whoever reads the person's mailbox
(people27 F7). A reset is the remedy for an account taken over, whose password the attacker
knows: the next sign-in with that password enrolled the new factor, so the attacker, signing
in first, got the account with their own authenticator app. Now the reset mails a
password-reset link; the old password is refused (as a wrong one) until a new one is set
through it, and only then does the sign-in enrol the new factor. The same for the API's
``reset-factor``, the console's "Reset second factor" and ``inning user reset-factor``."""

from __future__ import annotations

import pyotp
import pytest

from shared.cli import app_settings
from shared.cli.main import main
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.sessions import Stage
from shared.services.people.signin import SignInFailed
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Person, Tenants, make_person, session_call

NEW = "een heel nieuw lang wachtwoord 7"


def _reset_link(world: World, person: Person) -> str:
    """The reset link in the last mail to ``person``."""
    messaging, kit = world.services.messaging, world.services.people.kit
    found = kit.people.users.by_email(person.email)
    assert found is not None
    scope = kit.scope_of(found[0])
    for key in reversed(kit.sent):
        got = messaging.outbox.get(scope, key)
        if got and got[0].to == person.email:
            text = messaging.content(scope, key).text
            if links := [w for w in text.split() if "/api/console/reset/" in w]:
                return links[0].rstrip(".").rsplit("/", 1)[1]
    raise AssertionError("no reset link mailed")


def _only_the_mailbox_gets_in(world: World, person: Person) -> None:
    signin, accounts = world.services.people.signin, world.services.people.accounts
    with pytest.raises(SignInFailed):  # the attacker's known password
        signin.password(person.email, person.password, "10.0.0.66")
    accounts.complete_reset(_reset_link(world, person), NEW, "10.0.0.1")
    with pytest.raises(SignInFailed):  # the old one is gone for good
        signin.password(person.email, person.password, "10.0.0.66")
    enrolling = signin.password(person.email, NEW, "10.0.0.1")
    assert enrolling.session.stage is Stage.ENROL
    secret, _, _ = accounts.start_totp(enrolling)
    accounts.confirm_totp(enrolling, pyotp.TOTP(secret).at(world.clock.now()), "10.0.0.1")


def test_the_apis_reset_needs_a_new_password_from_the_mailbox(world: World, tenants: Tenants):
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "a@c1.example")
    staff = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "b@c1.example")
    r = session_call(world, admin.signed, "POST", f"/v1/users/{staff.user_id}/reset-factor")
    assert r.status == 200
    _only_the_mailbox_gets_in(world, staff)


def test_the_consoles_reset_needs_a_new_password(world: World, tenants: Tenants):
    staff = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "c@c1.example")
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")
    page = admin.get("/settings")
    done = admin.post("/settings", {"csrf": csrf_of(page), "do": "reset_factor",
                                    "user": staff.user_id})  # fmt: skip
    assert done.status == 303
    _only_the_mailbox_gets_in(world, staff)


def test_the_operators_reset_needs_a_new_password(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_settings, "cli_services", lambda *_: world.services)
    boss = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example")
    assert main(["user", "reset-factor", boss.email]) == 0
    _only_the_mailbox_gets_in(world, boss)
