"""One language per message (console18): an English-speaking debtor on a workflow whose step
has only a Dutch text got the Dutch text inside English labels: the letter's "Invoice",
"Total", payment block and interest line in English around a Dutch body, the mail's notes
marked English. The message now speaks the language its text is written in, whole; the
workflow's save warns that the step has no English text."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdf

import shared.services.dunning as dunning_module
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day
from tests.unit.dunning.test_fourteen_day_letter_amounts import LETTER, WORKFLOW


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_an_english_debtor_gets_a_dutch_only_step_wholly_in_dutch(world, monkeypatch):
    SEEN.clear()
    letters: list[tuple[Any, bytes]] = []
    contents: list[Any] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]

    def letter(spec: Any) -> bytes:
        pdf = real_letter(spec)
        letters.append((spec, pdf))
        return pdf

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    messaging = world.services.messaging
    real_enqueue = messaging.enqueue

    def enqueue(message: Any, content: Any, *args: Any, **kwargs: Any) -> Any:
        contents.append(content)
        return real_enqueue(message, content, *args, **kwargs)

    monkeypatch.setattr(messaging, "enqueue", enqueue)
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 4, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    english = debtor_row("D6", name="K. Baker", language="en")
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [english]}).status in (200, 201, 207)
    template = {"language": "nl", "subject": "Veertiendagenbrief", "text": LETTER, "fourteen_day_letter": True}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    saved = a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW)
    assert saved.status == 200
    assert [w["code"] for w in saved.body["warnings"]] == ["step_no_text_in_language"]
    assert saved.body["warnings"][0]["params"] == {
        "n": 1,
        "step": "14",
        "language": "en",
        "sent_in": "nl",
    }
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    assert (
        a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]}).status == 200
    )
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("2026-0061", "D6", amount="300.00", invoice_date="2026-10-01", due_date="2026-10-31"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    sent = []
    for n in range(3):
        world.clock.at = datetime(2026, 11, 2, 8, 0, tzinfo=UTC) + timedelta(days=n)
        sent += day(world, client)
    assert [ch for _, ch, _, _ in sent] == ["letter"]
    [(spec, pdf)] = letters
    assert (spec.language, spec.interest_label) == ("nl", "Wettelijke rente")
    text = _text(pdf)
    assert "Beste K. Baker" in text and "Totaal" in text, text
    assert "Total " not in text and "Invoice" not in text, text
    assert [c.language for c in contents] == ["nl"]
