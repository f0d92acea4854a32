"""attack18 F4: anyone can write to the business's WhatsApp number, and every message was an
action item: 500 messages from one stranger's number made 500 ``unassigned_whatsapp`` items
on the operator's platform list (a debtor's, 500 ``debtor_reply`` items on his client's). Now
one number raises at most WHATSAPP_ITEMS_PER_NUMBER_PER_DAY items a day; a debtor's words
beyond them are still on his contact log, a webhook delivered twice counts once, the next day
counts anew."""

from __future__ import annotations

import logging
from datetime import timedelta

from shared.services.messaging import WHATSAPP_ITEMS_PER_NUMBER_PER_DAY as LIMIT
from shared.services.poison import PLATFORM_SCOPE
from tests.unit.conversations.test_whatsapp_routing import (
    AT,
    NUMBER,
    _actions,
    _client,
    _deliver,
    _said,
)

STRANGER = "31600000001"


def _write(world, number: str, n: int, day: int = 0) -> None:  # type: ignore[no-untyped-def]
    world.clock.at = AT + timedelta(days=day)
    for i in range(n):
        _deliver(world, {"from": number, "id": f"wamid.{number}.{day}.{i}", "type": "text",
                         "timestamp": str(int((AT + timedelta(days=day, minutes=i)).timestamp())),
                         "text": {"body": f"bel 0900-{i}"}})  # fmt: skip


def _all(world, scope: str, kind: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    items, more = world.services.repos.actions.list(scope, page_size=1000)
    assert more is None
    return [a.detail for a in items if a.kind == kind]


def test_a_stranger_raises_a_handful_of_operator_items_a_day(world, caplog):
    caplog.set_level(logging.WARNING, "inning.messaging")
    _write(world, STRANGER, 40)  # each delivered twice, as Meta may
    assert len(_all(world, PLATFORM_SCOPE, "unassigned_whatsapp")) == LIMIT  # was 40
    assert "over 5 items today: logged only: bel 0900-39" in caplog.text
    _write(world, STRANGER, 3, day=1)
    assert len(_all(world, PLATFORM_SCOPE, "unassigned_whatsapp")) == LIMIT + 3


def test_a_debtors_words_all_reach_his_log_and_a_handful_his_clients_list(world):
    client_id = _client(world, "CA")
    world.services.messaging.whatsapp_contacts.remember(NUMBER, client_id, "D1")
    _write(world, NUMBER, 12)
    assert len(_said(world, client_id)) == 12  # every word on his contact log
    assert len(_actions(world, client_id, "debtor_reply")) == LIMIT  # was 12
