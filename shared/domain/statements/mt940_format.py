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
from shared.domain.statements.model import (
    Balance,
    Statement,
    StatementError,
    StatementLine,
    check_amount,
)

KNOWN_TAGS = {
    "13", "13D", "20", "21", "25", "28", "28C", "34F", "60F", "60M", "61", "62F", "62M", "64",
    "65", "86", "90C", "90D", "NS",
}  # fmt: skip
HEADER_TAGS = {"940", "942"}  # Rabobank's ":940:" first line
STRUCTURAL = {"20", "25", "28", "28C", "60F", "60M", "62F", "62M", "64", "65"}
_TAG = re.compile(r"^:([0-9]{2,5}[A-Z]?|NS):")
_SWIFT_X = re.compile(r"^[A-Za-z0-9/\-?:().,'+ {}]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_END = re.compile(r"^-(\}|XXX)?(\{.*\})*$")
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


@dataclass
class _Scan:
    fields: list[_Field]
    warnings: list[tuple[int, str]]  # (line, what): reported, the rest of the file booked
    ends: set[int]  # indexes of fields followed by an end-of-message line ("-", "-}")


def _scan(text: str) -> _Scan:
    fields: list[_Field] = []
    warnings: list[tuple[int, str]] = []
    ends: set[int] = set()
    current: _Field | None = None
    for number, raw in enumerate(text.translate(_ENVELOPE).splitlines(), start=1):
        if _CONTROL.search(raw) is not None:
            # a stray byte (NUL, a control character): blank it, say where, keep going
            bad = _CONTROL.search(raw)
            assert bad is not None
            warnings.append(
                (number, f"control or binary character U+{ord(bad.group()):04X} replaced")
            )
            raw = _CONTROL.sub("?", raw)
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
        elif line.startswith(("-", "{", "}")) and (
            line.startswith(("{", "}")) or _END.match(line) is not None
        ):
            if fields and line.startswith("-"):
                ends.add(len(fields) - 1)
            current = None
        elif current is not None:
            current.lines.append(line)
    if not any(f.tag == "20" for f in fields) or not any(f.tag == "25" for f in fields):
        raise StatementError("not an MT940 statement: no :20: and :25: fields")
    return _Scan(fields, warnings, ends)


CLOSING = {"62F", "62M", "64", "65", "90C", "90D"}


def _check_complete(scan: _Scan) -> None:
    """A statement whose last transaction is followed by neither a closing balance nor an
    end-of-message line was cut off: its last line may be half a line. Refuse the file."""
    fields = scan.fields
    starts = [i for i, f in enumerate(fields) if f.tag == "20"] + [len(fields)]
    for begin, end in pairwise(starts):
        block = range(begin, end)
        last_tx = max((i for i in block if fields[i].tag in ("61", "86")), default=None)
        if last_tx is None:
            continue
        closed = any(fields[i].tag in CLOSING for i in range(last_tx, end))
        if not closed and not any(i in scan.ends for i in range(last_tx, end)):
            raise StatementError(
                "the file ends inside a statement (no closing balance :62F: after the last "
                "transaction): truncated in transfer? Ask the bank for the file again",
                line=fields[last_tx].line,
                field=fields[last_tx].tag,
            )


def _bank(account: str) -> str | None:
    compact = account.replace(" ", "").upper()
    if re.match(r"^[A-Z]{2}\d{2}[A-Z]{4}", compact):
        return compact[4:8]
    if compact.startswith("TRIODOSBANK"):
        return "TRIO"
    return None


def _check(scan: _Scan) -> list[_Field]:
    """The fields mt-940 may read. A stray character outside the SWIFT set is repaired where
    it is harmless (a reference, a statement number), drops the one transaction it damages
    (reported with its line, for staff to book by hand), and refuses the file where nothing
    sensible can be booked (the account)."""
    kept: list[_Field] = []
    seen_61 = False
    skip_86 = False
    for f in scan.fields:
        if f.tag == "20":
            seen_61 = False
        if skip_86 and f.tag == "86":
            skip_86 = False
            continue
        skip_86 = False
        if f.tag in STRUCTURAL or f.tag == "61":
            first = f.lines[0]
            if not _SWIFT_X.match(first):
                where = f":{f.tag}: contains characters outside the SWIFT character set"
                if f.tag in ("25",):
                    raise StatementError(where, line=f.line, field=f.tag)
                if f.tag == "61":
                    scan.warnings.append(
                        (f.line, f"{where}; this transaction was not read: book it by hand")
                    )
                    skip_86 = True
                    continue
                if f.tag in ("60F", "60M", "62F", "62M", "64", "65"):
                    scan.warnings.append((f.line, f"{where}; the balance was not read"))
                    continue
                scan.warnings.append((f.line, f"{where}; replaced by '?'"))
                f.lines[0] = "".join(c if _SWIFT_X.match(c) else "?" for c in first)
        if f.tag == "25" and seen_61:
            raise StatementError(
                ":25: account identification after a transaction (:86: expected?)",
                line=f.line,
                field="25",
            )
        if f.tag == "61":
            seen_61 = True
        kept.append(f)
    return kept


def _normalise(fields: list[_Field], bank: str | None) -> str:
    """Rebuild the text mt-940 reads, undoing ING's wrapping. The ``:86:`` fields are left
    out: Inning splits them itself (details_nl, from the lines the scan kept), so mt-940
    does not parse them a second time."""
    out: list[str] = []
    for f in fields:
        if f.tag in ("86", "NS"):
            continue
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
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return check_amount(cents_from_decimal(value), "amount")


def _balance(raw: Any) -> Balance | None:
    if raw is None:
        return None
    return Balance(_cents(raw.amount), raw.date)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if type(value) is date:
        return value
    return date(value.year, value.month, value.day)


def parse_mt940(data: bytes) -> list[Statement]:
    text = decode(data)
    scan = _scan(text)
    _check_complete(scan)
    fields = _check(scan)
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
    starts_20 = [f.line for f in fields if f.tag == "20"]
    for number, block in enumerate(parsed):
        data_ = block.data
        account = str(data_.get("account_identification") or "").strip()
        if not account:
            raise StatementError("statement without :25: account identification")
        block_bank = _bank(account) or bank  # once per statement, not per line
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
                details = split_details(raw86, bank=block_bank, extra=d.get("extra_details"))
            except MalformedDetails as exc:
                raise StatementError(
                    str(exc), line=line_86.get(source_line or -1), field="86"
                ) from exc
            status = str(d.get("status") or "")
            value_date = _as_date(d.get("date"))
            amount = d["amount"]
            lines.append(
                StatementLine(
                    booking_date=_as_date(d.get("entry_date")) or value_date or date.min,
                    value_date=value_date,
                    amount=_cents(amount),
                    currency=getattr(amount, "currency", None) or currency,
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
                warnings=_warnings_of(scan.warnings, starts_20, number, len(parsed)),
                sequence="/".join(
                    str(data_[k])
                    for k in ("statement_number", "sequence_number")
                    if data_.get(k) is not None
                )
                or None,
                on=closing.on if closing else None,
            )
        )
    if index != len(starts_61):
        raise StatementError(
            f"{len(starts_61)} :61: lines in the file but {index} parsed; refusing to book a part"
        )
    return statements


def _warnings_of(
    warnings: list[tuple[int, str]], starts: list[int], number: int, blocks: int
) -> tuple[str, ...]:
    """The file's warnings that fall inside statement ``number`` (all of them on the first
    statement when the blocks cannot be told apart)."""
    if len(starts) != blocks:
        return tuple(f"line {n}: {w}" for n, w in warnings) if number == 0 else ()
    low = starts[number] if number > 0 else 0
    high = starts[number + 1] if number + 1 < len(starts) else 1 << 62
    return tuple(f"line {n}: {w}" for n, w in warnings if low <= n < high)
