"""Money as integer euro cents.

Amounts are ``int`` cents everywhere inside Inning. Text and ``Decimal`` only appear at the
edges (API input, CLI, provider payloads), and these helpers are the one way in and out.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

Cents = int

# at most 15 digits of euros (a claim is far below that): a longer digit run is not an
# amount, and int() of thousands of digits is refused by Python itself (a 500, not a 422)
_AMOUNT = re.compile(r"^(?P<units>\d{1,15})(?:[.,](?P<frac>\d{1,2}))?$")


class AmountError(ValueError):
    """An amount that is not a valid, non-negative euro amount with at most two decimals."""


def parse_amount(text: str) -> Cents:
    """Parse ``"1250"``, ``"1250.5"``, ``"1250,50"`` into cents.

    Thousands separators are refused on purpose: in Dutch ``1.234`` means 1234 and in English
    1.234; guessing either would silently misstate a claim by a factor of a thousand.
    """
    cleaned = text.strip()
    match = _AMOUNT.match(cleaned)
    if not match:
        if re.match(r"^-", cleaned):
            raise AmountError(f"amount must not be negative: {text!r}")
        if re.match(r"^\d{16,}(?:[.,]\d*)?$", cleaned):
            raise AmountError(f"amount is too large: {text[:20]!r}...")
        if re.match(r"^\d+[.,]\d{3,}$", cleaned):
            raise AmountError(f"amount has more than two decimals: {text!r}")
        raise AmountError(f"not an amount: {text!r} (expected e.g. 1250.00)")
    frac = (match.group("frac") or "").ljust(2, "0")
    return int(match.group("units")) * 100 + int(frac or "0")


# what a person types into a form beside an amount the page wrote in Dutch ("€ 1.628,76"): a
# euro mark (:func:`without_currency_mark`), and thousands separators where they cannot be
# read two ways (newcomer18 F7)
_CURRENCY_MARKS = ("€", "EUR")
_WRITTEN_GROUPED = (
    re.compile(r"^(\d{1,3}(?:\.\d{3})+),(\d{1,2})$"),  # 1.250,00
    re.compile(r"^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$"),  # 1,250.00
    re.compile(r"^(\d{1,3}(?:[ \u00a0\u202f]\d{3})+)[,.](\d{1,2})$"),  # 1 250,00
)


def without_currency_mark(text: str) -> str:
    """``text`` stripped, less one euro mark before or after it ("€ 1.250,00", "400 EUR", any
    case): what is left is the amount as written. Compared as strings, not by a pattern: the
    pattern "^(?:€|EUR)\\s*(.+?)$|^(.+?)\\s*(?:€|EUR)$" backtracked over every split of a
    run of spaces, 25 s of CPU for one 64 KB portal form (attack19 F1, F3)."""
    cleaned = text.strip()
    for mark in _CURRENCY_MARKS:
        if len(cleaned) > len(mark) and cleaned[: len(mark)].upper() == mark:
            return cleaned[len(mark) :].strip()
    for mark in _CURRENCY_MARKS:
        if len(cleaned) > len(mark) and cleaned[-len(mark) :].upper() == mark:
            return cleaned[: -len(mark)].strip()
    return cleaned


def parse_written_amount(text: str) -> Cents:
    """An amount a person typed: what :func:`parse_amount` reads, and also ``€ 1.250,00``,
    ``1.250,00``, ``1,250.00`` or ``1 250,00``, the forms a page's own Dutch amounts take and
    no one reads another way. ``1.250`` or ``1,250`` alone stays refused (Dutch 1250 or
    English 1.25)."""
    cleaned = without_currency_mark(text)
    for pattern in _WRITTEN_GROUPED:
        if (grouped := pattern.match(cleaned)) is not None:
            units = re.sub(r"\D", "", grouped.group(1))
            cleaned = f"{units}.{grouped.group(2)}"
            break
    return parse_amount(cleaned)


def cents_from_decimal(value: Decimal) -> Cents:
    """Exact conversion; refuses sub-cent values instead of rounding them away."""
    try:
        scaled = value * 100
    except InvalidOperation as exc:  # pragma: no cover - Decimal only raises on NaN/inf
        raise AmountError(f"not an amount: {value}") from exc
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise AmountError(f"amount has more than two decimals: {value}")
    return int(scaled)


def round_half_up(value: Fraction | Decimal) -> Cents:
    """Round an exact amount in cents half away from zero (the Dutch/legal convention)."""
    if isinstance(value, Decimal):
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * rest >= magnitude.denominator:
        whole += 1
    return sign * whole


def format_cents(cents: Cents) -> str:
    """``37510`` -> ``"375.10"`` (plain decimal, dot separator, for machines and the CLI)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units}.{rest:02d}"


def format_eur_nl(cents: Cents) -> str:
    """``123456`` -> ``"€ 1.234,56"`` (how a Dutch letter shows an amount)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", ".")
    return f"{sign}€ {grouped},{rest:02d}"


def format_eur_en(cents: Cents) -> str:
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}EUR {units:,}.{rest:02d}"


def to_decimal(cents: Cents) -> Decimal:
    return Decimal(cents).scaleb(-2)
