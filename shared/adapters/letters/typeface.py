"""The one typeface every PDF of ours is set in: DejaVu Sans, a TrueType font embedded (as a
subset of the glyphs used) in each PDF.

The core PDF fonts (Helvetica) know Latin-1 only, so a debtor named "Ş. Yılmaz" living in
"Łódźstraat" was printed as "?. Y?lmaz", "?ód?straat" on his 14-day letter (newcomer17 F1).
DejaVu Sans has the Latin Extended, Greek and Cyrillic letters names in the Netherlands carry;
what it still lacks (Chinese, say) is transliterated, as the SEPA files do, never a ``?``.
The fonts and their licence (Bitstream Vera / DejaVu: free to copy and embed) lie beside this
module in ``fonts/``, copies of Debian's fonts-dejavu-core 2.37; nothing is fetched at run time.

A letter costs little CPU again (pdffast17). fpdf2's ``add_font`` parsed the 760 KB TTF anew for
every PDF, and writing the PDF subset that whole font (6,000 glyphs decompiled to keep the 80 a
letter uses): 80 ms a letter against 21 ms in Helvetica. Now, once per process:

- each file is parsed once; a PDF's font object shares the parsed, read-only maps (code point
  to glyph name, glyph id) and has its own copy of whatever fpdf2 writes to while laying out or
  writing one PDF (the width map, a ``defaultdict`` that grows on a look-up of a missing letter;
  the font descriptor, named and numbered on output; the map of glyphs used; the fontTools
  ``TTFont``, which fpdf2 subsets in place on output);
- each font is cut down once to its repertoire, the glyphs of the scripts our letters print
  (Latin with all its extensions, Greek, Cyrillic, punctuation: 1,744 of 6,253), kept as
  bytes. A PDF whose glyphs all lie in it is subset from those bytes, else from the whole file.
  Subsetting composes, so the font a PDF embeds is byte for byte the one fpdf2's own
  ``add_font`` embeds (``tests/unit/test_typeface_speed.py`` compares them), no glyph lost.

Only bytes and maps nobody writes to are shared, so PDFs written at the same time on several
threads (a Functions host runs invocations side by side) cannot disturb each other.
"""

from __future__ import annotations

import copy
import functools
import io
import unicodedata
from pathlib import Path
from typing import Any

from anyascii import anyascii
from fontTools import subset as ftsubset  # type: ignore[import-untyped]
from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FAMILY = "DejaVu"
FONTS = Path(__file__).resolve().parent / "fonts"
_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}  # regular and bold: all we set


def use_typeface(pdf: FPDF) -> None:
    """Register the family (regular and bold) with ``pdf``; then ``set_font(FAMILY, ...)``."""
    for style in _FILES:
        fontkey = f"{FAMILY.lower()}{style}"
        if fontkey not in pdf.fonts:  # as add_font: a second call changes nothing
            pdf.fonts[fontkey] = _TypefaceFont(pdf, style)


@functools.cache
def _template(style: str) -> tuple[TTFFont, bytes]:
    """The font of ``style`` as fpdf2 parses it, and its file's bytes, once per process
    (``functools.cache`` does not lock the first call: two threads may both parse, one wins,
    no harm). Its own ``TTFont`` is closed: each PDF opens bytes of its own."""
    path = FONTS / _FILES[style]
    probe = FPDF()
    probe.add_font(FAMILY, style, str(path))
    font = probe.fonts[f"{FAMILY.lower()}{style}"]
    assert isinstance(font, TTFFont)
    font.close()
    return font, path.read_bytes()


def _in_repertoire(code_point: int) -> bool:
    """Latin (Basic to Extended-B, IPA, spacing modifiers, combining marks), Greek, Cyrillic,
    Latin Extended Additional (Vietnamese), general punctuation and currency signs."""
    return (
        code_point < 0x0530
        or 0x1E00 <= code_point < 0x1F00
        or 0x2000 <= code_point < 0x20D0
        or code_point == 0xFFFD
    )


@functools.cache
def _repertoire(style: str) -> tuple[frozenset[str], bytes]:
    """The glyph names of the repertoire and the font cut down to them, as bytes. Cut as fpdf2
    cuts (its options) but keeping the glyph names fpdf2 asks for by name."""
    template, data = _template(style)
    names = {template.cmap[c] for c in template.cmap if _in_repertoire(c)}
    names |= {".notdef"}
    ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    # tables fpdf2 drops before it looks for glyphs (FFTM, a FontForge timestamp, fontTools
    # cannot subset; the layout tables it decompiles only to drop them: 5 ms a font a letter)
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted(names))
    subsetter.subset(ttfont)
    out = io.BytesIO()
    ttfont.save(out)
    return frozenset(ttfont.getGlyphOrder()), out.getvalue()


class _TypefaceFont(TTFFont):
    """One PDF's font: the template's read-only maps shared, everything fpdf2 writes to while
    laying out or writing this PDF its own (see the module's docstring). Its ``TTFont`` is
    opened when fpdf2 first asks for it, on output, when the glyphs used are known."""

    def __init__(self, pdf: FPDF, style: str) -> None:  # pylint: disable=super-init-not-called
        # not TTFFont.__init__: that parses the file, the very cost this class saves
        template, _ = _template(style)
        for slot in TTFFont.__slots__:
            if slot != "ttfont" and hasattr(template, slot):  # some stay unset (unicode_range)
                setattr(self, slot, getattr(template, slot))
        self.style = style
        self.opened: ttLib.TTFont | None = None
        self.opened_in_repertoire = False
        self.i = len(pdf.fonts) + 1  # fpdf2 numbers a PDF's fonts in the order added
        self.cw = copy.copy(template.cw)
        self.desc = copy.deepcopy(template.desc)
        self.missing_glyphs = []
        self.biggest_size_pt = 0
        self._hbfont = None
        self.subset = SubsetMap(self)

    @property  # type: ignore[override]
    def ttfont(self) -> ttLib.TTFont:
        """This PDF's own ``TTFont``, from the repertoire's bytes while every glyph used lies in
        it, else from the whole file (recalcTimestamp=False and lazy=True as fpdf2 opens a font
        file). Asked for before output (fpdf2 copying a PDF for ``offset_rendering``), it may be
        opened again when the glyphs used have since left the repertoire."""
        names, data = _repertoire(self.style)
        in_repertoire = set(self.subset.get_all_glyph_names()) <= names
        if self.opened is None or (self.opened_in_repertoire and not in_repertoire):
            if not in_repertoire:
                data = _template(self.style)[1]
            self.opened = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
            self.opened_in_repertoire = in_repertoire
        return self.opened

    @ttfont.setter
    def ttfont(self, value: ttLib.TTFont) -> None:
        self.opened = value
        self.opened_in_repertoire = False

    def __deepcopy__(self, memo: dict[int, Any]) -> _TypefaceFont:
        """A copy of this class, as fpdf2's ``TTFFont.__deepcopy__`` copies (its FPDFRecorder,
        for ``unbreakable`` and ``offset_rendering``), but whose ``TTFont`` is opened when
        needed: fpdf2's copy would fix it now, from the repertoire, before all glyphs are known."""
        other = _TypefaceFont.__new__(_TypefaceFont)
        memo[id(self)] = other
        for slot in TTFFont.__slots__:
            if slot != "ttfont" and hasattr(self, slot):
                setattr(other, slot, getattr(self, slot))
        other.style = self.style
        other.opened = None
        other.opened_in_repertoire = False
        other.cw = copy.deepcopy(self.cw, memo)
        other.desc = copy.deepcopy(self.desc, memo)
        other.missing_glyphs = list(self.missing_glyphs)
        other.subset = copy.deepcopy(self.subset, memo)
        return other


@functools.cache
def _glyphs() -> frozenset[int]:
    """The code points both styles draw (read once per process, from the fonts' cmap as fpdf2
    reads it)."""
    maps = [set(_template(style)[0].cmap) for style in _FILES]
    return frozenset(set.intersection(*maps))


def printable(text: str) -> str:
    """``text`` as our PDFs print it: as written where the typeface has the letter, else
    transliterated (``王`` -> ``Wang``). The euro sign is written ``EUR``, as every amount on
    our letters is."""
    glyphs = _glyphs()
    out = []
    for char in unicodedata.normalize("NFC", text.replace("€", "EUR")):
        if ord(char) in glyphs or char in "\n\t":
            out.append(char)
        else:
            out.append(anyascii(char) or " ")
    return "".join(out)
