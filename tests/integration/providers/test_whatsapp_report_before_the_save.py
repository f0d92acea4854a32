"""Meta reports a WhatsApp message failed seconds after it took it (131026 often arrives so):
the signed status webhook must reach the message even when our SENT save's answer, or the
worker, was lost right after the save, or when it comes before that save (failure16 R6: the
provider's id was remembered only after the save, so the report found nothing, was answered
200 and never sent again; the message stayed "sent"). The real WhatsApp Cloud client against
a local stand-in that answers as Meta documents."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from azure.core.exceptions import ServiceResponseError

from shared.adapters.channels.whatsapp_cloud import WhatsAppCloudChannel
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus
from shared.services.callbacks import CallbackService
from tests.integration.providers.test_sms_whatsapp_voice import whatsapp
from tests.support.stand_in import serve
from tests.unit.api.conftest import world
from tests.unit.messaging.test_delivery import TUESDAY_10, env, run_jobs

__all__ = ["env", "world"]  # the fixtures, shared with the delivery tests

KEY = "dun|D1|wf|2|wa"
WAMID = "wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI"  # the stand-in's id of every message it takes


def _failed_webhook() -> tuple[bytes, str]:
    """Meta's status webhook: the message failed, 131026, with our reference."""
    body = json.dumps({"entry": [{"changes": [{"value": {"statuses": [{
        "id": WAMID, "status": "failed", "timestamp": "1741078805",
        "recipient_id": "31612345678", "biz_opaque_callback_data": f"inn-{KEY}",
        "errors": [{"code": 131026, "title": "Message undeliverable"}]}]}}]}]}).encode()  # fmt: skip
    return body, "sha256=" + hmac.new(b"wa-secret", body, hashlib.sha256).hexdigest()


def _sent_save(world: Any, before: Any = None, lose_answer: bool = False) -> None:
    """A hook on the outbox write that records SENT: ``before`` runs just before it (a report
    arriving then); with ``lose_answer`` the write lands and its answer is lost (once)."""
    store = world.store
    real = store.replace
    state = {"armed": 1}

    def replace(table: str, row: Any) -> Any:
        hit = table == "Outbox" and row.data.get("Status") == "sent" and state["armed"]
        if hit:
            state["armed"] = 0
            if before is not None:
                before()
        stored = real(table, row)
        if hit and lose_answer:
            raise ServiceResponseError("The read operation timed out")
        return stored

    real_transact = store.transact

    def transact(table: str, ops: Any) -> Any:
        # the first save of SENT takes the record's pending row away in one transaction
        hit = table == "Outbox" and ops[0].row.data.get("Status") == "sent" and state["armed"]
        if hit:
            state["armed"] = 0
            if before is not None:
                before()
        stored = real_transact(table, ops)
        if hit and lose_answer:
            raise ServiceResponseError("The read operation timed out")
        return stored

    store.replace = replace
    store.transact = transact


@pytest.mark.parametrize("when", ["save_answer_lost", "before_the_save"])
def test_metas_failure_report_reaches_the_message_around_its_sent_save(env: Any, when: str) -> None:
    world, client, _, queues, service = env
    world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": [
        {"number": "D1", "kind": "b2c", "name": "Jan", "mobile": "+31612345678",
         "whatsapp_consent": True}]})  # fmt: skip
    callbacks = CallbackService(service, token="t", whatsapp_secret="wa-secret")
    taken: list[int] = []
    with serve(whatsapp) as server:
        service.senders = {Channel.WHATSAPP: WhatsAppCloudChannel(
            token="wa-token", phone_number_id="1", base_url=server.url, http=httpx.Client())}  # fmt: skip
        service.enqueue(
            OutboundMessage(client.client_id, KEY, Channel.WHATSAPP, "D1", "+31612345678",
                            TUESDAY_10),
            MessageContent(text="Herinnering F1", template="betalingsherinnering"),
        )  # fmt: skip
        if when == "before_the_save":
            _sent_save(world, before=lambda: taken.append(callbacks.whatsapp(*_failed_webhook())))
            assert run_jobs(service, queues, "send-whatsapp") == ["claimed elsewhere"]
        else:
            _sent_save(world, lose_answer=True)
            with pytest.raises(ServiceResponseError):
                run_jobs(service, queues, "send-whatsapp")
            taken.append(callbacks.whatsapp(*_failed_webhook()))  # seconds later
            # the job comes back after its visibility timeout and finishes the side records
            queues.send("send-whatsapp", json.dumps({"client_id": client.client_id, "key": KEY}))
            assert run_jobs(service, queues, "send-whatsapp") == ["sent"]
        assert len(server.received) == 1  # one message at Meta, never a second
    assert taken == [1]
    record, _ = service.outbox.get(client.client_id, KEY)
    assert record.status is OutboxStatus.FAILED and record.provider_id == WAMID
    assert "131026" in (record.error or "") and "followups" not in record.extra
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [i["kind"] for i in items] == ["delivery_failure"]
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    summaries = sorted(e["summary"] for e in log)
    assert len(summaries) == 2 and summaries[0].startswith("whatsapp failed: Message undeliverable")
    assert summaries[1] == "whatsapp sent via whatsapp: Herinnering F1"
    assert service.usage(client.client_id, f"{record.sent_at:%Y-%m}") == {"whatsapp": 1}
