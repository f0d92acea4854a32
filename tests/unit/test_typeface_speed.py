"""The embedded typeface costs little CPU per PDF (pdffast17): each font file is parsed once per
process, not once per letter (ncfix17a's letters took 80 ms of CPU against 21 ms in Helvetica:
fpdf2 parsed DejaVu Sans, 6,000 glyphs, twice a letter), and a letter in the scripts our
letters print is subset from the fonts cut down once to that repertoire. The PDFs stay byte for
byte what fpdf2's own ``add_font`` makes, whichever glyphs they use, and letters written on
several threads at once do not disturb each other."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fontTools.ttLib.tables._g_l_y_f import table__g_l_y_f  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import TTFFont

from shared.adapters.letters import typeface
from shared.adapters.letters.pdf_letter import Letterhead, LetterInvoice, LetterSpec, render_letter
from shared.adapters.letters.typeface import FAMILY, FONTS, printable, use_typeface
from shared.domain.messaging import PostalAddress

TURKISH = "Dhr. Ş. Yılmaz"


def _letter(name: str, extra: str = "") -> LetterSpec:
    return LetterSpec(
        letterhead=Letterhead("Piekarnia Żabka Öztürk", ("Ğül-laan 3", "1011 AA  AMSTERDAM"),
                              iban="NL02ABNA0123456789"),
        recipient=PostalAddress(name, "Łódźstraat 7", "3011 AB", "Rotterdam"),
        letter_date=date(2026, 12, 2), subject="Veertiendagenbrief",
        paragraphs=(f"Beste {name},", "Wij verzoeken u het bedrag binnen veertien dagen te betalen.",
                    extra),
        invoices=(LetterInvoice("2026-0043", date(2026, 10, 1), date(2026, 10, 31), 25_000),),
        costs=4_000, payment_reference="5000056789012345",
    )  # fmt: skip


def _same_run(pdf: bytes) -> bytes:
    """Without the two things that differ between two runs of the same input (before and after
    the change alike): the creation time and the file id fpdf2 hashes from it."""
    pdf = re.sub(rb"/CreationDate \(D:\d+Z\)", b"", pdf)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", pdf)


def test_a_letter_parses_no_font_file_and_subsets_from_the_cut_down_font(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    render_letter(_letter(TURKISH))  # the first letter of a process parses each file once
    parsed: list[str] = []
    glyphs_decompiled: list[int] = []
    parse = TTFFont.__init__
    decompile = table__g_l_y_f.decompile

    def counting_parse(self: TTFFont, *args: Any, **kwargs: Any) -> None:
        parsed.append(str(args[1]))
        parse(self, *args, **kwargs)

    def counting_decompile(self: table__g_l_y_f, *args: Any, **kwargs: Any) -> None:
        decompile(self, *args, **kwargs)
        glyphs_decompiled.append(len(self.glyphs))

    monkeypatch.setattr(TTFFont, "__init__", counting_parse)
    monkeypatch.setattr(table__g_l_y_f, "decompile", counting_decompile)
    for name in (TURKISH, "Mevr. Ελένη Παπαδοπούλου", "Г-н Иван Петров", "J. de Vries"):
        render_letter(_letter(name))
    # before: 2 parses a letter (regular and bold) and the whole fonts decompiled on output
    assert parsed == []
    assert len(glyphs_decompiled) == 8 and max(glyphs_decompiled) < 2_000  # of 6,253 and 6,196


# Latin with Turkish, Polish and Vietnamese letters, Greek, Cyrillic, punctuation: from the
# cut-down font; Armenian, Georgian, the fi ligature and maths: from the whole file
TEXTS = (
    "Bakkerij De Korenbloem, factuur F-0001: EUR 1.238,75",
    f"{TURKISH}, Łódźstraat 7, Nguyễn Thị Minh Khai, „citaat” – streep…",
    "Ελένη Παπαδοπούλου, Иван Петров, Ёжик",
    "Աբովյան 12, თბილისი, ﬁnance, ∑ ≠ ∞",
)


def _pdf(text: str, *, own_typeface: bool) -> bytes:
    pdf = FPDF(format="A4")
    if own_typeface:
        use_typeface(pdf)
    else:  # what ncfix17a did: fpdf2's own add_font, the file parsed for this PDF
        pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creation_date(datetime(2026, 12, 2, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(170, 6, printable(text[:20]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(170, 5, printable(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@pytest.mark.parametrize("text", TEXTS)
def test_the_pdf_is_fpdf2s_own_byte_for_byte(text: str) -> None:
    ours = _pdf(text, own_typeface=True)
    assert ours == _pdf(text, own_typeface=False)
    assert ours == _pdf(text, own_typeface=True)  # and the same again


def test_letters_written_on_threads_at_once_are_each_as_written_alone() -> None:
    names = (TURKISH, "Mevr. Ελένη Παπαδοπούλου", "Г-н Иван Петров", "Աբովյան Արամ") * 4
    specs = [_letter(name, extra=f"Dossier {n}") for n, name in enumerate(names)]
    alone = [_same_run(render_letter(spec)) for spec in specs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = [_same_run(pdf) for pdf in pool.map(render_letter, specs)]
    assert together == alone
    # the parsed fonts every PDF shares were only read: no width looked up into their maps,
    # their descriptors never named for one PDF
    for style in ("", "B"):
        template, _ = typeface._template(style)
        assert len(template.cw) == len(template.cmap)
        assert template.desc.font_name is None


def test_a_pdf_that_uses_the_typeface_twice_keeps_its_fonts() -> None:
    pdf = FPDF()
    use_typeface(pdf)
    fonts = dict(pdf.fonts)
    use_typeface(pdf)
    assert pdf.fonts == fonts and [font.i for font in fonts.values()] == [1, 2]
    pdf.add_page()
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(0, 5, "Łódź")
    assert b"Identity-H" in bytes(pdf.output())


def test_a_pdf_copied_for_offset_rendering_still_embeds_glyphs_outside_the_repertoire() -> None:
    """fpdf2 deep-copies a PDF's fonts to measure text before it is written
    (``offset_rendering``, ``unbreakable``): the copy and the PDF both print what follows."""

    def written(own_typeface: bool) -> bytes:
        pdf = FPDF()
        if own_typeface:
            use_typeface(pdf)
        else:
            pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
            pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_creation_date(datetime(2026, 12, 2, tzinfo=UTC))
        pdf.add_page()
        pdf.set_font(FAMILY, "", 10)
        with pdf.offset_rendering() as dummy:
            dummy.multi_cell(100, 5, "Łódź")
        pdf.multi_cell(100, 5, "Łódź, Աբովյան 12")
        return bytes(pdf.output())

    assert written(own_typeface=True) == written(own_typeface=False)
