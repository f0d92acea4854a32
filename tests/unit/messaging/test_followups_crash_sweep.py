"""A send cut off after each of its writes in turn, the job delivered again: whatever the
cut, the message ends final with all its follow-ups, each once, and is never sent twice
(failure16 R4, R5: a record saved FAILED or UNCERTAIN whose line or item was cut off was
answered "done" for good). Sent: its contact-log line, usage and provider reference; not
sent: its "failed" line and delivery_failure item; unknown: its verify_delivery item and
our reference remembered."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.adapters.tables.messaging_repo import USAGE
from shared.domain.messaging import Channel, MessageContent, OutboxStatus, PermanentSendError
from tests.support.faults import SimulatedCrash
from tests.unit.messaging.test_delivery import env, message
from tests.unit.messaging.test_lost_answers import LosesAnswers, _use

__all__ = ["env"]  # the fixture, shared with the delivery tests

KEY = "dun|D1|wf|2|sms"
WRITES = ("insert", "upsert", "replace", "delete", "transact")


FINAL = {"sent": "sent", "refused": "failed", "unknown": "uncertain"}


class CutAfter:
    """The worker dies right after the store's ``n``-th write (1-based; 0: never); ``log``
    keeps each write's table and, for an outbox record, the status it saved."""

    def __init__(self, store: Any, n: int) -> None:
        self.n = n
        self.log: list[tuple[str, str]] = []
        for name in WRITES:
            setattr(store, name, self._wrapped(getattr(store, name), name))

    def _wrapped(self, real: Any, name: str) -> Any:
        def write(table: str, *args: Any, **kw: Any) -> Any:
            done = real(table, *args, **kw)
            first = args[0] if args else None
            if isinstance(first, list) and first:  # a transaction: the record is its first op
                first = first[0].row
            data = getattr(first, "data", None)
            self.log.append((table, str(data.get("Status", "")) if data else ""))
            if len(self.log) == self.n:
                raise SimulatedCrash(f"after write {self.n} ({name} {table})")
            return done

        return write

    def cut_after_final_save(self, status: str) -> bool:
        """Whether the cut came at or after the record's save with ``status``."""
        saves = [i for i, (t, s) in enumerate(self.log, 1) if t == "Outbox" and s == status]
        return bool(saves) and self.n >= saves[0]


def _host(world: Any, service: Any, queues: Any) -> list[str]:
    """The queue host: every job as it becomes visible; a job whose worker died comes back
    after its visibility timeout (past a claim's lease)."""
    outcomes: list[str] = []
    for _ in range(12):
        jobs = queues.take("send-sms")
        if not jobs:
            break
        for job in jobs:
            world.clock.advance(seconds=job.delay_seconds)
            body = json.loads(job.body)
            try:
                outcomes.append(service.deliver(body["client_id"], body["key"]))
            except SimulatedCrash:
                outcomes.append("crashed")
                world.clock.advance(minutes=11)
                queues.send("send-sms", job.body)
    return outcomes


def _scenario(env: Any, how: str) -> Any:
    _, client, channel, _, service = env
    if how == "sent":
        sender = channel
    elif how == "refused":
        sender = channel
        channel.outcomes = [PermanentSendError("scripted refused: 21211 invalid 'To' number")]
    else:
        sender = _use(service, LosesAnswers())
    service.enqueue(message(client, key=KEY, channel=Channel.SMS, to="+31612345678"),
                    MessageContent(text="Herinnering F1"))  # fmt: skip
    return sender


def _end_state(env: Any, sender: Any) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The record's status, its contact-log lines, its items; checking each follow-up."""
    world, client, _, _, service = env
    record, _ = service.outbox.get(client.client_id, KEY)
    assert record.status.final and "followups" not in record.extra
    assert len(sender.sent) <= 1  # never a second send
    lines = tuple(
        sorted(c.summary for c in world.services.repos.contacts.between(client.client_id))
    )
    items = tuple(sorted(i.kind for i in world.services.repos.actions.list(client.client_id)[0]))
    if record.status is OutboxStatus.SENT:
        assert lines == ("sms sent via scripted: Herinnering F1",)
        month = f"{record.sent_at:%Y-%m}|sms"
        assert service.counters.count(USAGE, client.client_id, month) == 1
        assert service.outbox.by_provider_id("scripted", record.provider_id) == (
            client.client_id,
            KEY,
        )
    elif record.status is OutboxStatus.FAILED:
        assert lines == ("sms failed: scripted refused: 21211 invalid 'To' number",)
        assert items == ("delivery_failure",)
    else:
        assert record.status is OutboxStatus.UNCERTAIN
        assert items == ("verify_delivery",)
        assert service.outbox.by_provider_id("scripted", record.reference) == (
            client.client_id,
            KEY,
        )
    return record.status.value, lines, items


@pytest.mark.parametrize("how", ["sent", "refused", "unknown"])
def test_a_send_cut_after_any_write_ends_with_its_follow_ups(env: Any, how: str) -> None:
    world, _, _, queues, service = env
    sender = _scenario(env, how)
    counter = CutAfter(world.store, 0)
    assert "crashed" not in _host(world, service, queues)
    assert _end_state(env, sender)[0] == FINAL[how]
    saves = [s for t, s in counter.log if t == "Outbox"]
    # the claim, the final save, follow-ups after it (the sweep below cuts after each)
    assert saves[:2] == ["inprogress", FINAL[how]] and len(counter.log) - len(saves) >= 1


@pytest.mark.parametrize("how", ["sent", "refused", "unknown"])
@pytest.mark.parametrize("n", range(1, 7))  # each of the six writes of a send
def test_a_send_cut_after_write_n(env: Any, how: str, n: int) -> None:
    world, _, _, queues, service = env
    sender = _scenario(env, how)
    cut = CutAfter(world.store, n)
    outcomes = _host(world, service, queues)
    assert "crashed" in outcomes
    status, _, items = _end_state(env, sender)
    if cut.cut_after_final_save(FINAL[how]):
        # the record was final: the redelivery finishes it as the uncut send ends
        assert status == FINAL[how], outcomes
    else:
        # cut between the claim and the final save: the worker died holding the provider's
        # answer (or before asking it); no lookup by our reference at this provider, so a
        # person checks: never a second send, never silent
        assert status == "uncertain" and items == ("verify_delivery",), outcomes
