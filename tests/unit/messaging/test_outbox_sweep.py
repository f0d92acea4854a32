"""A message whose job never reached the queue is queued again by the outbox sweep (sweep19;
failure18 F5, F7). A busy call's single report writes the step's fallback SMS, then the
queue's send answers 503: Twilio does not post the report again, so before the sweep the
record stayed PENDING for ever with no job while the item told staff "the step goes by sms
instead"."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.adapters.tables.messaging_repo import OUTBOX, PENDING_PREFIX, PENDING_ROW
from shared.domain.messaging import Channel, OutboxStatus
from shared.services.outbox_sweep import GIVE_UP_KIND
from tests.unit.dunning.test_robocall_not_reached_fallback import (  # noqa: F401
    _hand_over,
    _items,
    _outbox,
    calling,
)
from tests.unit.messaging.test_delivery import env  # noqa: F401


def _busy_call_whose_sms_job_is_lost(calling: Any, monkeypatch: Any) -> tuple[Any, Any]:  # noqa: F811
    """The call rings out busy (one report); the SMS job's queue send raises once."""
    world, stand_in, service, sid = calling
    queues = world.services.messaging.queues
    real = queues.send
    left = {"n": 1}

    def busy(queue: str, body: str, *a: Any, **kw: Any) -> Any:
        if queue == "send-sms" and left["n"]:
            left["n"] -= 1
            raise RuntimeError("injected: 503 ServerBusy on the queue")
        return real(queue, body, *a, **kw)

    monkeypatch.setattr(queues, "send", busy)
    with pytest.raises(RuntimeError):
        _hand_over(service, stand_in.ring_out(sid, "busy"))  # nobody posts it again
    (sms,) = [m for m in _outbox(world) if m.channel is Channel.SMS]
    assert sms.status is OutboxStatus.PENDING and queues.take("send-sms") == []
    return world, sms


def _sms_jobs(world: Any) -> list[str]:
    return [json.loads(j.body)["key"] for j in world.services.messaging.queues.take("send-sms")]


def _record(world: Any, key: str) -> Any:
    return world.services.messaging.outbox.get(world.client_id, key)[0]


def test_a_lost_job_is_queued_after_the_grace_period_and_sends_once(calling, monkeypatch):  # noqa: F811
    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    sweep, messaging = world.services.outbox_sweep, world.services.messaging
    world.clock.advance(minutes=10)
    assert sweep.run().queued == 0 and _sms_jobs(world) == []  # its job may still come
    world.clock.advance(minutes=21)
    assert sweep.run().queued == 1
    world.clock.advance(minutes=1)
    assert sweep.run().queued == 0  # run twice: the job queued once
    assert _sms_jobs(world) == [sms.key]
    assert messaging.deliver(world.client_id, sms.key) == "sent"
    assert _record(world, sms.key).status is OutboxStatus.SENT
    world.clock.advance(hours=2)
    run = sweep.run()
    assert run.queued == 0 and _sms_jobs(world) == []
    # the save that made it final took its pending row away with it
    assert (
        world.store.get(OUTBOX, encode(world.client_id), PENDING_PREFIX + encode(sms.key)) is None
    )
    assert PENDING_ROW not in _record(world, sms.key).extra


def test_a_job_queued_twice_sends_one_message(calling, monkeypatch):  # noqa: F811
    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    sweep, messaging = world.services.outbox_sweep, world.services.messaging
    world.clock.advance(minutes=31)
    sweep.run()
    world.clock.advance(minutes=31)
    sweep.run()  # the first job not handled yet: a second one
    assert _sms_jobs(world) == [sms.key, sms.key]
    assert [messaging.deliver(world.client_id, sms.key) for _ in range(2)] == ["sent", "done"]


def test_a_record_being_sent_or_final_is_left_alone(calling, monkeypatch):  # noqa: F811
    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    sweep, outbox = world.services.outbox_sweep, world.services.messaging.outbox
    record, etag = outbox.get(world.client_id, sms.key)
    from dataclasses import replace

    claimed = replace(record, status=OutboxStatus.INPROGRESS, claimed_at=world.clock.now())
    etag = outbox.save(claimed, etag)
    world.clock.advance(minutes=35)  # the claim's 10-minute lease and the grace not yet over
    assert sweep.run().queued == 0 and _sms_jobs(world) == []
    # final without taking its row away (a record saved from a copy read before the row)
    record, etag = outbox.get(world.client_id, sms.key)
    done = replace(record, status=OutboxStatus.SENT, extra={})
    outbox.save(done, etag)
    world.clock.advance(hours=1)
    run = sweep.run()
    assert run.queued == 0 and run.dropped == 1 and _sms_jobs(world) == []
    assert sweep.run().dropped == 0  # its row is gone


def test_a_message_that_never_goes_is_put_on_the_action_list_once(calling, monkeypatch):  # noqa: F811
    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    sweep = world.services.outbox_sweep
    give_up = sweep.rules.give_up_after
    for _ in range(give_up):
        world.clock.advance(minutes=31)
        assert sweep.run().queued == 1
        world.services.messaging.queues.take("send-sms")  # the jobs are lost again
    for _ in range(3):
        world.clock.advance(minutes=31)
        assert sweep.run().queued == 0
    items = [i for i in _items(world) if i["kind"] == GIVE_UP_KIND]
    assert len(items) == 1
    (item,) = items
    assert item["detail"]["key"] == sms.key and item["detail"]["channel"] == "sms"
    assert item["debtor_number"] == "D1"
    assert f"queued {give_up} times" in item["title"]


def test_contact_hours_hold_the_sweep_as_they_hold_the_job(calling, monkeypatch):  # noqa: F811
    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    sweep = world.services.outbox_sweep
    world.clock.at = datetime(2025, 3, 17, 20, 30, tzinfo=UTC)  # 21:30 in Amsterdam
    assert sweep.run().queued == 0
    world.clock.at = datetime(2025, 3, 18, 6, 20, tzinfo=UTC)  # 07:20: 20 minutes into them
    assert sweep.run().queued == 0
    world.clock.at = datetime(2025, 3, 18, 6, 31, tzinfo=UTC)
    assert sweep.run().queued == 1 and _sms_jobs(world) == [sms.key]


def test_a_record_from_before_the_pending_rows_is_covered(calling, monkeypatch):  # noqa: F811
    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    store, pk = world.store, encode(world.client_id)
    # as written by the version before: no pending row, no mark on the record
    store.delete(OUTBOX, pk, PENDING_PREFIX + encode(sms.key))
    row = store.get(OUTBOX, pk, encode(sms.key))
    extra = json.loads(row.data["Extra"])
    extra.pop(PENDING_ROW)
    row.data["Extra"] = json.dumps(extra)
    store.replace(OUTBOX, row)
    world.clock.advance(minutes=31)
    sweep = world.services.outbox_sweep
    sweep.run()  # reads the client's records once and gives the PENDING one its row
    world.clock.advance(minutes=31)
    assert sweep.run().queued == 1 and _sms_jobs(world) == [sms.key]
    assert world.services.messaging.deliver(world.client_id, sms.key) == "sent"


def test_the_outbox_list_shows_records_only(calling, monkeypatch):  # noqa: F811
    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    records, _ = world.services.messaging.outbox.list(world.client_id)
    assert sms.key in {m.key for m in records}
    assert all(not m.key.startswith("~") for m in records)
    assert world.clock.now() > datetime(2025, 3, 17, tzinfo=UTC) - timedelta(days=1)


def test_a_retry_in_its_back_off_is_left_to_it(calling, monkeypatch):  # noqa: F811
    """A provider's transient failure saved the record PENDING with the error and deferred
    its job by up to an hour: the sweep does not cut that wait short."""
    from dataclasses import replace

    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    outbox, sweep = world.services.messaging.outbox, world.services.outbox_sweep
    record, etag = outbox.get(world.client_id, sms.key)
    retried = replace(record, error="429 Too Many Requests", attempts=5,
                      updated_at=world.clock.now())  # fmt: skip
    outbox.save(retried, etag)
    world.clock.advance(minutes=40)
    assert sweep.run().queued == 0
    world.clock.advance(minutes=21)
    assert sweep.run().queued == 1 and _sms_jobs(world) == [sms.key]


def test_a_mailbox_at_its_pace_keeps_its_mails_from_the_sweep(env):  # noqa: F811
    """Mails waiting their turn behind a mailbox's 30 a minute are deferred by the handler,
    not lost: the sweep leaves them while the mailbox used its last minute."""
    from shared.adapters.tables.messaging_repo import MAILBOX_PACE, minute_key
    from shared.services.outbox_sweep import OutboxSweep
    from tests.unit.messaging.test_delivery import message

    world, client, _, queues, service = env
    assert service.outbox.add(message(client))  # written; its job never queued
    sweep = OutboxSweep(world.services.repos, service, world.clock)
    world.clock.advance(minutes=31)
    last_minute = minute_key(world.clock.now() - timedelta(minutes=1))
    service.counters.increment(MAILBOX_PACE, "facturen@c1.example", last_minute, by=30)
    assert sweep.run().queued == 0 and queues.take("send-email") == []
    world.clock.advance(minutes=2)  # the mailbox's backlog is done
    assert sweep.run().queued == 1 and len(queues.take("send-email")) == 1


def test_the_function_apps_timer_runs_the_sweep(calling, monkeypatch):  # noqa: F811
    from functions.messaging import sweep_outbox
    from shared import bootstrap
    from tools.devhost.invoke import LocalContext

    world, sms = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    world.clock.advance(minutes=31)
    monkeypatch.setattr(bootstrap, "_services", world.services)
    sweep_outbox.build().get_user_function()(None, context=LocalContext("sweep_outbox"))
    assert _sms_jobs(world) == [sms.key]


def test_a_providers_retry_after_past_an_hour_is_waited_out_by_the_sweep(env):  # noqa: F811
    """codereview20 F3: a provider answering 429 with Retry-After 2 h; the handler defers its
    own job 2 h, the sweep (every 10 minutes) queued one of its own an hour after each failure:
    5 attempts in 6 h instead of 3, the message's tries used up at twice the pace asked."""
    from shared.domain.messaging import MessageContent, TransientSendError
    from shared.services.messaging import RETRY_AT
    from shared.services.outbox_sweep import OutboxSweep
    from tests.unit.messaging.test_delivery import message, run_jobs

    world, client, channel, queues, service = env
    channel.outcomes = [TransientSendError("429 Too Many Requests", retry_after=7200)] * 20
    service.enqueue(message(client), MessageContent(subject="x"))
    sweep = OutboxSweep(world.services.repos, service, world.clock)
    due: list[tuple[datetime, Any]] = []  # (visible at, job)
    queued_by_sweep = 0
    for _ in range(6 * 6):  # 6 hours in 10-minute steps
        for job in queues.sent:
            due.append((world.clock.now() + timedelta(seconds=job.delay_seconds or 0), job))
        queues.sent.clear()
        now = world.clock.now()
        queues.sent += [job for at, job in due if at <= now]
        due = [(at, job) for at, job in due if at > now]
        run_jobs(service, queues)
        queued_by_sweep += sweep.run().queued
        world.clock.advance(minutes=10)
    record, _ = service.outbox.get(client.client_id, "k1")
    assert (record.attempts, queued_by_sweep) == (3, 0)
    assert record.status is OutboxStatus.PENDING and RETRY_AT in record.extra
