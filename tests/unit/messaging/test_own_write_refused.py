"""A write of the send handler applied by Table Storage whose answer was lost: the client
(azure-core's RetryPolicy for a PUT on a read timeout or a 5xx, the lean client for a batch
on a 500/503/504) sends it again and meets its own write, 412, which reads as "another worker
got there". Whatever the handler decides on it, the message ends sent once, or a person is
asked, and a sent one has its contact-log line and usage (failure20 O1, O2).

O1: the claim (PENDING -> INPROGRESS) so refused ended the job ("claimed elsewhere"); the
record stayed INPROGRESS for good, the outbox sweep passing it by as the handler's: never
sent, nobody told. O2: the SENT save so refused ended the job without its follow-ups: no
contact-log line, no usage, ever."""

from __future__ import annotations

from typing import Any

from shared.adapters.tables.messaging_repo import USAGE
from shared.domain.messaging import MessageContent, OutboxStatus
from shared.ports.tables import PreconditionFailed, Row, TransactionFailed
from shared.services.messaging import job_body
from shared.services.outbox_sweep import OutboxSweep
from tests.unit.messaging.test_delivery import env, message, run_jobs

__all__ = ["env"]  # the fixture, shared with the delivery tests


def _refuse_own_write_once(store: Any, status: str) -> dict[str, int]:
    """The outbox record's first write with ``status`` is applied, then answered 412."""
    hit = {"n": 0}
    real_replace, real_transact = store.replace, store.transact

    def once(table: str, row: Row) -> bool:
        if table == "Outbox" and row.data.get("Status") == status and hit["n"] == 0:
            hit["n"] += 1
            return True
        return False

    def replace(table: str, row: Row, *args: Any, **kw: Any) -> Any:
        done = real_replace(table, row, *args, **kw)
        if once(table, row):
            raise PreconditionFailed("412: the retried PUT met its own write")
        return done

    def transact(table: str, ops: Any) -> Any:
        done = real_transact(table, ops)
        if ops and once(table, ops[0].row):
            raise TransactionFailed(0, PreconditionFailed("412: the retried batch"))
        return done

    store.replace, store.transact = replace, transact
    return hit


def _sweep_two_days(world: Any, service: Any, queues: Any) -> list[str]:
    sweep = OutboxSweep(world.services.repos, service, world.clock)
    outcomes: list[str] = []
    for _ in range(8):
        world.clock.advance(hours=6)
        sweep.run()
        outcomes += run_jobs(service, queues)
    return outcomes


def test_a_claim_refused_by_its_own_write_is_sent_after_the_sweep(env):
    world, client, channel, queues, service = env
    channel.can_look_up = True  # Graph finds a mail by our reference: it was not sent
    hit = _refuse_own_write_once(service.outbox.store, "inprogress")
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    assert run_jobs(service, queues) == ["claimed elsewhere"] and hit["n"] == 1
    assert channel.sent == []
    assert "sent" in _sweep_two_days(world, service, queues)
    assert channel.sent == [("d1@example.nl", "Herinnering")]  # once
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.SENT


def test_a_claim_refused_by_its_own_write_without_a_look_up_asks_a_person(env):
    world, client, channel, queues, service = env
    _refuse_own_write_once(service.outbox.store, "inprogress")
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    assert run_jobs(service, queues) == ["claimed elsewhere"]
    _sweep_two_days(world, service, queues)
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.UNCERTAIN and channel.sent == []
    items = world.services.repos.actions.list(client.client_id)[0]
    assert [i.kind for i in items] == ["verify_delivery"]


def test_a_sent_save_refused_by_its_own_write_still_writes_its_followups(env):
    world, client, channel, queues, service = env
    hit = _refuse_own_write_once(service.outbox.store, "sent")
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    assert run_jobs(service, queues) == ["sent"] and hit["n"] == 1
    assert channel.sent == [("d1@example.nl", "Herinnering")]
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.SENT and "followups" not in record.extra
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert [i["summary"] for i in log if "Herinnering" in i["summary"]] != []
    usage = service.counters.read(USAGE, client.client_id)
    assert sum(usage.values()) == 1, usage
    # the job again (a replay) writes nothing twice
    queues.send("send-email", job_body(client.client_id, "k1"))
    assert run_jobs(service, queues) == ["done"] and len(channel.sent) == 1
    assert sum(service.counters.read(USAGE, client.client_id).values()) == 1


def test_an_uncertain_save_refused_by_its_own_write_still_asks_a_person(env):
    """The answer of the send was lost (no look-up): the UNCERTAIN save so refused ended the
    job before its verify_delivery item; the mail may have gone and no one was asked."""
    from tests.unit.messaging.test_lost_answers import LosesAnswers, _use

    world, client, _, queues, service = env
    provider = _use(service, LosesAnswers())
    hit = _refuse_own_write_once(service.outbox.store, "uncertain")
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    assert run_jobs(service, queues) == ["uncertain"] and hit["n"] == 1
    assert len(provider.sent) == 1
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.UNCERTAIN and "followups" not in record.extra
    items = world.services.repos.actions.list(client.client_id)[0]
    assert [i.kind for i in items] == ["verify_delivery"]


def test_an_uncertain_save_refused_by_its_own_write_still_asks_the_provider_again(env):
    """A provider that confirms a send later (Graph's Sent Items): the save with the next
    question so refused ended the job, and with it the deferred job that asks again."""
    from tests.unit.messaging.test_lost_answers import LosesAnswers, _use

    class ConfirmsLater(LosesAnswers):
        def __init__(self) -> None:
            super().__init__()
            self.asked = 0

        def confirm(self, message: Any) -> Any:
            self.asked += 1
            return None if self.asked == 1 else self.look_up_sent(message)

        def look_up_sent(self, message: Any) -> Any:
            from shared.domain.messaging import SendResult

            return SendResult(self.name, "pid-1")

    _, client, _, queues, service = env
    provider = _use(service, ConfirmsLater())
    _refuse_own_write_once(service.outbox.store, "uncertain")
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    assert run_jobs(service, queues) == ["deferred"]
    [job] = queues.take("send-email")
    assert job.delay_seconds == 5 * 60
    queues.sent.append(job)
    assert run_jobs(service, queues) == ["sent"] and provider.asked == 2
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.SENT and len(provider.sent) == 1
