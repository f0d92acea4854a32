"""An invitation cut short by a storage fault can be sent again (review failure7, finding 8).

The invitation writes the address's index row, the tenant's list, the user, then the link. A
fault after the index row left an address nobody could ever invite again ("already has an
account", with no account); a fault after the user left an invited user whose link was never
mailed, and inviting again was refused."""

from __future__ import annotations

import pyotp
import pytest
from azure.core.exceptions import HttpResponseError

from shared.domain.people.accounts import UserStatus
from shared.domain.people.authorisation import Role, Target
from shared.services.errors import Invalid
from shared.services.people.admin import AlreadyAnAccount
from tests.support.faults import FaultPlan
from tests.unit.people.conftest import link_token
from tests.unit.people.cut_off import fault_services

AGENCY = Target("agency-a", None)
OTHER = Target("agency-b", None)
EMAIL = "new@agency.example"


@pytest.fixture
def world():
    plan = FaultPlan(enabled=True)
    services, clock = fault_services(plan, "agency-a", "agency-b")
    return services, plan, clock


def _invitation_works(services, link: str, clock) -> None:
    accounts = services.people.accounts
    enrolling = accounts.accept_invitation(link_token(link), "paard batterij nietje", "10.0.0.1")
    secret, _, _ = accounts.start_totp(enrolling)
    accounts.confirm_totp(enrolling, pyotp.TOTP(secret).at(clock.now()), "10.0.0.1")
    found = services.people.kit.people.users.by_email(EMAIL)
    assert found is not None and found[0].status is UserStatus.ACTIVE


def test_an_invitation_cut_before_its_user_was_written_can_be_sent_again(world):
    services, plan, clock = world
    admin = services.people.admin
    plan.rule(lambda op, t: op == "insert" and t == "Users", "http500")
    with pytest.raises(HttpResponseError):
        admin.invite_into(AGENCY, EMAIL, Role.AGENCY_ADMIN, "admin")
    plan.rules.clear()
    # at once: it may still be an invitation being written, so it is refused, saying why
    with pytest.raises(AlreadyAnAccount, match="being invited"):
        admin.invite_into(AGENCY, EMAIL, Role.AGENCY_ADMIN, "admin")
    clock.advance(minutes=6)
    _, link = admin.invite_into(AGENCY, EMAIL, Role.AGENCY_ADMIN, "admin")
    assert [u.email for u in services.people.kit.people.users.of_tenant("agency-a", None)] == [
        EMAIL
    ]
    _invitation_works(services, link, clock)


def test_an_invitation_cut_before_its_link_can_be_sent_again_at_once(world):
    services, plan, clock = world
    admin = services.people.admin
    plan.rule(lambda op, t: op == "insert" and t == "LinkTokens", "http500")
    with pytest.raises(HttpResponseError):
        admin.invite_into(AGENCY, EMAIL, Role.AGENCY_STAFF, "admin")
    plan.rules.clear()
    sent = len(services.people.kit.sent)
    user, link = admin.invite_into(AGENCY, EMAIL, Role.AGENCY_ADMIN, "admin")
    assert len(services.people.kit.sent) == sent + 1  # the invitation mail, once
    assert user.role is Role.AGENCY_ADMIN  # the role asked the second time
    assert len(services.people.kit.people.users.of_tenant("agency-a", None)) == 1
    _invitation_works(services, link, clock)


def test_an_invitation_elsewhere_holds_nothing_and_an_account_is_refused(world):
    """attack16b F1: another organisation's invitation nobody accepted no longer refuses
    this one (it held the address for good); the owner's acceptance binds the address, and
    then the other invitation is refused at acceptance and a new one raises."""
    services, _, clock = world
    admin = services.people.admin
    _, squat = admin.invite_into(OTHER, EMAIL, Role.AGENCY_ADMIN, "admin")
    clock.advance(days=1)
    user, link = admin.invite_into(AGENCY, EMAIL, Role.AGENCY_ADMIN, "admin")
    assert user.tenant == AGENCY and link
    _invitation_works(services, link, clock)
    with pytest.raises(Invalid, match="already has an account"):
        services.people.accounts.accept_invitation(link_token(squat), "paard batterij nietje",
                                                   "10.0.0.1")  # fmt: skip
    with pytest.raises(AlreadyAnAccount, match="already has an account"):
        admin.invite_into(OTHER, EMAIL, Role.AGENCY_ADMIN, "admin")
    with pytest.raises(AlreadyAnAccount, match="already has an account"):
        admin.invite_into(AGENCY, EMAIL, Role.AGENCY_ADMIN, "admin")
