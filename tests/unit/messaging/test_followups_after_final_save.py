"""The follow-ups of a final record are part of finishing it (failure16 R4, R5, R6): a job
cut off right after the record's final save (the worker dies, or the save's answer is lost)
comes back and writes what the cut left, once; and a provider's report that comes at once
finds the message, because its id is remembered before the save."""

from __future__ import annotations

import json
from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.adapters.tables.messaging_repo import USAGE
from shared.domain.messaging import (
    Channel,
    MessageContent,
    OutboxStatus,
    PermanentSendError,
    SendResult,
)
from shared.services.callbacks import CallbackService
from tests.unit.messaging.test_delivery import ScriptedChannel, env, message, run_jobs
from tests.unit.messaging.test_lost_answers import LosesAnswers, _drive, _use

__all__ = ["env"]  # the fixture, shared with the delivery tests

KEY = "dun|D1|wf|1|x"


def _job(client: Any) -> str:
    return json.dumps({"client_id": client.client_id, "key": KEY})


def _items(world: Any, client: Any, kind: str) -> list[Any]:
    return [i for i in world.services.repos.actions.list(client.client_id)[0] if i.kind == kind]


def _lines(world: Any, client: Any, word: str) -> list[str]:
    return [
        c.summary
        for c in world.services.repos.contacts.between(client.client_id)
        if word in c.summary
    ]


def _cut(env: Any, where: str, status: str) -> None:
    """Arms one cut right after the record's ``status`` save: ``save`` (the save lands, its
    answer is lost), or the follow-up write named ``where`` on the service (the worker dies)."""
    world, _, _, _, service = env
    state = {"armed": 1}
    if where == "save":
        store = world.store
        real_replace = store.replace

        def replace(table: str, row: Any) -> Any:
            stored = real_replace(table, row)
            if table == "Outbox" and row.data.get("Status") == status and state["armed"]:
                state["armed"] = 0
                raise ServiceResponseError("The read operation timed out")
            return stored

        real_transact = store.transact

        def transact(table: str, ops: Any) -> Any:
            # the save that makes a record final takes its pending row away with it
            stored = real_transact(table, ops)
            hit = any(op.row.data.get("Status") == status for op in ops)
            if table == "Outbox" and hit and state["armed"]:
                state["armed"] = 0
                raise ServiceResponseError("The read operation timed out")
            return stored

        store.replace = replace
        store.transact = transact
        return
    real = getattr(service, where)

    def cut(*args: Any, **kw: Any) -> Any:
        if state["armed"]:
            state["armed"] = 0
            raise RuntimeError(f"the worker died after the {status} save")
        return real(*args, **kw)

    setattr(service, where, cut)


@pytest.mark.parametrize("where", ["save", "_add_action_once"])
def test_an_uncertain_send_cut_off_after_its_save_is_checked_once(env: Any, where: str) -> None:
    """R4: the redelivery writes the verify_delivery item; the reference a report names is
    remembered even when the save's answer was lost; nothing is sent again."""
    world, client, _, queues, service = env
    channel = _use(service, LosesAnswers())
    service.enqueue(message(client, key=KEY), MessageContent(subject="Herinnering"))
    _cut(env, where, "uncertain")
    with pytest.raises((RuntimeError, ServiceResponseError)):
        _drive(world, service, queues)
    record, _ = service.outbox.get(client.client_id, KEY)
    assert record.status is OutboxStatus.UNCERTAIN
    reference = service.outbox.get(client.client_id, KEY)[0].reference  # the record's
    assert service.outbox.by_provider_id("scripted", reference) == (client.client_id, KEY)
    outcomes = []
    for _ in range(3):  # the host delivers the job again (and again)
        queues.send("send-email", _job(client))
        outcomes += run_jobs(service, queues)
    assert outcomes == ["uncertain", "done", "done"]
    (check,) = _items(world, client, "verify_delivery")
    assert check.title.startswith("Check whether this reminder went out: email to debtor D1")
    assert "answer lost: scripted sent no answer in time" in check.title
    assert check.action_id == record.extra["verify_action"]
    record, _ = service.outbox.get(client.client_id, KEY)
    assert record.status is OutboxStatus.UNCERTAIN and "followups" not in record.extra
    assert len(channel.sent) == 1


@pytest.mark.parametrize("where", ["save", "_log", "_add_action_once"])
def test_a_refused_send_cut_off_after_its_save_is_told_once(env: Any, where: str) -> None:
    """R5: the redelivery writes the contact-log line and the delivery_failure item, the same
    as an uncut refusal's, each once."""
    world, client, channel, queues, service = env
    channel.outcomes = [PermanentSendError("scripted refused: 550 mailbox unavailable")]
    service.enqueue(message(client, key=KEY), MessageContent(subject="Herinnering"))
    _cut(env, where, "failed")
    with pytest.raises((RuntimeError, ServiceResponseError)):
        run_jobs(service, queues)
    assert service.outbox.get(client.client_id, KEY)[0].status is OutboxStatus.FAILED
    outcomes = []
    for _ in range(3):
        queues.send("send-email", _job(client))
        outcomes += run_jobs(service, queues)
    assert outcomes == ["failed", "done", "done"]
    assert _lines(world, client, "failed") == [
        "email failed: scripted refused: 550 mailbox unavailable"
    ]
    (item,) = _items(world, client, "delivery_failure")
    assert item.title == "email to debtor D1 not sent: the provider refused it; send a letter?"
    assert item.detail["cause"] == "scripted refused: 550 mailbox unavailable"
    record, _ = service.outbox.get(client.client_id, KEY)
    assert record.extra.get("not_sent") == "refused" and "followups" not in record.extra
    assert len(channel.sent) == 0


class Cm(ScriptedChannel):
    """CM.com: its id of a message is our reference (cm_sms.py's SendResult)."""

    def send(self, message: Any, content: Any) -> SendResult:
        super().send(message, content)
        return SendResult("cm", message.reference)


def _sms(env: Any) -> tuple[CallbackService, str]:
    _, client, _, _, service = env
    service.senders = {Channel.SMS: Cm(name="cm")}
    sms = message(client, key=KEY, channel=Channel.SMS, to="+31612345678")
    service.enqueue(sms, MessageContent(text="Herinnering F1"))
    stored = service.outbox.get(client.client_id, KEY)[0]  # its reference names its client
    return CallbackService(service, token="tok"), stored.reference


def _absent(callbacks: CallbackService, reference: str) -> int:
    """CM reports the SMS failed (STATUS 3), seconds after it took it."""
    return callbacks.cm(
        "tok", {"REFERENCE": reference, "STATUS": "3", "STATUSDESCRIPTION": "Absent subscriber"}
    )


def _settled_as_failed(world: Any, client: Any, service: Any) -> None:
    record, _ = service.outbox.get(client.client_id, KEY)
    assert record.status is OutboxStatus.FAILED and record.error == "Absent subscriber"
    assert "followups" not in record.extra
    assert len(_items(world, client, "delivery_failure")) == 1
    assert sorted(_lines(world, client, "sms")) == [
        "sms failed: Absent subscriber",
        "sms sent via cm: Herinnering F1",
    ]
    assert service.counters.count(USAGE, client.client_id, f"{record.sent_at:%Y-%m}|sms") == 1


def test_a_failure_report_after_a_sent_save_whose_answer_was_lost_is_taken(env: Any) -> None:
    """R6: the SENT save lands, its answer is lost (the job comes back only after its
    visibility timeout); CM's failure report in between finds the message and is applied."""
    world, client, _, queues, service = env
    callbacks, reference = _sms(env)
    _cut(env, "save", "sent")
    with pytest.raises(ServiceResponseError):
        run_jobs(service, queues, "send-sms")
    assert _absent(callbacks, reference) == 1
    queues.send("send-sms", _job(client))  # the job comes back and finishes the side records
    assert run_jobs(service, queues, "send-sms") == ["sent"]
    _settled_as_failed(world, client, service)


def test_a_failure_report_before_the_sent_save_settles_the_claimed_record(env: Any) -> None:
    """R6: the report comes between the id being remembered and the SENT save (the record
    still INPROGRESS): it settles the record as the provider had it, and the worker's save
    backs off."""
    world, client, _, queues, service = env
    callbacks, reference = _sms(env)
    real = service.outbox.remember_provider_id
    seen: list[tuple[str, int]] = []
    reported: list[bool] = []

    def remember_then_report(*args: Any) -> None:
        real(*args)
        if reported:
            return  # the report comes once (settling it remembers the id again)
        reported.append(True)
        found = service.outbox.get(client.client_id, KEY)
        assert found is not None
        seen.append((found[0].status.value, _absent(callbacks, reference)))

    service.outbox.remember_provider_id = remember_then_report  # type: ignore[method-assign]
    assert run_jobs(service, queues, "send-sms") == ["claimed elsewhere"]
    assert seen == [("inprogress", 1)]
    _settled_as_failed(world, client, service)
