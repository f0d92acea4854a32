# ruff: noqa: F811
"""misc17a 3 (attack16b F1 steps 3-4): an agency's onboarding and a verified self sign-up
told whether an address has an account at any agency, the enumeration /v1/users closed
(attack16 F2): ``POST /v1/onboarding/clients`` with another agency's person as
``first_email`` answered 422 address_has_account where a new address answered 201, and a
verified sign-up with an address registered anywhere was refused address_has_account. Now both
answer alike; the owner of the address is told by mail (as an invitation's notice), and an
agency onboarding with an address of its own people is still refused."""

from __future__ import annotations

import pytest

from shared.domain.people.accounts import UserStatus
from shared.domain.people.authorisation import Role, Target
from shared.services.people.accounts import LinkInvalid
from tests.unit.api.conftest import World, world  # noqa: F401
from tests.unit.people.conftest import link_token, make_person, tenants  # noqa: F401
from tests.unit.people.test_accounts import _defaults, _link_in, _outbox

REGISTERED = "boss@agency-b.example"  # agency B's administrator: an account
NEW = "nobody@nieuw.example"  # no account anywhere


def _onboard(world: World, number: str, email: str):  # type: ignore[no-untyped-def]
    body = {"number": number, "name": f"Nieuw {number} B.V.", "kvk_number": "12345678",
            "vat_deductible": True, "iban": "NL91ABNA0417164300", "language": "nl",
            "first_email": email, "first_mobile": "06 12345678"}  # fmt: skip
    return world.agency_a.call("POST", "/v1/onboarding/clients", body)


def _shape(body: dict) -> dict:  # type: ignore[type-arg]
    """What the answer tells, without the values that differ by request anyway."""
    user = dict(body["first_user"])
    for varies in ("id", "user_id", "client_id", "email", "created_at", "name"):
        user.pop(varies, None)
    return {"keys": sorted(body), "first_user": user}


def test_onboarding_with_another_agencys_person_answers_as_with_a_new_address(world, tenants):
    _defaults(world)
    make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), REGISTERED)
    kit = world.services.people.kit
    before = len(kit.sent)
    registered = _onboard(world, "N1", REGISTERED)
    assert registered.status == 201, registered.body  # was 422 address_has_account
    told = kit.sent[before:]
    new = _onboard(world, "N2", NEW)
    assert new.status == 201, new.body
    assert _shape(registered.body) == _shape(new.body)
    assert registered.body["first_user"]["status"] == "invited"
    # the owner gets a notice (no link), never an invitation; the new address its invitation
    (notice,) = told
    scope = registered.body["client_id"]
    message, content = _outbox(world, scope, notice)
    assert message.to == REGISTERED and "/api/console/" not in content.text
    assert "al een Inning-account" in content.text and "Nieuw N1 B.V." in content.text
    # the owner's account is untouched; the client's own row is listed, never accepted
    people = world.services.people
    owner = people.kit.people.users.by_email(REGISTERED)
    assert owner is not None and owner[0].agency_id == "agency-b"
    assert owner[0].status is UserStatus.ACTIVE
    listed = world.agency_a.call("GET", "/v1/users", client="N1")
    assert [u["email"] for u in listed.body["items"]] == [REGISTERED]


def test_a_retried_onboarding_answers_the_same_and_tells_the_owner_once(world, tenants):
    _defaults(world)
    make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), REGISTERED)
    kit = world.services.people.kit
    before = len(kit.sent)
    first = _onboard(world, "N1", REGISTERED)
    again = _onboard(world, "N1", REGISTERED)
    assert first.status == again.status == 201 and again.body == first.body
    assert len(kit.sent[before:]) == 1


def test_onboarding_with_an_address_of_the_agencys_own_people_is_still_refused(world, tenants):
    _defaults(world)
    make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "staff@c1.example")
    answer = _onboard(world, "N1", "staff@c1.example")
    assert answer.status == 422 and "address_has_account" in str(answer.body), answer.body


@pytest.mark.parametrize("registered", [True, False])
def test_a_verified_sign_up_answers_alike_and_the_owner_is_told(world, tenants, registered):
    world.services.people._signup_agency = "agency-a"  # type: ignore[attr-defined]
    _defaults(world)
    make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), REGISTERED)
    email = REGISTERED if registered else NEW
    people = world.services.people
    people.onboarding.sign_up("Eigen B.V.", "11223344", email, "0612345678", "nl", "10.0.0.7")
    token = link_token(_link_in(world, "@signup.agency-a", people.kit.sent[-1]))
    before = len(people.kit.sent)
    made = people.onboarding.verify(token)  # was: Invalid address_has_account
    (mail,) = people.kit.sent[before:]
    with pytest.raises(LinkInvalid):  # spent, as after any verification
        people.onboarding.verify(token)
    if registered:
        assert made is None  # no sandbox client for an address that has an account
        message, content = _outbox(world, "@signup.agency-a", mail)
        assert message.to == REGISTERED and "/api/console/" not in content.text
        assert "al een Inning-account" in content.text
        assert world.services.repos.clients.id_for_number("agency-a", "SU-11223344") is None
    else:
        assert made is not None and made[1].email == NEW
