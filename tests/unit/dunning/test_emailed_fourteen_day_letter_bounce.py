"""A 14-day letter sent by e-mail (`letter_by: email`) starts the e-mail's costs term, and a
real bounce of it clears exactly that term (attack5 finding 10): the run set the posted
letter's term (two days later) while the undo looked for the e-mail's, so the costs stayed
although the item said they were cleared."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from shared.domain.messaging import Channel, OutboxStatus
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day
from tests.unit.dunning.test_undelivered_fourteen_day_letter import WORKFLOW as POSTED

WORKFLOW = copy.deepcopy(POSTED)
WORKFLOW["steps"][0]["letter_by"] = "email"  # type: ignore[index]


def test_an_emailed_fourteen_day_letter_that_bounces_clears_its_costs_term(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)  # Monday
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    day(world, client)
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert message.channel is Channel.EMAIL
    # e-mailed Mon 03-03, received the same day: the term runs 03-04 .. 03-17, costs from 03-18
    before = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    assert before["costs_owed_from"] == "2025-03-18"
    world.clock.at = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    messaging = world.services.messaging
    assert messaging.record_status(message.provider, message.provider_id, OutboxStatus.BOUNCED,
                                   "550 5.1.1 mailbox unknown")  # fmt: skip
    for n in range(5, 32):  # the daily runs to 1 April
        world.clock.at = datetime(2025, 3, n, 6, 0, tzinfo=UTC)
        day(world, client)
    after = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    assert after.get("costs_owed_from") is None and after["open"]["costs"] == "0.00"
    items = [i["title"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
             if i["kind"] == "delivery_failure"]  # fmt: skip
    assert len(items) == 1 and "costs term is cleared" in items[0]
