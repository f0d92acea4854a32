"""#12 item 6 / #17: every poison message ends on a listed action list with its cause, and an
operator can replay it from there."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from shared.api.app import IntegrationApi
from shared.domain.access import Scope
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus
from shared.domain.parties import Agency
from shared.services.poison import RawPoison
from tests.unit.api.conftest import ApiClient, client_row


class MemoryPoisonQueues:
    """Poison queues as storage holds them: raw text, leased on receipt, deleted by id."""

    def __init__(self) -> None:
        self.queues: dict[str, list[RawPoison]] = {}
        self.deleted: list[str] = []

    def put(self, queue: str, content: str, message_id: str) -> None:
        at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
        self.queues.setdefault(queue, []).append(RawPoison(message_id, at, content))

    def poison_queues(self):
        return sorted(self.queues)

    def receive(self, queue, limit):
        return [(m, f"receipt-{m.message_id}") for m in self.queues.get(queue, [])[:limit]]

    def delete(self, queue, message_id, pop_receipt):
        assert pop_receipt == f"receipt-{message_id}"
        self.queues[queue] = [m for m in self.queues[queue] if m.message_id != message_id]
        self.deleted.append(message_id)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def env(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    principal = world.services.access.authenticate(a.key)
    client = world.services.access.client_for(principal, "C1")
    return world, client, a


def actions(api_client, path="/v1/clients/C1/actions"):
    reply = api_client.call("GET", path)
    assert reply.status == 200, reply.body
    return [x for x in reply.body["items"] if x["kind"] == "poison"]


def test_a_message_job_lands_on_the_clients_list_with_its_cause_and_replays(env):
    world, client, a = env
    services = world.services
    services.messaging.enqueue(
        OutboundMessage(client.client_id, "k1", Channel.EMAIL, "D1", "d1@example.nl", world.clock.now()),
        MessageContent(subject="Herinnering", text="Betaal"),
    )  # fmt: skip
    job = services.queues.take("send-email")[0].body.encode()
    with pytest.raises(RuntimeError), services.poison.watch("send-email", job):
        raise RuntimeError("Graph answered 503 five times")
    services.poison.drain("send-email-poison", job, message_id="m1")
    services.poison.drain("send-email-poison", job, message_id="m1")  # a second drain: no twin
    [item] = actions(a)
    assert item["detail"]["queue"] == "send-email"
    assert "Graph answered 503" in item["detail"]["cause"]
    assert item["detail"]["subject"] == "Herinnering" and item["detail"]["readable"] is True
    assert services.messaging.outbox.get(client.client_id, "k1")[0].status is OutboxStatus.FAILED
    reply = a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/replay")
    assert reply.status == 200 and reply.body["status"] == "resolved"
    [again] = services.queues.take("send-email")
    assert again.body.encode() == job  # the very message, back on its queue
    assert services.messaging.outbox.get(client.client_id, "k1")[0].status is OutboxStatus.PENDING
    assert a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/replay").status == 422


def test_a_dunning_run_job_lands_on_the_clients_list(env):
    world, client, a = env
    body = json.dumps({"client_id": client.client_id, "date": "2025-03-03"}).encode()
    world.services.poison.drain("dunning-run-poison", body, message_id="d1")
    [item] = actions(a)
    assert item["detail"]["date"] == "2025-03-03" and item["detail"]["queue"] == "dunning-run"


def test_a_mollie_webhook_lands_on_its_payments_client_or_the_platform_list(env):
    world, client, a = env
    services = world.services
    services.repos.store.upsert("MolliePayments", __import__("shared.ports.tables", fromlist=["Row"]).Row(
        "tr_known", "p", {"ClientId": client.client_id, "Invoices": "[]"}))  # fmt: skip
    services.poison.drain("mollie-webhook-poison", b'{"id": "tr_known"}', message_id="w1")
    services.poison.drain("mollie-webhook-poison", b'{"id": "tr_unknown"}', message_id="w2")
    [item] = actions(a)
    assert item["detail"]["payment_id"] == "tr_known"
    # the platform list: only the operator agency's keys see it
    assert a.call("GET", "/v1/platform/actions").status == 404
    operator = _operator(world)
    platform = actions(operator, "/v1/platform/actions")
    assert [p["detail"]["payment_id"] for p in platform] == ["tr_unknown"]
    reply = operator.call("POST", f"/v1/platform/actions/{platform[0]['action_id']}/replay")
    assert reply.status == 200
    assert [json.loads(m.body) for m in services.queues.take("mollie-webhook")] == [
        {"id": "tr_unknown"}
    ]


def _operator(world) -> ApiClient:
    services = world.services
    object.__setattr__(services.settings, "operator_agency", "ops")
    services.repos.agencies.save(Agency("ops", "Operator"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id="ops")
    return ApiClient(IntegrationApi(services), key)


def test_a_statement_blob_lands_on_the_agencys_list_and_replays_by_announcing_the_file(env):
    world, _, a = env
    files = world.services.files
    files.put("statements", "agency-a/day.sta", b":20:broken")
    with (
        pytest.raises(ValueError),
        world.services.poison.watch("blob-trigger", b"statements/agency-a/day.sta"),
    ):
        raise ValueError("amount 1E+30 out of range")
    message = {"Type": "BlobTrigger", "FunctionId": "Host.Functions.ingest_statement",
               "ContainerName": "statements", "BlobName": "agency-a/day.sta", "ETag": "x"}  # fmt: skip
    world.services.poison.drain(
        "webjobs-blobtrigger-poison", json.dumps(message).encode(), message_id="b1"
    )
    [item] = actions(a, "/v1/actions")
    assert item["detail"]["blob"] == "agency-a/day.sta" and "1E+30" in item["detail"]["cause"]
    files.delete("statements", "agency-a/day.sta")
    files.put("statements", "agency-a/day.sta", b":20:broken")
    reply = a.call("POST", f"/v1/actions/{item['action_id']}/replay")
    assert reply.status == 200 and reply.body["status"] == "resolved"
    assert files.get("statements", "agency-a/day.sta") == b":20:broken"


def test_the_sweep_drains_what_no_trigger_can_decode_and_never_crashes(env):
    world, client, a = env
    reader = MemoryPoisonQueues()
    reader.put("send-sms-poison", "%%% not base64 \x00\udcff", "u1")
    reader.put(
        "send-sms-poison", b64(json.dumps({"client_id": "x" * 5000, "key": "k" * 5000})), "u2"
    )
    reader.put("dunning-run-poison", b64("[" * 100_000), "u3")
    reader.put(
        "send-email-poison", b64(json.dumps({"client_id": client.client_id, "key": "gone"})), "u4"
    )
    reader.put("some-future-queue-poison", b64("hello"), "u5")
    reader.put("mollie-webhook-poison", b64(json.dumps({"id": 12})), "u6")
    assert world.services.poison.sweep(reader) == 6
    assert all(not q for q in reader.queues.values())
    assert len(actions(a)) == 1  # the job naming C1
    platform = actions(_operator(world), "/v1/platform/actions")
    assert len(platform) == 5
    undecodable = next(p for p in platform if p["detail"]["message_id"] == "u1")
    assert (
        undecodable["detail"]["readable"] is False and "decoded" in undecodable["detail"]["cause"]
    )
    assert world.services.poison.sweep(reader) == 0
