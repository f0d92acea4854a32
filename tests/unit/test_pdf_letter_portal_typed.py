"""debtor24 D9: a letter (the 14-day letter, a reminder by post) gave the debtor's portal only as
a QR code: a debtor without a phone camera, or a screen reader reading the PDF, had no address.
Now the link is printed in type beside the payment QR code (and is a link in the PDF), without
the letter growing a page anywhere the payment block may fall."""

from __future__ import annotations

from dataclasses import replace

from shared.adapters.letters.pdf_letter import render_letter
from tests.unit.test_pdf_letter import MM, SPEC, read

# a link as the portal gives it: the base URL, /api/p/ and the signed token (~80 characters)
LINK = ("https://inning-func-x7k2.azurewebsites.net/api/p/"
        "MQpwcm9kCmNsZDQwN2M1NjA2Y2U1CkQtMTIzNDUKMAoxODA0NzQ0ODAw.I3gjfIaYQkUXqIsBV9WJBw")  # fmt: skip


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in read(pdf).pages).replace("\n", "")


def test_the_portal_link_is_printed_to_type_and_is_a_link_in_the_pdf() -> None:
    pdf = render_letter(replace(SPEC, portal_url=LINK))
    assert "Online betalen, uitstel of vragen: " + LINK in _text(pdf)  # was only a QR code
    uris = [
        a.get_object()["/A"]["/URI"]
        for page in read(pdf).pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert LINK in uris


def test_the_typed_link_stays_left_of_the_portal_qr_code() -> None:
    reader = read(render_letter(replace(SPEC, portal_url=LINK, language="en")))
    xs: list[float] = []

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        if "azurewebsites" in text or "api/p" in text or "BJQkUX" in text:
            xs.append(tm[4] / MM)

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert xs and all(60 <= x < 155 for x in xs)  # the portal QR code starts at 160 mm
    assert "Pay online, postpone or ask: " + LINK in _text(render_letter(replace(SPEC, portal_url=LINK, language="en")))  # fmt: skip


def test_no_letter_grows_a_page_for_it_wherever_the_payment_block_falls() -> None:
    for n in range(0, 30):
        spec = replace(SPEC, paragraphs=SPEC.paragraphs[:1] * n)
        without = len(read(render_letter(spec)).pages)
        assert len(read(render_letter(replace(spec, portal_url=LINK))).pages) == without, n


def test_a_letter_whose_text_gives_the_link_does_not_print_it_twice() -> None:
    said = "Uw overzicht, betalen met iDEAL, uitstel vragen of bezwaar maken: " + LINK
    pdf = render_letter(replace(SPEC, paragraphs=(*SPEC.paragraphs[:2], said), portal_url=LINK))
    assert _text(pdf).count(LINK) == 1
