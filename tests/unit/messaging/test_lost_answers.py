"""A message goes out once, whatever the provider's answer: a lost answer (the request went
out, the reply never came) is never sent again by itself, and a sent message's side records
(contact log, usage, provider reference) are finished by the retry when their save's answer
was lost (failure2 F1, F10)."""

from __future__ import annotations

import json

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.adapters.tables.messaging_repo import USAGE
from shared.domain.messaging import (
    Channel,
    MessageContent,
    OutboxStatus,
    TransientSendError,
    UncertainSendError,
)
from tests.unit.messaging.test_delivery import ScriptedChannel, env, message, run_jobs

__all__ = ["env"]  # the fixture, shared with the delivery tests


class LosesAnswers(ScriptedChannel):
    """The provider takes every message; the answer to the first ``lost`` ones never arrives."""

    def __init__(self, lost: int = 1, can_look_up: bool = False) -> None:
        super().__init__(can_look_up=can_look_up)
        self.lost = lost

    def send(self, message, content):
        result = super().send(message, content)  # the provider has it now
        if self.lost > 0:
            self.lost -= 1
            raise UncertainSendError(
                "scripted sent no answer in time: The read operation timed out"
            )
        return result


def _use(service, channel):
    service.senders = {Channel.EMAIL: channel, Channel.SMS: channel}
    return channel


def _drive(world, service, queues, queue="send-email"):
    """The queue host: every job as it becomes visible, until none is left."""
    outcomes = []
    for _ in range(20):
        jobs = queues.take(queue)
        if not jobs:
            break
        for job in jobs:
            world.clock.advance(seconds=job.delay_seconds)
            body = json.loads(job.body)
            outcomes.append(service.deliver(body["client_id"], body["key"]))
    return outcomes


def test_a_lost_answer_is_recorded_unconfirmed_and_never_sent_again(env):
    world, client, _, queues, service = env
    channel = _use(service, LosesAnswers())
    service.enqueue(message(client, key="dun|D1|wf|1|x"), MessageContent(subject="Herinnering"))
    assert _drive(world, service, queues) == ["uncertain"]
    assert len(channel.sent) == 1  # the provider has exactly one
    record, _ = service.outbox.get(client.client_id, "dun|D1|wf|1|x")
    assert record.status is OutboxStatus.UNCERTAIN and "answer lost" in (record.error or "")
    items = world.services.repos.actions.list(client.client_id)[0]
    checks = [i for i in items if i.kind == "verify_delivery"]
    assert len(checks) == 1
    assert checks[0].title.startswith("Check whether this reminder went out")
    assert checks[0].detail["key"] == "dun|D1|wf|1|x"
    # the job delivered again (the host, a replay) does not send it either
    queues.send("send-email", json.dumps({"client_id": client.client_id, "key": "dun|D1|wf|1|x"}))
    assert run_jobs(service, queues) == ["done"] and len(channel.sent) == 1


def test_a_message_that_never_reached_the_provider_is_sent_again(env):
    world, client, channel, queues, service = env
    channel.outcomes = [TransientSendError("scripted unreachable: connection refused")]
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    assert _drive(world, service, queues) == ["deferred", "sent"]
    assert len(channel.sent) == 1


def test_a_provider_that_can_be_asked_is_asked_after_a_lost_answer(env):
    world, client, _, queues, service = env
    channel = _use(service, LosesAnswers(can_look_up=True))
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    assert _drive(world, service, queues) == ["sent"]  # it had the message: recorded as sent
    assert len(channel.sent) == 1
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.SENT and record.provider_id == "pid-1"


def test_a_provider_that_says_it_never_got_it_gets_it_again(env):
    world, client, _, queues, service = env

    class NeverArrived(ScriptedChannel):
        def send(self, message, content):
            if not self.outcomes:
                self.outcomes.append("ok")
                raise UncertainSendError("scripted connection lost before its answer")
            return super().send(message, content)

    channel = _use(service, NeverArrived(can_look_up=True))
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    assert _drive(world, service, queues) == ["deferred", "sent"]
    assert len(channel.sent) == 1


@pytest.fixture
def loses_sent_answer(env):
    """The Outbox write that records SENT lands, but its answer is lost (once)."""
    world, *_ = env
    store = world.store
    real = store.replace
    state = {"lose": 1}

    def replace(table, row):
        stored = real(table, row)
        if table == "Outbox" and row.data.get("Status") == "sent" and state["lose"]:
            state["lose"] -= 1
            raise ServiceResponseError("The read operation timed out")
        return stored

    real_transact = store.transact

    def transact(table, ops):
        # the first save of SENT takes the record's pending row away with it
        stored = real_transact(table, ops)
        sent = ops[0].row.data.get("Status") == "sent"
        if table == "Outbox" and sent and state["lose"]:
            state["lose"] -= 1
            raise ServiceResponseError("The read operation timed out")
        return stored

    store.replace = replace
    store.transact = transact
    yield env
    store.replace = real
    store.transact = real_transact


def test_a_retry_finishes_the_side_records_of_a_sent_message(loses_sent_answer):
    world, client, channel, queues, service = loses_sent_answer
    service.enqueue(message(client, channel=Channel.SMS, to="+31612345678"), MessageContent(
        subject="", text="Betaal a.u.b."))  # fmt: skip
    job = queues.sent[-1]
    with pytest.raises(ServiceResponseError):
        run_jobs(service, queues, "send-sms")
    queues.sent.append(job)  # the host delivers the job again
    assert run_jobs(service, queues, "send-sms") == ["sent"]  # finished now, nothing re-sent
    assert len(channel.sent) == 1
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.SENT and "followups" not in record.extra
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert [e["summary"] for e in log] == ["sms sent via scripted: Betaal a.u.b."]
    month = f"{record.sent_at:%Y-%m}|sms"
    assert service.counters.count(USAGE, client.client_id, month) == 1
    assert service.outbox.by_provider_id("scripted", "pid-1") == (client.client_id, "k1")
    # and once finished, a further delivery writes nothing
    queues.sent.append(job)
    assert run_jobs(service, queues, "send-sms") == ["done"]
    assert service.counters.count(USAGE, client.client_id, month) == 1


def test_usage_is_counted_once_per_message(env):
    _, client, _, _, service = env
    counters = service.counters
    for _ in range(3):
        counters.increment_once(USAGE, client.client_id, "2025-03|sms", 2, marker="counted|abc")
    counters.increment_once(USAGE, client.client_id, "2025-03|sms", 1, marker="counted|def")
    assert counters.count(USAGE, client.client_id, "2025-03|sms") == 3
    assert service.usage(client.client_id, "2025-03") == {"sms": 3}


def _unconfirmed(env, key="dun|D1|wf|1|x"):
    world, client, _, queues, service = env
    channel = _use(service, LosesAnswers())
    service.enqueue(message(client, key=key), MessageContent(subject="Herinnering"))
    assert _drive(world, service, queues) == ["uncertain"]
    return channel


def _check_item(world, client):
    items = world.services.repos.actions.list(client.client_id)[0]
    (item,) = [i for i in items if i.kind == "verify_delivery"]
    return item


def test_a_delivery_report_settles_an_unconfirmed_message(env):
    world, client, _, _, service = env
    channel = _unconfirmed(env)
    # what CM reports back by: the stored record's reference (it names its client)
    reference = service.outbox.get(client.client_id, "dun|D1|wf|1|x")[0].reference
    assert service.record_status("scripted", reference, OutboxStatus.DELIVERED) is True
    record, _ = service.outbox.get(client.client_id, "dun|D1|wf|1|x")
    assert record.status is OutboxStatus.DELIVERED and record.provider == "scripted"
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert [e["summary"] for e in log] == ["email sent via scripted: Herinnering"]
    assert service.usage(client.client_id, f"{record.sent_at:%Y-%m}") == {"email": 1}
    item = _check_item(world, client)
    assert item.status.value == "resolved" and "reported it delivered" in (item.resolution or "")
    assert len(channel.sent) == 1


def test_a_person_who_found_it_was_not_sent_resends_it_once(env):
    world, client, _, queues, service = env
    channel = _unconfirmed(env)
    key = "dun|D1|wf|1|x"
    assert service.resend_unconfirmed(client.client_id, key, "anna@c1.example") is True
    assert service.resend_unconfirmed(client.client_id, key, "anna@c1.example") is False
    assert run_jobs(service, queues) == ["sent"]
    assert len(channel.sent) == 2  # the one the provider lost, and the resend asked for
    item = _check_item(world, client)
    assert item.status.value == "resolved" and "anna@c1.example" in (item.resolution or "")
    assert service.resend_unconfirmed(client.client_id, key, "anna@c1.example") is False


def test_staff_resend_an_unconfirmed_message_through_the_api_once(env):
    """``POST …/actions/{id}/resend`` on the verify_delivery item: the message is queued again
    once and the item resolved; a second call, or one on another kind of item, is refused."""
    world, client, _, _, service = env
    _unconfirmed(env)
    item = _check_item(world, client)
    a = world.agency_a
    path = f"/v1/clients/C1/actions/{item.action_id}/resend"
    done = a.call("POST", path)
    assert done.status == 200 and done.body["status"] == "resolved"
    record, _ = service.outbox.get(client.client_id, "dun|D1|wf|1|x")
    assert record.status is OutboxStatus.PENDING
    jobs = [json.loads(j.body) for j in world.services.messaging.queues.take("send-email")]
    assert [j["key"] for j in jobs] == ["dun|D1|wf|1|x"]
    assert a.call("POST", path).status == 422  # resolved: nothing is sent twice
    assert a.call("POST", "/v1/clients/C1/actions/nope/resend").status == 404
