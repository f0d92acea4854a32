"""MT940 files, through the ``mt-940`` library with the checks and repairs real Dutch
exports need.

Before mt-940 sees a file, Inning scans it line by line:
- refuses what is not a statement, or is broken, with the line number: no tags at all, an
  unknown tag (``:9401:``), characters outside the SWIFT set in the structural fields
  (``:20: :25: :28C: :60F: :61: :62F:``), an account identification after a transaction, a
  malformed structured ``:86:``;
- repairs the wrapping of ING exports (single-line fields and ``:61:`` bank references broken
  over several lines) and recognises SNS/ASN/RegioBank's ``:61:`` layout (counterparty IBAN
  and name appended), which mt-940 parses with its opt-in ``StatementASNB`` tag;
- counts the ``:61:`` lines, so that a line mt-940 drops is an error, not a silent loss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

import mt940
from mt940.tags import StatementASNB, Tag

from shared.domain.money import cents_from_decimal
from shared.domain.statements.details_nl import MalformedDetails, split_details
from shared.domain.statements.model import Balance, Statement, StatementError, StatementLine

KNOWN_TAGS = {
    "13", "13D", "20", "21", "25", "28", "28C", "34F", "60F", "60M", "61", "62F", "62M", "64",
    "65", "86", "90C", "90D", "NS",
}  # fmt: skip
HEADER_TAGS = {"940", "942"}  # Rabobank's ":940:" first line
STRUCTURAL = {"20", "25", "28", "28C", "60F", "60M", "62F", "62M", "64", "65"}
_TAG = re.compile(r"^:([0-9]{2,5}[A-Z]?|NS):")
_SWIFT_X = re.compile(r"^[A-Za-z0-9/\-?:().,'+ {}]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ENVELOPE = str.maketrans("", "", "\x01\x03")  # SWIFT FIN start/end of message
ASNB_BANKS = {"SNSB", "ASNB", "RBRB"}


@dataclass
class _Field:
    tag: str
    line: int
    lines: list[str]


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def looks_like_mt940(text: str) -> bool:
    return bool(re.search(r"^:(20|25|60F|61):", text, re.MULTILINE))


def _scan(text: str) -> list[_Field]:
    fields: list[_Field] = []
    current: _Field | None = None
    for number, raw in enumerate(text.translate(_ENVELOPE).splitlines(), start=1):
        if (bad := _CONTROL.search(raw)) is not None:
            raise StatementError(
                f"control or binary character U+{ord(bad.group()):04X} in the file", line=number
            )
        line = raw.rstrip()
        m = _TAG.match(line)
        if m:
            tag = m.group(1)
            if tag in HEADER_TAGS and not fields:
                current = None
                continue
            if tag not in KNOWN_TAGS:
                if current is not None and current.tag in ("86", "NS"):
                    current.lines.append(line)  # free text wrapped onto a line like "12:30"
                    continue
                raise StatementError(f"unknown MT940 tag :{tag}:", line=number, field=tag)
            current = _Field(tag, number, [line[m.end() :]])
            fields.append(current)
        elif re.match(r"^-(\}|XXX)?(\{.*\})*$", line) or line.startswith(("{", "}")):
            current = None
        elif current is not None:
            current.lines.append(line)
    if not any(f.tag == "20" for f in fields) or not any(f.tag == "25" for f in fields):
        raise StatementError("not an MT940 statement: no :20: and :25: fields")
    return fields


def _bank(account: str) -> str | None:
    compact = account.replace(" ", "").upper()
    if re.match(r"^[A-Z]{2}\d{2}[A-Z]{4}", compact):
        return compact[4:8]
    if compact.startswith("TRIODOSBANK"):
        return "TRIO"
    return None


def _check(fields: list[_Field]) -> None:
    seen_61 = False
    for f in fields:
        if f.tag == "20":
            seen_61 = False
        if f.tag in STRUCTURAL or f.tag == "61":
            first = f.lines[0]
            if not _SWIFT_X.match(first):
                raise StatementError(
                    f":{f.tag}: contains characters outside the SWIFT character set",
                    line=f.line,
                    field=f.tag,
                )
        if f.tag == "25" and seen_61:
            raise StatementError(
                ":25: account identification after a transaction (:86: expected?)",
                line=f.line,
                field="25",
            )
        if f.tag == "61":
            seen_61 = True


def _normalise(fields: list[_Field], bank: str | None) -> str:
    """Rebuild the text mt-940 reads, undoing ING's wrapping."""
    out: list[str] = []
    for f in fields:
        lines = list(f.lines)
        if f.tag in STRUCTURAL:
            lines = ["".join(x.strip() for x in lines)]
        elif f.tag == "61" and bank == "INGB":
            first = lines[0]
            rest = lines[1:]
            while rest and not rest[0].startswith("/"):
                first += rest.pop(0).strip()
            extra = "".join(x.strip() for x in rest)
            lines = [first] + ([extra] if extra else [])
        elif f.tag == "61" and len(lines) > 2:
            lines = [lines[0], " ".join(x.strip() for x in lines[1:])]
        out.append(f":{f.tag}:" + "\n".join(lines))
    return "\n".join(out) + "\n"


def _account(raw: str, currency: str) -> str:
    """``NL34RABO0142623393 EUR`` -> ``NL34RABO0142623393``; legacy numbers stay as given."""
    compact = raw.replace(" ", "")
    if len(compact) > 3 and compact.endswith(currency):
        compact = compact[: -len(currency)].rstrip("/")
    return compact


def _cents(amount: Any) -> int:
    value = amount.amount if hasattr(amount, "amount") else amount
    return cents_from_decimal(Decimal(str(value)))


def _balance(raw: Any) -> Balance | None:
    if raw is None:
        return None
    return Balance(_cents(raw.amount), raw.date)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return date(value.year, value.month, value.day)


def parse_mt940(data: bytes) -> list[Statement]:
    text = decode(data)
    fields = _scan(text)
    _check(fields)
    starts_61 = [f.line for f in fields if f.tag == "61"]
    pairs = [(a, b) for a, b in pairwise(fields) if a.tag == "61" and b.tag == "86"]
    info_86 = {a.line: "\n".join(b.lines) for a, b in pairs}
    line_86 = {a.line: b.line for a, b in pairs}
    accounts = [f.lines[0].strip() for f in fields if f.tag == "25"]
    bank = _bank(accounts[0]) if accounts else None
    tags: dict[int | str, Tag] | None = {61: StatementASNB()} if bank in ASNB_BANKS else None
    try:
        parsed = mt940.parse_statements(
            _normalise(fields, bank), tags=tags, options=mt940.Options.all()
        )
    except Exception as exc:
        raise StatementError(
            f"the file does not parse as MT940: {str(exc).splitlines()[0][:200]}"
        ) from exc
    statements: list[Statement] = []
    index = 0
    for block in parsed:
        data_ = block.data
        account = str(data_.get("account_identification") or "").strip()
        if not account:
            raise StatementError("statement without :25: account identification")
        currency = "EUR"
        opening = _balance(data_.get("final_opening_balance"))
        closing = _balance(data_.get("final_closing_balance"))
        if data_.get("final_opening_balance") is not None:
            currency = data_["final_opening_balance"].amount.currency or currency
        lines: list[StatementLine] = []
        for tx in block:
            d = tx.data
            source_line = starts_61[index] if index < len(starts_61) else None
            index += 1
            raw86 = info_86.get(source_line or -1, "")
            try:
                details = split_details(
                    raw86, bank=_bank(account) or bank, extra=d.get("extra_details")
                )
            except MalformedDetails as exc:
                raise StatementError(
                    str(exc), line=line_86.get(source_line or -1), field="86"
                ) from exc
            status = str(d.get("status") or "")
            lines.append(
                StatementLine(
                    booking_date=_as_date(d.get("entry_date"))
                    or _as_date(d.get("date"))
                    or date.min,
                    value_date=_as_date(d.get("date")),
                    amount=_cents(d["amount"]),
                    currency=getattr(d["amount"], "currency", None) or currency,
                    counterparty_iban=details.counterparty_iban,
                    counterparty_name=details.counterparty_name,
                    counterparty_bic=details.counterparty_bic,
                    remittance=details.remittance,
                    reference=details.reference,
                    end_to_end_id=details.end_to_end_id,
                    bank_reference=(d.get("bank_reference") or d.get("customer_reference") or None),
                    return_reason=details.return_reason,
                    transaction_code=d.get("id"),
                    reversal=status.upper().startswith("R"),
                    source_line=source_line,
                )
            )
        statements.append(
            Statement(
                account=_account(account, currency),
                currency=currency,
                opening=opening,
                closing=closing,
                lines=tuple(lines),
                statement_id=str(data_.get("transaction_reference") or "") or None,
            )
        )
    if index != len(starts_61):
        raise StatementError(
            f"{len(starts_61)} :61: lines in the file but {index} parsed; refusing to book a part"
        )
    return statements
