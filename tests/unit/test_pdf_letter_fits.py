"""The letter's return line and letterhead fit where they are printed (attack17b F2): the
return line of "Installatiebedrijf Van der Heijden & Zonen B.V." at "Burgemeester van Nispen
tot Sevenaerstraat 112, 6521 AB Nijmegen" was cut at 90 characters (no postcode, no town) and
still 98.1 mm wide in the 86 mm of the envelope's window; the letterhead's street ended at
220.4 mm on the 210 mm page. Every line is measured as drawn: a spy around fpdf's own cell."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pypdf
import pytest
from fpdf import FPDF

from shared.adapters.letters.pdf_letter import (
    WINDOW_H,
    WINDOW_W,
    WINDOW_X,
    WINDOW_Y,
    Letterhead,
    LetterSpec,
    render_letter,
    sender_lines,
)
from shared.domain.messaging import PostalAddress
from shared.domain.parties import Address

NAME = "Installatiebedrijf Van der Heijden & Zonen B.V."
ADDRESS = Address("Burgemeester van Nispen tot Sevenaerstraat 112", "6521 AB", "Nijmegen", "NL")
Drawn = list[tuple[float, float, float, str, float, float]]  # x, y, w, text, width, size


HOME = PostalAddress("Jan Jansen", "Dorpsstraat 1", "1234 AB", "Utrecht", "NL")
ABROAD = PostalAddress("Jan Jansen", "Rue de la Loi 16", "1000", "Bruxelles", "BE")


def _drawn(
    monkeypatch: pytest.MonkeyPatch, name: str, address: Address, recipient: PostalAddress = HOME
) -> tuple[Drawn, str]:
    drawn: Drawn = []
    real = FPDF.cell

    def cell(self: FPDF, w: Any = None, h: Any = None, text: str = "", *a: Any, **k: Any) -> Any:
        if text:
            drawn.append(
                (self.x, self.y, w or 0, text, self.get_string_width(text), self.font_size_pt)
            )
        return real(self, w, h, text, *a, **k)

    monkeypatch.setattr(FPDF, "cell", cell)
    spec = LetterSpec(
        letterhead=Letterhead(
            name, sender_lines(address), "info@vanderheijden.example", country=address.country
        ),
        recipient=recipient,
        letter_date=date(2026, 12, 1),
        subject="Herinnering",
        paragraphs=("Tekst.",),
    )
    pdf = render_letter(spec)
    return drawn, pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.parametrize("recipient", [HOME, ABROAD], ids=["home", "abroad"])
@pytest.mark.parametrize(
    ("name", "address"),
    [
        (NAME, ADDRESS),
        ("Client C1", Address("Dorpsstraat 1", "1234 AB", "Utrecht")),
        ("W" * 200, Address("W" * 200, "1000", "Bruxelles", "BE")),  # the API's longest
        ("W" * 200, Address("W" * 200, "1234 AB", "Utrecht")),  # at home: NEDERLAND added
    ],
)
def test_the_return_line_keeps_postcode_and_town_inside_the_window(
    monkeypatch: pytest.MonkeyPatch, name: str, address: Address, recipient: PostalAddress
) -> None:
    drawn, _ = _drawn(monkeypatch, name, address, recipient)
    window = [d for d in drawn if d[0] == WINDOW_X + 2]
    returned = window[: [d[3] for d in window].index("Jan Jansen")]
    text = "".join(d[3] for d in returned).replace(" ", "")  # a word too wide is broken
    sent_from = [*sender_lines(address)]
    if recipient is ABROAD and address.country == "NL":  # newcomer17b F3
        sent_from.append("NEDERLAND")
        assert text.endswith("NEDERLAND"), text
    for part in sent_from:
        assert part.replace(" ", "") in text, (part, text)
    for _, _, w, line, width, size in returned:
        assert width <= WINDOW_W - 4 and w == WINDOW_W - 4 and size >= 5, (line, width, size)
    addressed = window[len(returned) :][:4]
    assert addressed[0][1] >= returned[-1][1] + 2  # below the return line, not over it
    assert [d[3] for d in addressed][-1] == (
        "BELGIUM" if recipient is ABROAD else "1234 AB  UTRECHT"
    )
    assert addressed[-1][1] + 5 <= WINDOW_Y + WINDOW_H  # the recipient's last line in the window


def test_the_return_line_of_a_long_name_is_not_cut_at_90_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, text = _drawn(monkeypatch, NAME, ADDRESS)
    assert f"{NAME},\nBurgemeester van Nispen tot Sevenaerstraat 112, 6521 AB  NIJMEGEN\n" in text


@pytest.mark.parametrize("name", [NAME, "W" * 200])
def test_the_letterhead_stays_on_the_page(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    drawn, _ = _drawn(monkeypatch, name, ADDRESS)
    head = [d for d in drawn if d[0] == 150]
    assert head
    for x, y, _, line, width, size in head:
        assert x + width <= 200 and size >= 6.5, (line, x + width, size)  # 10 mm margin
        assert y < WINDOW_Y + WINDOW_H + 8  # above the letter's date and text
    text = " ".join(d[3] for d in head)
    assert "Sevenaerstraat 112" in text and "6521 AB  NIJMEGEN" in text


@pytest.mark.parametrize("recipient", [HOME, ABROAD], ids=["home", "abroad"])
def test_the_longest_return_address_leaves_the_recipients_address_in_the_window(
    monkeypatch: pytest.MonkeyPatch, recipient: PostalAddress
) -> None:
    """The API's longest name (200), street (200) and town (100) took 10 return lines: the
    recipient's last line ended at 98.0 mm abroad (93.0 at home), below the window's 90 mm.
    The street is shortened to leave room; postcode, town and country are printed whole."""
    drawn, _ = _drawn(monkeypatch, "W" * 200, Address("W" * 200, "1234 AB", "W" * 100), recipient)
    window = [d for d in drawn if d[0] == WINDOW_X + 2]
    returned = window[: [d[3] for d in window].index("Jan Jansen")]
    addressed = window[len(returned) :][: 4 if recipient is ABROAD else 3]
    assert addressed[-1][3] == ("BELGIUM" if recipient is ABROAD else "1234 AB  UTRECHT")
    assert addressed[-1][1] + 5 <= WINDOW_Y + WINDOW_H, addressed[-1]
    assert addressed[0][1] >= returned[-1][1] + 2
    for _, _, _, line, width, size in returned:
        assert width <= WINDOW_W - 4 and size >= 5, (line, width, size)
    text = "".join(d[3] for d in returned).replace(" ", "")
    tail = "1234AB" + "W" * 100 + (",NEDERLAND" if recipient is ABROAD else "")
    assert text.endswith(tail), text[-120:]
    assert returned[0][3].endswith("\u2026,") and "\u2026," in text[len(returned[0][3]) :]


@pytest.mark.parametrize("number", ["INV/2026/000123/NL-UTRECHT-01", "F" * 100, "F1"])
def test_an_invoice_number_stays_in_its_column_whole(
    monkeypatch: pytest.MonkeyPatch, number: str
) -> None:
    # attack23 F3: a 29-character number ran 9.4 mm into the invoice date, one of 100
    # characters (the API's longest) across the dates and the amount of a 14-day letter
    from shared.adapters.letters.pdf_letter import LetterInvoice

    drawn: Drawn = []
    real = FPDF.cell

    def cell(self: FPDF, w: Any = None, h: Any = None, text: str = "", *a: Any, **k: Any) -> Any:
        if text:
            drawn.append(
                (self.x, self.y, w or 0, text, self.get_string_width(text), self.font_size_pt)
            )
        return real(self, w, h, text, *a, **k)

    monkeypatch.setattr(FPDF, "cell", cell)
    spec = LetterSpec(
        letterhead=Letterhead("C1", sender_lines(ADDRESS), "info@c1.example"),
        recipient=HOME,
        letter_date=date(2026, 12, 1),
        subject="Herinnering",
        paragraphs=("Tekst.",),
        invoices=(LetterInvoice(number, date(2026, 11, 1), date(2026, 11, 15), 12100),),
    )
    render_letter(spec)
    first_date = next(d for d in drawn if d[3] == "01-11-2026")
    parts = [d for d in drawn if abs(d[0] + 45 - first_date[0]) < 0.01 and d[1] >= first_date[1]]
    parts = [d for d in parts if set(d[3]) <= set(number)][: len(number)]
    assert "".join(d[3] for d in parts).startswith(number)  # whole, never cut
    assert parts[0][1] == first_date[1]  # the number's first line beside its dates
    for x, _, _, _, width, size in parts:
        assert x + width <= first_date[0] and size >= 6.5
