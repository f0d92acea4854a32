"""Hostile portal forms, provider callbacks and templates: each a clear 4xx (or a page saying
what is wrong), never a 500 and never a stalled worker."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from shared.api.http import ApiRequest
from shared.api.portal_app import PortalApp
from shared.services.callbacks import CallbackRejected, CallbackService, MalformedCallback
from tests.hostile.conftest import record
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_template_budget import HOSTILE as HOSTILE_TEMPLATES
from tests.unit.payments.test_portal import Browser

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ debtor.__class__ }}",
    "{{ config }}{{ request }}",
    "{% import 'os' as os %}",
    "{% include '/etc/passwd' %}",
    "{{ invoices.pop() }}",
    "{{ debtor.update({'name': 'x'}) }}",
    "{{ (1).__class__.__bases__ }}",
    "{% set x = namespace() %}{{ x.__dict__ }}",
]


@pytest.fixture
def client(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F1", "D1"), invoice_row("F9", "D2")]},
    )
    return world, a


@pytest.mark.parametrize("source", HOSTILE_TEMPLATES + ESCAPES)
def test_hostile_templates_are_refused_with_a_reason(client, source):
    _, a = client
    for part in ("text", "subject", "html"):
        body = {"language": "nl", "text": "x", part: source}
        reply = a.call("PUT", "/v1/clients/C1/templates/t1", body)
        record("template", reply.status)
        assert reply.status in (200, 422), reply.body
        if reply.status == 200:  # harmless after all (e.g. an escape the sandbox renders inert)
            preview = a.call("POST", "/v1/clients/C1/templates/t1/preview", {"debtor": "D1"})
            record("template preview", preview.status)
            assert preview.status in (200, 422)
            assert "root:" not in json.dumps(preview.body) and "__globals__" not in json.dumps(
                preview.body
            )


PORTAL_FORMS = [
    ("/portal/pay", {"invoice": ["F9"]}),  # another debtor's invoice
    ("/portal/pay", {"invoice": ["F1" * 5000]}),
    ("/portal/pay", {"invoice": ["\x00", "../F1", "%2e%2e"]}),
    ("/portal/pay", {}),
    ("/portal/postpone", {"invoice": ["F1"], "until": "9999-12-31", "reason": "x"}),
    ("/portal/postpone", {"invoice": ["F1"], "until": "not a date", "reason": "x"}),
    ("/portal/postpone", {"invoice": ["F1"], "until": "2025-02-30", "reason": "x" * 100_000}),
    ("/portal/dispute", {"invoice": "F1", "reason": ""}),
    ("/portal/dispute", {"invoice": "F9", "reason": "niet van mij"}),
    ("/portal/dispute", {"invoice": ["F1", "F1"], "reason": "\u202e\x00"}),
    ("/portal/message", {"text": ""}),
    ("/portal/message", {"text": "x" * 1_000_000}),
    ("/portal/message", {"text": "<script>alert(1)</script>\x00\x1b"}),
    ("/portal/nonsense", {"a": "b"}),
]


@pytest.mark.parametrize(("path", "form"), PORTAL_FORMS)
def test_hostile_portal_forms_are_refused_clearly(client, path, form):
    world, _ = client
    app = PortalApp(world.services)
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, "D1")
    browser = Browser(app)
    assert browser.go("GET", f"/p/{token}").status == 303
    reply = browser.post(path, **form)
    record("portal form", reply.status)
    assert reply.status < 500
    assert b"<script>alert" not in reply.encoded()


@pytest.mark.parametrize(
    "raw", [b"\xff\xfe\x00", b"csrf=%ZZ&text=%00", b"a=" + b"b" * 3_000_000, b"&&&==&="]
)
def test_hostile_portal_bodies_and_tokens(client, raw):
    world, _ = client
    app = PortalApp(world.services)
    for method, path, body in (("POST", "/portal/message", raw), ("GET", "/p/" + "A" * 10_000, b""),
                               ("GET", "/p/%00%ff", b""), ("GET", "/p/a.b.c.d.e", b"")):  # fmt: skip
        reply = app.handle(ApiRequest(method, path, {"x-forwarded-for": "192.0.2.99:1"}, {}, body))
        record("portal raw", reply.status)
        assert reply.status < 500


CALLBACK_BODIES = [b"", b"null", b"[]", b"{}", b'{"entry": [null]}', b'{"entry": [{"changes": 5}]}',
                   b'{"data": {"type": "webhook_sent", "relationships": {"letter": {"data": {"id": 5}}}}}',
                   b'{"data": {"type": "webhook_sent", "relationships": {"letter": {"data": {"id": "' + b"x" * 5000 + b'"}}}}}',
                   b"[" * 10_000, json.dumps({"entry": [{"changes": [{"value": {"statuses": [{"id": "", "status": "failed"}]}}]}]}).encode()]  # fmt: skip


@pytest.mark.parametrize("body", CALLBACK_BODIES)
def test_signed_hostile_callbacks_are_refused_or_ignored(client, body):
    world, _ = client
    service = CallbackService(
        world.services.messaging, token="t", whatsapp_secret="w", pingen_secret="p"
    )
    for call, key, prefix in ((service.whatsapp, b"w", "sha256="), (service.pingen, b"p", "")):
        signature = prefix + hmac.new(key, body, hashlib.sha256).hexdigest()
        try:
            call(body, signature)
            record("callback", 200)
        except (MalformedCallback, ValueError):
            record("callback", 400)
        except CallbackRejected:
            record("callback", 401)
    for fields in (
        {"STATUS": "2", "REFERENCE": "x" * 5000},
        {"STATUS": ["2"], "REFERENCE": None},
        {},
    ):
        try:
            service.cm("t", fields)  # type: ignore[arg-type]
            record("callback cm", 200)
        except ValueError:
            record("callback cm", 400)


def test_a_portal_form_past_its_bounds_is_refused_before_it_is_read(client):
    """The portal is open to anyone holding a link: a body of a million fields or megabytes is
    refused like a form without its CSRF token, without being parsed into a dict."""
    world, _ = client
    app = PortalApp(world.services)
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, "D1")
    browser = Browser(app)
    assert browser.go("GET", f"/p/{token}").status == 303
    page = browser.page()
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    fine = browser.post("/portal/message", csrf=csrf, text="Ik betaal vrijdag")
    assert fine.status < 400, fine.raw
    many = browser.post("/portal/message", csrf=csrf, text="x", invoice=["F1"] * 5_000)
    large = browser.post("/portal/message", csrf=csrf, text="x" * 100_000)
    assert (many.status, large.status) == (403, 403)
