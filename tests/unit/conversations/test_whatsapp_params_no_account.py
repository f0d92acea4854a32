"""An approved WhatsApp template's parameters name no account but the client's or the agency's
(people27 F4): a client's staff key described ``"NL20INGB0001234567"`` as a parameter (200),
sent it by hand (202) and the daily run's WhatsApp step would have put it in every debtor's
message; the foreign-account check (attack26 F3) read the text, never the parameters."""

from __future__ import annotations

from datetime import date

from shared.domain.conversations.whatsapp import WhatsappTemplate
from tests.unit.conversations import test_workflow_whatsapp as workflow
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture

FOREIGN = '"NL20-INGB-0001-2345-67"'


def test_a_description_naming_an_account_is_refused(env):  # noqa: F811
    world, api, _ = env
    base = world.services.settings.public_base_url
    put = api.call("PUT", f"{BASE}/whatsapp-templates/betaal",
                   {"languages": ["nl"], "body_params": ["debtor.name", FOREIGN],
                    "url_button_base": f"{base}/api/p/"})  # fmt: skip
    assert put.status == 422, put.body
    assert put.body["error"]["details"][0]["code"] == "tpl_foreign_iban"
    assert "0001234567" not in str(put.body)


def test_a_description_kept_from_before_is_not_sent_by_hand(env):  # noqa: F811
    world, api, client_id = env
    world.services.by_hand.conversations.save_whatsapp_template(
        client_id, WhatsappTemplate("betaal", ("nl",), ("debtor.name", FOREIGN))
    )
    sent = api.call("POST", f"{BASE}/debtors/D1/messages",
                    {"channel": "whatsapp", "whatsapp_template": "betaal"})  # fmt: skip
    assert sent.status == 422, sent.body
    assert sent.body["error"]["details"][0]["code"] == "hand_message_foreign_iban"


def test_the_daily_run_sends_no_parameter_naming_an_account(world):
    """The step's description saved before the check: the run refuses it on the action list."""
    client_id = workflow._setup(world, describe=False)  # refused: not described yet
    world.services.by_hand.conversations.save_whatsapp_template(
        client_id, WhatsappTemplate("betaalherinnering", ("nl", "en_US"), ("debtor.name", FOREIGN))
    )
    world.services.dunning.run_client(client_id, date(2025, 3, 4))
    records, _ = world.services.messaging.outbox.list(client_id)
    assert records == []
    actions, _ = world.services.repos.actions.list(client_id)
    assert any(a.kind == "dunning_failure" and "NL20****4567" in a.title for a in actions), [
        a.title for a in actions
    ]
