"""The console security review's findings on accounts (issue #16): the settings page's
invitation answers the same whether or not the address has an account anywhere (its owner is
told by mail instead), and a failed sign-in does the same storage work for an address with
an account as for one without."""

from __future__ import annotations

from shared.api.console.app import ConsoleApp
from shared.api.http import ApiRequest
from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import World
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.people.conftest import Tenants, make_person


def test_the_invitation_answers_the_same_for_a_known_address(
    world: World, tenants: Tenants
) -> None:
    boss = make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), "boss@agency-b.example")
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "adm@c1.example")
    token = csrf_of(admin.get("/settings"))
    people = world.services.people
    answers = []
    for email in ("boss@agency-b.example", "nobody@agency-b.example"):
        sent = len(people.kit.sent)
        reply = admin.post("/settings?lang=en", {"csrf": token, "do": "invite",
                                                 "role": "read_only", "email": email})  # fmt: skip
        answers.append((reply.status, reply.headers.get("Location"), len(people.kit.sent) - sent))
        assert "already has an account" not in reply.encoded().decode()
    assert answers[0] == answers[1] and answers[0][0] == 303  # one mail each, the same answer
    # the owner of the known address heard of it (no link), and nothing of theirs changed
    key = people.kit.sent[-2]
    # filed under the inviting client, never the owner's (attack16 F1)
    owner = people.kit.people.users.get(boss.user_id)
    assert owner is not None
    assert world.services.messaging.outbox.get(people.kit.scope_of(owner[0]), key) is None
    mail = world.services.messaging.content(tenants.c1, key)
    assert "already has an Inning account" in mail.text or "al een Inning-account" in mail.text
    assert "/api/console/" not in mail.text
    users = people.kit.people.users
    assert users.by_email("boss@agency-b.example")[0].agency_id == "agency-b"  # type: ignore[index]
    assert users.by_email("nobody@agency-b.example")[0].client_id == tenants.c1  # type: ignore[index]


def _requests_for(world: World, email: str, source: str) -> int:
    browser = Browser(ConsoleApp(world.services))
    page = browser.get("/login")
    before = world.store.requests
    cookie = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
    body = f"email={email}&password=wrong-password-123&csrf={csrf_of(page)}".encode()
    reply = browser.app.handle(
        ApiRequest("POST", "/login", {"cookie": cookie, "x-forwarded-for": source}, {}, body)
    )
    assert reply.status == 401
    return world.store.requests - before


def test_a_failed_sign_in_costs_the_same_storage_work_either_way(
    world: World, tenants: Tenants
) -> None:
    make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "known@c1.example")
    known = _requests_for(world, "known%40c1.example", "10.1.1.1")
    unknown = _requests_for(world, "unknown%40c1.example", "10.1.1.2")
    assert known == unknown


def test_inviting_a_person_the_settings_page_lists_is_refused_without_mail(
    world: World, tenants: Tenants
) -> None:
    """newcomer16b F2: the client's admin inviting a colleague listed on its own Settings page
    (or himself) was told "De uitnodiging is verstuurd." and the colleague was mailed "you
    already have an account ... ask them to invite another address", though she works there;
    the API answers 422 address_has_account. An address the inviter sees is no secret: the
    console refuses the same way, in Dutch, and mails nobody."""
    make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "colleague@c1.example")
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "adm@c1.example")
    token = csrf_of(admin.get("/settings"))
    people = world.services.people
    for email in ("colleague@c1.example", "ADM@c1.example"):
        sent = len(people.kit.sent)
        reply = admin.post("/settings", {"csrf": token, "do": "invite", "role": "client_admin",
                                         "email": email})  # fmt: skip
        shown = reply.encoded().decode()
        assert reply.status == 422, (reply.status, reply.headers.get("Location"), shown[-800:])
        assert "Dit adres heeft al een account." in shown
        assert "De uitnodiging is verstuurd." not in shown
        assert len(people.kit.sent) == sent  # no mail
    colleague = people.kit.people.users.by_email("colleague@c1.example")
    assert colleague is not None and colleague[0].role is Role.CLIENT_STAFF  # unchanged
