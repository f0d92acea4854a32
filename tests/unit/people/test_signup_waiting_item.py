"""The agency is told a sign-up waits (newcomer20 F8): a verified sign-up puts one item on the
agency's own list, naming the business, its KvK number and that approving needs its bank
account; approving or refusing (deactivating) it ends the item; a retried verification adds
none. Before, the business waited in sandbox mode unseen (`GET /v1/actions` empty)."""

from __future__ import annotations

from shared.api.console import action_text
from shared.domain.people.tokens import Purpose
from shared.domain.quoted import quoted
from shared.domain.records import ActionStatus
from tests.unit.people.conftest import link_token
from tests.unit.people.test_accounts import _defaults, _link_in


def _signed_up(world, company="Kwekerij Zon B.V.", kvk="71234568"):  # type: ignore[no-untyped-def]
    people = world.services.people
    people._signup_agency = "agency-a"
    _defaults(world)
    people.onboarding.sign_up(company, kvk, "info@zon.example", "0612345678", "nl", "10.0.0.1")
    token = link_token(_link_in(world, "@signup.agency-a", people.kit.sent[-1]))
    signup_id = people.accounts.peek_link(token, Purpose.SIGNUP).subject
    client, _ = people.onboarding.verify(token)
    return client, signup_id


def _waiting(world):  # type: ignore[no-untyped-def]
    items, _ = world.services.repos.actions.list("@agency-a", kind="signup_waiting")
    return items


def test_a_verified_sign_up_waits_on_the_agencys_list_once(world, tenants):
    client, signup_id = _signed_up(world)
    (item,) = _waiting(world)
    assert item.status is ActionStatus.OPEN
    assert item.detail == {"client": client.number, "kvk_number": "71234568",
                           "email": "info@zon.example"}  # fmt: skip
    assert "Kwekerij Zon B.V." in item.title and "KvK 71234568" in item.title
    assert "bank account" in item.title
    # the agency's API list shows it
    listed = world.agency_a.call("GET", "/v1/actions").body["items"]
    assert [i["kind"] for i in listed if i["kind"] == "signup_waiting"] == ["signup_waiting"]
    # in Dutch on the console
    dutch = action_text.title(item.title, "nl")
    assert dutch.startswith(
        f"Aanmelding {client.number} wacht op goedkeuring: e-mailadres info@zon.example "
        "bevestigd; opgegeven door de aanmelder, niet gecontroleerd: KvK 71234568, bedrijfsnaam "
        "“Kwekerij Zon B.V.”. Tot dan bereikt niets haar debiteuren."
    )
    assert "Instellingen, Bankrekeningen" in dutch
    assert action_text.kind_label("signup_waiting", "nl") == "Aanmelding wacht op goedkeuring"
    # the verification again (a retry after a cut-off): no second item
    people = world.services.people
    people.onboarding.verify(people.accounts.issue_link(Purpose.SIGNUP, signup_id))
    assert len(_waiting(world)) == 1


def test_approval_ends_the_item(world, tenants):
    client, _ = _signed_up(world)
    refused = world.agency_a.call("POST", f"/v1/clients/{client.number}/approve")
    assert refused.status == 422  # no bank account yet: it still waits
    assert _waiting(world)[0].status is ActionStatus.OPEN
    world.services.client_settings.add_iban(client, "NL77ABNA0574908765", by_agency=False)
    assert world.agency_a.call("POST", f"/v1/clients/{client.number}/approve").status == 200
    (item,) = _waiting(world)
    assert item.status is ActionStatus.RESOLVED and item.resolution.startswith("approved by ")


def test_refusing_by_deactivating_ends_the_item(world, tenants):
    client, _ = _signed_up(world)
    assert world.agency_a.call("POST", f"/v1/clients/{client.number}/deactivate").status == 200
    (item,) = _waiting(world)
    assert item.status is ActionStatus.RESOLVED and item.resolution.startswith("refused")


def test_a_name_cannot_pass_for_a_kvk_number_or_address_in_the_title(world, tenants):
    """attack23: the name "X, KvK 12345678, boss@real.nl" led the title ("Sign-up SU-… (X, KvK
    12345678, boss@real.nl, KvK 71234568, …)"), a fake KvK number and address first. Now
    the verified address and the given KvK number come first, each said for what it is, and
    the name is quoted as the sign-up's words, direction marks blanked, bounded."""
    name = "X, KvK 12345678, boss@real.nl\u200f\u061c " + "Y" * 150 + " “end”"
    client, _ = _signed_up(world, company=name)
    (item,) = _waiting(world)
    assert item.title.startswith(
        f"Sign-up {client.number} waits for approval: e-mail address info@zon.example "
        "verified; given by the sign-up, not checked: KvK 71234568, company name “X, KvK "
        "12345678, boss@real.nl " + "Y" * 49 + "…”. Nothing reaches"
    )
    assert "\u200f" not in item.title and "\u061c" not in item.title
    dutch = action_text.title(item.title, "nl")
    assert "bedrijfsnaam “X, KvK 12345678, boss@real.nl YYY" in dutch
    # a quote mark in the name does not close the quotation early
    assert quoted("A” KvK 1 “B") == "“A' KvK 1 'B”"
