"""IBANs written inside free remittance text.

Older Rabobank and ING exports, and many hand-typed transfers, put the payer's IBAN in the
``:86:`` text ("NL43INGB0002821135 P. Pietersen betaling 5000056789012345"). Its digits are an
account, never a payment reference or an invoice number: read as one, they point at nothing
(or, worse, at a claim) and spend lookups a real reference needs.
"""

from __future__ import annotations

import re

from shared.domain.references import iban as iban_check

# a country code and two check digits, not glued to a preceding letter or digit
_START = re.compile(r"(?<![0-9A-Za-z])([A-Za-z]{2})([0-9]{2})")
# a Dutch IBAN as sanitised exports make them up: the shape, not the check digits
_NL_SHAPE = re.compile(r"NL[0-9]{2}[A-Z]{4}[0-9]{10}")


def _end_of(text: str, start: int, want: int) -> int | None:
    """Where an IBAN of ``want`` characters starting at ``start`` ends: written solid or in
    groups split by single spaces, and followed by no further letter or digit."""
    i, n = start, 0
    while i < len(text) and n < want:
        ch = text[i]
        if ch.isascii() and ch.isalnum():
            n += 1
        elif not (ch == " " and n > 0 and text[i - 1] != " "):
            return None
        i += 1
    if n != want or (i < len(text) and text[i].isascii() and text[i].isalnum()):
        return None
    return i


def iban_spans(text: str, also: str | None = None) -> list[tuple[int, int]]:
    """The spans of ``text`` that are an IBAN: a SEPA country's length with valid check
    digits, the shape of a Dutch IBAN, or ``also`` (the line's counterparty account, which
    the bank gave as such) however it is spaced."""
    known = iban_check.normalise(also) if also else None
    spans: list[tuple[int, int]] = []
    for m in _START.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue
        want = iban_check.LENGTHS.get(m.group(1).upper())
        lengths = {want} if want else set()
        if known and known[:2] == m.group(1).upper():
            lengths.add(len(known))
        for length in sorted(lengths, reverse=True):
            end = _end_of(text, m.start(), length)
            if end is None:
                continue
            compact = iban_check.normalise(text[m.start() : end])
            solid = " " not in text[m.start() : end]
            if (
                compact == known
                or iban_check.is_valid(compact)
                or (solid and _NL_SHAPE.fullmatch(compact))
            ):
                spans.append((m.start(), end))
                break
    return spans


def without_ibans(text: str, also: str | None = None) -> str:
    """``text`` with every IBAN in it blanked (a space each, so the words around stay apart
    and no two digit runs are joined)."""
    spans = iban_spans(text, also)
    if not spans:
        return text
    out, last = [], 0
    for a, b in spans:
        out.append(text[last:a])
        out.append(" ")
        last = b
    out.append(text[last:])
    return "".join(out)
