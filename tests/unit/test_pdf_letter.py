"""The letter PDF is opened and read back: its text, the EPC QR code it carries, and where
the address sits (inside the envelope window)."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import zxingcpp
from PIL import Image

from shared.adapters.letters.pdf_letter import (
    WINDOW_H,
    WINDOW_W,
    WINDOW_X,
    WINDOW_Y,
    Letterhead,
    LetterInvoice,
    LetterSpec,
    render_letter,
)
from shared.domain.messaging import PostalAddress
from shared.domain.references.epc_qr import CreditTransfer, payload

MM = 72 / 25.4
SPEC = LetterSpec(
    letterhead=Letterhead("Bakkerij De Korenbloem", ("Dorpsstraat 1", "1234 AB Utrecht"), "030-1234567", "NL02ABNA0123456789", footer_text="KvK 12345678"),
    recipient=PostalAddress("J. de Vries", "Kerkstraat 12", "3511 LK", "Utrecht"),
    letter_date=date(2025, 3, 4),
    subject="Veertiendagenbrief: factuur F-0001",
    paragraphs=("Wij verzoeken u het bedrag binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd te betalen.",) * 12,
    invoices=(LetterInvoice("F-0001", date(2025, 1, 1), date(2025, 1, 31), 12_100),),
    costs=4_000,
    payment_reference="5000056789012345",
)  # fmt: skip


def read(pdf_bytes):
    return pypdf.PdfReader(io.BytesIO(pdf_bytes))


def test_text_totals_reference_and_page_numbers():
    reader = read(render_letter(SPEC))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Veertiendagenbrief: factuur F-0001" in text
    assert "EUR 161,00" in text  # 121.00 + 40.00 costs
    assert "5000 0567 8901 2345" in text
    assert f"Pagina 1 van {len(reader.pages)}" in text and len(reader.pages) >= 2


def test_qr_code_decodes_to_the_epc_payload():
    reader = read(render_letter(SPEC))
    images = [img for page in reader.pages for img in page.images]
    decoded = []
    for image in images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        decoded += [r.text for r in zxingcpp.read_barcodes(picture)]
    expected = payload(
        CreditTransfer(
            "Bakkerij De Korenbloem",
            "NL02ABNA0123456789",
            16_100,
            text="Betalingskenmerk 5000 0567 8901 2345",
        )
    )
    assert decoded == [expected]


def test_address_lies_inside_the_envelope_window():
    reader = read(render_letter(SPEC))
    page = reader.pages[0]
    height = float(page.mediabox.height)
    found = {}

    def visit(text, cm, tm, font, size):
        if text.strip() in ("J. de Vries", "Kerkstraat 12", "3511 LK  UTRECHT"):
            found[text.strip()] = (tm[4] / MM, (height - tm[5]) / MM)

    page.extract_text(visitor_text=visit)
    assert set(found) == {"J. de Vries", "Kerkstraat 12", "3511 LK  UTRECHT"}
    for x, y in found.values():
        assert WINDOW_X <= x <= WINDOW_X + WINDOW_W
        assert WINDOW_Y <= y <= WINDOW_Y + WINDOW_H


def test_the_portal_link_is_a_second_qr_code():
    from dataclasses import replace

    link = "https://inning.example/api/p/abc.def"
    reader = read(render_letter(replace(SPEC, portal_url=link)))
    decoded = []
    for image in (img for page in reader.pages for img in page.images):
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        decoded += [r.text for r in zxingcpp.read_barcodes(picture)]
    assert link in decoded and len(decoded) == 2
    assert "Online betalen" in "\n".join(page.extract_text() for page in reader.pages)


def test_a_14_day_letter_prints_the_costs_it_announces_outside_the_total_and_qr():
    """Art. 6:96 lid 6 BW: the costs of a 14-day letter are owed only if the term passes
    unpaid. Table, total and QR code ask for the principal and the interest to the term's
    last day (121.00 + 0.36); the EUR 40.00 stand below the total with that day."""
    from dataclasses import replace

    spec = replace(SPEC, interest=36, costs_from=date(2025, 3, 20))
    assert spec.total == 12_136
    reader = read(render_letter(spec))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "EUR 121,36" in text and "EUR 161" not in text
    assert "Incassokosten als niet uiterlijk 19-03-2025 is betaald" in text and "EUR 40,00" in text
    decoded = []
    for image in [img for page in reader.pages for img in page.images]:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        decoded += [r.text for r in zxingcpp.read_barcodes(picture)]
    amount = CreditTransfer("Bakkerij De Korenbloem", "NL02ABNA0123456789", 12_136,
                            text="Betalingskenmerk 5000 0567 8901 2345")  # fmt: skip
    assert decoded == [payload(amount)]


def _lines(spec: LetterSpec) -> list[str]:
    return "\n".join(p.extract_text() for p in read(render_letter(spec)).pages).splitlines()


def test_amounts_are_written_as_the_letters_language_writes_them():
    """newcomer17 F8: table and payment block wrote "EUR 12345,67" in Dutch and English
    letters alike, while the body wrote "12.345,67"; "t.n.v." stood in English letters."""
    from dataclasses import replace

    big = replace(SPEC, invoices=(LetterInvoice("F-0002", date(2025, 1, 1), date(2025, 1, 31), 1_234_567),),
                  costs=0, paragraphs=("Body",))  # fmt: skip
    dutch = _lines(big)
    assert "F-0002 01-01-2025 31-01-2025 EUR 12.345,67" in dutch
    assert (
        "Totaal te betalen EUR 12.345,67" in dutch and "Totaal te betalen: EUR 12.345,67" in dutch
    )
    assert "IBAN NL02ABNA0123456789  t.n.v. Bakkerij De Korenbloem" in dutch
    english = _lines(replace(big, language="en"))
    assert "F-0002 1 January 2025 31 January 2025 EUR 12,345.67" in english
    assert "Total to pay EUR 12,345.67" in english and "Total to pay: EUR 12,345.67" in english
    assert "IBAN NL02ABNA0123456789  in the name of Bakkerij De Korenbloem" in english
    assert not any("EUR 12345" in line for line in dutch + english)


def test_an_address_abroad_ends_with_the_countrys_name_in_capitals():
    """newcomer17 F4: the last line was the ISO code ("BE"); PostNL asks the destination
    country's name in capitals, in English, on the last line. A Dutch address has none."""
    from dataclasses import replace

    for code, name in (
        ("BE", "BELGIUM"),
        ("DE", "GERMANY"),
        ("GB", "UNITED KINGDOM"),
        ("CW", "CURAÇAO"),
    ):
        spec = replace(
            SPEC, recipient=PostalAddress("Mevr. A. Peeters", "Meir 12", "2000", "Antwerpen", code)
        )
        lines = _lines(spec)
        at = lines.index("Mevr. A. Peeters")
        assert lines[at : at + 4] == ["Mevr. A. Peeters", "Meir 12", "2000  ANTWERPEN", name]
    home = _lines(SPEC)
    at = home.index("J. de Vries")
    assert home[at : at + 4] == [
        "J. de Vries",
        "Kerkstraat 12",
        "3511 LK  UTRECHT",
        "Datum: 04-03-2025",
    ]


def test_the_return_line_is_the_clients_postal_address_or_left_out():
    """newcomer17 F4: every letter's return line read "Bakkerij De Korenbloem, " (no client had
    an address): a client's postal address is printed there, else no return line at all."""
    from dataclasses import replace

    from shared.adapters.letters.pdf_letter import sender_lines
    from shared.domain.parties import Address

    lines = sender_lines(Address("Dorpsstraat 1", "1234 AB", "Utrecht"))
    assert lines == ("Dorpsstraat 1", "1234 AB  UTRECHT")
    assert sender_lines(Address("Rue Haute 5", "1000", "Bruxelles", "BE"))[-1] == "BELGIUM"
    with_address = _lines(replace(SPEC, letterhead=replace(SPEC.letterhead, address_lines=lines)))
    assert "Bakkerij De Korenbloem, Dorpsstraat 1, 1234 AB  UTRECHT" in with_address
    without = _lines(replace(SPEC, letterhead=replace(SPEC.letterhead, address_lines=())))
    assert not any(line.startswith("Bakkerij De Korenbloem,") for line in without)


def test_a_letter_abroad_ends_its_return_line_with_the_senders_country():
    """newcomer17b F3: a letter to Belgium or Germany named no country on its return line, so a
    letter coming back had no country to go to. Abroad, the return line of a client at home
    ends with the Netherlands in the letter's language; a client abroad keeps its own country
    there (and gets no second one); a letter at home stays as it was."""
    from dataclasses import replace

    from shared.adapters.letters.pdf_letter import sender_country, sender_lines
    from shared.domain.parties import Address

    def return_line(client: Address, country: str, language: str = "nl") -> str:
        head = replace(SPEC.letterhead, address_lines=sender_lines(client),
                       country=sender_country(client))  # fmt: skip
        recipient = PostalAddress("Mevr. A. Peeters", "Meir 12", "2000", "Antwerpen", country)
        lines = _lines(replace(SPEC, letterhead=head, recipient=recipient, language=language))
        return lines[lines.index("Mevr. A. Peeters") - 1]

    utrecht = Address("Dorpsstraat 1", "1234 AB", "Utrecht")
    brussels = Address("Rue Haute 5", "1000", "Bruxelles", "BE")
    start = "Bakkerij De Korenbloem, Dorpsstraat 1, 1234 AB  UTRECHT"
    assert return_line(utrecht, "BE") == f"{start}, NEDERLAND"
    assert return_line(utrecht, "DE", "en") == f"{start}, NETHERLANDS"
    assert return_line(utrecht, "NL") == start
    assert return_line(utrecht, "NL", "en") == start
    abroad = "Bakkerij De Korenbloem, Rue Haute 5, 1000  BRUXELLES, BELGIUM"
    assert return_line(brussels, "DE") == abroad
    assert return_line(brussels, "NL") == abroad
