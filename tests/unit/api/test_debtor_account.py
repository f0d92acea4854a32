"""iban28 (newcomer28 F2): debtors are told to pay only into an account that may be the
client's. Every reader of "the client's account" took its first registered IBAN: a pending one
while a later one was verified, and (registered at onboarding or in ``POST /v1/clients``)
another agency's third-party account, named in the same minute's reminders."""

from __future__ import annotations

import json

import pytest

from shared.api.console.refusal_text import refusal
from shared.domain.parties import Agency
from shared.services.account_ownership import debtor_account
from shared.services.dunning_account_hold import KIND
from shared.services.errors import Taken
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban, client_row, verify_ibans
from tests.unit.dunning.test_daily_run import SEEN, engine  # noqa: F401
from tests.unit.dunning.test_daily_run import simulate as _simulate

THIRD_PARTY = "NL91ABNA0417164300"  # the best-known example IBAN: agency B's own account


def _mails(world, client) -> list[str]:
    """The reminder texts the client's run sends, over the engine's first 15 days."""
    SEEN.clear()
    _simulate(world, client, 15)
    services = world.services
    texts = []
    for key in sorted(SEEN):
        texts.append(services.messaging.content(client.client_id, key).text)
    return texts


def test_a_verified_second_account_is_named_not_the_pending_first(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    pending, proven = client_iban("OTHER"), client_iban("C1")
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1", ibans=[pending, proven])]}
                  ).body["rejected"] == 0  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/ibans/decide", {"iban": proven}).body["status"] == (
        "verified"
    )
    client = world.services.repos.clients.get(client.client_id)[0]
    assert client.ibans == (pending, proven)
    assert debtor_account(world.services.repos, client) == proven
    texts = _mails(world, client)
    assert texts and all(f"IBAN {proven}" in t for t in texts), texts
    assert not any(pending in t for t in texts)


def test_a_client_whose_only_account_another_agency_proved_is_held_with_an_item(engine):  # noqa: F811
    """C1 registered agency B's third-party account before that agency claimed it (the
    refusal cannot stop a registration that came first): its debtors are told nothing."""
    world, client = engine
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1", ibans=[THIRD_PARTY])]})
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
    client = world.services.repos.clients.get(client.client_id)[0]
    assert debtor_account(world.services.repos, client) == ""
    assert _mails(world, client) == []
    items, _ = world.services.repos.actions.list(client.client_id)
    [held] = [i for i in items if i.kind == KIND]
    assert "another party's proven account" in held.title
    [shown] = world.agency_a.call("GET", "/v1/clients/C1/ibans").body["items"]
    assert (shown["status"], shown["reason"]) == ("disputed", "iban_held_elsewhere")


ONBOARD = {"number": "GROEN", "name": "Groen B.V.", "kvk_number": "27123456",
           "vat_deductible": False, "language": "nl", "first_email": "anja@groen.example",
           "first_mobile": "06 11111111"}  # fmt: skip


@pytest.mark.parametrize("whose", ["another_agency", "agency_own", "same_agency_client"])
def test_onboarding_refuses_an_account_another_party_holds(world, whose):
    """newcomer28 F2: ``POST /v1/onboarding/clients`` made GROEN with the demo agency's
    third-party account (201), and another client's verified account, across agencies and
    within one; now 409 ``iban_taken`` with the agency's words, naming nobody."""
    a = world.agency_a
    if whose == "another_agency":
        register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
        account = THIRD_PARTY
    elif whose == "agency_own":
        register_agency(world.services.repos, Agency("agency-a", "A", THIRD_PARTY))
        account = THIRD_PARTY
    else:
        a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
        verify_ibans(a, "C1")
        account = client_iban("C1")
    answer = a.call("POST", "/v1/onboarding/clients", {**ONBOARD, "iban": account})
    assert answer.status == 409, answer.body
    [detail] = answer.body["error"]["details"]
    assert detail["code"] == "iban_taken"
    assert "agency-b" not in json.dumps(answer.body) and "C1" not in json.dumps(answer.body)
    assert world.services.repos.clients.id_for_number("agency-a", "GROEN") is None
    words = refusal(Taken("", code="iban_taken", params={"iban": account}), "nl")
    assert words == f"IBAN {account} is al geregistreerd voor een andere klant of incassopartij."


def test_the_agency_adding_another_agencys_account_is_refused(world):
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    found = world.services.repos.clients.get(
        world.services.repos.clients.id_for_number("agency-a", "C1") or ""
    )
    assert found is not None
    with pytest.raises(Taken):
        world.services.client_settings.add_iban(found[0], THIRD_PARTY, by_agency=True)
    assert world.services.repos.clients.get(found[0].client_id)[0].ibans == (client_iban("C1"),)
