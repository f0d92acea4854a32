"""A name that ends in its own period ends a sentence once (newcomer20 F6): the portal wrote
"wat er openstaat bij Tuincentrum De Linde B.V.." and "ten name van Tuincentrum De Linde B.V..";
a template's, a mail's and a letter's sentence ending on such a name did the same."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pypdf

from shared.adapters.letters.pdf_letter import Letterhead, LetterSpec, render_letter
from shared.api.portal_app import PortalApp
from shared.domain.dunning.templates import MessageTemplate, render, sample_context
from shared.domain.messaging import MessageContent, PostalAddress
from shared.domain.sentence_end import end_once
from shared.services.dunning_starter import STARTER_TEMPLATES
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.payments.test_portal import enter

NAME = "Tuincentrum De Linde B.V."


def test_a_name_s_own_period_ends_the_sentence():
    assert end_once(f"bij {NAME}. Betaal direct") == f"bij {NAME} Betaal direct"
    assert end_once(f"ten name van {NAME}.") == f"ten name van {NAME}"
    assert end_once(f"namens <strong>{NAME}</strong>.") == f"namens <strong>{NAME}</strong>"
    # an ellipsis, a range and a link keep their periods; a name without one keeps the end
    for kept in ("Even geduld...", "termijn 1..3", "https://a..b.example", "J. de Vries."):
        assert end_once(kept) == kept


def test_an_invoice_number_or_link_with_two_periods_is_printed_as_written():
    # attack23 F2: 'Factuur A..-3' read 'Factuur A.-3', the debtor quoting another number
    for kept in (
        "Factuur A..-3 staat open",
        "zie https://x.example/a../b",
        '<a href="https://x.example/p/q..">uw factuur</a>',
        "factuur (INV..)",
    ):
        assert end_once(kept) == kept


def test_the_portal_ends_the_sentence_after_the_client_s_name_once(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1", name=NAME)]}).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]})
    browser = enter(world, PortalApp(world.services))
    html = browser.page()
    assert "B.V.." not in html
    assert f"wat er openstaat bij {NAME} Betaal" in html
    assert f"ten name van {NAME}</p>" in html


def test_a_starter_reminder_with_the_client_s_closing_sentence():
    # the starter's reminder as an agency completes it: its own sentence ends on the name
    starter = STARTER_TEMPLATES["herinnering"]
    template = MessageTemplate(
        "nl",
        starter.subject,
        starter.text + "\n\nDeze herinnering stuurt u {{ client.name }}.",
        "<p>Betaal ten name van <strong>{{ client.name }}</strong>.</p>",
    )
    rendered = render(template, replace(sample_context(), client_name=NAME))
    assert rendered.text.endswith(f"Deze herinnering stuurt u {NAME}")
    assert "B.V.." not in rendered.text
    assert rendered.html == f"<p>Betaal ten name van <strong>{NAME}</strong></p>"


def test_a_mail_and_a_letter_end_the_sentence_once():
    paragraph = f"Betaal F1 niet meer aan ons, maar aan {NAME}."  # the hand-over's words
    mail = MessageContent(
        subject=f"Uw regeling met {NAME}", text=paragraph, html=f"<p>{paragraph}</p>"
    )
    assert mail.text == paragraph[:-1] and mail.html == f"<p>{paragraph[:-1]}</p>"
    pdf = render_letter(
        LetterSpec(
            Letterhead(NAME, ("Lindelaan 1", "1234 AB  UTRECHT")),
            PostalAddress("J. de Vries", "Kerkstraat 12", "3511 LK", "Utrecht"),
            date(2025, 3, 4),
            "Uw betalingsregeling is beëindigd",
            (paragraph,),
        )
    )
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "B.V.." not in text and "maar aan Tuincentrum De Linde B.V." in text
