"""Names and streets outside Latin-1 print as written on every PDF we make: the 14-day letter
(addressee, salutation, letterhead), the settlement statement and the client's report
(newcomer17 F1: "Dhr. Ş. Yılmaz" printed "Dhr. ?. Y?lmaz", "Łódźstraat" "?ód?straat": the core
Helvetica font is Latin-1 only). Each PDF is read back as text."""

from __future__ import annotations

import io
from datetime import date

import pypdf

from shared.adapters.letters.pdf_letter import Letterhead, LetterInvoice, LetterSpec, render_letter
from shared.adapters.letters.settlement_pdf import StatementHeading, statement_pdf
from shared.adapters.letters.typeface import FONTS, printable
from shared.adapters.tables.memory import InMemoryTableStore
from shared.domain.messaging import PostalAddress
from shared.domain.parties import Client
from shared.domain.settlement.statement import StatementTotals
from shared.services.exports import ExportService
from shared.services.repositories import Repositories

TURKISH, POLISH = "Dhr. Ş. Yılmaz", "Łódźstraat 7"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_14_day_letter_names_the_debtor_as_written() -> None:
    spec = LetterSpec(
        letterhead=Letterhead("Piekarnia Żabka Öztürk", ("Ğül-laan 3", "1011 AA  AMSTERDAM"),
                              iban="NL02ABNA0123456789"),
        recipient=PostalAddress(TURKISH, POLISH, "3011 AB", "Rotterdam"),
        letter_date=date(2026, 12, 2), subject="Veertiendagenbrief Çelik",
        paragraphs=(f"Beste {TURKISH},", "Met vriendelijke groet, Doğan Şahin"),
        invoices=(LetterInvoice("2026-0043", date(2026, 10, 1), date(2026, 10, 31), 25_000),),
        costs=4_000, costs_from=date(2026, 12, 19), payment_reference="5000056789012345",
    )  # fmt: skip
    text = _text(render_letter(spec))
    lines = text.splitlines()
    # the address window, line by line, and the salutation
    at = lines.index(TURKISH)
    assert lines[at : at + 3] == [TURKISH, POLISH, "3011 AB  ROTTERDAM"]
    for written in (f"Beste {TURKISH},", "Doğan Şahin", "Veertiendagenbrief Çelik",
                    "Piekarnia Żabka Öztürk", "Ğül-laan 3"):  # fmt: skip
        assert written in text, written
    assert "?" not in text


def test_what_the_typeface_lacks_is_transliterated_never_a_question_mark() -> None:
    assert printable("王小明 Ş. Yılmaz €") == "WangXiaoMing Ş. Yılmaz EUR"
    spec = LetterSpec(
        Letterhead("Bakkerij"), PostalAddress("王小明", "Łódźstraat 7", "3011 AB", "Rotterdam"),
        date(2026, 12, 2), "Brief", ("Beste heer 王,",),
    )  # fmt: skip
    text = _text(render_letter(spec))
    assert "WangXiaoMing" in text and "Beste heer Wang," in text and "?" not in text


def test_the_settlement_statement_names_client_and_agency_as_written() -> None:
    heading = StatementHeading(
        "S1", "Incasso Łukasiewicz", "Bakkerij Şahin", "BAKKERIJ", "11-2026", "02-12-2026",
        "NL02ABNA0123456789", "10.00", "21.00",
    )  # fmt: skip
    totals = StatementTotals(
        received=0, reversed=0, to_agency=0, to_client=0, commission=0, fee_vat=0,
        carried_in=0, net=0, payout=0, carried_out=0,
    )  # fmt: skip
    text = _text(statement_pdf(heading, [], totals))
    assert "Incasso Łukasiewicz aan Bakkerij Şahin (BAKKERIJ)" in text and "?" not in text


def test_the_clients_report_names_the_client_as_written() -> None:
    client = Client("c1", "a1", "BAKKERIJ", "Bakkerij Yılmaz & Łódź")
    repos = Repositories.over(InMemoryTableStore())
    repos.ensure_tables()
    pdf = ExportService(repos).report_pdf(client, date(2026, 1, 1), date(2026, 12, 31))
    text = _text(pdf)
    assert "Bakkerij Yılmaz & Łódź" in text and "?" not in text


def test_the_fonts_ship_with_their_licence() -> None:
    # copied into the repository, never fetched at run time; the licence travels with them
    assert {p.name for p in FONTS.iterdir()} >= {
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "LICENSE.txt",
    }
    assert "Bitstream Vera" in (FONTS / "LICENSE.txt").read_text()
