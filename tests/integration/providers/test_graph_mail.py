"""The Graph mail channel against a local stand-in that speaks the Microsoft identity platform
(OIDC discovery, client-credentials token) and Graph sendMail / upload sessions."""

from __future__ import annotations

import base64
import ssl
from datetime import UTC, datetime

import httpx
import pytest
import requests

from shared.adapters.channels.graph_mail import REQUEST_LIMIT, GraphMailChannel, MessageTooLarge
from shared.domain.inbound.answers import outbound_message_id
from shared.domain.messaging import (
    Attachment,
    Channel,
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    TransientSendError,
)
from tests.support.graph_stand_in import SECRET, GraphStandIn
from tests.support.stand_in import Received, Reply, serve
from tests.support.tls import self_signed

TENANT = "contoso-tenant"


class FakeGraph:
    """Minimal, documented behaviour: tokens, sendMail (202), drafts, upload sessions, send."""

    def __init__(self) -> None:
        self.tokens_issued = 0
        self.script: list[Reply] = []
        self.uploaded: dict[str, bytearray] = {}
        self.base = ""

    def __call__(self, r: Received) -> Reply:
        if r.path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
            return Reply(body={
                "token_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/token",
                "authorization_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/authorize",
                "issuer": f"{self.base}/{TENANT}/v2.0",
            })  # fmt: skip
        if r.path == f"/{TENANT}/oauth2/v2.0/token":
            form = r.form()
            if form.get("client_secret") != "s3cret":
                return Reply(
                    401,
                    {
                        "error": "invalid_client",
                        "error_description": "AADSTS7000215: Invalid client secret",
                    },
                )
            assert form["grant_type"] == "client_credentials" and form["scope"].endswith(
                "/.default"
            )
            self.tokens_issued += 1
            return Reply(
                body={
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "access_token": f"tok{self.tokens_issued}",
                }
            )
        if r.path.startswith("/upload/"):
            # upload URLs are pre-authenticated; Graph refuses an Authorization header there
            if "authorization" in r.headers:
                return Reply(401, {"error": {"code": "InvalidAuthenticationToken"}})
            self.uploaded.setdefault(r.path, bytearray()).extend(r.body)
            return Reply(200, {"nextExpectedRanges": []})
        if not r.headers.get("authorization", "").startswith("Bearer tok"):
            return Reply(401, {"error": {"code": "InvalidAuthenticationToken"}})
        if r.path.endswith("/mailFolders/drafts/messages") and r.method == "GET":
            return Reply(200, {"value": []})  # no draft of an earlier attempt left
        if self.script:
            return self.script.pop(0)
        if r.path.endswith("/sendMail"):
            return Reply(202)
        if r.path.endswith("/messages") and r.method == "POST":
            return Reply(201, {"id": "AAMkDraft1"})
        if r.path.endswith("/createUploadSession"):
            return Reply(
                201,
                {
                    "uploadUrl": f"{self.base}/upload/AAMkDraft1/att",
                    "expirationDateTime": "2030-01-01T00:00:00Z",
                },
            )
        if r.path.endswith("/mailFolders/inbox/messages") and r.method == "GET":
            assert r.query["$filter"][0].startswith("receivedDateTime ge ")
            if "page" in r.query:
                return Reply(
                    200,
                    {
                        "value": [
                            {
                                "subject": "Hallo",
                                "body": {"contentType": "text", "content": "gewone mail"},
                            }
                        ]
                    },
                )
            ndr = ("<html><b>Delivery has failed to these recipients</b><br>debtor@example.nl<br>"
                   "Original message headers:<br>Subject: Herinnering<br>X-Inning-Reference: inn-k1<br></html>")  # fmt: skip
            exchange = {
                "emailAddress": {
                    "name": "Microsoft Outlook",
                    "address": "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@client.onmicrosoft.com",
                }
            }
            # a debtor's reply with our header line pasted in: a person writing, no bounce
            reply = {
                "subject": "RE: Herinnering",
                "from": {"emailAddress": {"address": "debtor@example.nl"}},
                "body": {
                    "contentType": "text",
                    "content": "Ontvangen, betaal niet.\nX-Inning-Reference: inn-k2",
                },
            }
            # the same from "postmaster@" his own domain, without a bounce's subject: no bounce
            posing = {
                "subject": "RE: Herinnering",
                "from": {"emailAddress": {"address": "postmaster@example.nl"}},
                "body": {"contentType": "text", "content": "X-Inning-Reference: inn-k3"},
            }
            return Reply(200, {"value": [reply, posing, {"id": "AAMkNdr1", "subject": "Undeliverable: Herinnering", "from": exchange, "body": {"contentType": "html", "content": ndr}}],
                               "@odata.nextLink": f"{self.base}/v1.0/users/facturen@client.example/mailFolders/inbox/messages?page=2&$filter=receivedDateTime ge 2025-01-01T00:00:00Z"})  # fmt: skip
        if r.path.endswith("/messages/AAMkNdr1") and r.method == "GET":
            # internetMessageHeaders come only when selected, on a GET of the one message
            if r.query.get("$select") != ["internetMessageHeaders"]:
                return Reply(400, {"error": {"code": "RequestBroker--ParseUri"}})
            return Reply(200, {"id": "AAMkNdr1", "internetMessageHeaders": [
                {"name": "Authentication-Results", "value": "dkim=none; compauth=none reason=405"},
                {"name": "Content-Type", "value": "multipart/report; report-type=delivery-status"},
            ]})  # fmt: skip
        if r.path.endswith("/send"):
            return Reply(202)
        return Reply(404, {"error": {"code": "ResourceNotFound"}})


@pytest.fixture
def graph(tmp_path):
    cert, key = self_signed(tmp_path)
    fake = FakeGraph()
    with serve(fake, tls=(cert, key)) as server:
        fake.base = server.url
        session = requests.Session()
        session.trust_env = False  # else REQUESTS_CA_BUNDLE would override the test CA
        session.verify = str(cert)
        channel = GraphMailChannel(
            tenant_id=TENANT, client_id="app-id", client_secret="s3cret", authority_host=server.url,
            graph_url=f"{server.url}/v1.0", http=httpx.Client(verify=ssl.create_default_context(cafile=str(cert))), msal_http_client=session,
        )  # fmt: skip
        yield fake, server, channel


def message(**kw):
    base = dict(client_id="c", key="k1", channel=Channel.EMAIL, debtor_number="D1", to="debtor@example.nl",
                created_at=datetime.now(UTC), sender="facturen@client.example", reply_to="debiteuren@client.example")  # fmt: skip
    return OutboundMessage(**{**base, **kw})


def test_html_only_mail_uses_the_json_message_with_inline_attachment_and_cached_token(graph):
    fake, server, channel = graph
    pdf = Attachment("factuur.pdf", "application/pdf", b"%PDF-1.4 small")
    content = MessageContent(subject="Herinnering", html="<p>Betaal a.u.b.</p>", attachments=(pdf,))
    channel.send(message(), content)
    channel.send(message(key="k2"), content)
    sent = server.requests("POST", "/sendMail")
    assert len(sent) == 2 and sent[0].path == "/v1.0/users/facturen@client.example/sendMail"
    body = sent[0].json()["message"]
    assert body["subject"] == "Herinnering" and body["body"] == {
        "contentType": "HTML",
        "content": "<p>Betaal a.u.b.</p>",
    }
    assert body["toRecipients"][0]["emailAddress"]["address"] == "debtor@example.nl"
    assert body["replyTo"][0]["emailAddress"]["address"] == "debiteuren@client.example"
    assert base64.b64decode(body["attachments"][0]["contentBytes"]) == pdf.data
    assert fake.tokens_issued == 1  # MSAL cached the token


def test_html_and_text_travel_as_mime_multipart_alternative(graph):
    import email

    _, server, channel = graph
    pdf = Attachment("factuur.pdf", "application/pdf", b"%PDF-1.4 small")
    content = MessageContent(
        subject="Herinnering",
        text="Betaal a.u.b.",
        html="<p>Betaal <b>a.u.b.</b></p>",
        attachments=(pdf,),
    )
    channel.send(message(), content)
    sent = server.requests("POST", "/sendMail")[0]
    assert sent.headers["content-type"] == "text/plain"
    mail = email.message_from_bytes(base64.b64decode(sent.body))
    assert mail["To"] == "debtor@example.nl" and mail["Reply-To"] == "debiteuren@client.example"
    assert mail["X-Inning-Reference"] == "inn-k1"
    types = [part.get_content_type() for part in mail.walk()]
    assert "multipart/alternative" in types and "text/plain" in types and "text/html" in types
    assert [p.get_filename() for p in mail.walk() if p.get_filename()] == ["factuur.pdf"]


def test_large_attachment_goes_through_an_upload_session(graph):
    fake, server, channel = graph
    big = Attachment("dossier.pdf", "application/pdf", bytes(range(256)) * 20_000)  # 5 MB
    result = channel.send(
        message(), MessageContent(subject="Dossier", text="zie bijlage", attachments=(big,))
    )
    assert result.provider_id == "AAMkDraft1"
    puts = server.requests("PUT", "/upload/")
    assert len(puts) == 2 and puts[0].headers["content-range"].startswith("bytes 0-")
    assert bytes(fake.uploaded["/upload/AAMkDraft1/att"]) == big.data
    assert server.requests("POST", "/AAMkDraft1/send")


def test_throttling_is_transient_with_retry_after(graph):
    fake, _, channel = graph
    fake.script = [Reply(429, {"error": {"code": "ApplicationThrottled"}}, {"Retry-After": "17"})]
    with pytest.raises(TransientSendError) as info:
        channel.send(message(), MessageContent(subject="x", text="y"))
    assert info.value.retry_after == 17


def test_server_error_is_transient_and_bad_recipient_permanent(graph):
    fake, _, channel = graph
    fake.script = [Reply(503, {"error": {"code": "ServiceUnavailable"}})]
    with pytest.raises(TransientSendError):
        channel.send(message(), MessageContent(subject="x", text="y"))
    fake.script = [
        Reply(400, {"error": {"code": "ErrorInvalidRecipients", "message": "invalid recipient"}})
    ]
    with pytest.raises(PermanentSendError, match="ErrorInvalidRecipients"):
        channel.send(message(), MessageContent(subject="x", text="y"))


def test_wrong_secret_is_permanent(graph, tmp_path):
    _, server, channel = graph
    channel.app.client_credential = "wrong"  # type: ignore[attr-defined]
    bad = GraphMailChannel(
        tenant_id=TENANT, client_id="app-id", client_secret="wrong", authority_host=server.url,
        graph_url=f"{server.url}/v1.0", http=channel.http, msal_http_client=channel.app.http_client,
    )  # fmt: skip
    with pytest.raises(PermanentSendError, match="credentials"):
        bad.send(message(), MessageContent(subject="x", text="y"))


def test_no_mailbox_is_permanent(graph):
    _, _, channel = graph
    with pytest.raises(PermanentSendError, match="mailbox"):
        channel.send(message(sender=None), MessageContent(subject="x", text="y"))


def test_bounces_are_found_by_our_reference_in_the_ndr(graph):
    _, server, channel = graph
    found = channel.bounces("facturen@client.example", datetime(2025, 1, 1, tzinfo=UTC))
    assert found == [(
        "inn-k1", "Undeliverable: Herinnering",
        "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@client.onmicrosoft.com",
        {"authentication-results": "dkim=none; compauth=none reason=405",
         "content-type": "multipart/report; report-type=delivery-status"},
    )]  # fmt: skip
    assert len(server.requests("GET", "/mailFolders/inbox/messages")) == 2  # followed the next link


# -- Graph's request limit (dunning16 F3) --------------------------------------------------
@pytest.fixture
def strict(tmp_path):
    """The Graph stand-in of tests/support: 4 MB per request, upload sessions as documented."""
    cert, key = self_signed(tmp_path)
    stand_in = GraphStandIn((TENANT,))
    with serve(stand_in, tls=(cert, key)) as server:
        stand_in.base = server.url
        session = requests.Session()
        session.trust_env = False
        session.verify = str(cert)
        channel = GraphMailChannel(
            tenant_id=TENANT, client_id="app-id", client_secret=SECRET, authority_host=server.url,
            graph_url=f"{server.url}/v1.0", http=httpx.Client(verify=ssl.create_default_context(cafile=str(cert))),
            msal_http_client=session,
        )  # fmt: skip
        yield stand_in, server, channel


def pdf(name: str, size: int) -> Attachment:
    body = (b"%PDF-1.4 " + bytes(range(256)) * (size // 256 + 1))[:size]
    return Attachment(name, "application/pdf", body)


def test_two_invoices_of_2_5_mb_go_as_a_draft_with_each_attachment_on_its_own(strict):
    """Both under 3 MB, yet one sendMail of 6.7 MB: Graph answered 413 and the reminder
    failed for good. Now the draft takes them one POST each, no request over 4 MB."""
    stand_in, server, channel = strict
    f1, f2 = pdf("factuur-F1.pdf", 2_500_009), pdf("factuur-F2.pdf", 2_500_009)
    content = MessageContent(subject="Herinnering F1 F2", text="Openstaand", attachments=(f1, f2))
    result = channel.send(message(), content)
    assert stand_in.largest_request <= REQUEST_LIMIT
    assert server.requests("POST", "/sendMail") == []
    assert len(server.requests("POST", "/attachments")) == 2  # no upload session under 3 MB
    (sent,) = stand_in.mailbox("facturen@client.example").sent
    assert sent["attachments"] == [(f1.name, f1.data), (f2.name, f2.data)]
    assert sent["internetMessageId"] == outbound_message_id("c", "k1", "facturen@client.example")
    assert channel.confirm(message()) is not None  # found by our reference, as a sendMail is
    assert result.provider_id and stand_in.mailbox("facturen@client.example").drafts == {}


def test_html_and_text_with_a_large_scan_and_small_files_each_take_their_documented_way(strict):
    stand_in, server, channel = strict
    scan, small = pdf("dossier.pdf", 7_000_123), pdf("factuur-F1.pdf", 400_000)
    content = MessageContent(subject="Dossier", text="zie bijlage", html="<p>zie bijlage</p>",
                             attachments=(small, scan))  # fmt: skip
    channel.send(message(), content)
    puts = server.requests("PUT", "/upload/")
    assert [p.headers["content-range"] for p in puts] == [
        "bytes 0-3276799/7000123", "bytes 3276800-6553599/7000123", "bytes 6553600-7000122/7000123",
    ]  # fmt: skip
    assert all("authorization" not in p.headers for p in puts)
    (sent,) = stand_in.mailbox("facturen@client.example").sent
    assert sent["attachments"] == [(small.name, small.data), (scan.name, scan.data)]
    assert stand_in.largest_request <= REQUEST_LIMIT


def test_a_small_mail_is_still_one_sendmail_request(strict):
    stand_in, server, channel = strict
    files = tuple(pdf(f"factuur-F{i}.pdf", 600_000) for i in range(4))  # 3.2 MB in base64
    channel.send(message(), MessageContent(subject="Herinnering", text="x", attachments=files))
    assert len(server.requests("POST", "/sendMail")) == 1 and not server.requests(
        "POST", "/messages"
    )
    assert len(stand_in.mailbox("facturen@client.example").sent[0]["attachments"]) == 4


def test_the_stand_in_refuses_what_graph_refuses(strict):
    """What the channel must not do, answered as Graph answers it."""
    _, server, channel = strict
    token = channel._token()
    auth = {"Authorization": f"Bearer {token}"}
    box = f"{server.url}/v1.0/users/facturen@client.example"
    http = channel.http
    big = {"message": {"subject": "x", "toRecipients": [{"emailAddress": {"address": "a@b.nl"}}],
                       "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": "a",
                                        "contentBytes": base64.b64encode(b"x" * 3_200_000).decode()}]}}  # fmt: skip
    assert http.post(f"{box}/sendMail", json=big, headers=auth).status_code == 413
    draft = http.post(
        f"{box}/messages", json={"subject": "x", "toRecipients": []}, headers=auth
    ).json()["id"]
    item = {"AttachmentItem": {"attachmentType": "file", "name": "a.pdf", "size": 2_500_000}}
    small = http.post(
        f"{box}/messages/{draft}/attachments/createUploadSession", json=item, headers=auth
    )
    assert small.json()["error"]["code"] == "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize"
    item["AttachmentItem"]["size"] = 5_000_000
    url = http.post(
        f"{box}/messages/{draft}/attachments/createUploadSession", json=item, headers=auth
    ).json()["uploadUrl"]
    ahead = http.put(url, content=b"x" * 10, headers={"Content-Range": "bytes 10-19/5000000"})
    assert ahead.status_code == 416 and ahead.json()["nextExpectedRanges"] == ["0"]
    assert (
        http.put(url, content=b"x" * 10, headers={"Content-Range": "bytes 0-9/5000001"}).status_code
        == 400
    )
    assert (
        http.put(
            url, content=b"x" * 10, headers={"Content-Range": "bytes 0-9/5000000", **auth}
        ).status_code
        == 401
    )
    huge = http.put(
        url, content=b"x" * 4_200_000, headers={"Content-Range": "bytes 0-4199999/5000000"}
    )
    assert huge.status_code == 413
    ok = http.put(url, content=b"x" * 10, headers={"Content-Range": "bytes 0-9/5000000"})
    assert ok.status_code == 200 and ok.json()["nextExpectedRanges"] == ["10"]


def test_a_draft_whose_attachment_is_refused_is_deleted(graph):
    """Nothing of it reached the debtor; a retry makes its own draft, none piles up."""
    fake, server, channel = graph
    fake.script = [
        Reply(201, {"id": "AAMkDraft1"}),
        Reply(400, {"error": {"code": "ErrorInvalidRequest", "message": "bad attachment"}}),
    ]
    files = (pdf("a.pdf", 2_500_000), pdf("b.pdf", 2_500_000))
    with pytest.raises(PermanentSendError, match="ErrorInvalidRequest"):
        channel.send(message(), MessageContent(subject="x", text="y", attachments=files))
    (deleted,) = server.requests("DELETE")
    assert deleted.path == "/v1.0/users/facturen@client.example/messages/AAMkDraft1"
    assert not server.requests("POST", "/send")


# -- the mailbox's message size limit (misc17a 2) ------------------------------------------
PORTAL = "https://inning.example/api/p/tok123"


def test_a_mail_over_the_message_size_limit_leaves_the_pdfs_to_the_portal_link(strict):
    """Twelve scanned invoices of 2.5 MB: 30 MB, 40 MB as the mail travels (base64), over
    Exchange's default 35 MB. The draft, its twelve attachments and the send answered 413
    ErrorMessageSizeExceeded and the reminder failed; now it goes without them and says
    where they are."""
    stand_in, server, channel = strict
    files = tuple(pdf(f"factuur-F{i}.pdf", 2_500_000) for i in range(12))
    content = MessageContent(subject="Herinnering", text="Openstaand: 12 facturen",
                             attachments=files, attachments_at=PORTAL)  # fmt: skip
    channel.send(message(), content)
    (sent,) = stand_in.mailbox("facturen@client.example").sent
    assert sent["attachments"] == []
    assert sent["text"].startswith("Openstaand: 12 facturen")
    assert "te groot om per e-mail mee te sturen" in sent["text"] and PORTAL in sent["text"]
    assert "factuur-F0.pdf" in sent["text"] and "factuur-F11.pdf" in sent["text"]
    assert not server.requests("POST", "/attachments")  # nothing uploaded in vain
    assert stand_in.largest_request <= REQUEST_LIMIT


def test_a_mailbox_with_a_lower_limit_refuses_and_the_mail_goes_without_attachments(strict):
    """An administrator set the mailbox's maximum to 5 MB: two invoices of 2.5 MB (6.7 MB
    encoded) pass it. Graph refuses the draft's send (413); the draft is deleted and the
    mail goes again without them, in the debtor's language; a mail with no portal link
    asks the debtor to reply for them."""
    stand_in, server, channel = strict
    stand_in.message_limits["facturen@client.example"] = 5 * 1024 * 1024
    files = (pdf("factuur-F1.pdf", 2_500_009), pdf("factuur-F2.pdf", 2_500_009))
    html = "<html><body><p>Outstanding</p></body></html>"
    content = MessageContent(subject="Reminder", text="Outstanding", html=html,
                             attachments=files, language="en")  # fmt: skip
    channel.send(message(), content)
    box = stand_in.mailbox("facturen@client.example")
    (sent,) = box.sent
    assert sent["attachments"] == [] and box.drafts == {}
    sends = [r.path.rsplit("/", 1)[1] for r in server.requests("POST", "/send")]
    assert sends == ["send", "sendMail"]  # the refused draft's send, then the small mail
    assert "too large to send by e-mail" in sent["text"] and "Reply to this e-mail" in sent["text"]
    assert channel.confirm(message()) is not None  # the mail that went carries our id


def test_a_mail_whose_text_alone_passes_the_limit_fails_for_a_person(strict):
    stand_in, _, channel = strict
    stand_in.message_limits["facturen@client.example"] = 1_000
    with pytest.raises(MessageTooLarge, match="ErrorMessageSizeExceeded"):
        channel.send(message(), MessageContent(subject="x", text="y" * 2_000))
    assert stand_in.mailbox("facturen@client.example").sent == []


def test_the_stand_in_refuses_a_mail_over_the_mailbox_limit(strict):
    """As Exchange measures it: the attachments base64-encoded (3 MB of file, 4 MB sent)."""
    stand_in, server, channel = strict
    stand_in.message_limits["facturen@client.example"] = 3_500_000
    auth = {"Authorization": f"Bearer {channel._token()}"}
    box = f"{server.url}/v1.0/users/facturen@client.example"
    draft = channel.http.post(f"{box}/messages", json={"subject": "x", "toRecipients": [
        {"emailAddress": {"address": "a@b.nl"}}]}, headers=auth).json()["id"]  # fmt: skip
    item = {"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.pdf",
            "contentBytes": base64.b64encode(b"x" * 2_900_000).decode()}  # fmt: skip
    assert (
        channel.http.post(
            f"{box}/messages/{draft}/attachments", json=item, headers=auth
        ).status_code
        == 201
    )
    refused = channel.http.post(f"{box}/messages/{draft}/send", headers=auth)
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "ErrorMessageSizeExceeded"
    assert stand_in.mailbox("facturen@client.example").sent == []


# -- a token Graph no longer takes (providers32) --------------------------------------------
def test_a_token_graph_refuses_is_renewed_once_and_the_mail_goes(strict):
    """MSAL keeps its token until the expiry it was given; Graph refused it sooner (401:
    revoked, a rotated secret). The mail failed for good; now a new token, one mail."""
    stand_in, server, channel = strict
    channel.send(message(), MessageContent(subject="Herinnering", text="x"))
    stand_in.tokens.clear()  # Graph takes none of the issued tokens any more
    channel.send(message(key="k2"), MessageContent(subject="Herinnering", text="x"))
    box = stand_in.mailbox("facturen@client.example")
    assert len(box.sent) == 2 and len(stand_in.tokens) == 1
    assert len(server.requests("POST", "/sendMail")) == 3  # the refused one, then the mail


def test_a_token_refused_twice_is_permanent_and_asked_once_more_only(strict):
    stand_in, server, channel = strict

    class Refusing(set[str]):
        def __contains__(self, item: object) -> bool:
            return False

    stand_in.tokens = Refusing()
    with pytest.raises(PermanentSendError, match="401"):
        channel.send(message(), MessageContent(subject="Herinnering", text="x"))
    assert len(server.requests("POST", "/sendMail")) == 2
    assert stand_in.mailbox("facturen@client.example").sent == []


def test_the_stand_in_takes_sendmail_only_as_json_or_base64_mime(strict):
    """Graph's two documented sendMail bodies (providers32): a client posting raw MIME, or
    JSON as text/plain, fails here as it would at Graph; nothing is sent."""
    stand_in, server, channel = strict
    auth = {"Authorization": f"Bearer {channel._token()}"}
    url = f"{server.url}/v1.0/users/facturen@client.example/sendMail"
    raw = b"From: a@b.nl\r\nTo: c@d.nl\r\nSubject: x\r\n\r\nhallo\r\n"
    plain = {**auth, "Content-Type": "text/plain"}
    refused = channel.http.post(url, content=raw, headers=plain)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "ErrorMimeContentInvalidBase64String"
    message_json = b'{"message": {"subject": "x"}}'
    assert channel.http.post(url, content=message_json, headers=plain).status_code == 400
    form = {**auth, "Content-Type": "application/x-www-form-urlencoded"}
    assert channel.http.post(url, content=b"message=x", headers=form).status_code == 415
    not_json = {**auth, "Content-Type": "application/json"}
    assert channel.http.post(url, content=b"{", headers=not_json).status_code == 400
    assert channel.http.post(url, json={"subject": "x"}, headers=auth).status_code == 400
    assert stand_in.mailbox("facturen@client.example").sent == []
    channel.send(message(), MessageContent(subject="x", text="y", html="<p>y</p>"))  # MIME
    channel.send(message(key="k2"), MessageContent(subject="x", text="y"))  # JSON
    assert len(stand_in.mailbox("facturen@client.example").sent) == 2


def test_an_answer_and_the_inbox_read_renew_a_refused_token_once(strict):
    """The answer to a debtor's mail and the inbox reader use the same token: a 401 made the
    answer fail for good and the mailbox poll fail until the token expired (providers32)."""
    from shared.adapters.channels.graph_inbox import inbox_for

    stand_in, _, channel = strict
    mailbox = "facturen@client.example"
    graph_id = stand_in.deliver(mailbox, {"subject": "Vraag", "internetMessageId": "<q@debtor>",
                                          "from": {"emailAddress": {"address": "debtor@example.nl"}}})  # fmt: skip
    channel._token()
    stand_in.tokens.clear()
    channel.send(message(extra={"graph_reply_to": graph_id}), MessageContent(subject="", text="Ja"))
    assert stand_in.mailbox(mailbox).sent[-1]["in_reply_to"] == "<q@debtor>"
    stand_in.tokens.clear()
    inbox = inbox_for(channel, mailbox)
    assert inbox is not None
    pages = list(inbox.delta(mailbox, None))
    assert any(item.get("id") == graph_id for page in pages for item in page.items)
