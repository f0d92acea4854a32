"""A reminder planned before the contact hours waits; what happens to its invoices meanwhile
decides at sending time whether it goes (failure3 finding 1). The run and the send-time check
use one rule (``dunning.dunnable``)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from shared.domain.messaging import (
    Channel,
    MessageContent,
    OutboundMessage,
    OutboxStatus,
    SendResult,
)
from shared.services.messaging import CANCELLED, FOLLOWUPS
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW
from tests.unit.plans.test_plan_service import run_day

RUN_AT = datetime(2025, 3, 17, 5, 0, tzinfo=UTC)  # Monday 06:00 in Amsterdam: before 07:00
SEND_AT = datetime(2025, 3, 17, 9, 0, tzinfo=UTC)
DUE = "2025-03-10"


@pytest.fixture
def planned(world):
    """D1's first reminder (F1 and F2, one e-mail), planned and waiting for the contact hours."""
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    rules = {"rules": [{"workflow": "particulier"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date=DUE), invoice_row("F2", "D1", due_date=DUE, amount="50.00"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    services = world.services
    world.clock.at = RUN_AT
    assert services.dunning.run_client(client.client_id, date(2025, 3, 17)).steps == 1
    [job] = services.messaging.queues.take("send-email")
    body = json.loads(job.body)
    assert services.messaging.deliver(body["client_id"], body["key"]) == "deferred"
    services.messaging.queues.take("send-email")  # the deferred copy: delivered below
    record = services.messaging.outbox.get(client.client_id, body["key"])[0]
    assert record.status is OutboxStatus.PENDING and record.invoice_numbers == ("F1", "F2")
    return world, client, body["key"]


def deliver(world, client, key):
    """Monday 10:00: the waiting job comes back, and every job it leads to is delivered."""
    services = world.services
    world.clock.at = SEND_AT
    results = {key: services.messaging.deliver(client.client_id, key)}
    for job in services.messaging.queues.take("send-email"):
        other = json.loads(job.body)["key"]
        results[other] = services.messaging.deliver(client.client_id, other)
    return results


def record(world, client, key):
    return world.services.messaging.outbox.get(client.client_id, key)[0]


def invoice(world, client, number):
    stored = world.services.repos.invoices.get(client.client_id, number)
    assert stored is not None
    return stored.invoice


def contacts(world):
    entries = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    return [e["summary"] for e in entries if "niet verstuurd" in e["summary"]]


def pay(world, *numbers):
    world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(n, "D1", due_date=DUE, amount="50.00" if n == "F2" else "100.00", open_amount="0.00")
        for n in numbers
    ]})  # fmt: skip


def test_still_open_the_reminder_goes_as_planned(planned):
    world, client, key = planned
    assert deliver(world, client, key) == {key: "sent"}
    assert record(world, client, key).status is OutboxStatus.SENT
    assert not contacts(world)


def test_paid_in_full_meanwhile_it_is_closed_unsent_with_the_reason(planned):
    world, client, key = planned
    pay(world, "F1", "F2")
    assert deliver(world, client, key) == {key: "cancelled"}
    closed = record(world, client, key)
    assert closed.status is OutboxStatus.FAILED and closed.sent_at is None
    assert closed.error == "niet verstuurd: F1 betaald, F2 betaald sinds het plannen"
    assert FOLLOWUPS not in closed.extra and json.loads(closed.extra[CANCELLED]) == []
    assert contacts(world) == [f"email {closed.error}"]
    actions = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert not [a for a in actions if a["kind"] == "delivery_failure"]  # nothing for a person


def test_credited_meanwhile_it_is_closed_unsent(planned):
    world, client, key = planned
    for number in ("F1", "F2"):
        assert world.agency_a.call("POST", f"/v1/clients/C1/invoices/{number}/credit").status == 200
    assert deliver(world, client, key) == {key: "cancelled"}
    assert "F1 gecrediteerd, F2 gecrediteerd" in (record(world, client, key).error or "")


def test_disputed_meanwhile_it_is_closed_unsent(planned):
    world, client, key = planned
    for number in ("F1", "F2"):
        reason = {"reason": "never delivered"}
        assert (
            world.agency_a.call("POST", f"/v1/clients/C1/invoices/{number}/dispute", reason).status
            == 200
        )
    assert deliver(world, client, key) == {key: "cancelled"}
    assert "F1 betwist, F2 betwist" in (record(world, client, key).error or "")


def test_put_in_a_payment_plan_meanwhile_it_is_closed_unsent(planned):
    world, client, key = planned
    a = world.agency_a
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1", "F2"], "include_costs": False, "start": "2025-03-31",
        "installments": 2,
    })  # fmt: skip
    assert made.status == 201, made.body
    assert a.call("POST", f"/v1/clients/C1/plans/{made.body['plan_id']}/activate").status == 200
    results = deliver(world, client, key)
    assert results[key] == "cancelled"
    assert "F1 in regeling, F2 in regeling" in (record(world, client, key).error or "")
    # the plan's own messages are not dunning: they go as they would
    assert all(r == "sent" for k, r in results.items() if k != key)
    # the invoices stand where they stood before the reminder was planned ...
    for number in ("F1", "F2"):
        inv = invoice(world, client, number)
        assert (inv.dunning_step, inv.dunning_step_on) == (-1, None)
    # ... so when the plan ends, dunning resumes with the reminder that never went out: staff
    # cancelled it with nothing due, so not before his granted days are over (30-4 + 7 days
    # of grace: 8-5; law16b F4), when the plan's run hands the invoices back
    cancel = {"reason": "client's decision"}
    plan_id = made.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan_id}/cancel", cancel).status == 200
    world.services.messaging.queues.take("send-email")
    world.clock.at = datetime(2025, 3, 18, 9, 0, tzinfo=UTC)
    assert world.services.dunning.run_client(client.client_id, date(2025, 3, 18)).steps == 0
    run_day(world, date(2025, 5, 8))
    world.services.messaging.queues.take("send-email")
    world.clock.at = datetime(2025, 5, 8, 9, 0, tzinfo=UTC)
    assert world.services.dunning.run_client(client.client_id, date(2025, 5, 8)).steps == 1
    [job] = world.services.messaging.queues.take("send-email")
    again = json.loads(job.body)["key"]
    assert again != key and again.rsplit("|", 1)[0] == key.rsplit("|", 1)[0]
    assert world.services.messaging.deliver(client.client_id, again) == "sent"
    assert record(world, client, again).invoice_numbers == ("F1", "F2")
    assert invoice(world, client, "F1").dunning_step == 0


def test_debtor_paused_meanwhile_it_is_closed_unsent(planned):
    world, client, key = planned
    pause = {"reason": "overleden", "until": "2025-04-30"}
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors/D1/pause", pause).status == 200
    assert deliver(world, client, key) == {key: "cancelled"}
    assert "F1 gepauzeerd, F2 gepauzeerd" in (record(world, client, key).error or "")


def test_partly_paid_the_stale_text_is_closed_and_the_rest_gets_the_step_again(planned):
    """F2 was paid: the planned text names F2 and a total with it. It is not sent; the same
    step is rendered again for F1 alone (the invoices were advanced to this step when it was
    planned, so the next run would not plan it again) and that message goes."""
    world, client, key = planned
    pay(world, "F2")
    results = deliver(world, client, key)
    assert results.pop(key) == "cancelled"
    [(new_key, result)] = results.items()
    assert result == "sent" and new_key.startswith(key.rsplit("|", 1)[0] + "|")
    new = record(world, client, new_key)
    assert new.invoice_numbers == ("F1",)
    content = world.services.messaging.content(client.client_id, new_key)
    assert content.subject is not None and "F1" in content.subject and "F2" not in content.subject
    closed = record(world, client, key)
    assert closed.error == "niet verstuurd: F2 betaald sinds het plannen; opnieuw gepland voor F1"
    sent = [m for m in world.services.messaging.outbox.list(client.client_id)[0]
            if m.status is OutboxStatus.SENT and m.key.startswith("dun|")]  # fmt: skip
    assert [m.key for m in sent] == [new_key]
    # the next morning's run plans nothing for this step again
    world.clock.at = datetime(2025, 3, 18, 8, 0, tzinfo=UTC)
    world.services.dunning.run_client(client.client_id, date(2025, 3, 18))
    assert not world.services.messaging.queues.take("send-email")


def test_a_redelivery_after_closing_sends_nothing_and_logs_once(planned):
    world, client, key = planned
    pay(world, "F2")
    first = deliver(world, client, key)
    sent_before = [m.key for m in world.services.messaging.outbox.list(client.client_id)[0]
                   if m.status is OutboxStatus.SENT]  # fmt: skip
    assert world.services.messaging.deliver(client.client_id, key) == "done"
    # a worker that stopped after closing, before its follow-ups: the redo writes nothing twice
    closed, etag = world.services.messaging.outbox.get(client.client_id, key)
    world.services.messaging.outbox.save(
        replace(closed, extra={**closed.extra, FOLLOWUPS: "pending"}), etag
    )
    assert deliver(world, client, key) == {key: "cancelled"}
    assert world.services.messaging.deliver(client.client_id, key) == "done"
    after = [m.key for m in world.services.messaging.outbox.list(client.client_id)[0]
             if m.status is OutboxStatus.SENT]  # fmt: skip
    assert after == sent_before and len(first) == 2
    assert len(contacts(world)) == 1


def test_a_stale_claim_that_never_went_out_is_checked_again_before_the_retry(planned):
    """A worker claimed the reminder and stopped before sending; after the lease the provider
    says it never arrived. The invoices were paid meanwhile: no send."""
    world, client, key = planned
    messaging = world.services.messaging
    channel = stale_claim(world, client, key)
    pay(world, "F1", "F2")
    world.clock.at = SEND_AT.replace(minute=20)
    assert messaging.deliver(client.client_id, key) == "cancelled"
    assert record(world, client, key).status is OutboxStatus.FAILED and not channel.sent


def stale_claim(world, client, key: str) -> NothingArrived:
    """The reminder claimed at ``SEND_AT`` by a worker that stopped before sending; the
    provider (returned) has never seen it."""
    messaging = world.services.messaging
    channel = NothingArrived()
    messaging.senders = {Channel.EMAIL: channel}
    world.clock.at = SEND_AT
    claimed, etag = messaging.outbox.get(client.client_id, key)
    messaging.outbox.save(
        replace(claimed, status=OutboxStatus.INPROGRESS, claimed_at=SEND_AT, attempts=1), etag
    )
    return channel


class NothingArrived:
    """A provider that can be asked about a message and has never seen it."""

    name = "scripted"
    can_look_up = True

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        self.sent.append(message.key)
        return SendResult(self.name, f"pid-{len(self.sent)}")

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None


def test_a_fourteen_day_letter_closed_unsent_owes_no_costs(planned):
    """Planning the 14-day letter set when its costs are owed. Disputed before it went out:
    the letter is closed unsent and the invoices stand at the step before it, owing no costs
    (a dispute resolved later resumes with the letter, not after it)."""
    world, client, key = planned
    services = world.services
    assert deliver(world, client, key) == {key: "sent"}
    for when, queue in ((datetime(2025, 3, 22, 9, 0, tzinfo=UTC), "send-sms"),
                        (datetime(2025, 3, 29, 9, 0, tzinfo=UTC), "send-letter")):  # fmt: skip
        world.clock.at = when
        assert services.dunning.run_client(client.client_id, when.date()).steps == 1
        [job] = services.messaging.queues.take(queue)
        letter = json.loads(job.body)["key"]
    assert invoice(world, client, "F1").costs_owed_from is not None
    for number in ("F1", "F2"):
        reason = {"reason": "never delivered"}
        path = f"/v1/clients/C1/invoices/{number}/dispute"
        assert world.agency_a.call("POST", path, reason).status == 200
    assert services.messaging.deliver(client.client_id, letter) == "cancelled"
    for number in ("F1", "F2"):
        inv = invoice(world, client, number)
        assert (inv.dunning_step, inv.dunning_step_on) == (1, date(2025, 3, 22))
        assert inv.costs_owed_from is None
    assert "F1 betwist, F2 betwist" in (record(world, client, letter).error or "")


def test_partly_paid_when_the_step_cannot_go_out_again_the_rest_goes_back_a_step(planned):
    """The workflow changed meanwhile (its first step is a person's task now): no message
    is re-planned; F1 goes back to where it stood, for the next run to plan afresh."""
    world, client, key = planned
    changed = {**WORKFLOW, "steps": [{"name": "Bellen", "channel": "staff_task", "offset_days": 7},
                                     *WORKFLOW["steps"][1:]]}  # fmt: skip
    put = world.agency_a.call("PUT", "/v1/clients/C1/workflows/particulier", changed)
    assert put.status == 200, put.body
    pay(world, "F2")
    assert deliver(world, client, key) == {key: "cancelled"}
    inv = invoice(world, client, "F1")
    assert (inv.dunning_step, inv.dunning_step_on) == (-1, None)
