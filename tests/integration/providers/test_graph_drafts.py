"""failure17 F2: a mail over Graph's 4 MB request goes as a draft; no draft of ours stays in
the client's Drafts (the debtor's letter and invoices, ready for anyone to send by hand),
whatever meets the send, and no second mail goes for a send Graph did but answered badly.
Against the Graph stand-in of tests/support (drafts and ``send`` as Graph documents them)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.inbound.answers import outbound_message_id
from shared.domain.messaging import (
    Attachment,
    Channel,
    MessageContent,
    OutboundMessage,
    OutboxStatus,
    TransientSendError,
    UncertainSendError,
)
from tests.integration.providers.test_graph_mail import message, pdf, strict  # noqa: F401
from tests.integration.providers.test_lost_answers import MAILBOX, Mail, mail  # noqa: F401

BOX = "facturen@client.example"


def two_invoices() -> MessageContent:
    f1, f2 = pdf("factuur-F1.pdf", 2_500_009), pdf("factuur-F2.pdf", 2_500_009)
    return MessageContent(subject="Herinnering F1 F2", text="Openstaand", attachments=(f1, f2))


@pytest.mark.parametrize("refused", [[429], [429, 429, 429], [503]])
def test_a_send_graph_refused_deletes_its_draft_and_the_retry_sends_one(strict, refused):  # noqa: F811
    """failure17's probe: three 429s at the draft's send, then the retry: 1 sent and 3 drafts
    left (one per attempt). Each refused draft is now deleted."""
    stand_in, _, channel = strict
    stand_in.refuse_sends = list(refused)
    for _ in refused:  # the messaging service's retries after each transient failure
        with pytest.raises(TransientSendError):
            channel.send(message(), two_invoices())
    channel.send(message(), two_invoices())
    box = stand_in.mailbox(BOX)
    assert len(box.sent) == 1 and box.sent[0]["attachments"][0][0] == "factuur-F1.pdf"
    assert box.drafts == {}


def test_a_draft_the_deletion_missed_goes_with_the_next_attempt(strict):  # noqa: F811
    """The send throttled, and the deletion of its draft too: the retry finds the draft by our
    internetMessageId in Drafts and deletes it before it makes its own."""
    stand_in, server, channel = strict
    stand_in.refuse_sends = [429]
    real_delete = channel.http.delete

    def delete(url: str, *a: Any, **k: Any) -> Any:
        stand_in.throttle_next = 1  # Graph throttles the deletion as well
        channel.http.delete = real_delete  # type: ignore[method-assign]
        return real_delete(url, *a, **k)

    channel.http.delete = delete  # type: ignore[method-assign]
    with pytest.raises(TransientSendError):
        channel.send(message(), two_invoices())
    assert len(stand_in.mailbox(BOX).drafts) == 1  # still there, never sent
    channel.send(message(), two_invoices())
    box = stand_in.mailbox(BOX)
    assert len(box.sent) == 1 and box.drafts == {}
    asked = server.requests("GET", "/mailFolders/drafts/messages")
    wanted = outbound_message_id("c", "k1", BOX)
    assert asked and asked[-1].query["$filter"] == [f"internetMessageId eq '{wanted}'"]


def test_a_draft_whose_creation_answer_was_lost_is_not_left(strict):  # noqa: F811
    """Graph made the draft, its answer never came (a read timeout): the attempt is
    transient, and the draft it could not know the id of is found and deleted."""
    stand_in, _, channel = strict
    stand_in.lose_draft_answers = 1
    with pytest.raises(TransientSendError):
        channel.send(message(), two_invoices())
    assert stand_in.mailbox(BOX).drafts == {}
    channel.send(message(), two_invoices())
    box = stand_in.mailbox(BOX)
    assert len(box.sent) == 1 and box.drafts == {}


def test_a_send_graph_did_but_answered_503_is_uncertain(strict):  # noqa: F811
    """A gateway answered 503 after Exchange took the send: the draft is gone, so the
    deletion answers 404 and the failure is uncertain (asked in Sent Items, never retried)."""
    stand_in, _, channel = strict
    stand_in.gateway_errors, stand_in.gateway_status = 1, 503
    with pytest.raises(UncertainSendError, match="draft is gone"):
        channel.send(message(), two_invoices())
    assert len(stand_in.mailbox(BOX).sent) == 1
    assert channel.confirm(message()) is not None


def test_the_stand_in_keeps_drafts_and_send_as_graph_documents(strict):  # noqa: F811
    _, server, channel = strict
    auth = {"Authorization": f"Bearer {channel._token()}"}
    box = f"{server.url}/v1.0/users/{BOX}"
    http = channel.http
    draft = http.post(f"{box}/messages", headers=auth, json={
        "subject": "x", "internetMessageId": "<a'b@x>",
        "toRecipients": [{"emailAddress": {"address": "a@b.nl"}}]}).json()["id"]  # fmt: skip
    params = {"$filter": "internetMessageId eq '<a''b@x>'", "$select": "id"}
    found = http.get(f"{box}/mailFolders/drafts/messages", params=params, headers=auth)
    assert found.json()["value"] == [{"id": draft}]
    assert (
        http.get(
            f"{box}/mailFolders/drafts/messages", params={"$filter": "x eq 1"}, headers=auth
        ).status_code
        == 400
    )
    assert http.post(f"{box}/messages/{draft}/send", headers=auth, json={}).status_code == 400
    assert http.post(f"{box}/messages/{draft}/send", headers=auth).status_code == 202
    again = http.post(f"{box}/messages/{draft}/send", headers=auth)
    assert again.status_code == 404 and again.json()["error"]["code"] == "ErrorItemNotFound"
    assert http.delete(f"{box}/messages/{draft}", headers=auth).status_code == 404


# -- through the messaging service ---------------------------------------------------------
def remind(mail: Mail, key: str) -> None:  # noqa: F811
    files = tuple(
        Attachment(f"factuur-F{i}.pdf", "application/pdf", bytes([i]) * 2_500_009) for i in (1, 2)
    )
    message = OutboundMessage(mail.client_id, key, Channel.EMAIL, "D1", "jan@devries.example",
                              mail.clock.now(), sender=MAILBOX)  # fmt: skip
    mail.services.messaging.enqueue(
        message, MessageContent(subject="Herinnering", text="Betaal", attachments=files)
    )


def test_a_reminder_whose_send_got_a_503_after_graph_took_it_goes_once(mail):  # noqa: F811
    """Before: the 503 was transient, the draft deleted (or left) and the retry made a new
    draft and sent it: two reminders. Now: uncertain, found in Sent Items, one."""
    mail.graph.gateway_errors, mail.graph.gateway_status = 1, 503
    remind(mail, "dun|D1|wf|1|g")
    assert mail.run() == ["sent"]
    box = mail.graph.mailbox(MAILBOX)
    assert len(box.sent) == 1 and box.drafts == {}
    assert mail.record("dun|D1|wf|1|g").status is OutboxStatus.SENT


def test_a_reminder_throttled_three_times_at_its_send_leaves_no_draft(mail):  # noqa: F811
    mail.graph.refuse_sends = [429, 429, 429]
    remind(mail, "dun|D1|wf|1|t")
    assert mail.run() == ["deferred"] * 3 + ["sent"]
    box = mail.graph.mailbox(MAILBOX)
    assert len(box.sent) == 1 and box.drafts == {}


class Killed(BaseException):
    """The worker stops (a host recycle, the function's timeout): nothing after runs."""


def test_a_worker_killed_between_the_draft_and_its_send_leaves_no_draft(mail):  # noqa: F811
    """The draft made and filled, the worker gone before the send: the record is a stale
    claim, Graph cannot look it up, so it is asked in Sent Items (not there) and a person
    decides. The draft, never sent, is deleted at that first question (nobody sends the
    outdated copy from Drafts by hand); the person's resend sends one mail."""
    channel = mail.services.messaging.senders[Channel.EMAIL]
    real_post = channel.http.post

    def post(url: str, *a: Any, **k: Any) -> Any:
        if url.endswith("/send"):
            channel.http.post = real_post
            raise Killed
        return real_post(url, *a, **k)

    channel.http.post = post
    remind(mail, "dun|D1|wf|1|k")
    with pytest.raises(Killed):
        mail.run()
    box = mail.graph.mailbox(MAILBOX)
    assert len(box.drafts) == 1 and box.sent == []  # what failure17 could not fix in-process
    mail.clock.advance(minutes=11)  # the claim's lease ran out: the job comes back
    mail.queues.send("send-email", mail_job(mail, "dun|D1|wf|1|k"))
    assert mail.run() == ["uncertain"] * 4
    assert box.drafts == {} and box.sent == []
    assert mail.services.messaging.resend_unconfirmed(mail.client_id, "dun|D1|wf|1|k", "anne")
    assert mail.run() == ["sent"]
    assert len(box.sent) == 1 and box.drafts == {}
    assert len(box.sent[0]["attachments"]) == 2


def mail_job(mail: Mail, key: str) -> str:  # noqa: F811
    from shared.services.messaging import job_body

    return job_body(mail.client_id, key)
