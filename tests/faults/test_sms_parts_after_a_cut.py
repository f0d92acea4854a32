"""failure17 F1: a 400-character SMS CM takes as 3 segments (and bills 3) was metered as 1
part when CM's delivery report settled the record, in two ways:

- the worker died after CM's id was remembered and before the SENT save (a host recycle, an
  OOM): the report settled the INPROGRESS record counting the one part it knew, and the
  redelivered job found it final (``{'sms': 1}``);
- CM's answer was lost (the gateway closed the connection): the record went UNCERTAIN, and
  the report naming our reference (CM's id of the message) settled it as one part.

The parts are now remembered with the id (CM's answer's, or for our reference the parts of
the text CM is asked to bill at most), and a report's settle meters them. CM is played by a
local stand-in; the cut is the fault plan's crash right after the ``OutboxRefs`` write."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from shared.adapters.channels.cm_sms import CmSmsChannel
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus
from shared.services.callbacks import CallbackService
from tests.faults.world import START, FaultWorld, build
from tests.support.stand_in import Received, Reply, serve
from tests.unit.api.conftest import client_row

TEXT = "Uw factuur F1 staat nog open. " * 13  # 390 GSM-7 characters: 3 segments of 153
CM_DELIVERED, CM_FAILED = "2", "3"


class CmGateway:
    """CM's gateway: takes each SMS and bills it in GSM-7 segments (160 alone, 153 each when
    split); with ``lose`` its answer never reaches Inning (it has the SMS all the same)."""

    def __init__(self, *, lose: bool = False) -> None:
        self.lose = lose
        self.taken: list[tuple[str, int]] = []

    def __call__(self, r: Received) -> Reply:
        m = r.json()["messages"]["msg"][0]
        length = len(m["body"]["content"])
        parts = 1 if length <= 160 else -(-length // 153)
        self.taken.append((m["reference"], parts))
        if self.lose:
            return Reply(lost=True)
        return Reply(200, {"details": "Created 1 message(s)", "errorCode": 0, "messages": [
            {"to": m["to"][0]["number"], "status": "Accepted", "reference": m["reference"],
             "parts": parts, "messageDetails": None, "messageErrorCode": 0}]})  # fmt: skip


def _world(url: str) -> tuple[FaultWorld, str, CallbackService]:
    world = build(seed=17, rate=0.0)
    world.clock.at = START + timedelta(days=1, hours=4)  # Tuesday 10:00 in Amsterdam
    assert world.api.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id is not None
    messaging = world.services.messaging
    cm = CmSmsChannel(product_token="t", sender="Inning", base_url=url,
                      http=httpx.Client(timeout=5))  # fmt: skip
    messaging.senders = {**messaging.senders, Channel.SMS: cm}
    sms = OutboundMessage(client_id, "sms|D1|1", Channel.SMS, "D1", "+31612345678",
                          world.clock.now())  # fmt: skip
    messaging.enqueue(sms, MessageContent(subject="", text=TEXT))
    return world, client_id, CallbackService(messaging, token="tok")


def _status(world: FaultWorld, client_id: str) -> OutboxStatus:
    found = world.services.messaging.outbox.get(client_id, "sms|D1|1")
    assert found is not None
    return found[0].status


def _usage(world: FaultWorld, client_id: str) -> dict[str, int]:
    return world.services.messaging.usage(client_id, f"{world.clock.now():%Y-%m}")


@pytest.mark.parametrize("report", [CM_DELIVERED, CM_FAILED], ids=["delivered", "failed"])
def test_a_worker_cut_before_its_sent_save_meters_the_parts_on_the_report(report: str) -> None:
    cm = CmGateway()
    with serve(cm) as server:
        world, client_id, callbacks = _world(server.url)
        world.plan.enabled = True
        world.plan.rule(lambda op, table: table == "OutboxRefs" and op == "upsert", "crash_after")
        world.host.run_until(world.clock.now())  # the worker dies after CM took the SMS
        assert world.host.figures.failures == 1
        world.plan.enabled = False
        ((reference, parts),) = cm.taken
        assert parts == 3
        assert _status(world, client_id) is OutboxStatus.INPROGRESS
        # CM's report comes seconds later; then the queue delivers the job again
        assert callbacks.cm("tok", {"REFERENCE": reference, "STATUS": report}) == 1
        world.host.run_until(world.clock.now() + timedelta(minutes=15))
    assert len(cm.taken) == 1  # sent once
    assert _usage(world, client_id) == {"sms": 3}  # main: {'sms': 1}
    assert callbacks.cm("tok", {"REFERENCE": reference, "STATUS": report}) == 1  # again
    assert _usage(world, client_id) == {"sms": 3}


def test_a_lost_answer_settled_by_the_report_meters_the_parts() -> None:
    cm = CmGateway(lose=True)
    with serve(cm) as server:
        world, client_id, callbacks = _world(server.url)
        world.host.run_until(world.clock.now())
        ((reference, _),) = cm.taken
        assert _status(world, client_id) is OutboxStatus.UNCERTAIN
        assert _usage(world, client_id) == {}
        assert callbacks.cm("tok", {"REFERENCE": reference, "STATUS": CM_DELIVERED}) == 1
    assert _status(world, client_id) is OutboxStatus.DELIVERED
    assert _usage(world, client_id) == {"sms": 3}  # main: {'sms': 1}
