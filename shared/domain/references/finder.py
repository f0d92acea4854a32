"""Recognise structured payment references inside free bank-statement text.

Banks wrap remittance text, insert spaces and dots, and mix references with invoice numbers.
A candidate is only reported when its check digits hold, which keeps false positives rare:
a random 16-digit number passes the kenmerk check about once in eleven, so a 16-digit hit is
reported as a kenmerk but weighed by the matcher together with the invoice it points to.
"""

from __future__ import annotations

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
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _BELGIAN.finditer(text):
        digits = "".join(m.groups())
        if belgian.is_valid(digits):
            found.append(FoundReference(ReferenceKind.BELGIAN, digits, m.start(), m.end()))
            taken.append(m.span())
    for m in _RF.finditer(text):
        # the greedy body may swallow a following word; shrink until the check holds
        raw = m.group(0)
        for cut in range(len(raw), 4, -1):
            candidate = iso11649.normalise(raw[:cut])
            if iso11649.is_valid(candidate) and free(m.start(), m.start() + cut):
                found.append(
                    FoundReference(ReferenceKind.RF, candidate, m.start(), m.start() + cut)
                )
                taken.append((m.start(), m.start() + cut))
                break
    for m in _KENMERK16.finditer(text):
        digits = betalingskenmerk.normalise(m.group(1))
        if betalingskenmerk.is_valid(digits) and free(*m.span()):
            found.append(FoundReference(ReferenceKind.BETALINGSKENMERK, digits, *m.span()))
            taken.append(m.span())
    for m in _KENMERK_SHORT.finditer(text):
        digits = m.group(1)
        if betalingskenmerk.is_valid(digits) and free(*m.span()):
            found.append(FoundReference(ReferenceKind.BETALINGSKENMERK, digits, *m.span()))
            taken.append(m.span())
    return sorted(found, key=lambda r: r.start)
