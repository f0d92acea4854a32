"""Writing MT940 (the structured Dutch SEPA layout that accounting packages import):
``:61:`` per line, ``:86:`` with ``/EREF/``, ``/CNTP/`` and ``/REMI/USTD//`` sub-fields wrapped
at 65 characters, balances that add up.

The texts written are the client's (invoice numbers, names): ``:`` and ``-`` are SWIFT
characters, so a wrap point is moved back until no continuation line starts with either (SWIFT:
a line starting ``:NN:`` is a new field, a line ``-`` ends the message), and a free-text value
cannot open a sub-field of its own (``/EREF/`` inside an invoice number) or a ``//`` split."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared.domain.money import Cents

_UNSAFE = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_SUBFIELD = re.compile(r"/(?=[A-Za-z]{2,4}/)|/(?=/)")  # "/EREF/" or "//" inside a value
_NOT_AT_LINE_START = ":-"


@dataclass(frozen=True)
class OutLine:
    booked_on: date
    amount: Cents  # negative for a debit
    remittance: str
    counterparty_iban: str | None = None
    counterparty_name: str | None = None
    end_to_end_id: str | None = None
    reference: str | None = None  # structured (betalingskenmerk)
    return_reason: str | None = None


def _swift(text: str) -> str:
    return _UNSAFE.sub(" ", text)


def _value(text: str) -> str:
    """A free-text value inside ``:86:``: SWIFT characters, and no slash that would start a
    sub-field (``F1/EREF/X`` is written ``F1 EREF/X``; ``2026/001`` stays)."""
    return _SUBFIELD.sub(" ", _swift(text))


def _reference(end_to_end_id: str | None) -> str:
    """``:61:``'s reference: 16 characters without spaces (a Mollie id's ``_`` is not SWIFT)
    and without ``//``, which would start the bank's reference."""
    ref = re.sub(r"/{2,}", "/", _swift(end_to_end_id or "").replace(" ", ""))[:16]
    return ref or "NONREF"


def _amount(cents: Cents) -> str:
    units, rest = divmod(abs(cents), 100)
    return f"{units},{rest:02d}"


def _balance(tag: str, cents: Cents, on: date, currency: str) -> str:
    mark = "C" if cents >= 0 else "D"
    return f":{tag}:{mark}{on:%y%m%d}{currency}{_amount(cents)}"


def _wrap(text: str, first: int = 61, width: int = 65) -> list[str]:
    """Lines of at most ``first`` then ``width`` characters; a break is moved back so that the
    next line does not start with ``:`` or ``-`` (one that cannot be moved, a whole line of
    them, has its first character written as ``.``)."""
    out: list[str] = []
    limit = first
    while len(text) > limit:
        cut = limit
        while cut > 1 and text[cut] in _NOT_AT_LINE_START:
            cut -= 1
        if text[cut] in _NOT_AT_LINE_START:
            cut = limit
            text = text[:cut] + "." + text[cut + 1 :]
        out.append(text[:cut])
        text = text[cut:]
        limit = width
    out.append(text)
    return out


def write_mt940(
    account: str,
    lines: Sequence[OutLine],
    *,
    opening: Cents,
    opening_date: date,
    statement_id: str,
    currency: str = "EUR",
    sequence: int = 1,
) -> str:
    closing = opening + sum(x.amount for x in lines)
    closing_date = max((x.booked_on for x in lines), default=opening_date)
    out = [
        ":20:" + _swift(statement_id)[:16],
        f":25:{account}{currency}",
        f":28C:{sequence:05d}",
        _balance("60F", opening, opening_date, currency),
    ]
    for x in lines:
        mark = "C" if x.amount >= 0 else "D"
        if x.return_reason:
            mark = "RD" if x.amount >= 0 else "RC"
        ref = _reference(x.end_to_end_id)
        out.append(f":61:{x.booked_on:%y%m%d}{x.booked_on:%m%d}{mark}{_amount(x.amount)}NTRF{ref}")
        parts = []
        if x.return_reason:
            parts.append(f"/RTRN/{_value(x.return_reason)}/")
        if x.end_to_end_id:
            parts.append(f"/EREF/{_value(x.end_to_end_id).strip()}/")
        if x.counterparty_iban or x.counterparty_name:
            parts.append(
                f"/CNTP/{_value(x.counterparty_iban or '')}//{_value(x.counterparty_name or '')}//"
            )
        if x.reference:
            parts.append(f"/REMI/STRD/CUR/{x.reference}/")
        else:
            parts.append(f"/REMI/USTD//{_value(x.remittance)}/")
        details = "".join(parts)
        out += _wrap(":86:" + details, first=69)
    out.append(_balance("62F", closing, closing_date, currency))
    return "\r\n".join(out) + "\r\n-\r\n"
