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


def find_references(text: str) -> list[FoundReference]:
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
        if betalingskenmerk.is_valid(digits) and free(*m.span()):
            found.append(FoundReference(ReferenceKind.BETALINGSKENMERK, digits, *m.span()))
            take(m.span())
    for m in _KENMERK_SHORT.finditer(text):
        digits = m.group(1)
        if betalingskenmerk.is_valid(digits) and free(*m.span()):
            found.append(FoundReference(ReferenceKind.BETALINGSKENMERK, digits, *m.span()))
            take(m.span())
    return sorted(found, key=lambda r: r.start)
