"""heldplan31: the daily run holds a client with no bank account of its own, but staff could
still send one debtor a message by hand that names the client's account: "{{ client.iban }}"
read nothing (or, typed, another party's proven account passed the check, as every
registered IBAN counted as the client's). Now refused with the hold's words; a message that
asks no payment still goes."""

from __future__ import annotations

from shared.api.console.refusal_text import refusal
from shared.domain.parties import Agency
from shared.services.errors import Invalid
from shared.services.onboarding import register_agency
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture

THIRD_PARTY = "NL91ABNA0417164300"  # agency B's own account, registered for C1 before B's


def _only_another_partys_account(world, api) -> None:
    api.call("POST", "/v1/clients", {"items": [{"number": "C1", "ibans": [THIRD_PARTY]}]})
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))


def test_a_message_naming_the_account_is_refused_one_asking_nothing_goes(env):  # noqa: F811
    world, api, _ = env
    _only_another_partys_account(world, api)
    path = f"{BASE}/debtors/D1/messages"
    refused = api.call(
        "POST", path, {"channel": "sms", "body": "Maak over naar {{ client.iban }}."}
    )
    assert refused.status == 422, refused.body
    [detail] = refused.body["error"]["details"]
    assert (detail["code"], detail["field"]) == ("no_bank_account", "ibans")
    words = refusal(Invalid("", code="no_bank_account", params={"client": "C1"}), "nl")
    assert words.startswith("Klant C1 heeft geen eigen bankrekening")
    typed = api.call("POST", path, {"channel": "sms", "body": f"Maak over naar {THIRD_PARTY}."})
    assert typed.status == 422
    assert typed.body["error"]["details"][0]["code"] == "hand_message_foreign_iban"
    sent = api.call("POST", path, {"channel": "sms", "body": "Wij hebben uw brief ontvangen."})
    assert sent.status == 202, sent.body


def test_the_dispute_end_notice_still_goes_without_an_account_line(world):
    """Its payment line is shown only with an account (``{% if client.iban %}``): the
    dispute ends and the debtor is told, naming no account, not refused."""
    from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed, _notices

    client = _disputed(world, "b2c", language="nl")
    _only_another_partys_account(world, world.agency_a)
    assert world.agency_a.call("POST", END, {"message": "Geleverd op 3-12"}).status == 200
    (notice,) = _notices(world, client)
    text = str(world.services.messaging.content_of(notice).text)
    assert "Open op deze factuur" in text and "Maak het over" not in text
    assert THIRD_PARTY not in text


def test_a_sandbox_client_is_not_refused(env):  # noqa: F811
    """review31: a sandbox client's messages reach only its own test address, no debtor; it
    is neither held nor refused without an account of its own (dunning_account_hold)."""
    world, api, _ = env
    body = {"number": "C1", "ibans": [THIRD_PARTY], "sandbox": True,
            "sandbox_email": "test@bakkerij.example"}  # fmt: skip
    assert api.call("POST", "/v1/clients", {"items": [body]}).status == 200
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
    path = f"{BASE}/debtors/D1/messages"
    sent = api.call("POST", path, {"channel": "sms", "body": "Maak over naar {{ client.iban }}."})
    assert sent.status == 202, sent.body
