"""Debtors' e-mails read from a mailbox through the Graph stand-in (delta rounds, paging,
410, 429, attachments), filed on the right debtors, and linked with an answer in the thread."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
import requests

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.channels.graph_inbox import GraphInbox
from shared.adapters.channels.graph_mail import GraphMailChannel
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus
from shared.domain.parties import Agency
from shared.services.container import Services
from shared.services.inbound.reader import InboxReader
from tests.support.graph_stand_in import SECRET, GraphStandIn
from tests.support.stand_in import StandIn, serve
from tests.support.tls import self_signed
from tests.unit.api.conftest import SETTINGS, ApiClient, client_row, debtor_row, invoice_row
from tests.unit.inbound.fixtures import graph_message

MAILBOX = "facturen@korenbloem.example"
TENANT = "agency-tenant"


@dataclass
class Setup:
    graph: GraphStandIn
    server: StandIn
    services: Services
    agency: ApiClient
    other_agency: ApiClient
    client_id: str
    slept: list[float]

    def reader(self) -> InboxReader:
        channel = self.services.senders[Channel.EMAIL]
        assert isinstance(channel, GraphMailChannel)
        inbox = GraphInbox(channel._token, channel.graph_url, channel.http, sleep=self.slept.append)
        return InboxReader(self.services.repos, self.services.files, self.services.inbound_filing,
                           lambda mailbox: inbox, self.services.clock)  # fmt: skip

    def remind(self, debtor: str, key: str, to: str = "jan@devries.example") -> dict[str, object]:
        """A reminder sent through Graph; what the stand-in received."""
        message = OutboundMessage(self.client_id, key, Channel.EMAIL, debtor, to, self.services.clock.now(),
                                  sender=MAILBOX, invoice_numbers=("F-1001",))  # fmt: skip
        self.services.messaging.enqueue(
            message, MessageContent(subject="Herinnering factuur F-1001", text="Betaal a.u.b.")
        )
        assert self.services.messaging.deliver(self.client_id, key) == "sent"
        return self.graph.mailbox(MAILBOX).sent[-1]

    def contacts(self, debtor: str) -> list[str]:
        return [
            e.summary for e in self.services.repos.contacts.for_debtor(self.client_id, debtor)[0]
        ]

    def actions(self) -> list[object]:
        items, _ = self.services.repos.actions.list(self.client_id)
        return list(items)


@pytest.fixture
def setup(tmp_path) -> Iterator[Setup]:
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
        clock = FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
        services = build_services(SETTINGS, clock=clock, store=InMemoryTableStore(), files=InMemoryFileStore(),
                                  queues=InMemoryQueueSender(), senders={Channel.EMAIL: channel})  # fmt: skip
        api = IntegrationApi(services)
        keys = []
        for agency_id in ("agency-a", "agency-b"):
            services.repos.agencies.save(Agency(agency_id, agency_id.upper()))
            keys.append(services.access.issue(scope=Scope.AGENCY, agency_id=agency_id)[1])
        agency = ApiClient(api, keys[0])
        assert (
            agency.call(
                "POST", "/v1/clients", {"items": [client_row("C1", contact_email=MAILBOX)]}
            ).status
            == 200
        )
        debtors = [debtor_row("D1", emails=["jan@devries.example"], language="nl"),
                   debtor_row("D2", emails=["info@pietersen.example"])]  # fmt: skip
        assert agency.call("POST", "/v1/clients/C1/debtors", {"items": debtors}).status == 200
        invoices = [invoice_row("F-1001", "D1"), invoice_row("F-2002", "D2")]
        assert agency.call("POST", "/v1/clients/C1/invoices", {"items": invoices}).status == 200
        client_id = agency.call("GET", "/v1/clients/C1").body["client_id"]
        yield Setup(graph, server, services, agency, ApiClient(api, keys[1]), client_id, [])


def test_a_reply_to_a_reminder_is_filed_on_its_debtor_with_its_attachment(setup):
    reader = setup.reader()
    assert reader.run().mailboxes == 1  # the first round starts the watch
    sent = setup.remind("D1", "dun|D1|1")
    assert str(sent["internetMessageId"]).startswith("<inn.")
    setup.graph.deliver(
        MAILBOX, graph_message("reply_with_quote", in_reply_to=str(sent["internetMessageId"]))
    )
    report = reader.run()
    assert report.filed == 1 and not report.failed
    assert any(
        "E-mail received from jan@devries.example" in s and "1 attachment" in s
        for s in setup.contacts("D1")
    )
    assert not setup.contacts("D2"), "F-2002 is only in the quoted reminder"
    assert not [a for a in setup.actions() if a.kind == "inbound_mail"], (
        "certain: no question for staff"
    )
    listing = setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"]
    assert len(listing) == 1 and listing[0]["linked"] and listing[0]["debtors"] == ["D1"]
    mail = setup.agency.call("GET", f"/v1/clients/C1/inbound-mail/{listing[0]['id']}").body
    assert "al betaald" in mail["text"] and "F-2002" in mail["quoted"]
    reasons = mail["candidates"][0]["reasons"]
    assert any(r.startswith("thread") for r in reasons) and any(
        r.startswith("sender") for r in reasons
    )
    download = setup.agency.api.handle(
        _get(setup.agency, f"/v1/clients/C1/inbound-mail/{listing[0]['id']}/attachments/0")
    )
    assert download.status == 200 and download.encoded().startswith(b"%PDF")
    # the next round has nothing new, and the same message is not filed twice
    assert reader.run().filed == 0
    assert len(setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"]) == 1
    deltas = setup.server.requests("GET", "/messages/delta")
    assert "$select" in deltas[0].query and all("$deltatoken" in d.query for d in deltas[1:])
    assert all(
        r.headers.get("prefer") == 'odata.maxpagesize=50, IdType="ImmutableId"' for r in deltas
    )


def test_mail_older_than_the_watch_is_left_alone(setup):
    setup.graph.deliver(
        MAILBOX, {**graph_message("two_debtors"), "receivedDateTime": "2020-01-01T00:00:00Z"}
    )
    report = setup.reader().run()
    assert report.filed == 0 and report.skipped == 1


def test_two_debtors_invoices_from_an_unknown_sender_are_candidates_not_filed(setup):
    # anyone can type invoice numbers: from an address not on file they make candidates
    reader = setup.reader()
    reader.run()
    setup.graph.deliver(MAILBOX, graph_message("two_debtors"))
    reader.run()
    assert not setup.contacts("D1") and not setup.contacts("D2")
    mail = setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"][0]
    assert not mail["linked"] and sorted(c["debtor"] for c in mail["candidates"]) == ["D1", "D2"]
    items = [a for a in setup.actions() if a.kind == "inbound_mail"]
    assert len(items) == 1 and "D1" in items[0].title and "D2" in items[0].title


def test_two_debtors_invoices_from_an_address_on_file_of_both_are_on_both_logs(setup):
    shared = "boekhouding@vandijk-administratie.example"
    rows = [debtor_row("D1", emails=["jan@devries.example", shared], language="nl"),
            debtor_row("D2", emails=["info@pietersen.example", shared])]  # fmt: skip
    assert setup.agency.call("POST", "/v1/clients/C1/debtors", {"items": rows}).status == 200
    reader = setup.reader()
    reader.run()
    setup.graph.deliver(MAILBOX, graph_message("two_debtors"))
    reader.run()
    assert setup.contacts("D1") and setup.contacts("D2")
    mail = setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"][0]
    assert sorted(mail["debtors"]) == ["D1", "D2"]


def test_a_forwarded_mail_makes_the_original_sender_a_candidate(setup):
    # a forwarded "From:" line is typed by whoever forwards: a candidate for a person
    reader = setup.reader()
    reader.run()
    setup.graph.deliver(MAILBOX, graph_message("forwarded"))
    reader.run()
    assert not setup.contacts("D1")
    mail = setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"][0]
    assert [c["debtor"] for c in mail["candidates"]] == ["D1"]
    assert any(r.startswith("forwarded") for r in mail["candidates"][0]["reasons"])


def test_an_unknown_sender_becomes_an_action_listing_no_one_and_linking_resolves_it(setup):
    reader = setup.reader()
    reader.run()
    setup.graph.deliver(
        MAILBOX,
        {**graph_message("forwarded"), "body": {"contentType": "text", "content": "Wie ben ik?"}},
    )
    reader.run()
    items = [a for a in setup.actions() if a.kind == "inbound_mail"]
    assert len(items) == 1 and "matches no debtor" in items[0].title
    mail = setup.agency.call("GET", "/v1/clients/C1/inbound-mail", state="unlinked").body["items"][
        0
    ]
    linked = setup.agency.call("POST", f"/v1/clients/C1/inbound-mail/{mail['id']}/link",
                               {"debtors": ["D2"], "create_action": True})  # fmt: skip
    assert linked.status == 200 and linked.body["linked"] and linked.body["debtors"] == ["D2"]
    kinds = {(a.kind, a.status.value) for a in setup.actions()}
    assert ("inbound_mail", "resolved") in kinds and ("staff_task", "open") in kinds
    assert setup.services.repos.debtors.get(setup.client_id, "D2")[0].pause is None, (
        "register only: no pause"
    )


def test_out_of_office_is_logged_and_never_pauses(setup):
    reader = setup.reader()
    reader.run()
    sent = setup.remind("D1", "dun|D1|2")
    setup.graph.deliver(
        MAILBOX, graph_message("out_of_office", in_reply_to=str(sent["internetMessageId"]))
    )
    report = reader.run()
    assert report.auto_replies == 1
    assert any(s.startswith("Automatic reply") for s in setup.contacts("D1"))
    assert setup.services.repos.debtors.get(setup.client_id, "D1")[0].pause is None
    mail = setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"][0]
    refused = setup.agency.call("POST", f"/v1/clients/C1/inbound-mail/{mail['id']}/link",
                                {"debtors": ["D1"], "template": "in-behandeling"})  # fmt: skip
    assert refused.status == 422
    assert not [a for a in setup.actions() if a.kind == "inbound_mail"]


def test_a_non_delivery_report_goes_to_the_bounce_handling(setup):
    reader = setup.reader()
    reader.run()
    setup.remind("D1", "dun|D1|3")
    record = setup.services.messaging.outbox.get(setup.client_id, "dun|D1|3")[0]
    setup.graph.deliver(MAILBOX, graph_message("ndr", reference=record.reference))
    report = reader.run()
    assert report.bounces == 1 and report.filed == 0
    assert (
        setup.services.messaging.outbox.get(setup.client_id, "dun|D1|3")[0].status
        is OutboxStatus.BOUNCED
    )
    assert setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"] == []


def test_attachments_within_the_limits_are_kept_and_the_rest_noted(setup):
    reader = setup.reader()
    reader.run()
    message = graph_message("attachments")
    big = b"%PDF-1.4\n" + bytes(3_500_000)
    message["attachments"].append({"@odata.type": "#microsoft.graph.fileAttachment", "id": "AAMkBig", "name": "scan.pdf",
                                   "contentType": "application/pdf", "size": len(big), "isInline": False,
                                   "contentBytes": base64.b64encode(big).decode()})  # fmt: skip
    setup.graph.deliver(MAILBOX, message)
    reader.run()
    mail = setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"][0]
    kept = {a["name"]: a for a in mail["attachments"]}
    assert (
        kept["bon.pdf"]["kept"]
        and kept["scan.pdf"]["kept"]
        and kept["scan.pdf"]["size"] == len(big)
    )
    assert (
        not kept["Doorgestuurd: afspraak"]["kept"]
        and "Outlook item" in kept["Doorgestuurd: afspraak"]["skipped"]
    )
    assert not kept["foto's.zip"]["kept"] and "cloud file" in kept["foto's.zip"]["skipped"]
    assert setup.server.requests("GET", "/attachments/AAMkBig/$value"), "above 3 MB through $value"
    assert not setup.server.requests("GET", "/attachments/AAMkSmall")[0].path.endswith("$value")
    raw = setup.agency.api.handle(
        _get(setup.agency, f"/v1/clients/C1/inbound-mail/{mail['id']}/attachments/3")
    )
    assert raw.encoded() == big


def test_delta_pages_are_followed_and_a_forgotten_state_restarts_without_filing_twice(setup):
    reader = setup.reader()
    reader.run()
    for n in range(55):
        setup.graph.deliver(MAILBOX, graph_message("out_of_office", in_reply_to=f"<x{n}@y>"))
    report = reader.run()
    assert report.auto_replies == 55
    assert any("$skiptoken" in r.query for r in setup.server.requests("GET", "/messages/delta"))
    setup.graph.expire_states()
    setup.graph.deliver(MAILBOX, graph_message("two_debtors"))
    report = reader.run()
    assert report.restarted == [MAILBOX] and report.filed == 1 and report.auto_replies == 0
    assert (
        len(setup.agency.call("GET", "/v1/clients/C1/inbound-mail", page_size="100").body["items"])
        == 56
    )


def test_throttling_waits_as_told_or_leaves_the_mailbox_for_the_next_run(setup):
    reader = setup.reader()
    reader.run()
    setup.graph.deliver(MAILBOX, graph_message("two_debtors"))
    setup.graph.throttle_next, setup.graph.throttle_seconds = 1, 2
    assert reader.run().filed == 1 and setup.slept == [2.0]
    setup.graph.deliver(MAILBOX, graph_message("forwarded"))
    setup.graph.throttle_next, setup.graph.throttle_seconds = 1, 120
    report = reader.run()
    assert MAILBOX in report.failed and report.filed == 0
    assert reader.run().filed == 1, "the next run reads what was left"


def test_linking_with_a_template_pauses_and_answers_in_the_thread_once(setup):
    reader = setup.reader()
    reader.run()
    sent = setup.remind("D1", "dun|D1|4")
    graph_id = setup.graph.deliver(
        MAILBOX, graph_message("reply_with_quote", in_reply_to=str(sent["internetMessageId"]))
    )
    reader.run()
    mail = setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"][0]
    body = {"debtors": ["D1"], "template": "in-behandeling"}
    first = setup.agency.call("POST", f"/v1/clients/C1/inbound-mail/{mail['id']}/link", body)
    assert first.status == 200 and first.body["answer"]
    debtor = setup.services.repos.debtors.get(setup.client_id, "D1")[0]
    assert debtor.pause is not None and debtor.pause.reason == "correspondence"
    answer = setup.services.messaging.outbox.get(setup.client_id, first.body["answer"])[0]
    assert answer.extra["in_reply_to"] == mail_message_id(setup, mail["id"])
    assert setup.services.messaging.deliver(setup.client_id, answer.key) == "sent"
    again = setup.agency.call("POST", f"/v1/clients/C1/inbound-mail/{mail['id']}/link", body)
    assert again.status == 200 and again.body["answer"] == first.body["answer"]
    assert setup.services.messaging.deliver(setup.client_id, answer.key) == "done"
    replies = [s for s in setup.graph.mailbox(MAILBOX).sent if s.get("reply_to_id")]
    assert len(replies) == 1 and replies[0]["reply_to_id"] == graph_id
    assert "Beste Debtor D1" in str(replies[0]["text"]) and replies[0][
        "in_reply_to"
    ] == mail_message_id(setup, mail["id"])
    assert len([s for s in setup.contacts("D1") if s.startswith("Paused")]) == 1


def test_another_agency_and_another_client_never_see_the_mail(setup):
    reader = setup.reader()
    reader.run()
    setup.graph.deliver(MAILBOX, graph_message("two_debtors"))
    reader.run()
    mail = setup.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"][0]
    assert setup.other_agency.call("GET", "/v1/clients/C1/inbound-mail").status == 404
    assert setup.other_agency.call("GET", f"/v1/clients/C1/inbound-mail/{mail['id']}").status == 404
    assert setup.agency.call("POST", "/v1/clients", {"items": [client_row("C2")]}).status == 200
    key = setup.agency.call("POST", "/v1/keys", {"scope": "client", "client": "C2"}).body["key"]
    other = setup.agency.as_key(key)
    assert other.call("GET", f"/v1/clients/C2/inbound-mail/{mail['id']}").status == 404
    assert other.call("GET", "/v1/clients/C1/inbound-mail").status == 404
    assert other.call("GET", "/v1/clients/C2/inbound-mail").body["items"] == []


def mail_message_id(setup: Setup, key: str) -> str:
    found = setup.services.inbound_mail.mail.get(setup.client_id, key)
    assert found is not None
    return found[0].internet_message_id


def _get(client: ApiClient, path: str):  # a raw request (the download is not JSON)
    from shared.api.http import ApiRequest

    return ApiRequest("GET", path, {"x-api-key": client.key or ""}, {}, b"")


def test_a_message_deleted_before_it_is_read_is_skipped_and_the_round_moves_on(setup):
    reader = setup.reader()
    reader.run()
    gone = setup.graph.deliver(MAILBOX, graph_message("two_debtors"))
    setup.graph.deliver(MAILBOX, graph_message("forwarded"))
    setup.graph.vanish_on_read.add(gone)  # deleted between the delta page and the GET
    report = reader.run()
    assert report.filed == 1 and report.skipped == 1 and not report.failed


def test_mail_of_the_very_second_the_watch_began_is_filed(setup):
    """Graph gives receivedDateTime to the second: an answer arriving in the second the watch
    began is new, not older than the watch (compared to the microsecond it was skipped)."""
    clock = setup.services.clock
    clock.at = clock.at.replace(microsecond=250_000)  # type: ignore[attr-defined]
    reader = setup.reader()
    reader.run()  # the first round starts the watch, a quarter into a second
    _, since = reader.state.get(MAILBOX)
    assert since is not None
    same_second = since.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    sent = setup.remind("D1", "dun|D1|1")
    answer = graph_message("reply_with_quote", in_reply_to=str(sent["internetMessageId"]))
    setup.graph.deliver(MAILBOX, {**answer, "receivedDateTime": same_second})
    report = reader.run()
    assert report.filed == 1 and report.skipped == 0
