"""One way to write a day to an English debtor (debtor24 D8).

Hand: client C1, consumer J. Smith (D-8002, English) with 2026-3011 121.00 and 2026-3012
49.95, both of 3 October 2026, due 2 November 2026. Before, his portal page wrote the due day
"2026-11-02", his plan agreement mail "Installment 1: 2026-11-02" and its PDF "02-11-2026",
the reminder mail "02 November 2026" and the 14-day letter's table "02-11-2026" (11 February
to a US reader). Now every one of them writes "2 November 2026"; Dutch keeps "02-11-2026".
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from shared.api.console.refusal_text import refusal
from shared.api.portal_app import PortalApp
from shared.api.portal_text import refused
from shared.domain.day_shown import day_shown
from shared.services.errors import Invalid
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_starter_set_speaks_to_the_debtor import _pdf_text, _run
from tests.unit.payments.test_portal import Browser

DAY = "2 November 2026"
# the forms an English debtor read before: ISO, zero-padded, day-month-year with dashes
OTHER_FORMS = ("2026-11-02", "02 November 2026", "02-11-2026")


def _shows_only_the_english_day(text: str) -> None:
    assert DAY in text, text
    for other in OTHER_FORMS:
        assert other not in text, (other, text)


def _pdfs(content) -> str:  # type: ignore[no-untyped-def]
    pages = (
        p.extract_text()
        for a in content.attachments
        if a.name.endswith(".pdf")
        for p in PdfReader(io.BytesIO(a.data)).pages
    )
    return " ".join(" ".join(pages).split())


def test_the_helper_writes_one_form_per_language() -> None:
    assert day_shown(date(2026, 11, 2), "en") == DAY
    assert day_shown(date(2026, 11, 2), "nl") == "02-11-2026"
    assert day_shown(date(2027, 1, 31), "en") == "31 January 2027"


def test_his_portal_and_plan_agreement_write_the_day_as_his_letters_do(world) -> None:  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    rows = [debtor_row("D-8002", name="J. Smith", language="en")]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": rows}).body["created"] == 1
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("2026-3011", "D-8002", amount="121.00", invoice_date="2026-10-03", due_date="2026-11-02"),
        invoice_row("2026-3012", "D-8002", amount="49.95", invoice_date="2026-10-03", due_date="2026-11-02"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")

    token = world.services.portal.links.token(client.client_id, "D-8002")
    browser = Browser(PortalApp(world.services))
    assert browser.go("GET", f"/p/{token}").status == 303
    _shows_only_the_english_day(browser.page())

    draft = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D-8002", "invoices": ["2026-3011", "2026-3012"], "start": "2026-11-02",
        "installments": 2, "include_costs": False, "agreed_by_debtor_on": "2026-10-20",
        "agreed_how": "phone",
    })  # fmt: skip
    assert draft.status == 201, draft.body
    plan_id = draft.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate").status == 200
    messages = world.services.messaging
    told = [
        messages.content(client.client_id, r.key)
        for r in messages.outbox.list(client.client_id, page_size=50)[0]
        if r.debtor_number == "D-8002"
    ]
    agreement = [c for c in told if "Installment 1" in c.text]
    assert agreement, [c.text for c in told]
    for content in agreement:
        assert f"Installment 1: {DAY}" in content.text, content.text
        _shows_only_the_english_day(content.text)
    # the agreement as posted or attached: its schedule table and payment block
    pdf = " ".join(_pdfs(c) for c in agreement)
    assert f"Installment 1 {DAY}" in pdf, pdf
    _shows_only_the_english_day(pdf)


def test_his_reminder_mail_and_14_day_letter_write_the_day_the_same_way(world) -> None:  # type: ignore[no-untyped-def]
    out = _run(world)
    mail = out[("D-8002", "email")][0]
    assert f"2026-3011 of 3 October 2026, due {DAY}: EUR 121.00" in mail.text, mail.text
    _shows_only_the_english_day(mail.text)
    letter = out[("D-8002", "letter")][0]
    pdf = _pdf_text(letter)
    assert f"2026-3011 3 October 2026 {DAY}" in pdf, pdf
    _shows_only_the_english_day(pdf)
    dutch = _pdf_text(out[("D-8001", "letter")][0])
    assert "2026-3001 03-10-2026 02-11-2026" in dutch, dutch


def test_a_refusal_names_the_day_in_his_form_on_the_portal_and_iso_to_the_api() -> None:
    """The portal says a refusal's day as his letters do; the API and English staff pages,
    which share the sentences, keep ISO."""
    exc = Invalid(
        "the first collection needs 5 days' notice: start on 2026-11-02 or later",
        field="start", code="first_collection_notice", params={"days": 5, "day": date(2026, 11, 2)},
    )  # fmt: skip
    assert DAY in refused("en", exc)
    assert "02-11-2026" in refused("nl", exc)
    assert "2026-11-02" in refusal(exc, "en") and DAY not in refusal(exc, "en")
