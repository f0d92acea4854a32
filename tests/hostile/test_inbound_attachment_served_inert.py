"""An inbound mail's attachment is the sender's file with the sender's content type: anyone who
mails the client's mailbox chooses both. Served in the app's own origin (the API and the
console share it), a ``text/html`` or ``image/svg+xml`` file the browser rendered would run
as the app's page. Each download is an attachment already; on top of it the type served is
one of a short list of inert ones (anything else as ``application/octet-stream``), the
response is nosniff and under a sandboxed CSP, and a type with a line break in it never
reaches the headers (attack33)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.api.http import ApiRequest, ApiResponse
from shared.domain.inbound.mail import AttachmentNote, MailKind, ReceivedMail, mail_key
from shared.domain.people.authorisation import Role
from shared.services.inbound.filing import ATTACHMENTS_CONTAINER
from tests.unit.api.conftest import World
from tests.unit.console.conftest import desk_for
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants

MAILBOX = "facturen@c1.example"
HOSTILE = [
    ("text/html", b"<script>fetch('/api/console')</script>"),
    ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    ("application/xhtml+xml", b"<html xmlns='http://www.w3.org/1999/xhtml'/>"),
    ("text/xml", b"<x/>"),
    ("application/javascript", b"alert(1)"),
    ("text/css", b"body{}"),
    ("TEXT/HTML; charset=utf-7", b"+ADw-script+AD4-"),
    ("application/pdf\r\nContent-Disposition: inline", b"%PDF-1.4"),
    ("text/plain\nX-Injected: 1", b"hallo"),
    ("", b"?"),
]


def _mail_with(world: World, client_id: str, content_type: str, data: bytes) -> str:
    found = world.services.repos.clients.get(client_id)
    assert found is not None
    client = found[0]
    world.services.files.put(ATTACHMENTS_CONTAINER, "c1/att", data)
    note = AttachmentNote("bijlage", content_type, len(data), blob="c1/att")
    received = ReceivedMail(
        mailbox=MAILBOX, graph_id="AAMk1", internet_message_id="<m1@evil.example>",
        received_at=world.clock.now() + timedelta(minutes=1), sender="x@evil.example",
        sender_name="X", subject="Factuur", body_text="zie bijlage", unique_text=None,
        headers={"message-id": "<m1@evil.example>"},
    )  # fmt: skip
    world.services.inbound_filing.file(received, MailKind.CORRESPONDENCE, [client], [note])
    return mail_key(MAILBOX, "<m1@evil.example>")


def _inert(response: ApiResponse, data: bytes) -> None:
    assert response.status == 200 and response.encoded() == data
    served = response.content_type
    assert "\r" not in served and "\n" not in served
    kind = served.split(";", 1)[0].strip().lower()
    assert kind == "application/octet-stream", served
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in headers["content-security-policy"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert all("\n" not in v and "\r" not in v for v in response.headers.values())


@pytest.mark.parametrize(("content_type", "data"), HOSTILE)
def test_the_api_serves_a_senders_file_inert(
    world: World, tenants: Tenants, content_type: str, data: bytes
) -> None:
    key = _mail_with(world, tenants.c1, content_type, data)
    agency = world.agency_a
    response = agency.api.handle(
        ApiRequest("GET", f"/v1/clients/C1/inbound-mail/{key}/attachments/0",
                   {"x-api-key": agency.key or ""}, {}, b"")
    )  # fmt: skip
    # functions/api.py adds nosniff to every API answer; the route's own headers carry the rest
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    _inert(response, data)


@pytest.mark.parametrize(("content_type", "data"), HOSTILE)
def test_the_console_serves_a_senders_file_inert(
    world: World, tenants: Tenants, content_type: str, data: bytes
) -> None:
    key = _mail_with(world, tenants.c1, content_type, data)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    _inert(staff.get(f"/mail/{key}/attachments/0"), data)


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"]
)
def test_an_inert_type_is_kept(world: World, tenants: Tenants, content_type: str) -> None:
    """A PDF still opens as a PDF, a photo as a photo (the browser's viewer), as attachments."""
    key = _mail_with(world, tenants.c1, f"{content_type.upper()}; name=bon", b"x")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    got = staff.get(f"/mail/{key}/attachments/0")
    assert got.status == 200 and got.content_type == content_type
    assert "sandbox" in got.headers["Content-Security-Policy"]
