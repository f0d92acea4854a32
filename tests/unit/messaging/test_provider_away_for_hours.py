"""failure24 F1, F4: a provider away for an hour. Six attempts backed off 1, 2, 4, 8 and 16 minutes
gave up 31 minutes after a message's first try: Graph answering 503 from 10:00 to 11:00 failed
for good the reminders queued in its first quarter of an hour (each a delivery_failure item
for a person to resend by hand), though the provider came back. A message now waits the
provider out for a day before it gives up; a person's own sign-in mail or code does not."""

from __future__ import annotations

import heapq
import json
from datetime import datetime, timedelta

from shared.domain.messaging import (
    Channel,
    MessageContent,
    OutboxStatus,
    SendResult,
    TransientSendError,
    UncertainSendError,
)
from shared.services.messaging import MailboxLimits
from shared.services.send_budget import PROVIDER_AWAY
from tests.unit.messaging.test_delivery import TUESDAY_10, ScriptedChannel, env, message

__all__ = ["env"]


class _Host:
    """The queue as the host runs it: a deferred job comes back when its delay is over."""

    def __init__(self, world, service, queue="send-email"):
        self.world, self.service, self.queue = world, service, queue
        self.due: list[tuple[datetime, int, str]] = []
        self.seq = 0

    def collect(self):
        for job in self.service.queues.take(self.queue):
            self.seq += 1
            at = self.world.clock.now() + timedelta(seconds=job.delay_seconds)
            heapq.heappush(self.due, (at, self.seq, job.body))

    def run_until(self, until: datetime) -> None:
        self.collect()
        while self.due and self.due[0][0] <= until:
            at, _, body = heapq.heappop(self.due)
            self.world.clock.at = max(self.world.clock.at, at)
            job = json.loads(body)
            self.service.deliver(job["client_id"], job["key"])
            self.collect()
        self.world.clock.at = max(self.world.clock.at, until)


def _provider_away_until(world, channel, back: datetime, answer="Graph answered 503"):
    def send(msg, content):
        if world.clock.now() < back:
            raise TransientSendError(answer)
        channel.sent.append((msg.to, content.subject))
        return SendResult("scripted", f"pid-{len(channel.sent)}")

    channel.send = send


def _statuses(service, client, keys):
    return {k: service.outbox.get(client.client_id, k)[0].status for k in keys}


def test_reminders_queued_while_the_provider_is_away_for_an_hour_all_go_when_it_is_back(env):
    world, client, channel, _queues, service = env
    service.limits = MailboxLimits(per_minute=1000, per_day=10_000)
    _provider_away_until(world, channel, TUESDAY_10 + timedelta(hours=1))
    host = _Host(world, service)
    keys = [f"k{i}" for i in range(12)]
    for i, key in enumerate(keys):  # a reminder every 5 minutes through the hour
        host.run_until(TUESDAY_10 + timedelta(minutes=5 * i))
        service.enqueue(message(client, key=key, to=f"d{i}@example.nl"),
                        MessageContent(subject=f"Herinnering {i}"))  # fmt: skip
    host.run_until(TUESDAY_10 + timedelta(hours=3))
    statuses = _statuses(service, client, keys)
    assert [k for k, s in statuses.items() if s is not OutboxStatus.SENT] == []
    assert len(channel.sent) == 12
    items = world.services.repos.actions.list(client.client_id)[0]
    assert [i.kind for i in items if i.kind == "delivery_failure"] == []


def test_a_provider_away_for_a_day_is_given_up_on_with_an_item(env):
    world, client, channel, _queues, service = env
    _provider_away_until(world, channel, TUESDAY_10 + timedelta(days=3))
    host = _Host(world, service, "send-sms")
    service.enqueue(message(client, channel=Channel.SMS, to="+31612345678"),
                    MessageContent(text="x"))  # fmt: skip
    host.run_until(TUESDAY_10 + PROVIDER_AWAY - timedelta(minutes=1))
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.PENDING and record.attempts > 6
    host.run_until(TUESDAY_10 + PROVIDER_AWAY + timedelta(hours=2))
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.FAILED
    kinds = [i.kind for i in world.services.repos.actions.list(client.client_id)[0]]
    assert kinds == ["delivery_failure"]


def test_a_persons_own_sign_in_code_still_gives_up_after_six_attempts(env):
    world, client, channel, _queues, service = env
    _provider_away_until(world, channel, TUESDAY_10 + timedelta(days=1), "CM answered 503")
    host = _Host(world, service, "send-sms")
    code = message(client, channel=Channel.SMS, to="+31612345678")
    code = code.__class__(**{**code.__dict__, "extra": {"account": "code"}})
    service.enqueue(code, MessageContent(text="Uw code is 123456"))
    host.run_until(TUESDAY_10 + timedelta(hours=1))
    record, _ = service.outbox.get(client.client_id, "k1")
    assert (record.status, record.attempts) == (OutboxStatus.FAILED, 6)


class _SlowGraph(ScriptedChannel):
    """Takes every mail but answers nothing in time until ``back``; its Sent Items cannot be
    asked meanwhile either."""

    def __init__(self, world, back):
        super().__init__(name="graph")
        self.world, self.back = world, back
        self.asked = 0

    def send(self, msg, content):
        result = super().send(msg, content)  # Graph has it
        if self.world.clock.now() < self.back:
            raise UncertainSendError("graph sent no answer in time: The read operation timed out")
        return result

    def confirm(self, msg):
        self.asked += 1
        if self.world.clock.now() < self.back:
            raise TransientSendError("graph sent no answer in time (Sent Items)")
        pid = self.known.get(msg.reference)
        return SendResult(self.name, pid) if pid else None


def test_mails_graph_took_while_it_answered_nothing_for_two_hours_are_confirmed_after(env):
    """failure24 F4: a failed question to Sent Items used up one of the three rechecks (5, 15,
    45 minutes): a Graph outage over an hour put a verify_delivery item on the list for each
    mail of its first hour (6 of 12), though Graph had them all."""
    world, client, _channel, _queues, service = env
    service.limits = MailboxLimits(per_minute=1000, per_day=10_000)
    graph = _SlowGraph(world, TUESDAY_10 + timedelta(hours=2))
    service.senders = dict.fromkeys(service.senders, graph)
    host = _Host(world, service)
    keys = [f"k{i}" for i in range(12)]
    for i, key in enumerate(keys):  # a mail every 10 minutes through the two hours
        host.run_until(TUESDAY_10 + timedelta(minutes=10 * i))
        service.enqueue(message(client, key=key, to=f"d{i}@example.nl"),
                        MessageContent(subject=f"Herinnering {i}"))  # fmt: skip
    host.run_until(TUESDAY_10 + timedelta(hours=4))
    assert set(_statuses(service, client, keys).values()) == {OutboxStatus.SENT}
    assert len(graph.sent) == 12  # none sent twice
    kinds = [i.kind for i in world.services.repos.actions.list(client.client_id)[0]]
    assert kinds == []
    assert graph.asked <= 12 * 4  # an unanswered question waits 45 minutes


def test_a_graph_that_cannot_be_asked_for_a_day_ends_in_a_verify_item(env):
    world, client, _channel, _queues, service = env
    graph = _SlowGraph(world, TUESDAY_10 + timedelta(days=3))
    service.senders = dict.fromkeys(service.senders, graph)
    host = _Host(world, service)
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    host.run_until(TUESDAY_10 + PROVIDER_AWAY + timedelta(hours=4))  # its last 3 questions
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.UNCERTAIN and len(graph.sent) == 1
    kinds = [i.kind for i in world.services.repos.actions.list(client.client_id)[0]]
    assert kinds == ["verify_delivery"]


def test_the_retries_of_a_provider_away_leave_the_mailboxs_day_to_what_goes(env):
    """With a day's wait, a message's retries took a slot of its mailbox's day each: 3
    reminders through 3 hours of 503s took 16 slots of a day of 10, and the third waited for
    the next day with a mailbox_capacity item, though only 3 went out."""
    world, client, channel, _queues, service = env
    service.limits = MailboxLimits(per_minute=1000, per_day=10)
    _provider_away_until(world, channel, TUESDAY_10 + timedelta(hours=3))
    host = _Host(world, service)
    keys = ["k0", "k1", "k2"]
    for key in keys:
        service.enqueue(message(client, key=key), MessageContent(subject=key))
    host.run_until(TUESDAY_10 + timedelta(hours=6))
    assert set(_statuses(service, client, keys).values()) == {OutboxStatus.SENT}
    kinds = [i.kind for i in world.services.repos.actions.list(client.client_id)[0]]
    assert "mailbox_capacity" not in kinds
    used = service.counters.count("MailboxPace", "facturen@c1.example", "d20250304")
    assert used == 3
