"""Linking through the API on the in-memory world, with e-mail on the embedded outbox (local
development): the answer carries the thread headers; listing puts unlinked mail first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

from shared.adapters.channels.graph_mail import _mime
from shared.domain.inbound.answers import outbound_message_id
from shared.domain.inbound.mail import MailKind, ReceivedMail
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

MAILBOX = "facturen@korenbloem.example"


def received(world, n: int, text: str, sender: str = "jan@devries.example") -> ReceivedMail:
    return ReceivedMail(
        mailbox=MAILBOX, graph_id=f"AAMk{n}", internet_message_id=f"<m{n}@devries.example>",
        received_at=world.clock.now() + timedelta(minutes=n), sender=sender, sender_name="Jan",
        subject=f"Vraag {n}", body_text=text, unique_text=None,
        headers={"message-id": f"<m{n}@devries.example>", "references": "<older@x>"},
    )  # fmt: skip


def setup(world):
    a = world.agency_a
    assert (
        a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email=MAILBOX)]}).status
        == 200
    )
    debtors = [debtor_row("D1", emails=["jan@devries.example"], language="en"), debtor_row("D2")]
    a.call("POST", "/v1/clients/C1/debtors", {"items": debtors})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-1001", "D1")]})
    client = world.services.repos.clients.get(a.call("GET", "/v1/clients/C1").body["client_id"])[0]
    return a, client


def test_unlinked_mail_is_listed_first_and_linking_answers_on_the_outbox_in_the_thread(world):
    a, client = setup(world)
    filing = world.services.inbound_filing
    filing.file(
        received(world, 1, "Over factuur F-1001: betaald."), MailKind.CORRESPONDENCE, [client], []
    )
    filing.file(
        received(world, 2, "Wie ben ik?", sender="x@unknown.example"),
        MailKind.CORRESPONDENCE,
        [client],
        [],
    )
    filing.file(
        received(world, 3, "Nog een vraag", sender="y@unknown.example"),
        MailKind.CORRESPONDENCE,
        [client],
        [],
    )
    listed = a.call("GET", "/v1/clients/C1/inbound-mail", page_size="2").body
    assert [m["linked"] for m in listed["items"]] == [False, False] and listed["continuation"]
    rest = a.call(
        "GET", "/v1/clients/C1/inbound-mail", page_size="2", continuation=listed["continuation"]
    ).body
    assert [m["linked"] for m in rest["items"]] == [True] and rest["continuation"] is None
    mail = listed["items"][0]
    linked = a.call("POST", f"/v1/clients/C1/inbound-mail/{mail['id']}/link",
                    {"debtors": ["D1", "D2"], "template": "in-behandeling"})  # fmt: skip
    assert linked.status == 200 and linked.body["debtors"] == ["D1", "D2"]
    for number in ("D1", "D2"):
        assert (
            world.services.repos.debtors.get(client.client_id, number)[0].pause.reason
            == "correspondence"
        )
    key = linked.body["answer"]
    record = world.services.messaging.outbox.get(client.client_id, key)[0]
    # y@unknown is not D1's address: the answer is a new e-mail to D1's address on file
    assert record.to == "jan@devries.example" and record.sender == MAILBOX
    assert "graph_reply_to" not in record.extra and "in_reply_to" not in record.extra
    assert "new e-mail to the debtor's address on file" in linked.body["answer_note"]
    assert world.services.messaging.deliver(client.client_id, key) == "sent"
    assert world.services.messaging.outbox.get(client.client_id, key)[0].provider == "outbox"
    content = world.services.messaging.content(client.client_id, key)
    assert content.subject == "Re: Vraag 3" and content.text.startswith("Dear Debtor D1")


def test_linking_refuses_unknown_debtors_and_templates(world):
    a, client = setup(world)
    world.services.inbound_filing.file(
        received(world, 1, "Hallo"), MailKind.CORRESPONDENCE, [client], []
    )
    mail = a.call("GET", "/v1/clients/C1/inbound-mail").body["items"][0]
    path = f"/v1/clients/C1/inbound-mail/{mail['id']}/link"
    assert a.call("POST", path, {"debtors": ["D9"]}).status == 422
    assert a.call("POST", path, {"debtors": ["D1"], "template": "nope"}).status == 422
    assert a.call("POST", path, {"debtors": []}).status == 422
    assert (
        a.call("POST", "/v1/clients/C1/inbound-mail/unknown/link", {"debtors": ["D1"]}).status
        == 404
    )


def test_outbound_mime_carries_our_message_id_and_the_thread():
    message = OutboundMessage("c1", "k1", Channel.EMAIL, "D1", "jan@devries.example", datetime.now(UTC),
                              sender=MAILBOX, extra={"in_reply_to": "<a@x>", "references": "<z@x> <a@x>"})  # fmt: skip
    mime = message_from_bytes(
        _mime(message, MessageContent("Re: x", "tekst", "<p>tekst</p>")), policy=default
    )
    assert mime["Message-ID"] == outbound_message_id("c1", "k1", MAILBOX)
    assert mime["In-Reply-To"] == "<a@x>" and mime["References"] == "<z@x> <a@x>"


def test_the_answer_goes_in_the_thread_only_to_the_debtors_own_address(world):
    a, client = setup(world)
    filing = world.services.inbound_filing
    own = received(world, 1, "Ik heb een vraag.")
    foreign = received(world, 2, "Ik heb een vraag.")
    foreign = ReceivedMail(
        **{**vars(foreign), "headers": {**foreign.headers, "reply-to": "Mallory <m@evil.example>"}}
    )
    filing.file(own, MailKind.CORRESPONDENCE, [client], [])
    filing.file(foreign, MailKind.CORRESPONDENCE, [client], [])
    by_subject = {
        m["subject"]: m for m in a.call("GET", "/v1/clients/C1/inbound-mail").body["items"]
    }
    answers = {}
    for subject, mail in by_subject.items():
        linked = a.call("POST", f"/v1/clients/C1/inbound-mail/{mail['id']}/link",
                        {"debtors": ["D1"], "template": "in-behandeling"})  # fmt: skip
        assert linked.status == 200
        answers[subject] = (
            linked.body,
            world.services.messaging.outbox.get(client.client_id, linked.body["answer"])[0],
        )
    body, record = answers["Vraag 1"]
    assert record.to == "jan@devries.example" and record.extra["graph_reply_to"] == "AAMk1"
    assert record.extra["in_reply_to"] == "<m1@devries.example>" and body["answer_note"] is None
    body, record = answers["Vraag 2"]
    assert record.to == "jan@devries.example" and "graph_reply_to" not in record.extra
    assert "Reply-To" in body["answer_note"]
