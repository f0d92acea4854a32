"""Delivery guarantees of the messaging service, with a scriptable channel and a fake clock."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.channels.outbox import OutboxChannel
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.messaging_repo import CounterRepository, OutboxRepository
from shared.domain.messaging import (
    Channel,
    MessageContent,
    OutboundMessage,
    OutboxStatus,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from shared.ports.tables import Conflict, TransactionFailed
from shared.services import send_budget
from shared.services.messaging import RETRY_AT, MailboxLimits, MessagingService
from tests.unit.api.conftest import client_row
from tests.unit.messaging.provider_away import retried_until_given_up

TUESDAY_10 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam


@dataclass
class ScriptedChannel:
    name: str = "scripted"
    can_look_up: bool = False
    outcomes: list[object] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)

    def send(self, message, content):
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if isinstance(outcome, Exception):
            raise outcome
        self.sent.append((message.to, content.subject))
        self.known[message.reference] = f"pid-{len(self.sent)}"
        return SendResult(self.name, f"pid-{len(self.sent)}")

    def look_up(self, message):
        pid = self.known.get(message.reference)
        return SendResult(self.name, pid) if pid else None


@pytest.fixture
def env(world):
    world.clock.at = TUESDAY_10
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    client = world.services.access.client_for(
        world.services.access.authenticate(world.agency_a.key), "C1"
    )
    channel = ScriptedChannel()
    queues = InMemoryQueueSender()
    store = world.store
    store.ensure_tables(["Outbox", "OutboxRefs", "MailboxPace", "Usage"])
    service = MessagingService(
        world.services.repos,
        OutboxRepository(store),
        CounterRepository(store),
        InMemoryFileStore(),
        queues,
        {Channel.EMAIL: channel, Channel.SMS: channel},
        OutboxChannel(),
        world.clock,
        limits=MailboxLimits(per_minute=3, per_day=5),
    )
    return world, client, channel, queues, service


def message(client, key="k1", channel=Channel.EMAIL, to="d1@example.nl"):
    return OutboundMessage(
        client.client_id, key, channel, "D1", to, TUESDAY_10, sender="facturen@c1.example"
    )


def run_jobs(service, queues, queue="send-email"):
    outcomes = []
    for job in queues.take(queue):
        body = json.loads(job.body)
        outcomes.append(service.deliver(body["client_id"], body["key"]))
    return outcomes


def test_a_job_delivered_twice_sends_once(env):
    world, client, channel, queues, service = env
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    job = queues.sent[0]
    queues.sent.append(job)  # the queue delivers it twice
    assert run_jobs(service, queues) == ["sent", "done"]
    assert channel.sent == [("d1@example.nl", "Herinnering")]
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.SENT and record.provider_id == "pid-1"
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert log[0]["kind"] == "message" and "Herinnering" in log[0]["summary"]


def test_enqueueing_the_same_key_twice_creates_one_record(env):
    _, client, channel, queues, service = env
    assert service.enqueue(message(client), MessageContent(subject="a")) is True
    assert service.enqueue(message(client), MessageContent(subject="a")) is False
    run_jobs(service, queues)
    assert len(channel.sent) == 1


def test_a_used_key_keeps_the_content_it_was_queued_and_sent_with(env):
    """failure14b Q4, Q6: a producer that tells again under a used key with other figures
    rewrote the stored content of a message already queued (and sent): the agency's record of
    what the debtor was told. It stays as sent, for every caller of ``enqueue``."""
    _, client, channel, queues, service = env
    service.enqueue(message(client), MessageContent(subject="Vervallen", text="€ 585,19"))
    assert run_jobs(service, queues) == ["sent"]
    again = service.enqueue(message(client), MessageContent(subject="Vervallen", text="€ 535,19"))
    assert again is False
    assert service.content(client.client_id, "k1").text == "€ 585,19"
    assert run_jobs(service, queues) == ["done"]
    assert channel.sent == [("d1@example.nl", "Vervallen")]
    # queued, not yet sent: kept too (the job sends what was queued)
    service.enqueue(message(client, key="k2"), MessageContent(subject="a", text="first"))
    service.enqueue(message(client, key="k2"), MessageContent(subject="b", text="second"))
    assert service.content(client.client_id, "k2").text == "first"
    run_jobs(service, queues)
    assert channel.sent[-1] == ("d1@example.nl", "a")


def test_two_producers_racing_on_one_new_key_send_the_winners_words(env):
    """Two producers of one new key (a step planned by two runs at once) both found no
    record, both wrote their content under the key's one name, the first insert won and the
    second producer's words, written last, went out under the winner's record. Each writes
    its own copy now, named in its record: the winner's record sends the winner's words."""
    _, client, channel, queues, service = env
    real_add = service.outbox.add
    calls: list[OutboundMessage] = []
    won: list[bool] = []

    def interleaved_add(record: OutboundMessage) -> bool:
        calls.append(record)
        if len(calls) == 1:  # the first producer, before its insert: the second runs whole
            assert (
                service.enqueue(message(client), MessageContent(subject="b", text="second"))
                is False
            )
            return won[0]
        won.append(real_add(calls[0]))  # the first producer's insert lands first
        return bool(real_add(record))

    service.outbox.add = interleaved_add  # type: ignore[method-assign]
    assert service.enqueue(message(client), MessageContent(subject="a", text="first")) is True
    assert service.content(client.client_id, "k1").text == "first"
    assert run_jobs(service, queues) == ["sent", "done"]
    assert channel.sent == [("d1@example.nl", "a")]
    # the loser's copy is no one's: removed, not left beside the record's
    assert len(service.files.names("messages", f"{client.client_id}/")) == 1


def test_an_insert_that_landed_but_answered_conflict_keeps_its_content(env):
    """codereview16 F5: an insert can land and still answer Conflict (Table Storage's
    OperationTimedOut, retried by the SDK, meets the row the first try wrote). The producer
    took that for a lost race and deleted the copy its own record names: the message could
    never go out. The stored record naming our copy means the insert was ours."""
    _, client, channel, queues, service = env
    store = service.outbox.store
    real_insert = store.insert
    armed = [True]

    def insert(table, row):  # type: ignore[no-untyped-def]
        stored = real_insert(table, row)
        if table == "Outbox" and armed.pop() if armed else False:
            raise Conflict("Outbox exists (the SDK's retry of an insert that had landed)")
        return stored

    real_transact = store.transact

    def transact(table, ops):  # type: ignore[no-untyped-def]
        # a record not yet final is written with its pending row (sweep19): the same retry
        stored = real_transact(table, ops)
        if table == "Outbox" and armed.pop() if armed else False:
            raise TransactionFailed(0, Conflict("Outbox exists (the SDK's retry)"))
        return stored

    store.insert = insert
    store.transact = transact
    assert service.enqueue(message(client), MessageContent(subject="Herinnering")) is True
    assert not armed  # the retry's Conflict was met
    assert run_jobs(service, queues) == ["sent"]
    assert channel.sent == [("d1@example.nl", "Herinnering")]


def test_outside_contact_hours_the_job_waits(env):
    world, client, channel, queues, service = env
    world.clock.at = datetime(2025, 3, 8, 19, 30, tzinfo=UTC)  # Saturday 20:30 local
    service.enqueue(message(client), MessageContent(subject="x"))
    assert run_jobs(service, queues) == ["deferred"]
    deferred = queues.sent[0]
    assert deferred.delay_seconds == int(
        (datetime(2025, 3, 10, 6, 0, tzinfo=UTC) - world.clock.at).total_seconds()
    )
    assert channel.sent == []
    world.clock.at = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
    assert run_jobs(service, queues) == ["sent"]


def test_transient_failure_backs_off_then_sends(env):
    _, client, channel, queues, service = env
    channel.outcomes = [TransientSendError("429", retry_after=120)]
    service.enqueue(message(client), MessageContent(subject="x"))
    assert run_jobs(service, queues) == ["deferred"]
    assert queues.sent[0].delay_seconds >= 120
    assert run_jobs(service, queues) == ["sent"]


def test_permanent_failure_goes_to_the_action_list(env):
    world, client, channel, queues, service = env
    channel.outcomes = [PermanentSendError("mailbox does not exist")]
    service.enqueue(message(client), MessageContent(subject="x"))
    assert run_jobs(service, queues) == ["failed"]
    actions = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert actions[0]["kind"] == "delivery_failure" and "send a letter?" in actions[0]["title"]


def test_gives_up_after_max_attempts(env):
    world, client, channel, queues, service = env
    channel.outcomes = [TransientSendError("500")] * 10
    service.enqueue(
        message(client, channel=Channel.SMS, to="+31612345678"), MessageContent(text="x")
    )
    runs = retried_until_given_up(world, lambda: run_jobs(service, queues, "send-sms"), 16)
    outcomes = [o for run in runs for o in run]
    assert outcomes[-1] == "failed" and channel.sent == []


def test_crash_after_send_without_lookup_becomes_uncertain_not_a_second_send(env):
    world, client, channel, queues, service = env
    service.enqueue(message(client), MessageContent(subject="x"))
    record, etag = service.outbox.get(client.client_id, "k1")
    # a worker claimed the record, sent, and died before recording
    service.outbox.save(
        record.__class__(
            **{**record.__dict__, "status": OutboxStatus.INPROGRESS, "claimed_at": TUESDAY_10}
        ),
        etag,
    )
    world.clock.advance(minutes=11)
    assert run_jobs(service, queues) == ["uncertain"]
    assert channel.sent == []
    kinds = [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds == ["verify_delivery"]


def test_crash_after_send_with_lookup_records_what_the_provider_knows(env):
    world, client, channel, queues, service = env
    channel.can_look_up = True
    service.enqueue(message(client), MessageContent(subject="x"))
    record, etag = service.outbox.get(client.client_id, "k1")
    channel.known[record.reference] = "pid-from-provider"
    service.outbox.save(
        record.__class__(
            **{**record.__dict__, "status": OutboxStatus.INPROGRESS, "claimed_at": TUESDAY_10}
        ),
        etag,
    )
    world.clock.advance(minutes=11)
    assert run_jobs(service, queues) == ["sent"]
    assert channel.sent == []
    assert service.outbox.get(client.client_id, "k1")[0].provider_id == "pid-from-provider"


def test_a_fresh_claim_by_another_worker_is_left_alone(env):
    _, client, channel, queues, service = env
    service.enqueue(message(client), MessageContent(subject="x"))
    record, etag = service.outbox.get(client.client_id, "k1")
    service.outbox.save(
        record.__class__(
            **{**record.__dict__, "status": OutboxStatus.INPROGRESS, "claimed_at": TUESDAY_10}
        ),
        etag,
    )
    assert run_jobs(service, queues) == ["deferred"] and channel.sent == []


def test_mailbox_minute_and_day_limits_defer_and_warn(env):
    world, client, _channel, queues, service = env
    for i in range(7):
        service.enqueue(message(client, key=f"k{i}"), MessageContent(subject=str(i)))
    first = run_jobs(service, queues)
    assert first.count("sent") == 3 and first.count("deferred") == 4
    world.clock.advance(minutes=1)
    second = run_jobs(service, queues)
    assert second.count("sent") == 2  # the day's 5 are used
    kinds = [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds.count("mailbox_capacity") == 1


def test_sandbox_client_never_reaches_the_debtor(env):
    world, client, channel, queues, service = env
    world.agency_a.call(
        "POST",
        "/v1/clients",
        {"items": [client_row("C1", sandbox=True, sandbox_email="test@c1.example")]},
    )
    service.enqueue(message(client), MessageContent(subject="x"))
    service.enqueue(
        message(client, key="s1", channel=Channel.SMS, to="+31612345678"), MessageContent(text="y")
    )
    run_jobs(service, queues)
    run_jobs(service, queues, "send-sms")
    assert channel.sent == [("test@c1.example", "x")]
    sms, _ = service.outbox.get(client.client_id, "s1")
    assert sms.provider == "outbox" and sms.sandbox_of == "+31612345678"


def test_poison_job_is_drained_to_the_action_list_with_its_content(env):
    world, client, _channel, queues, service = env
    service.enqueue(
        message(client), MessageContent(subject="Laatste herinnering", text="Betaal nu")
    )
    service.drain_poison(Channel.EMAIL, queues.sent[0].body.encode())
    action = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"][0]
    assert action["kind"] == "poison" and action["detail"]["subject"] == "Laatste herinnering"
    assert service.outbox.get(client.client_id, "k1")[0].status is OutboxStatus.FAILED


def test_delivery_callbacks_are_idempotent(env):
    world, client, _channel, queues, service = env
    service.enqueue(message(client), MessageContent(subject="x"))
    run_jobs(service, queues)
    assert service.record_status("scripted", "pid-1", OutboxStatus.BOUNCED, "550 no such user")
    assert service.record_status("scripted", "pid-1", OutboxStatus.BOUNCED, "550 no such user")
    assert not service.record_status("scripted", "unknown", OutboxStatus.DELIVERED)
    kinds = [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds == ["delivery_failure"]


def test_usage_is_metered_per_month_and_channel(env):
    _, client, _channel, queues, service = env
    service.enqueue(message(client), MessageContent(subject="x"))
    service.enqueue(
        message(client, key="s1", channel=Channel.SMS, to="+31612345678"), MessageContent(text="y")
    )
    run_jobs(service, queues)
    run_jobs(service, queues, "send-sms")
    assert service.usage(client.client_id, "2025-03") == {"email": 1, "sms": 1}


def test_a_letter_pdf_is_kept_with_the_dossier(env):
    from shared.domain.messaging import Attachment, PostalAddress

    _, client, _, queues, service = env
    letter = OutboundMessage(client.client_id, "L1", Channel.LETTER, "D1", "J. de Vries", TUESDAY_10,
                             address=PostalAddress("J. de Vries", "Kerkstraat 12", "3511 LK", "Utrecht"))  # fmt: skip
    service.enqueue(
        letter,
        MessageContent(
            subject="Brief", attachments=(Attachment("brief.pdf", "application/pdf", b"%PDF-x"),)
        ),
    )
    assert service.files.get("dossiers", f"{client.client_id}/D1/L1-brief.pdf") == b"%PDF-x"
    assert run_jobs(service, queues, "send-letter") == ["sent"]  # no provider: the outbox


def test_whatsapp_needs_consent_and_stop_withdraws_it(env):
    world, client, channel, queues, service = env
    service.senders = {Channel.WHATSAPP: channel}  # type: ignore[misc]
    a = world.agency_a
    a.call("POST", "/v1/clients/C1/debtors", {"items": [{"number": "D1", "kind": "b2c", "name": "Jan", "mobile": "+31612345678", "whatsapp_consent": True},
                                                         {"number": "D2", "kind": "b2c", "name": "Piet", "mobile": "+31687654321"}]})  # fmt: skip
    wa = OutboundMessage(client.client_id, "w1", Channel.WHATSAPP, "D1", "+31612345678", TUESDAY_10)
    service.enqueue(wa, MessageContent(template="herinnering"))
    service.enqueue(
        OutboundMessage(client.client_id, "w2", Channel.WHATSAPP, "D2", "+31687654321", TUESDAY_10),
        MessageContent(template="h"),
    )
    assert run_jobs(service, queues, "send-whatsapp") == ["sent", "failed"]  # D2 never consented
    assert service.whatsapp_inbound("31612345678", "hallo") == 0
    assert service.whatsapp_inbound("31612345678", " STOP ") == 1
    debtor = a.call("GET", "/v1/clients/C1/debtors/D1").body
    assert debtor["whatsapp_consent"] is False
    service.enqueue(
        OutboundMessage(client.client_id, "w3", Channel.WHATSAPP, "D1", "+31612345678", TUESDAY_10),
        MessageContent(template="h"),
    )
    assert run_jobs(service, queues, "send-whatsapp") == ["failed"]
    assert len(channel.sent) == 1


def test_bounces_found_in_the_mailbox_mark_the_message(env):
    world, client, channel, queues, service = env
    world.agency_a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    service.enqueue(message(client), MessageContent(subject="x"))
    run_jobs(service, queues)
    record, _ = service.outbox.get(client.client_id, "k1")
    channel.bounces = lambda mailbox, since: (
        # Exchange Online's own report: the sending mailbox's domain (attack6 finding 2)
        [("pid-1", "Undeliverable: x", "postmaster@c1.example")]
        if mailbox == "facturen@c1.example"
        else []
    )  # type: ignore[attr-defined]
    assert service.scan_bounces() == 1
    assert service.outbox.get(client.client_id, "k1")[0].status.value == "bounced"
    assert record.provider_id == "pid-1"
    kinds = [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds == ["delivery_failure"]


def test_a_bounce_from_the_recipients_own_domain_is_not_believed(env):
    """A debtor with a domain of his own can write as postmaster@ it with a bounce's subject
    and our reference pasted in: his word, not his mail system's (session5 finding 3); the
    14-day letter stays delivered as far as Inning knows, and its costs stay."""
    world, client, channel, queues, service = env
    world.agency_a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    service.enqueue(message(client), MessageContent(subject="x"))
    run_jobs(service, queues)
    record, _ = service.outbox.get(client.client_id, "k1")
    domain = record.to.rpartition("@")[2]
    channel.bounces = lambda mailbox, since: [("pid-1", "Undeliverable: x", f"postmaster@{domain}")]  # type: ignore[attr-defined]
    assert service.scan_bounces() == 0
    assert service.outbox.get(client.client_id, "k1")[0].status.value != "bounced"
    # a genuine late bounce from his own mail server looks the same: staff check it, once
    assert service.scan_bounces() == 0
    [item] = service.repos.actions.list(client.client_id, kind="bounce_unconfirmed")[0]
    assert item.detail["reporter"] == f"postmaster@{domain}"
    assert item.detail["key"] == "k1"
    assert f"came from postmaster@{domain}, the recipient's own domain" in item.title


@pytest.mark.parametrize("seconds", [30 * 86400, 1e12])
def test_a_providers_retry_after_is_honoured_up_to_the_day_it_is_waited_for(env, seconds):
    """providers32: a Retry-After of a month parked the message past the day the outbox waits
    for a provider (and one of 10**12 seconds stopped the worker: OverflowError)."""
    world, client, channel, queues, service = env
    channel.outcomes = [TransientSendError("429", retry_after=seconds)]
    service.enqueue(message(client), MessageContent(subject="x"))
    assert run_jobs(service, queues) == ["deferred"]
    record, _ = service.outbox.get(client.client_id, "k1")
    retry_at = datetime.fromisoformat(record.extra[RETRY_AT])
    assert retry_at - world.clock.now() == send_budget.PROVIDER_AWAY
