# ruff: noqa: F811
"""codereview16b F4: two organisations' invitations of one address accepted at the same moment
made two accounts of it. accept_invitation claimed the e-mail index (claim_email lets a holder
without a password give way) and then saved the password, and nothing checked again: A's claim,
B's whole acceptance (A still pending: the index went to B), A's save -> two rows with a
password for finance@b1.example, the index naming B's. Now the claim decides after the save
(``still_claims_email`` re-reads and rewrites the index under its ETag): one account, the
loser refused ``address_has_account`` and left an invitation nobody accepted."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.domain.people.accounts import User
from shared.domain.people.authorisation import Role, Target
from shared.services.errors import Invalid
from tests.unit.api.conftest import World, world  # noqa: F401
from tests.unit.people.conftest import PASSWORD, Tenants, link_token, tenants  # noqa: F401

VICTIM = "finance@b1.example"


def _two_invitations(world: World, tenants: Tenants) -> tuple[User, str, User, str]:
    admin = world.services.people.admin
    a, link_a = admin.invite_into(Target("agency-a", tenants.c1), VICTIM, Role.CLIENT_STAFF, "t")
    b, link_b = admin.invite_into(Target("agency-b", tenants.b1), VICTIM, Role.CLIENT_STAFF, "t")
    return a, link_token(link_a), b, link_token(link_b)


def _accounts(world: World, tenants: Tenants) -> list[User]:
    users = world.services.people.kit.people.users
    return [u for t in (("agency-a", tenants.c1), ("agency-b", tenants.b1))
            for u in users.of_tenant(*t) if u.email == VICTIM and not u.pending]  # fmt: skip


def _once(when: Callable[..., bool], then: Callable[[], object]) -> Callable[..., bool]:
    done: list[bool] = []

    def check(*args: object) -> bool:
        if not done and when(*args):
            done.append(True)
            then()
            return True
        return False

    return check


def test_the_later_claim_wins_and_the_first_saver_is_undone(world: World, tenants: Tenants) -> None:
    """A claims, B's whole acceptance runs (A still pending: B takes the index), A saves."""
    people = world.services.people
    users = people.kit.people.users
    a, token_a, b, token_b = _two_invitations(world, tenants)
    real_save = users.save
    b_accepts = _once(lambda user, etag: user.user_id == a.user_id,
                      lambda: people.accounts.accept_invitation(token_b, PASSWORD, "10.0.0.8"))  # fmt: skip
    users.save = lambda user, etag: (b_accepts(user, etag), real_save(user, etag))[1]  # type: ignore[method-assign]
    try:
        with pytest.raises(Invalid) as refused:
            people.accounts.accept_invitation(token_a, PASSWORD, "10.0.0.7")
    finally:
        users.save = real_save  # type: ignore[method-assign]
    assert refused.value.code == "address_has_account"
    assert [u.user_id for u in _accounts(world, tenants)] == [b.user_id]
    found = users.by_email(VICTIM)
    assert found is not None and found[0].user_id == b.user_id
    # A's link, opened again, is refused the same way and leaves A an invitation
    with pytest.raises(Invalid):
        people.accounts.accept_invitation(token_a, PASSWORD, "10.0.0.7")
    assert [u.user_id for u in _accounts(world, tenants)] == [b.user_id]


def test_a_claim_read_before_the_others_save_loses(world: World, tenants: Tenants) -> None:
    """B reads the index (A's, A still pending), A saves its password and confirms, then B
    replaces the index under what it read: B is refused before it saves anything."""
    people = world.services.people
    users = people.kit.people.users
    a, token_a, _, token_b = _two_invitations(world, tenants)
    real_get = users.get
    a_accepts = _once(lambda user_id: user_id == a.user_id,
                      lambda: people.accounts.accept_invitation(token_a, PASSWORD, "10.0.0.7"))  # fmt: skip

    def get_then_a_accepts(user_id: str) -> tuple[User, str] | None:
        found = real_get(user_id)  # B's claim sees A pending ...
        a_accepts(user_id)  # ... and A's acceptance finishes before B writes the index
        return found

    users.get = get_then_a_accepts  # type: ignore[method-assign]
    try:
        with pytest.raises(Invalid) as refused:
            people.accounts.accept_invitation(token_b, PASSWORD, "10.0.0.8")
    finally:
        users.get = real_get  # type: ignore[method-assign]
    assert refused.value.code == "address_has_account"
    assert [u.user_id for u in _accounts(world, tenants)] == [a.user_id]
    found = users.by_email(VICTIM)
    assert found is not None and found[0].user_id == a.user_id


def test_one_acceptance_alone_is_unchanged(world: World, tenants: Tenants) -> None:
    people = world.services.people
    a, token_a, _, token_b = _two_invitations(world, tenants)
    people.accounts.accept_invitation(token_a, PASSWORD, "10.0.0.7")
    with pytest.raises(Invalid):
        people.accounts.accept_invitation(token_b, PASSWORD, "10.0.0.8")
    assert [u.user_id for u in _accounts(world, tenants)] == [a.user_id]


def test_a_loser_cut_before_its_undo_is_undone_when_its_link_is_opened_again(
    world: World, tenants: Tenants
) -> None:
    """A's password saved, the request cut before its check (B holds the index): A's row
    stood as a second account; the link opened again takes its password back."""
    from dataclasses import replace

    people = world.services.people
    users = people.kit.people.users
    a, token_a, b, token_b = _two_invitations(world, tenants)
    people.accounts.accept_invitation(token_b, PASSWORD, "10.0.0.8")
    found = users.get(a.user_id)
    assert found is not None
    users.save(replace(found[0], password_hash="cut-before-its-check"), found[1])
    assert len(_accounts(world, tenants)) == 2  # what the cut leaves
    with pytest.raises(Invalid) as refused:
        people.accounts.accept_invitation(token_a, PASSWORD, "10.0.0.7")
    assert refused.value.code == "address_has_account"
    assert [u.user_id for u in _accounts(world, tenants)] == [b.user_id]
