"""The Dutch structured payment reference (betalingskenmerk), per Betaalvereniging Nederland
"De specificaties van het Nederlandse betalingskenmerk".

Lengths: 7 digits (no check digit), 9-14 digits (check digit + length code + digits),
16 digits (check digit + 15 digits). 8 and 15 are not allowed. The check digit is the first
digit: weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 (repeating) from the rightmost digit leftwards
over everything after the check digit; C = 11 - (sum mod 11), 10 -> 1, 11 -> 0.
"""

from __future__ import annotations

import hashlib

WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
_LENGTH_CODE = {9: 7, 10: 8, 11: 9, 12: 0, 13: 1, 14: 2}


class KenmerkError(ValueError):
    """A reference that cannot be generated from the given digits."""


def check_digit(body: str) -> int:
    total = sum(int(d) * WEIGHTS[i % 10] for i, d in enumerate(reversed(body)))
    c = 11 - total % 11
    return {10: 1, 11: 0}.get(c, c)


def normalise(text: str) -> str:
    return "".join(ch for ch in text if ch not in " .-")


def is_valid(reference: str) -> bool:
    return why_invalid(reference) is None


def why_invalid(reference: str) -> str | None:
    """What is wrong with ``reference`` as a betalingskenmerk, in words a user can act on;
    None when it is valid (spaces, dots and dashes between the digits are allowed)."""
    digits = normalise(reference)
    if not digits.isdigit() or not digits.isascii():
        return "only digits (spaces, dots and dashes between them are allowed)"
    n = len(digits)
    if n == 7:
        return None
    if n == 16 or n in _LENGTH_CODE:
        if n != 16 and int(digits[1]) != _LENGTH_CODE[n]:
            return f"its second digit (the length code) should be {_LENGTH_CODE[n]} for {n} digits"
        expected = check_digit(digits[1:])
        if int(digits[0]) != expected:
            return f"its check digit (the first) should be {expected}, not {digits[0]}"
        return None
    return f"{n} digits: a betalingskenmerk has 7, 9 to 14, or 16 digits"


def is_placeholder(reference: str) -> bool:
    """A kenmerk whose number is all zeros ("0000000000000000", the check digit of fifteen
    zeros being 0): what a bank or an export writes where there is no reference (ASN's ICS
    debits). It passes the check, but names nothing: no reference (bank32)."""
    digits = normalise(reference)
    if not is_valid(digits):
        return False
    number = digits if len(digits) == 7 else digits[1:] if len(digits) == 16 else digits[2:]
    return set(number) == {"0"}


def generate(digits15: str) -> str:
    """The full 16-digit betalingskenmerk for 15 payload digits."""
    if len(digits15) != 15 or not digits15.isdigit() or not digits15.isascii():
        raise KenmerkError(f"need exactly 15 digits, got {digits15!r}")
    return f"{check_digit(digits15)}{digits15}"


def from_number(number: int) -> str:
    """A 16-digit kenmerk for a sequence number (zero-padded to 15 digits)."""
    if not 0 <= number < 10**15:
        raise KenmerkError("sequence number out of range for a 16-digit kenmerk")
    return generate(f"{number:015d}")


def for_invoice(client_id: str, invoice_number: str) -> str:
    """The betalingskenmerk Inning gives an invoice that came without one: deterministic, so
    re-sending an invoice keeps its reference, and recognisable as Inning's (a statement on a
    pooled account can tell it from a reference another client supplied). Two invoices of one
    client sharing one is possible (about 1 in 10^15 per pair); the matcher treats such a
    reference as ambiguous and never auto-books it."""
    digest = hashlib.sha256(f"{client_id}\x1f{invoice_number}".encode()).digest()
    return generate(f"{int.from_bytes(digest[:8], 'big') % 10**15:015d}")


def display(reference: str) -> str:
    """Groups of four, as printed on invoices: ``5000 0567 8901 2345``."""
    digits = normalise(reference)
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
