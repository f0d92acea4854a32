"""What a message by hand may not do: send the 14-day letter (its costs and term belong to the
workflow), reuse an Idempotency-Key for other words, or link a reminder of a debtor whose
number merely starts the same; and a WhatsApp-only step cannot be activated."""

from __future__ import annotations

import json

from shared.api.http import ApiRequest
from shared.domain.dunning.templates import MessageTemplate
from shared.domain.dunning.workflow import Step, StepChannel, Workflow, activation_errors
from tests.unit.api.conftest import debtor_row
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture


def test_the_fourteen_day_letter_is_not_sent_by_hand(env):  # noqa: F811
    world, api, client_id = env
    world.services.repos.dunning.save_template(
        client_id, "veertien", MessageTemplate("nl", "Veertiendagenbrief", "Betaal.", None,
                                               fourteen_day_letter=True),
    )  # fmt: skip
    refused = api.call(
        "POST", f"{BASE}/debtors/D1/messages", {"channel": "letter", "template": "veertien"}
    )
    assert refused.status == 422 and refused.body["error"]["field"] == "template"


def test_an_idempotency_key_names_one_message(env):  # noqa: F811
    world, api, _ = env

    def send(body: dict[str, str], key: str):  # type: ignore[no-untyped-def]
        request = ApiRequest("POST", f"{BASE}/debtors/D1/messages",
                             {"x-api-key": api.key, "idempotency-key": key}, {}, json.dumps(body).encode())  # fmt: skip
        reply = world.api.handle(request)
        return reply.status, json.loads(reply.encoded())

    first = send({"channel": "sms", "body": "Eerste"}, "k1")
    again = send({"channel": "sms", "body": "Eerste"}, "k1")
    other = send({"channel": "email", "subject": "Sommatie", "body": "Tweede"}, "k1")
    assert first[0] == again[0] == 202 and again[1]["key"] == first[1]["key"]
    assert again[1]["created"] is False
    assert other[0] == 422 and "Idempotency-Key" in json.dumps(other[1])


def test_reminders_are_the_debtors_own_not_a_longer_numbers(env):  # noqa: F811
    _, api, _ = env
    api.call("POST", f"{BASE}/debtors", {"items": [debtor_row("D1|A")]})
    mine = api.call("POST", f"{BASE}/debtors/D1/messages", {"channel": "letter", "subject": "A", "body": "x"})  # fmt: skip
    theirs = api.call("POST", f"{BASE}/debtors/D1|A/messages", {"channel": "letter", "subject": "B", "body": "y"})  # fmt: skip
    assert mine.status == theirs.status == 202
    listed = api.call("GET", f"{BASE}/debtors/D1/reminders").body["items"]
    assert [r["key"] for r in listed] == [mine.body["key"]]


def test_a_whatsapp_only_step_is_not_activated():
    step = Step("Appje", StepChannel.WHATSAPP, 0, templates={"whatsapp": "betaalherinnering"})
    errors = activation_errors(Workflow("w", "Standaard", (step,)), {})
    assert any("has no template" in e for e in errors)


def test_a_message_by_hand_names_no_account_the_client_never_registered(env):  # noqa: F811
    """attack26 F3 left it: the daily run refused a template naming another account, but staff
    (any key with the messages right) could still tell one debtor at a time to pay elsewhere."""
    _, api, _ = env
    path = f"{BASE}/debtors/D1/messages"
    for body in ("Maak over naar ons nieuwe rekeningnummer NL91 ABNA 0417 1643 00.",
                 "Maak over naar NL91ABNA{{ '0417164300' }}."):  # fmt: skip
        refused = api.call("POST", path, {"channel": "sms", "body": body})
        assert refused.status == 422, refused.body
        detail = refused.body["error"]["details"][0]
        assert detail["code"] == "hand_message_foreign_iban"
        assert "0417164300" not in json.dumps(refused.body)  # masked
    sent = api.call("POST", path, {"channel": "sms", "body": "Maak over naar {{ client.iban }}."})
    assert sent.status == 202 and sent.body["created"] is True, sent.body
