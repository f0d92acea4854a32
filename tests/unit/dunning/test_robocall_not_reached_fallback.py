"""misc17a 1: a dunning robocall that did not reach the debtor (busy, no answer, and since
dunfix16b a voicemail box, a fax or an undecided answer, ended before the message) left only a
contact-log line and a ``delivery_failure`` item: the step's fallback channel, which the
workflow names for a debtor the call cannot reach, never went. Now the step goes by its
fallback (here an SMS), the same for every way of not reaching him, and once per call: Twilio
posts the verdict and the final report (both "machine"), and may post either twice.

The call goes through the Twilio stand-in; its reports reach the app's callback service."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared.adapters.channels.twilio_voice import TwilioVoiceChannel
from shared.domain.messaging import Channel, OutboxStatus
from shared.services.callbacks import CallbackService
from shared.services.dunning_fallback import FALLBACK
from tests.support.stand_in import serve
from tests.support.twilio_stand_in import ACCOUNT, TOKEN, Report, TwilioStandIn
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

CALLBACK = "https://inning.example/api/callbacks/twilio/x"
MONDAY_10 = datetime(2025, 3, 17, 9, 0, tzinfo=UTC)  # the call step's day, 10:00 in Amsterdam
TEMPLATES = {
    "t-call": {"language": "nl", "text": "U heeft een openstaande factuur van {{ principal|money }}."},
    "t-sms": {"language": "nl", "text": "Herinnering: {{ principal|money }} staat open bij {{ client.name }}"},
}  # fmt: skip


def _workflow(fallback: str | None) -> dict[str, Any]:
    step: dict[str, Any] = {"name": "Bellen", "channel": "robocall", "offset_days": 7,
                            "templates": {"nl": "t-call"}}  # fmt: skip
    if fallback:
        step["fallback"] = fallback
    return {"name": "Bellen", "steps": [step]}


def _calling(
    world: Any, fallback: str | None, invoices: tuple[str, ...] = ("F1",)
) -> Iterator[tuple[Any, TwilioStandIn, CallbackService, str]]:
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    reply = a.call("PUT", "/v1/clients/C1/workflows/bellen", _workflow(fallback))
    assert reply.status == 200, reply.body
    assert a.call("POST", "/v1/clients/C1/workflows/bellen/activate").status == 200
    assert (
        a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "bellen"}]}).status
        == 200
    )
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row(n, "D1", due_date="2025-03-10") for n in invoices]},
    )
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.client_id = client.client_id
    services = world.services
    messaging = services.messaging
    stand_in = TwilioStandIn()
    with serve(stand_in) as server:
        channel = TwilioVoiceChannel(
            account_sid=ACCOUNT, auth_token=TOKEN, caller_id="+3185000000",
            status_callback=CALLBACK, base_url=server.url, http=httpx.Client(),
        )  # fmt: skip
        messaging.senders = {**messaging.senders, Channel.ROBOCALL: channel}
        world.clock.at = MONDAY_10
        services.dunning.run_client(client.client_id, MONDAY_10.date())
        (job,) = messaging.queues.take("send-robocall")
        key = json.loads(job.body)["key"]
        assert messaging.deliver(client.client_id, key) == "sent"
        record = messaging.outbox.get(client.client_id, key)[0]
        world.call_key = key
        yield (
            world,
            stand_in,
            CallbackService(messaging, token="t", twilio_token=TOKEN),
            str(record.provider_id),
        )


@pytest.fixture
def calling(world: Any) -> Iterator[tuple[Any, TwilioStandIn, CallbackService, str]]:
    yield from _calling(world, "sms")


@pytest.fixture
def calling_without_fallback(
    world: Any,
) -> Iterator[tuple[Any, TwilioStandIn, CallbackService, str]]:
    yield from _calling(world, None)


def _hand_over(service: CallbackService, reports: list[Report], times: int = 1) -> None:
    for _ in range(times):  # Twilio may post a report more than once
        for url, form, signature in reports:
            service.twilio(url, form, signature)


def _outbox(world: Any) -> list[Any]:
    return [m for m, _ in world.services.messaging.outbox.with_prefix(world.client_id, "dun|")]


def _items(world: Any) -> list[dict[str, Any]]:
    return world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]  # type: ignore[no-any-return]


def _log(world: Any) -> list[str]:
    entries = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    return [e["summary"] for e in entries]


def _not_reached(stand_in: TwilioStandIn, service: CallbackService, sid: str, how: str) -> None:
    """The call ends without reaching the debtor, ``how``; every report posted twice."""
    if how in ("busy", "no-answer"):
        _hand_over(service, stand_in.ring_out(sid, how), times=2)
        return
    _hand_over(service, stand_in.answer(sid, how), times=2)  # the verdict: the call is ended
    _hand_over(service, stand_in.hang_up(sid), times=2)  # the final report names it again


@pytest.mark.parametrize(
    "how", ["busy", "no-answer", "machine_end_beep", "machine_start", "fax", "unknown"]
)
def test_a_call_that_did_not_reach_the_debtor_goes_by_the_steps_fallback_once(calling, how):
    world, stand_in, service, sid = calling
    _not_reached(stand_in, service, sid, how)
    by_channel = {m.channel: m for m in _outbox(world)}
    assert set(by_channel) == {Channel.SMS, Channel.ROBOCALL} and len(_outbox(world)) == 2
    call, sms = by_channel[Channel.ROBOCALL], by_channel[Channel.SMS]
    # a machine's call is ended once, not again for the verdict posted a second time
    assert stand_in.calls[sid].end_requests == (0 if how in ("busy", "no-answer") else 1)
    assert call.status is OutboxStatus.FAILED
    assert sms.invoice_numbers == ("F1",) and sms.extra[FALLBACK] == call.key
    assert sms.to == "+31612345678"
    jobs = world.services.messaging.queues.take("send-sms")
    # each report of the call queues the one record's job (a job lost on the way goes again,
    # as ``enqueue`` does for a used key): the record decides, one SMS goes (failure18 F5)
    assert {json.loads(j.body)["key"] for j in jobs} == {sms.key}
    items = _items(world)
    assert [i["kind"] for i in items] == ["delivery_failure"]
    assert "goes by sms instead" in items[0]["title"]
    assert sum("robocall failed" in line for line in _log(world)) == 1
    # the SMS goes out as any reminder does (its text rendered for the debtor), once
    assert world.services.messaging.deliver(world.client_id, sms.key) == "sent"
    assert world.services.messaging.deliver(world.client_id, sms.key) == "done"
    content = world.services.messaging.content_of(sms)
    assert "121,00" in content.text or "121.00" in content.text


def test_a_call_a_person_took_sends_no_fallback(calling):
    world, stand_in, service, sid = calling
    _hand_over(service, stand_in.answer(sid, "human"))
    _hand_over(service, stand_in.hang_up(sid))
    assert [m.channel for m in _outbox(world)] == [Channel.ROBOCALL]
    assert _outbox(world)[0].status is OutboxStatus.DELIVERED and _items(world) == []


def test_a_step_without_fallback_leaves_the_call_to_the_action_list(calling_without_fallback):
    world, stand_in, service, sid = calling_without_fallback
    _not_reached(stand_in, service, sid, "machine_end_beep")
    assert [m.channel for m in _outbox(world)] == [Channel.ROBOCALL]
    items = _items(world)
    assert [i["kind"] for i in items] == ["delivery_failure"] and "instead" not in items[0]["title"]


def test_a_call_credited_meanwhile_sends_no_fallback(calling):
    world, stand_in, service, sid = calling
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    _not_reached(stand_in, service, sid, "busy")
    assert [m.channel for m in _outbox(world)] == [Channel.ROBOCALL]


def _stopped_sends_nothing(world: Any, stand_in: TwilioStandIn, service: Any, sid: str) -> None:
    _not_reached(stand_in, service, sid, "busy")
    assert [m.channel for m in _outbox(world)] == [Channel.ROBOCALL]
    assert world.services.messaging.queues.take("send-sms") == []
    items = _items(world)
    assert [i["kind"] for i in items] == ["delivery_failure"] and "instead" not in items[0]["title"]


def test_no_fallback_once_the_workflow_was_stopped(calling):
    """codereview17 F4: staff saved the workflow (kept inactive till it is checked again) while
    the call rang; the call went unanswered and the SMS `dun|D1|bellen|0|…` went out ("sent")
    though the run and ``replan`` send no step of an inactive workflow."""
    world, stand_in, service, sid = calling
    saved = world.agency_a.call("PUT", "/v1/clients/C1/workflows/bellen", _workflow("sms"))
    assert saved.status == 200 and saved.body["active"] is False, saved.body
    _stopped_sends_nothing(world, stand_in, service, sid)


def test_no_fallback_once_the_client_was_deactivated(calling):
    """codereview17 F4: the agency deactivated the client (its dunning stops) while the call
    rang; the fallback SMS still went."""
    world, stand_in, service, sid = calling
    assert world.agency_a.call("POST", "/v1/clients/C1/deactivate").status == 200
    _stopped_sends_nothing(world, stand_in, service, sid)


@pytest.fixture
def calling_staff(world: Any) -> Iterator[tuple[Any, TwilioStandIn, CallbackService, str]]:
    yield from _calling(world, "staff_task", ("F1", "F2"))


def test_one_staff_task_per_call_when_an_invoice_is_paid_between_its_reports(calling_staff):
    """failure18 F3: a call over F1 and F2 reached a voicemail box, its step's fallback a staff
    task. The verdict made the task for F1 and F2; F1 was paid before the final report, which
    named the machine again and made a second task, for F2 (the claim was keyed by what was
    still due at each report): 2 tasks and 2 log lines for one call."""
    world, stand_in, service, sid = calling_staff
    _hand_over(service, stand_in.answer(sid, "machine_start"))  # the verdict: the call is ended
    paid = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date="2025-03-10", open_amount="0.00")]})  # fmt: skip
    assert paid.status == 200, paid.body
    _hand_over(service, stand_in.hang_up(sid))  # the final report names the machine again
    tasks = [i for i in _items(world) if i["kind"] == "staff_task"]
    assert [t["invoice_numbers"] for t in tasks] == [["F1", "F2"]]
    assert sum("(task for staff)" in line for line in _log(world)) == 1
    assert [m.channel for m in _outbox(world)] == [Channel.ROBOCALL]


def test_a_fallback_whose_job_never_reached_the_queue_is_queued_by_the_next_report(
    calling, monkeypatch
):
    """failure18 F5: the verdict wrote the fallback SMS's record and its job's queue send met
    a 503 (the callback failed); the final report found the record written and returned: the
    SMS stayed PENDING with no job, while the item said the step went by SMS instead."""
    world, stand_in, service, sid = calling
    queues = world.services.messaging.queues
    real = queues.send
    left = {"n": 1}

    def busy_once(queue: str, body: str, *args: Any, **kw: Any) -> Any:
        if queue == "send-sms" and left["n"]:
            left["n"] -= 1
            raise RuntimeError("injected: 503 ServerBusy on the queue")
        return real(queue, body, *args, **kw)

    monkeypatch.setattr(queues, "send", busy_once)
    with pytest.raises(RuntimeError):
        _hand_over(service, stand_in.answer(sid, "machine_start"))  # the verdict
    _hand_over(service, stand_in.hang_up(sid))  # the final report names the machine again
    (sms,) = [m for m in _outbox(world) if m.channel is Channel.SMS]
    (job,) = queues.take("send-sms")
    assert json.loads(job.body)["key"] == sms.key
    assert world.services.messaging.deliver(world.client_id, sms.key) == "sent"
