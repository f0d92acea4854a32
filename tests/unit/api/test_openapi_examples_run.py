"""Every example request of the OpenAPI document, sent as written in the document's order
against a fresh app on today's date, answers with success (newcomer15 #4: the credit example
credited 125.00 on the example invoice of 121.00, the promise and the pauses were for a day
18 months gone, and the prescription's interruption fell before the invoice's due day).

The path's ids are those the document's own example data makes (the client, debtor and
invoice its create examples push, the template, workflow and quick text its examples save).
An id only the app makes (an action item, a payment, a case, a mail, a message) cannot be
written in a document: those examples are checked against their request model only, and
named here, so that a new example runs unless it is one of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world

# what the document's own examples make, by path parameter
MADE_BY_EXAMPLES = {
    "client": ("POST", "/v1/clients", lambda body: body["items"][0]["number"]),
    "debtor": ("POST", "/v1/clients/{client}/debtors", lambda body: body["items"][0]["number"]),
    "invoice": ("POST", "/v1/clients/{client}/invoices", lambda body: body["items"][0]["number"]),
    "quick_text": ("POST", "/v1/clients/{client}/quick-texts", lambda b: b["quick_text_id"]),
}
SAVED_BY_PATH = {"template": "herinnering", "workflow": "standaard"}  # PUT creates them
MADE_BY_THE_APP = {"action", "payment", "case", "mail", "message"}
# examples for a state the example data does not reach, and the rule that says so: a client
# owing money back (a settlement paid out, then a payment reversed), a 14-day letter the post
# reported undelivered
NEEDS_STATE = {
    ("POST", "/v1/clients/{client}/settlement-repayments"): (422, "repayment_above_owed"),
    ("POST", "/v1/clients/{client}/invoices/{invoice}/fourteen-day-letter-received"): (404, None),
    # the code was mailed to the address: the document cannot know it (sender33)
    ("POST", "/v1/clients/{client}/contact/verification"): (422, None),
}


def _examples(doc: dict[str, Any]) -> list[tuple[str, str, Any]]:
    out = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            media = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "example" in media:
                out.append((method.upper(), path, media["example"]))
    return out


def test_every_example_request_works_on_the_documents_own_data():
    world = make_world(at=datetime.now(UTC))
    doc = world.agency_a.call("GET", "/v1/openapi.json").body
    examples = _examples(doc)
    made = {
        name: pick(next(body for m, p, body in examples if (m, p) == (method, path)))
        for name, (method, path, pick) in MADE_BY_EXAMPLES.items()
    } | SAVED_BY_PATH
    models = {(r.method, r.template): r.body for r in world.api.router.routes}
    ran, only_checked, failed = 0, [], []
    for method, path, body in examples:
        names = set(re.findall(r"\{(\w+)\}", path))
        if names & MADE_BY_THE_APP:
            model = models[(method, path)]
            assert isinstance(model, type) and issubclass(model, BaseModel)
            model.model_validate(body)  # at least a request the route reads
            only_checked.append(f"{method} {path}")
            continue
        url = path.format(**{n: made[n] for n in names})
        reply = world.agency_a.call(method, url, body)
        ran += 1
        rows = reply.body.get("errors") if isinstance(reply.body, dict) else None
        if (method, path) in NEEDS_STATE:
            status, code = NEEDS_STATE[(method, path)]
            codes = [d.get("code") for d in reply.body["error"].get("details", [])]
            assert reply.status == status and (code is None or codes == [code]), reply.body
            continue
        if reply.status >= 300 or rows:
            failed.append((method, url, body, reply.status, reply.body))
    assert failed == [], "\n".join(map(str, failed))
    assert ran >= 20
    assert sorted(only_checked) == sorted(
        f"{m} {p}" for m, p, _ in examples if set(re.findall(r"\{(\w+)\}", p)) & MADE_BY_THE_APP
    )


def test_a_pause_until_a_day_gone_is_refused_as_the_promise_is():
    """The document's pause until 2025-06-01, sent in December 2026, answered 200 and left the
    debtor reading ``paused``: a pause that postpones nothing. Now 422 ``pause_until_past``;
    a pause until today or later, or without a day, as before."""
    world = make_world(at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1")]})
    for url, body in [
        ("/v1/clients/C1/debtors/D1/pause", {"reason": "Debt counselling", "until": "2025-06-01"}),
        ("/v1/clients/C1/invoices/F1/pause", {"until": "2026-12-01"}),
    ]:
        reply = a.call("POST", url, body)
        assert reply.status == 422, reply.body
        assert [d["code"] for d in reply.body["error"]["details"]] == ["pause_until_past"]
    assert a.call("GET", "/v1/clients/C1/debtors/D1").body["paused"] is False
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["paused_until"] is None
    today = {"reason": "Debt counselling", "until": "2026-12-02"}
    assert a.call("POST", "/v1/clients/C1/debtors/D1/pause", today).status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2026-12-02"}).status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F1/pause").status == 200  # until resumed
