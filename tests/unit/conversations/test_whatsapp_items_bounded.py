"""attack18 F4: anyone can write to the business's WhatsApp number, and every message was an
action item: 500 messages from one stranger's number made 500 ``unassigned_whatsapp`` items
on the operator's platform list (a debtor's, 500 ``debtor_reply`` items on his client's). Now
one number raises at most WHATSAPP_ITEMS_PER_NUMBER_PER_DAY items a day; a debtor's words
beyond them are still on his contact log, a webhook delivered twice counts once, the next day
counts anew."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import timedelta

import pytest

from shared.ports.tables import StorageError
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


def _once(world, i: int) -> None:  # type: ignore[no-untyped-def]
    """The debtor's message ``i`` of the day, delivered once."""
    callbacks = world.services.callbacks
    callbacks.whatsapp_secret = "s"
    message = {"from": NUMBER, "id": f"wamid.once.{i}", "type": "text",
               "timestamp": str(int((AT + timedelta(minutes=i)).timestamp())),
               "text": {"body": f"bericht {i}"}}  # fmt: skip
    body = json.dumps({"entry": [{"changes": [{"value": {"messages": [message]}}]}]}).encode()
    callbacks.whatsapp(body, "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest())


def test_a_message_delivered_again_after_more_came_keeps_its_place(world, monkeypatch):
    """failure19 W1: the debtor's first message of the day was counted, the write of its item
    met a 503 (the webhook answered 500), he wrote five more, and Meta delivered the first
    again: judged by the day's total (6) it lost its item, and his client's list held 4 of
    the 5 it may hold, without his first words. Each message keeps its own place."""
    client_id = _client(world, "CA")
    world.services.messaging.whatsapp_contacts.remember(NUMBER, client_id, "D1")
    world.clock.at = AT
    actions = world.services.repos.actions
    real = actions.add
    failing = [True]

    def add(item):  # type: ignore[no-untyped-def]
        if failing.pop() if failing else False:
            raise StorageError("503 ServerBusy")
        return real(item)

    monkeypatch.setattr(actions, "add", add)
    with pytest.raises(StorageError):
        _once(world, 0)
    for i in range(1, 6):
        _once(world, i)
    _once(world, 0)  # Meta's delivery again
    texts = sorted(str(d["text"]) for d in _actions(world, client_id, "debtor_reply"))
    assert texts == [f"bericht {i}" for i in range(LIMIT)]  # was bericht 1 .. 4
    assert len(_said(world, client_id)) == 6
