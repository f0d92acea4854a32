"""A workflow's WhatsApp step sends the approved template with its parameters and the payment
link in its button, in the approved language (``DunningService._send`` used to set the
template's name only); a step whose template is not described is refused on the action list
instead of sending a template Meta would reject."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row

WORKFLOW = {
    "name": "WhatsApp",
    "steps": [{"name": "Appje", "channel": "whatsapp", "offset_days": 3,
               "templates": {"nl": "t-wa", "whatsapp": "betaalherinnering"}}],
}  # fmt: skip


def _setup(world, describe: bool):
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row("D1", whatsapp_consent=True, language="en")]},
    )
    assert (
        a.call(
            "PUT",
            "/v1/clients/C1/templates/t-wa",
            {"language": "nl", "text": "Open: {{ total|money }}"},
        ).status
        == 200
    )
    assert a.call("PUT", "/v1/clients/C1/workflows/wa", WORKFLOW).status == 200
    activated = a.call("POST", "/v1/clients/C1/workflows/wa/activate")
    assert activated.status == 200, activated.body
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "wa"}]})
    if describe:
        base = world.services.settings.public_base_url
        reply = a.call("PUT", "/v1/clients/C1/whatsapp-templates/betaalherinnering",
                       {"languages": ["nl", "en_US"], "body_params": ["debtor.name", "invoices|length"],
                        "url_button_base": f"{base}/api/p/"})  # fmt: skip
        assert reply.status == 200, reply.body
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F1", "D1", due_date="2025-02-20")]},
    )
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.services.dunning.run_client(client.client_id, date(2025, 3, 3))
    return client.client_id


def test_the_workflow_step_carries_parameters_and_the_payment_link(world):
    client_id = _setup(world, describe=True)
    records, _ = world.services.messaging.outbox.list(client_id)
    assert len(records) == 1 and records[0].key.startswith("dun|")
    content = world.services.messaging.content(client_id, records[0].key)
    assert content.template == "betaalherinnering" and content.language == "en_US"
    assert content.template_params == ("Debtor D1", "1")
    assert content.template_button and content.template_button.endswith("/pay")
    token = content.template_button.removesuffix("/pay")
    assert world.services.portal_links.check(token).debtor_number == "D1"


def test_an_undescribed_whatsapp_template_is_refused_on_the_action_list(world):
    client_id = _setup(world, describe=False)
    records, _ = world.services.messaging.outbox.list(client_id)
    assert records == []
    actions, _ = world.services.repos.actions.list(client_id)
    assert any(
        a.kind == "dunning_failure" and "betaalherinnering is not described" in a.title
        for a in actions
    )
