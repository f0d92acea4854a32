"""Letters through a local Pingen stand-in: token, signed upload, letter creation, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from shared.adapters.channels.pingen_letters import PingenLetterChannel
from shared.adapters.letters.pdf_letter import Letterhead, LetterSpec, render_letter
from shared.domain.messaging import (
    Attachment,
    Channel,
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    PostalAddress,
    TransientSendError,
    UncertainSendError,
)
from tests.support.stand_in import Received, Reply, serve

JSONAPI = "application/vnd.api+json"


class FakePingen:
    """Pingen API v2 as documented: a letter's ``file_original_name`` is 5 to 255 characters
    and is returned with the letter (GET /organisations/{org}/letters/{id}); its ``meta_data``
    is the recipient and sender block of registered products (both required when given)."""

    def __init__(self) -> None:
        self.base = ""
        self.uploaded: bytes = b""
        self.script: list[Reply] = []
        self.letters: dict[str, dict[str, object]] = {}
        self.lose_answers = 0  # the next creates are made, their answers lost
        self.token = ""  # the one token Pingen takes (the last issued; "" revokes it)
        self.issued = 0

    def __call__(self, r: Received) -> Reply:
        if r.path == "/auth/access-tokens":
            form = r.form()
            if form.get("client_secret") != "pg-secret":
                return Reply(401, {"error": "invalid_client"})
            self.issued += 1
            self.token = f"pg-token-{self.issued}"
            return Reply(
                200, {"token_type": "Bearer", "expires_in": 43200, "access_token": self.token}
            )
        if r.path == "/s3/upload":
            self.uploaded = r.body
            return Reply(200)
        if r.headers.get("authorization") != f"Bearer {self.token}" or not self.token:
            return Reply(401, {"errors": [{"status": "401", "title": "Unauthenticated"}]})
        if r.path == "/file-upload":
            return Reply(
                200,
                {
                    "data": {
                        "id": "u1",
                        "type": "file_uploads",
                        "attributes": {
                            "url": f"{self.base}/s3/upload",
                            "url_signature": "sig123",
                            "expires_at": "2030-01-01T00:00:00+0000",
                        },
                    }
                },
            )
        if r.path == "/organisations/org-1/letters" and r.method == "POST":
            if r.headers.get("content-type") != JSONAPI:
                # JSON:API (jsonapi.org/format: "415 Unsupported Media Type")
                return Reply(
                    415, {"errors": [{"status": "415", "title": "Unsupported Media Type"}]}
                )
            if self.script:
                return self.script.pop(0)
            attributes = r.json()["data"]["attributes"]
            name = attributes.get("file_original_name", "")
            meta = attributes.get("meta_data")
            if not 5 <= len(name) <= 255 or (
                meta is not None and not {"recipient", "sender"} <= set(meta)
            ):
                return Reply(422, {"errors": [{"status": "422", "detail": "invalid attributes"}]})
            letter_id = f"letter-uuid-{len(self.letters) + 1}"
            self.letters[letter_id] = {**attributes, "status": "validating"}
            if self.lose_answers:
                self.lose_answers -= 1
                return Reply(lost=True)
            return Reply(
                201,
                {"data": {"id": letter_id, "type": "letters",
                          "attributes": {"status": "validating"}}},
            )  # fmt: skip
        prefix = "/organisations/org-1/letters/"
        if r.path.startswith(prefix) and r.method == "GET":
            letter = self.letters.get(r.path[len(prefix) :])
            if letter is None:
                return Reply(404, {"errors": [{"status": "404", "title": "Not Found"}]})
            return Reply(
                200,
                {"data": {"id": r.path[len(prefix) :], "type": "letters", "attributes": letter}},
            )
        return Reply(404, {"errors": [{"status": "404"}]})


@pytest.fixture
def pingen():
    fake = FakePingen()
    with serve(fake) as server:
        fake.base = server.url
        yield fake, server, PingenLetterChannel(client_id="pg-id", client_secret="pg-secret", organisation_id="org-1",
                                                api_url=server.url, identity_url=server.url, http=httpx.Client())  # fmt: skip


def letter_message():
    address = PostalAddress("J. de Vries", "Kerkstraat 12", "3511 LK", "Utrecht")
    return OutboundMessage(
        "c", "k1", Channel.LETTER, "D1", "J. de Vries", datetime.now(UTC), address=address
    )


def pdf_content():
    spec = LetterSpec(Letterhead("Bakkerij", ("Dorpsstraat 1",)), PostalAddress("J. de Vries", "Kerkstraat 12", "3511 LK", "Utrecht"),
                      date(2025, 3, 4), "Herinnering", ("Betaal a.u.b.",))  # fmt: skip
    return MessageContent(
        subject="Herinnering",
        attachments=(Attachment("brief.pdf", "application/pdf", render_letter(spec)),),
    )


def test_letter_is_uploaded_and_created(pingen):
    fake, server, channel = pingen
    content = pdf_content()
    result = channel.send(letter_message(), content)
    assert result.provider_id == "letter-uuid-1"
    assert fake.uploaded == content.attachments[0].data
    created = server.requests("POST", "/letters")[0]
    attributes = created.json()["data"]["attributes"]
    assert created.headers["content-type"] == "application/vnd.api+json"
    assert attributes["file_url_signature"] == "sig123" and attributes["address_position"] == "left"
    # named by our reference (Pingen keeps it); no reference in Pingen's meta_data (failure7 #3)
    assert attributes["auto_send"] is True and attributes["file_original_name"] == "inn-k1.pdf"
    assert "meta_data" not in attributes
    channel.send(letter_message(), content)
    assert len(server.requests("POST", "/auth/access-tokens")) == 1  # token reused


def test_a_letter_whose_answer_was_lost_is_known_by_our_reference(pingen):
    fake, _, channel = pingen
    fake.lose_answers = 1
    with pytest.raises(UncertainSendError):
        channel.send(letter_message(), pdf_content())
    assert channel.reference_of("letter-uuid-1") == "inn-k1"  # Pingen made it: whose it is
    assert channel.reference_of("letter-uuid-9") is None  # not Pingen's


def test_validation_error_is_permanent_and_throttling_transient(pingen):
    fake, _, channel = pingen
    fake.script = [
        Reply(422, {"errors": [{"status": "422", "detail": "The address could not be read."}]})
    ]
    with pytest.raises(PermanentSendError, match="address"):
        channel.send(letter_message(), pdf_content())
    fake.script = [Reply(429, {"errors": [{"status": "429"}]}, {"Retry-After": "5"})]
    with pytest.raises(TransientSendError):
        channel.send(letter_message(), pdf_content())


def test_bad_credentials_and_missing_pdf(pingen):
    _, server, channel = pingen
    bad = PingenLetterChannel(
        client_id="x",
        client_secret="wrong",
        organisation_id="org-1",
        api_url=server.url,
        identity_url=server.url,
        http=httpx.Client(),
    )
    with pytest.raises(PermanentSendError, match="credentials"):
        bad.send(letter_message(), pdf_content())
    with pytest.raises(PermanentSendError, match="PDF"):
        channel.send(letter_message(), MessageContent(subject="no pdf"))


def test_a_token_pingen_no_longer_takes_is_renewed_once(pingen):
    """providers32: a token revoked before the expiry we kept (credentials rotated) made
    every letter a permanent failure until the worker restarted; now one new token."""
    fake, server, channel = pingen
    channel.send(letter_message(), pdf_content())
    fake.token = ""  # Pingen revoked it
    result = channel.send(letter_message(), pdf_content())
    assert result.provider_id == "letter-uuid-2" and fake.issued == 2
    assert channel.reference_of("letter-uuid-2") == "inn-k1"
    assert len(server.requests("POST", "/auth/access-tokens")) == 2


def test_the_fake_takes_a_letter_only_as_json_api(pingen):
    fake, server, channel = pingen
    channel.send(letter_message(), pdf_content())  # a token
    plain = server.requests("POST", "/letters")[0]
    answer = httpx.post(f"{server.url}/organisations/org-1/letters", content=plain.body,
                        headers={"Authorization": f"Bearer {fake.token}", "Content-Type": "application/json"})  # fmt: skip
    assert answer.status_code == 415 and len(fake.letters) == 1
