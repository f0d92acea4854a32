"""The one typeface every PDF of ours is set in: DejaVu Sans, a TrueType font embedded (as a
subset of the glyphs used) in each PDF.

The core PDF fonts (Helvetica) know Latin-1 only, so a debtor named "Ş. Yılmaz" living in
"Łódźstraat" was printed as "?. Y?lmaz", "?ód?straat" on his 14-day letter (newcomer17 F1).
DejaVu Sans has the Latin Extended, Greek and Cyrillic letters names in the Netherlands carry;
what it still lacks (Chinese, say) is transliterated, as the SEPA files do, never a ``?``.
The fonts and their licence (Bitstream Vera / DejaVu: free to copy and embed) lie beside this
module in ``fonts/``, copies of Debian's fonts-dejavu-core 2.37; nothing is fetched at run time.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from anyascii import anyascii
from fpdf import FPDF

FAMILY = "DejaVu"
FONTS = Path(__file__).resolve().parent / "fonts"
_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}  # regular and bold: all we set


def use_typeface(pdf: FPDF) -> None:
    """Register the family (regular and bold) with ``pdf``; then ``set_font(FAMILY, ...)``."""
    for style, name in _FILES.items():
        pdf.add_font(FAMILY, style, str(FONTS / name))


@functools.cache
def _glyphs() -> frozenset[int]:
    """The code points both styles draw (read once per process, from the fonts' cmap as fpdf2
    reads it)."""
    probe = FPDF()
    use_typeface(probe)
    maps = [set(font.cmap) for font in probe.fonts.values() if hasattr(font, "cmap")]
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
