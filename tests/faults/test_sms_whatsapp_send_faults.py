"""failure33: an SMS (CM) and a WhatsApp message (Cloud API) delivered through the real
provider clients (httpx, scripted answers) by the fault harness's queue host, which delivers
each job again as a queue may (a lost delete, a visibility lapse). Neither CM's message API nor
Meta's Cloud API takes an idempotency key (a second POST is a second message), so what decides
is the outbox record, claimed before the POST: a 429 or a 503 (not taken) is tried again later
and goes once; a lost answer (a read timeout after the provider took it) or a gateway's 502
without the provider's own error is ``uncertain``: a ``verify_delivery`` item, never a second
POST, however often the job comes back; a message sent is not sent again by a redelivery."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest

from shared.adapters.channels.cm_sms import CmSmsChannel
from shared.adapters.channels.whatsapp_cloud import WhatsAppCloudChannel
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus
from tests.faults.checks import all_actions
from tests.faults.harness import Job
from tests.faults.world import FaultWorld, build
from tests.unit.api.conftest import client_row, debtor_row

TO = "+31612345678"


@dataclass
class Provider:
    """Answers each POST from ``script``: a status (with a Retry-After for 429), "ok", or
    "lost" (taken, then the connection drops before the answer)."""

    channel: Channel
    script: list[str | int]
    posts: int = 0
    taken: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.posts += 1
        step = self.script.pop(0) if self.script else "ok"
        body = json.loads(request.content)
        if step in ("ok", "lost"):
            self.taken.append(json.dumps(body, sort_keys=True))
            if step == "lost":
                raise httpx.ReadTimeout("the answer never came", request=request)
            return httpx.Response(200, json=self._accepted(body))
        headers = {"Retry-After": "60"} if step == 429 else {}
        return httpx.Response(int(step), headers=headers, text="busy")

    def _accepted(self, body: dict[str, object]) -> dict[str, object]:
        if self.channel is Channel.SMS:
            return {"errorCode": 0, "details": "Created 1 message(s)", "messages": [
                {"status": "Accepted", "parts": 1, "messageErrorCode": 0}]}  # fmt: skip
        return {"messages": [{"id": f"wamid.{len(self.taken)}"}]}


def _world(provider: Provider) -> tuple[FaultWorld, str]:
    world = build(0, 0.0)
    world.clock.at = world.clock.now().replace(hour=9)  # 10:00 in Amsterdam, a Monday
    world.api.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    debtor = debtor_row("D1", mobile=TO, whatsapp_consent=True)
    world.api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor]})
    http = httpx.Client(transport=httpx.MockTransport(provider))
    sender = (
        CmSmsChannel(product_token="t", sender="Inning", http=http)
        if provider.channel is Channel.SMS
        else WhatsAppCloudChannel(token="t", phone_number_id="1", http=http)
    )
    messaging = world.services.messaging
    messaging.senders = {**messaging.senders, provider.channel: sender}
    return world, next(iter(world.services.repos.clients.all())).client_id


def _redeliver(world: FaultWorld, queue: str, client_id: str, times: int) -> None:
    """The queue hands the job out again (the first delivery's delete lost, say)."""
    body = json.dumps({"client_id": client_id, "key": "hand|D1|sms"})
    for n in range(times):
        world.host.pending.append(Job(queue, body, f"again-{n}", world.clock.now()))


CASES: dict[str, tuple[list[str | int], OutboxStatus, int]] = {
    # script, the record's end, POSTs
    "sent": (["ok"], OutboxStatus.SENT, 1),
    "429 then sent": ([429, "ok"], OutboxStatus.SENT, 2),
    "503 then sent": ([503, "ok"], OutboxStatus.SENT, 2),
    "answer lost": (["lost"], OutboxStatus.UNCERTAIN, 1),
    "gateway 502": ([502], OutboxStatus.UNCERTAIN, 1),
}


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP], ids=["cm", "whatsapp"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_one_message_per_record_under_provider_faults_and_redelivery(channel, case):
    script, end, posts = CASES[case]
    provider = Provider(channel, list(script))
    world, client_id = _world(provider)
    content = (
        MessageContent(text="Uw factuur F1 staat open.")
        if channel is Channel.SMS
        else MessageContent(template="betaalherinnering", template_params=("F1",))
    )
    message = OutboundMessage(client_id, "hand|D1|sms", channel, "D1", TO, world.clock.now())
    world.services.messaging.enqueue(message, content)

    def deliver() -> None:
        world.host.run_until(world.clock.now() + timedelta(minutes=30))

    deliver()
    _redeliver(world, channel.queue, client_id, 2)  # after its first delivery ended
    deliver()
    world.clock.at += timedelta(hours=2)
    _redeliver(world, channel.queue, client_id, 1)  # hours later
    deliver()
    found = world.services.messaging.outbox.get(client_id, "hand|D1|sms")
    assert found is not None
    assert found[0].status is end, found[0]
    assert provider.posts == posts
    # the debtor got one message (the 502's gateway is not known to have passed it on)
    assert len(provider.taken) == (0 if case == "gateway 502" else 1)
    verify = [x for x in all_actions(world) if x.kind == "verify_delivery"]
    assert len(verify) == (1 if end is OutboxStatus.UNCERTAIN else 0), verify
    assert world.host.pending == []
