"""A provider's answer lost after it took the message (the connection closes without a
response, a gateway answers 504): the providers' clients call that uncertain, never transient,
and the messaging service never sends it again by itself. Graph is asked (Sent Items, by our
internetMessageId) and confirms; CM and Pingen cannot be asked, so a person checks.
Local stand-ins play each provider and model the lost answer (failure2 F1)."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import requests

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.channels.cm_sms import CmSmsChannel
from shared.adapters.channels.graph_mail import GraphMailChannel
from shared.adapters.channels.pingen_letters import PingenLetterChannel
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.messaging import (
    Attachment,
    Channel,
    MessageContent,
    OutboundMessage,
    OutboxStatus,
    TransientSendError,
    UncertainSendError,
)
from shared.domain.parties import Agency
from shared.services.container import Services
from tests.support.graph_stand_in import REQUEST_LIMIT, SECRET, GraphStandIn
from tests.support.stand_in import Received, Reply, serve
from tests.support.tls import self_signed
from tests.unit.api.conftest import SETTINGS, ApiClient, client_row

MAILBOX = "facturen@korenbloem.example"
TENANT = "agency-tenant"
TUESDAY_10 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam


@dataclass
class Mail:
    graph: GraphStandIn
    services: Services
    queues: InMemoryQueueSender
    clock: FixedClock
    client_id: str

    def remind(self, key: str) -> None:
        message = OutboundMessage(self.client_id, key, Channel.EMAIL, "D1", "jan@devries.example",
                                  self.clock.now(), sender=MAILBOX)  # fmt: skip
        self.services.messaging.enqueue(
            message, MessageContent(subject="Herinnering", text="Betaal")
        )

    def run(self) -> list[str]:
        """The queue host: every job when it becomes visible, until none is left."""
        outcomes = []
        for _ in range(20):
            jobs = self.queues.take("send-email")
            if not jobs:
                break
            for job in jobs:
                self.clock.advance(seconds=job.delay_seconds)
                body = json.loads(job.body)
                outcomes.append(self.services.messaging.deliver(body["client_id"], body["key"]))
        return outcomes

    def record(self, key: str) -> Any:
        found = self.services.messaging.outbox.get(self.client_id, key)
        assert found is not None
        return found[0]

    def checks(self) -> list[Any]:
        items = self.services.repos.actions.list(self.client_id)[0]
        return [i for i in items if i.kind == "verify_delivery"]


@pytest.fixture
def mail(tmp_path) -> Iterator[Mail]:
    cert, key = self_signed(tmp_path)
    graph = GraphStandIn((TENANT,))
    with serve(graph, tls=(cert, key)) as server:
        graph.base = server.url
        session = requests.Session()
        session.trust_env = False
        session.verify = str(cert)
        channel = GraphMailChannel(
            tenant_id=TENANT, client_id="app-id", client_secret=SECRET, authority_host=server.url,
            graph_url=f"{server.url}/v1.0", http=httpx.Client(verify=ssl.create_default_context(cafile=str(cert))),
            msal_http_client=session,
        )  # fmt: skip
        clock = FixedClock(TUESDAY_10)
        queues = InMemoryQueueSender()
        services = build_services(SETTINGS, clock=clock, store=InMemoryTableStore(), files=InMemoryFileStore(),
                                  queues=queues, senders={Channel.EMAIL: channel})  # fmt: skip
        services.repos.agencies.save(Agency("agency-a", "AGENCY-A"))
        agency = ApiClient(
            IntegrationApi(services),
            services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")[1],
        )
        assert (
            agency.call(
                "POST", "/v1/clients", {"items": [client_row("C1", contact_email=MAILBOX)]}
            ).status
            == 200
        )
        client_id = agency.call("GET", "/v1/clients/C1").body["client_id"]
        yield Mail(graph, services, queues, clock, client_id)


def test_graph_answer_lost_the_mail_is_found_in_sent_items_and_not_sent_again(mail):
    mail.graph.lose_answers = 1
    mail.remind("dun|D1|wf|1|a")
    assert mail.run() == ["sent"]
    assert len(mail.graph.mailbox(MAILBOX).sent) == 1
    assert mail.record("dun|D1|wf|1|a").status is OutboxStatus.SENT
    assert mail.checks() == []


def test_graph_504_after_taking_the_mail_is_asked_again_until_it_is_filed(mail):
    mail.graph.gateway_errors = 1
    mail.graph.sent_items_lag = 2  # not in Sent Items right away, nor at the first re-check
    mail.remind("dun|D1|wf|1|b")
    assert mail.run() == ["uncertain", "uncertain", "sent"]
    assert len(mail.graph.mailbox(MAILBOX).sent) == 1
    assert mail.record("dun|D1|wf|1|b").status is OutboxStatus.SENT
    assert mail.checks() == []


def test_graph_never_shows_the_mail_a_person_checks_and_nothing_is_resent(mail):
    mail.graph.lose_answers = 1
    mail.graph.sent_items_lag = 100
    mail.remind("dun|D1|wf|1|c")
    assert mail.run() == ["uncertain"] * 4  # at once, then 5, 15 and 45 minutes later
    record = mail.record("dun|D1|wf|1|c")
    assert record.status is OutboxStatus.UNCERTAIN and "rechecks" not in record.extra
    (check,) = mail.checks()
    assert check.title.startswith("Check whether this reminder went out")
    assert len(mail.graph.mailbox(MAILBOX).sent) == 1


def test_a_reminder_with_two_large_invoices_lost_at_its_send_is_found_not_sent_again(mail):
    """dunning16 F3: two invoice PDFs of 2.5 MB go as a draft with its attachments (one
    sendMail would pass Graph's 4 MB); the draft carries our Message-ID, so a lost answer to
    its send is settled in Sent Items as a sendMail's is: one mail, both invoices."""
    mail.graph.lose_answers = 1
    files = tuple(
        Attachment(f"factuur-F{i}.pdf", "application/pdf", bytes([i]) * 2_500_009) for i in (1, 2)
    )
    message = OutboundMessage(mail.client_id, "dun|D1|wf|1|e", Channel.EMAIL, "D1",
                              "jan@devries.example", mail.clock.now(), sender=MAILBOX)  # fmt: skip
    mail.services.messaging.enqueue(
        message, MessageContent(subject="Herinnering", text="Betaal", attachments=files)
    )
    assert mail.run() == ["sent"]
    (sent,) = mail.graph.mailbox(MAILBOX).sent
    assert sent["attachments"] == [(f.name, f.data) for f in files]
    assert mail.graph.largest_request <= REQUEST_LIMIT
    assert mail.record("dun|D1|wf|1|e").status is OutboxStatus.SENT and mail.checks() == []


def test_graph_throttling_is_not_a_send_and_is_retried(mail):
    mail.graph.throttle_next = 1  # 429: Graph did not take it
    mail.remind("dun|D1|wf|1|d")
    assert mail.run() == ["deferred", "sent"]
    assert len(mail.graph.mailbox(MAILBOX).sent) == 1


# -- CM.com --------------------------------------------------------------------------------
class CmTakesThenLoses:
    """CM's gateway: takes every valid message; the answers of the first ``lost`` are lost."""

    def __init__(self, lost: int = 1, status: int | None = None) -> None:
        self.lost, self.status, self.accepted = lost, status, 0

    def __call__(self, r: Received) -> Reply:
        m = r.json()["messages"]["msg"][0]
        self.accepted += 1  # CM has it: the SMS goes out
        if self.lost > 0:
            self.lost -= 1
            return Reply(
                self.status or 0, {"message": "upstream timed out"}, lost=self.status is None
            )
        return Reply(200, {"details": "Created 1 message(s)", "errorCode": 0, "messages": [
            {"to": m["to"][0]["number"], "status": "Accepted", "reference": m["reference"],
             "parts": 1, "messageDetails": None, "messageErrorCode": 0}]})  # fmt: skip


def sms() -> OutboundMessage:
    return OutboundMessage("c", "dun|D1|wf|2|x", Channel.SMS, "D1", "+31612345678", TUESDAY_10)


@pytest.mark.parametrize("status", [None, 502, 504])
def test_cm_answer_lost_is_uncertain(status):
    cm = CmTakesThenLoses(status=status)
    with serve(cm) as server:
        channel = CmSmsChannel(product_token="t", sender="Inning", base_url=server.url,
                               http=httpx.Client(timeout=5))  # fmt: skip
        with pytest.raises(UncertainSendError):
            channel.send(sms(), MessageContent(subject="", text="Betaal a.u.b."))
    assert cm.accepted == 1


def test_cm_unreachable_is_transient():
    with socket.socket() as s:  # a port nobody listens on: the connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    channel = CmSmsChannel(product_token="t", sender="Inning", base_url=f"http://127.0.0.1:{port}",
                           http=httpx.Client(timeout=5))  # fmt: skip
    with pytest.raises(TransientSendError):
        channel.send(sms(), MessageContent(subject="", text="Betaal a.u.b."))


# -- Pingen --------------------------------------------------------------------------------
class PingenTakesThenLoses:
    """Pingen: token, signed upload, letter creation (auto_send: printed and posted); the
    answer to the first letter's creation is lost."""

    def __init__(self) -> None:
        self.base = ""
        self.letters: list[dict[str, Any]] = []

    def __call__(self, r: Received) -> Reply:
        if r.path == "/auth/access-tokens":
            return Reply(200, {"token_type": "Bearer", "expires_in": 43200, "access_token": "pg"})
        if r.path == "/s3/upload":
            return Reply(200)
        if r.headers.get("authorization") != "Bearer pg":
            return Reply(401, {"errors": [{"status": "401", "title": "Unauthenticated"}]})
        if r.path == "/file-upload":
            return Reply(200, {"data": {"id": "u1", "type": "file_uploads", "attributes": {
                "url": f"{self.base}/s3/upload", "url_signature": "sig"}}})  # fmt: skip
        if r.path == "/organisations/org-1/letters" and r.method == "POST":
            self.letters.append(r.json()["data"]["attributes"])  # created, and on its way
            if len(self.letters) == 1:
                return Reply(lost=True)
            return Reply(201, {"data": {"id": f"letter-{len(self.letters)}", "type": "letters"}})
        return Reply(404, {"errors": [{"status": "404"}]})


def test_pingen_answer_lost_is_uncertain_and_one_letter_exists():
    pingen = PingenTakesThenLoses()
    with serve(pingen) as server:
        pingen.base = server.url
        channel = PingenLetterChannel(client_id="id", client_secret="s", organisation_id="org-1",
                                      api_url=server.url, identity_url=server.url,
                                      http=httpx.Client(timeout=5))  # fmt: skip
        letter = OutboundMessage(
            "c", "dun|D1|wf|3|x", Channel.LETTER, "D1", "J. de Vries", TUESDAY_10
        )
        content = MessageContent(subject="Sommatie", text="", attachments=(
            Attachment("s.pdf", "application/pdf", b"%PDF-1.4"),))  # fmt: skip
        with pytest.raises(UncertainSendError):
            channel.send(letter, content)
    assert len(pingen.letters) == 1
    assert pingen.letters[0]["file_original_name"] == f"{letter.reference}.pdf"
