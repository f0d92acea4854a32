# ruff: noqa: F811
"""Self sign-up: a KvK number is a claim, and one mailbox gets a bounded number of mails.

F4 (attack16): someone signed up "Bakkerij Jansen B.V." with the bakery's KvK number 87654321
from his own address and got client SU-87654321; the bakery's own sign-up was then refused
``client_number_taken``. Now the second sign-up gets a number of its own (SU-87654321-<6>,
the same on a retry) and both sandbox clients carry an action item naming the other.

F6 (attack16): the form mailed one address 5 times per caller address an hour (4 callers: 20
mails with the sender's text). Now one mailbox gets at most
SIGNUP_MAILS_PER_RECIPIENT_PER_HOUR, whatever the callers' addresses, silently."""

from __future__ import annotations

import json

from shared.domain.people.authorisation import Role, Target
from shared.domain.people.tokens import Purpose
from shared.services.people.onboarding import (
    SIGNUP_MAILS_PER_RECIPIENT_ALL_PER_HOUR,
    SIGNUP_MAILS_PER_RECIPIENT_PER_HOUR,
)
from tests.unit.api.conftest import (
    World,
    world,  # noqa: F401
)
from tests.unit.people.conftest import (
    link_token,
    make_person,
    session_call,
    tenants,  # noqa: F401
)
from tests.unit.people.test_accounts import _defaults, _link_in

KVK = "87654321"


def _open(world: World) -> None:
    world.services.people._signup_agency = "agency-a"  # type: ignore[attr-defined]
    _defaults(world)


def _signed_up(world: World, company: str, email: str, source: str):  # type: ignore[no-untyped-def]
    people = world.services.people
    people.onboarding.sign_up(company, KVK, email, "0612345678", "nl", source)
    token = link_token(_link_in(world, "@signup.agency-a", people.kit.sent[-1]))
    signup_id = people.accounts.peek_link(token, Purpose.SIGNUP).subject
    return people.onboarding.verify(token), signup_id


def _kinds(world: World, client_id: str) -> list[tuple[str, object]]:
    """The items but each sign-up's own "waits for approval" (test_signup_waiting_item.py)."""
    items, _ = world.services.repos.actions.list(client_id)
    return [(i.kind, i.detail.get("client")) for i in items if i.kind != "signup_waiting"]


def test_a_kvk_number_named_first_by_someone_else_does_not_refuse_the_company(world, tenants):
    _open(world)
    (squatter, _), _ = _signed_up(
        world, "Bakkerij Jansen B.V.", "iemand@elders.example", "10.0.0.66"
    )
    assert squatter.number == f"SU-{KVK}"
    (company, user), signup_id = _signed_up(world, "Bakkerij Jansen B.V.",
                                        "info@bakkerijjansen.example", "10.0.0.7")  # fmt: skip
    assert company.client_id != squatter.client_id and company.sandbox
    assert company.number.startswith(f"SU-{KVK}-") and company.kvk_number == KVK
    assert user.email == "info@bakkerijjansen.example" and user.client_id == company.client_id
    # the agency sees, in its own list, that two sign-ups name the number; neither client
    # reads the other's name, number or address (attack16b F3, codereview16 F3)
    assert _kinds(world, "@agency-a") == [("signup_kvk_shared", company.number)]
    item = world.services.repos.actions.list("@agency-a", kind="signup_kvk_shared")[0][0]
    assert item.detail["earlier"] == squatter.number and "iemand@elders.example" in item.title
    # both names quoted as the sign-ups' words (notice24), never read as the title's own parts
    assert item.title.startswith(
        f"KvK number {KVK} is named by sign-up {company.number} (“Bakkerij Jansen B.V.”, "
    )
    assert f"earlier by client {squatter.number} (“Bakkerij Jansen B.V.”, " in item.title
    assert _kinds(world, company.client_id) == [] and _kinds(world, squatter.client_id) == []
    # the verification again (as a retry of one a storage fault cut off before the link was
    # spent): the same client, told once
    people = world.services.people
    again, _ = people.onboarding.verify(people.accounts.issue_link(Purpose.SIGNUP, signup_id))
    assert again.client_id == company.client_id
    assert len(_kinds(world, "@agency-a")) == 1


def test_a_later_sign_up_reads_nothing_of_the_earlier_company(world, tenants):
    """attack16b F3 / codereview16 F3: the newcomer's own administrator lists his client's
    actions: nothing names the earlier sign-up (its name, number or address)."""
    _open(world)
    (company, _), _ = _signed_up(world, "Bakkerij Jansen B.V.", "eigenaar@bakkerij.example",
                                 "10.0.0.7")  # fmt: skip
    (snoop, _), _ = _signed_up(world, "Wie dan ook", "snoop@elders.example", "10.0.0.66")
    me = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", snoop.client_id),
                     "snoop2@elders.example")  # fmt: skip
    answer = session_call(world, me.signed, "GET", f"/v1/clients/{snoop.number}/actions")
    assert answer.status == 200, answer.body
    text = json.dumps(answer.body, default=str)
    for told in ("eigenaar@bakkerij.example", "Bakkerij Jansen", company.number + '"'):
        assert told not in text, text


def test_one_mailbox_gets_a_bounded_number_of_sign_up_mails(world, tenants):
    _open(world)
    people = world.services.people
    before = len(people.kit.sent)
    for source in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"):
        for n in range(5):
            people.onboarding.sign_up(f"Bedrijf {n}", f"8765432{n}", "victim@bedrijf.example",
                                      "0612345678", "nl", source)  # fmt: skip
    # 3 a caller, at most 10 from all of them (attack16b F2: one caller's 3 kept the rest out)
    assert SIGNUP_MAILS_PER_RECIPIENT_PER_HOUR == 3
    assert len(people.kit.sent) - before == SIGNUP_MAILS_PER_RECIPIENT_ALL_PER_HOUR  # of 20
    # another mailbox is not held back by it; an hour later the victim may sign up again
    people.onboarding.sign_up("Ander B.V.", KVK, "ander@bedrijf.example", "0612345678", "nl",
                              "198.51.100.9")  # fmt: skip
    world.clock.advance(hours=1)
    people.onboarding.sign_up("Bedrijf B.V.", KVK, "victim@bedrijf.example", "0612345678", "nl",
                              "198.51.100.9")  # fmt: skip
    assert len(people.kit.sent) - before == SIGNUP_MAILS_PER_RECIPIENT_ALL_PER_HOUR + 2
