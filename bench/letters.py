"""Writing 14-day letters as PDF (`render_letter`), CPU time, three ways in one run on the same
letters (a two-page letter with an invoice table and a QR code, debtors named in Latin, Turkish,
Polish, Greek and Cyrillic letters):

- as it is now: DejaVu Sans embedded, each font file parsed once per process and a letter's
  glyphs subset from the fonts cut down to our scripts (pdffast17);
- as ncfix17a made it: fpdf2's own ``add_font`` for every letter (the file parsed per PDF);
- as before ncfix17a: Helvetica, a core font nothing is embedded for (Latin-1 only: the names
  print as ``?``), the floor an embedded font is measured against.

Letters a second of one CPU (process time, alternating the three so that the load of a shared
machine falls on each alike), and bytes a letter. No storage."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from fpdf import FPDF

from bench.harness import figure
from shared.adapters.letters import pdf_letter
from shared.adapters.letters.pdf_letter import Letterhead, LetterInvoice, LetterSpec, render_letter
from shared.adapters.letters.typeface import FAMILY, FONTS
from shared.domain.messaging import PostalAddress

NEEDS_STORAGE = False

NAMES = (
    "J. de Vries",
    "Dhr. Ş. Yılmaz",
    "Mevr. A. Wiśniewska",
    "Ελένη Παπαδοπούλου",
    "Иван Петров",
)


def _letter(n: int) -> LetterSpec:
    name = NAMES[n % len(NAMES)]
    return LetterSpec(
        letterhead=Letterhead("Bakkerij De Korenbloem", ("Dorpsstraat 1", "1234 AB Utrecht"),
                              "030-1234567", "NL02ABNA0123456789", footer_text="KvK 12345678"),
        recipient=PostalAddress(name, f"Kerkstraat {n}", "3511 LK", "Utrecht"),
        letter_date=date(2026, 12, 2),
        subject=f"Veertiendagenbrief: factuur F-{n:04d}",
        paragraphs=(f"Beste {name},",) + ("Wij verzoeken u het bedrag binnen veertien dagen "
                    "vanaf de dag nadat deze brief bij u is bezorgd te betalen.",) * 12,
        invoices=(LetterInvoice(f"F-{n:04d}", date(2026, 10, 1), date(2026, 10, 31), 12_100 + n),),
        costs=4_000,
        payment_reference="5000056789012345",
    )  # fmt: skip


def _per_pdf_add_font(pdf: FPDF) -> None:
    """ncfix17a's ``use_typeface``: fpdf2 parses both files for this PDF."""
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))


@contextlib.contextmanager
def _letters_as(way: str) -> Iterator[None]:
    """``render_letter`` set the ``way`` named, for the duration (module names swapped back)."""
    saved = {k: getattr(pdf_letter, k) for k in ("use_typeface", "FAMILY", "printable")}
    swapped: dict[str, object] = {}
    if way == "add_font":
        swapped = {"use_typeface": _per_pdf_add_font}
    elif way == "helvetica":
        swapped = {
            "use_typeface": lambda pdf: None,
            "FAMILY": "helvetica",
            "printable": lambda text: (
                text.replace("€", "EUR").encode("latin-1", "replace").decode("latin-1")
            ),
        }
    for k, v in swapped.items():
        setattr(pdf_letter, k, v)
    try:
        yield
    finally:
        for k, v in saved.items():
            setattr(pdf_letter, k, v)


def run(_connection_string: str, scale: float) -> dict[str, Any]:
    n = max(10, int(100 * scale))  # letters per round and way
    rounds = 3
    specs = [_letter(k) for k in range(n)]
    ways = ("embedded", "add_font", "helvetica")
    best = dict.fromkeys(ways, float("inf"))
    size = dict.fromkeys(ways, 0)
    first = time.process_time()
    render_letter(specs[0])  # a process's first letter parses and cuts the fonts, once
    first = time.process_time() - first
    for _ in range(rounds):
        for way in ways:
            with _letters_as(way):
                gc.collect()
                began = time.process_time()
                size[way] = sum(len(render_letter(spec)) for spec in specs)
                best[way] = min(best[way], time.process_time() - began)
    rate: Callable[[str], float] = lambda way: n / best[way]  # noqa: E731
    return {
        "benchmark": "letters",
        "letters": n,
        "rounds": rounds,
        "letters_per_cpu_second": figure(
            rate("embedded"), rate("add_font"), unit="letters/s",
            baseline_is="DejaVu Sans parsed by fpdf2 for every letter (ncfix17a)",
        ),
        "letters_per_cpu_second_against_core_font": figure(
            rate("embedded"), rate("helvetica"), unit="letters/s",
            baseline_is="the same letters in Helvetica, nothing embedded (before ncfix17a)",
        ),
        "bytes_per_letter": figure(
            size["embedded"] / n, size["helvetica"] / n, unit="bytes", digits=0,
            baseline_is="the same letters in Helvetica, nothing embedded",
        ),
        "bytes_per_letter_add_font": round(size["add_font"] / n),
        "first_letter_of_a_process_ms": round(first * 1000, 1),
    }  # fmt: skip
