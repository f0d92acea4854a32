"""Recognise structured payment references inside free bank-statement text.

Banks wrap remittance text, insert spaces and dots, and mix references with invoice numbers.
A candidate is only reported when its check digits hold, which keeps false positives rare:
a random 16-digit number passes the kenmerk check about once in eleven, so a 16-digit hit is
reported as a kenmerk but weighed by the matcher together with the invoice it points to.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import StrEnum

from shared.domain.references import belgian, betalingskenmerk, iso11649


class ReferenceKind(StrEnum):
    BETALINGSKENMERK = "betalingskenmerk"
    BELGIAN = "belgian"
    RF = "rf"


@dataclass(frozen=True)
class FoundReference:
    kind: ReferenceKind
    value: str  # normalised: digits only, or RF... without spaces
    start: int
    end: int


_BELGIAN = re.compile(
    r"(?:\+\+\+|\*\*\*)\s*(\d{3})\s*/\s*(\d{4})\s*/\s*(\d{5})\s*(?:\+\+\+|\*\*\*)"
)
_RF = re.compile(r"\bRF\s?\d{2}(?:\s?[0-9A-Z]){1,21}\b", re.IGNORECASE)
# 16 digits, optionally grouped by spaces or dots in fours ("5000 0567 8901 2345").
_KENMERK16 = re.compile(r"(?<![\d])(\d{4}(?:[ .]?\d{4}){3})(?![\d])")
_KENMERK_SHORT = re.compile(r"(?<![\d])(\d{9,14})(?![\d])")


# every reference below needs one of these: most texts have none and are done in one scan
_MAYBE = re.compile(r"\d{9}|\d{4}[ .]\d{4}|RF\s?\d\d|\+\+\+|\*\*\*", re.IGNORECASE)


def find_references(text: str, *, placeholders: bool = False) -> list[FoundReference]:
    """The references in ``text``, in its order. A kenmerk of zeros is none
    (:func:`betalingskenmerk.is_placeholder`); ``placeholders``: read it as one, as before
    leftover33 (only for the identity a line was booked under, :func:`read_reference`)."""
    if _MAYBE.search(text) is None:
        return []
    found: list[FoundReference] = []
    taken: list[tuple[int, int]] = []  # spans already used, kept sorted (they never overlap)

    def free(a: int, b: int) -> bool:
        # only the neighbours of [a, b) can overlap it: a look-up, not a scan of every span
        i = bisect.bisect_left(taken, (a, a))
        before = i == 0 or taken[i - 1][1] <= a
        after = i == len(taken) or taken[i][0] >= b
        return before and after

    def take(span: tuple[int, int]) -> None:
        bisect.insort(taken, span)

    def kenmerk(digits: str) -> bool:
        valid = betalingskenmerk.is_valid(digits)
        return valid and (placeholders or not betalingskenmerk.is_placeholder(digits))

    for m in _BELGIAN.finditer(text):
        digits = "".join(m.groups())
        if belgian.is_valid(digits):
            found.append(FoundReference(ReferenceKind.BELGIAN, digits, m.start(), m.end()))
            take(m.span())
    for m in _RF.finditer(text):
        # the greedy body may swallow a following word; shrink until the check holds
        raw = m.group(0)
        for cut in range(len(raw), 4, -1):
            candidate = iso11649.normalise(raw[:cut])
            if iso11649.is_valid(candidate) and free(m.start(), m.start() + cut):
                found.append(
                    FoundReference(ReferenceKind.RF, candidate, m.start(), m.start() + cut)
                )
                take((m.start(), m.start() + cut))
                break
    for m in _KENMERK16.finditer(text):
        digits = betalingskenmerk.normalise(m.group(1))
        if kenmerk(digits) and free(*m.span()):
            found.append(FoundReference(ReferenceKind.BETALINGSKENMERK, digits, *m.span()))
            take(m.span())
    for m in _KENMERK_SHORT.finditer(text):
        digits = m.group(1)
        if kenmerk(digits) and free(*m.span()):
            found.append(FoundReference(ReferenceKind.BETALINGSKENMERK, digits, *m.span()))
            take(m.span())
    return sorted(found, key=lambda r: r.start)


# a run of zeros a placeholder kenmerk needs (seven at least, or four grouped)
_ZEROS = re.compile(r"0000")


def read_reference(text: str) -> tuple[str | None, str | None]:
    """The reference a statement line's text gives (the first found), and the one it was read
    with before leftover33 where that differs: a kenmerk of zeros was read as one then, and a line
    booked under it keeps that identity (``StatementLine.referenced_before``)."""
    found = find_references(text)
    now = found[0].value if found else None
    if _ZEROS.search(text) is None:
        return now, None
    before = find_references(text, placeholders=True)
    then = before[0].value if before else None
    return now, then if then != now else None
