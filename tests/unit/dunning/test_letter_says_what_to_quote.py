"""A 14-day letter over several invoices has no betalingskenmerk; it says what to quote instead,
the same as the portal ("Vermeld als omschrijving: D6 2026-0061 2026-0062"), in print and in
the EPC QR code's remittance text (newcomer17 F7: the posted PDF gave nothing to quote and its
QR code carried no text, so a scanned payment of the letter's total arrived without a word).
The PDF is read back as the debtor's eyes and bank app read it."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pypdf
import zxingcpp
from PIL import Image

import shared.services.dunning as dunning_module
from shared.adapters.letters.pdf_letter import Letterhead, LetterInvoice, LetterSpec, render_letter
from shared.domain.messaging import PostalAddress
from shared.domain.references.epc_qr import CreditTransfer, payload
from shared.services.portal import transfer_text
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day
from tests.unit.dunning.test_fourteen_day_letter_amounts import LETTER, WORKFLOW

IBAN = "NL02ABNA0123456789"
SPEC = LetterSpec(
    letterhead=Letterhead("Bakkerij De Korenbloem", ("Dorpsstraat 1", "1234 AB  UTRECHT"), "", IBAN),
    recipient=PostalAddress("K. Bakker", "Kerkstraat 12", "3511 LK", "Utrecht"),
    letter_date=date(2026, 12, 2),
    subject="Veertiendagenbrief",
    paragraphs=("Wij verzoeken u het totaal binnen veertien dagen te betalen.",),
    invoices=(LetterInvoice("2026-0061", date(2026, 10, 1), date(2026, 10, 31), 30_000),
              LetterInvoice("2026-0062", date(2026, 10, 2), date(2026, 11, 1), 20_000)),
    interest=256,
    description="D6 2026-0061 2026-0062",
)  # fmt: skip


def _read(pdf: bytes) -> tuple[str, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    codes = []
    for image in (img for page in reader.pages for img in page.images):
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        codes += [r.text for r in zxingcpp.read_barcodes(picture)]
    return text, codes


def test_a_letter_without_reference_prints_and_encodes_the_description() -> None:
    text, codes = _read(render_letter(SPEC))
    assert "Vermeld als omschrijving: D6 2026-0061 2026-0062" in text
    assert "Betalingskenmerk" not in text
    expected = CreditTransfer(SPEC.letterhead.name, IBAN, 50_256, text="D6 2026-0061 2026-0062")
    assert payload(expected) in codes


def test_an_english_letter_says_it_in_english_and_a_reference_wins() -> None:
    text, _ = _read(render_letter(replace(SPEC, language="en")))
    assert "Quote as the description: D6 2026-0061 2026-0062" in text
    # a betalingskenmerk is what to quote when there is one: no description beside it
    text, codes = _read(render_letter(replace(SPEC, payment_reference="5000056789012345")))
    assert "Betalingskenmerk: 5000 0567 8901 2345" in text and "omschrijving" not in text
    ref = CreditTransfer(SPEC.letterhead.name, IBAN, 50_256, text="Betalingskenmerk 5000 0567 8901 2345")  # fmt: skip
    assert payload(ref) in codes


def test_the_run_s_letter_over_two_invoices_quotes_what_the_portal_does(world, monkeypatch):
    """The daily run's 14-day letter (posted: the debtor has an address and no e-mail) over
    D6's 2026-0061 and 2026-0062: its PDF says what the portal says to quote, and its QR code
    carries that text with the letter's total."""
    SEEN.clear()
    pdfs: list[tuple[Any, bytes]] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]

    def letter(spec: Any) -> bytes:
        pdf = real_letter(spec)
        pdfs.append((spec, pdf))
        return pdf

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 4, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D6", name="K. Bakker")]})
    template = {"language": "nl", "subject": "Veertiendagenbrief", "text": LETTER, "fourteen_day_letter": True}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    assert (
        a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]}).status == 200
    )
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("2026-0061", "D6", amount="300.00", invoice_date="2026-10-01", due_date="2026-10-31"),
        invoice_row("2026-0062", "D6", amount="200.00", invoice_date="2026-10-01", due_date="2026-10-31"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    sent = []
    for n in range(3):
        world.clock.at = datetime(2026, 11, 2, 8, 0, tzinfo=UTC) + timedelta(days=n)
        sent += day(world, client)
    assert [ch for _, ch, _, _ in sent] == ["letter"]
    [(spec, pdf)] = pdfs
    quote = transfer_text("D6", ["2026-0061", "2026-0062"])
    assert quote == "D6 2026-0061 2026-0062" and spec.payment_reference is None
    text, codes = _read(pdf)
    assert f"Vermeld als omschrijving: {quote}" in text, text
    assert payload(CreditTransfer(client.name, client.ibans[0], spec.total, text=quote)) in codes
