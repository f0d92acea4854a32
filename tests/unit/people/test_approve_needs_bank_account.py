"""A signed-up business is approved only with a bank account (newcomer20 F1): the sign-up asks
for none, and the starter reminder's "Wilt u dit overmaken naar {{ client.iban }}" went to
debtors as "overmaken naar ?" the morning after the approval."""

from __future__ import annotations

from shared.api.console.refusal_text import refusal
from shared.services.errors import Invalid
from tests.unit.people.conftest import link_token
from tests.unit.people.test_accounts import _defaults, _link_in


def _signed_up(world):  # type: ignore[no-untyped-def]
    people = world.services.people
    people._signup_agency = "agency-a"
    _defaults(world)
    people.onboarding.sign_up(
        "De Linde B.V.", "61234567", "debiteuren@delinde.example", "0612345678", "nl", "10.0.0.1"
    )
    link = _link_in(world, "@signup.agency-a", people.kit.sent[-1])
    client, _ = people.onboarding.verify(link_token(link))
    return client


def test_approval_without_a_bank_account_is_refused_and_says_what_to_do(world, tenants):
    client = _signed_up(world)
    assert client.ibans == ()
    answer = world.agency_a.call("POST", f"/v1/clients/{client.number}/approve")
    assert answer.status == 422
    (detail,) = answer.body["error"]["details"]
    assert detail["code"] == "approve_without_bank_account" and detail["field"] == "ibans"
    assert "register the account first" in answer.body["error"]["message"]
    assert world.services.repos.clients.get(client.client_id)[0].sandbox is True
    said = Invalid("", code=detail["code"], params={"number": client.number})
    words = refusal(said, "nl")
    assert words.startswith(f"Klant {client.number} heeft nog geen bankrekening")
    assert "Instellingen, Bankrekeningen" in words


def test_approval_once_the_client_registered_its_account(world, tenants):
    client = _signed_up(world)
    world.services.client_settings.add_iban(client, "NL77 ABNA 0574 9087 65", by_agency=False)
    answer = world.agency_a.call("POST", f"/v1/clients/{client.number}/approve")
    assert answer.status == 200 and answer.body["sandbox"] is False
    approved = world.services.repos.clients.get(client.client_id)[0]
    assert approved.ibans == ("NL77ABNA0574908765",) and not approved.sandbox


def test_approving_again_answers_200_as_the_openapi_document_says(world, tenants):
    """The document listed a 409 "not in sandbox mode" the route never answered (newcomer20)."""
    client = _signed_up(world)
    world.services.client_settings.add_iban(client, "NL77ABNA0574908765", by_agency=False)
    path = f"/v1/clients/{client.number}/approve"
    assert [world.agency_a.call("POST", path).status for _ in range(2)] == [200, 200]
    document = world.agency_a.call("GET", "/v1/openapi.json").body
    responses = document["paths"]["/v1/clients/{client}/approve"]["post"]["responses"]
    assert "409" not in responses and "422" in responses
