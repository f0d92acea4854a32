"""An invitation ends with its inviter's right to invite (attack26 F5): a leaving agency
admin invited a private address as agency admin, was deactivated (sessions and keys ended,
attack24 F11, attack26 F1/F2), and the invitation still made an agency admin of whoever held
the link for 72 hours. Now the acceptance asks whether the person who invited may still
invite there: deactivated, or no longer an administrator, the link is refused. Invited again
by someone who may, the same address gets in."""

from __future__ import annotations

import pytest

from shared.domain.people.authorisation import Role, Target
from shared.services.people.accounts import LinkInvalid
from tests.unit.api.conftest import World
from tests.unit.people.conftest import PASSWORD, Tenants, link_token, make_person, session_call

AGENCY = Target("agency-a", None)


def test_a_leavers_invitation_dies_with_their_access(world: World, tenants: Tenants) -> None:
    people = world.services.people
    boss = make_person(world, Role.AGENCY_ADMIN, AGENCY, "boss@agency-a.example")
    leaver = make_person(world, Role.AGENCY_ADMIN, AGENCY, "gone@agency-a.example")
    _, kept = people.admin.invite_into(AGENCY, "friend@private.example", Role.AGENCY_ADMIN,
                                       leaver.user_id)  # fmt: skip
    _, demoted_link = people.admin.invite_into(AGENCY, "pal@private.example", Role.AGENCY_STAFF,
                                               leaver.user_id)  # fmt: skip
    done = session_call(world, boss.signed, "POST", f"/v1/users/{leaver.user_id}/deactivate")
    assert done.status == 200
    with pytest.raises(LinkInvalid):
        people.accounts.accept_invitation(link_token(kept), PASSWORD, "10.9.9.9")
    with pytest.raises(LinkInvalid):
        people.accounts.accept_invitation(link_token(demoted_link), PASSWORD, "10.9.9.9")
    # invited again by the boss, the address gets in
    _, again = people.admin.invite_into(AGENCY, "friend@private.example", Role.AGENCY_STAFF,
                                        boss.user_id)  # fmt: skip
    signed = people.accounts.accept_invitation(link_token(again), PASSWORD, "10.0.0.7")
    assert signed.user.role is Role.AGENCY_STAFF


def test_an_inviter_no_longer_an_admin(world: World, tenants: Tenants) -> None:
    people = world.services.people
    boss = make_person(world, Role.AGENCY_ADMIN, AGENCY, "boss@agency-a.example")
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "a@c1.example")
    _, link = people.admin.invite_into(Target("agency-a", tenants.c1), "b@c1.example",
                                       Role.CLIENT_ADMIN, admin.user_id)  # fmt: skip
    body = b'{"role": "client_staff"}'
    assert (
        session_call(world, boss.signed, "POST", f"/v1/users/{admin.user_id}/role", body).status
        == 200
    )
    with pytest.raises(LinkInvalid):
        people.accounts.accept_invitation(link_token(link), PASSWORD, "10.9.9.9")
