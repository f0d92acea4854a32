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

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

import mt940
from mt940.tags import Statement as StatementTag
from mt940.tags import StatementASNB

from shared.domain.money import cents_from_decimal
from shared.domain.references import iban as iban_check
from shared.domain.statements.bank_accounts import bank_named_in, iban_for
from shared.domain.statements.charges_said import bank_charges
from shared.domain.statements.details_nl import (
    PAYER_TEXTS,
    Details,
    MalformedDetails,
    split_details,
)
from shared.domain.statements.model import (
    NO_CLOSING,
    Balance,
    Statement,
    StatementError,
    StatementLine,
    charges_note,
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
# an end-of-message line: "-", "-}", "-XXX", with SWIFT trailer blocks after it. One optional
# "{...}" covers any run of them (".*" spans braces); "(\{.*\})*" tried every split of a
# line "-{}{}...{}x" among its groups, doubling with each pair: a 215-byte file held the
# statement trigger past its 10-minute timeout (attack19 F4)
_END = re.compile(r"^-(\}|XXX)?(\{.*\})?$")
_ENVELOPE = str.maketrans("", "", "\x01\x03")  # SWIFT FIN start/end of message
ASNB_BANKS = {"SNSB", "ASNB", "RBRB"}
_OPTIONS = mt940.Options.all()
_STATEMENT_61 = StatementTag()  # mt-940's own :61: grammar
_ASNB_61 = StatementASNB()  # SNS/ASN/RegioBank: counterparty IBAN and name appended


@dataclass
class _Field:
    tag: str
    line: int
    lines: list[str]


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    # a line ended by a bare CR (an old Mac export, a file re-saved so) is a line: the
    # fields were read, but a file of such lines was "not a bank statement", its tags found
    # only after a LF, and its header's bank neither (bankfiles24)
    return _BARE_CR.sub("\n", text)


_BARE_CR = re.compile(r"\r(?!\n)")


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
    text = text.translate(_ENVELOPE)
    dirty = _CONTROL.search(text) is not None  # one search of the text, not one per line
    rows = text.splitlines()
    for number, raw in enumerate(rows, start=1):
        if dirty and (bad := _CONTROL.search(raw)) is not None:
            # a stray byte (NUL, a control character): blank it, say where, keep going
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
        elif line == "-" and current is not None and current.tag == "86" and _wrapped(rows, number):
            current.lines.append(line)  # ING wraps "/MARF/MND-120123" as "MND" / "-" / "120123"
        elif line.startswith(("-", "{", "}")) and (
            line.startswith(("{", "}", "-}")) or _END.match(line) is not None
        ):
            # "-}" ends the message whatever follows on its line: ING starts the next
            # message there ("-}{1:F01INGB...}{2:...}{4:"), whose header blocks hold no field
            if fields and line.startswith("-"):
                ends.add(len(fields) - 1)
            current = None
        elif current is not None:
            current.lines.append(line)
    if not any(f.tag == "20" for f in fields) or not any(f.tag == "25" for f in fields):
        raise StatementError("not an MT940 statement: no :20: and :25: fields")
    return _Scan(fields, warnings, ends)


# a message header: a BIC alone (ABN AMRO's "ABNANL2A"), ING/Van Lanschot's
# "0000 01INGBNL2AXXXX00001", the "940" / "940 00" line
_PREAMBLE = re.compile(
    r"^(?:[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?|\d{4} \d{2}[A-Z]{6}[A-Z0-9]{2}.*|\d{3}(?: \d{2})?)$"
)


def _wrapped(rows: list[str], number: int) -> bool:
    """Whether the lone ``-`` at line ``number`` (1-based) is text wrapped inside a ``:86:``
    rather than the end of the message: it is, when the next non-empty line is neither a tag,
    a SWIFT block (``{``, ``}``), another end mark nor a new message's header (``ABNANL2A``,
    ``0000 01INGBNL2AXXXX00001``, ``940``), and the file does not end there."""
    for raw in rows[number:]:
        following = raw.strip()
        if not following:
            continue
        return not (
            following.startswith((":", "{", "}"))
            or _END.match(following) is not None
            or _PREAMBLE.match(following) is not None
        )
    return False


CLOSING = {"62F", "62M", "64", "65", "90C", "90D"}


def _check_complete(scan: _Scan) -> None:
    """A statement whose last transaction is followed by neither a closing balance nor an
    end-of-message line was cut off: its last line may be half a line. Refuse the file."""
    fields = scan.fields
    starts = [i for i, f in enumerate(fields) if f.tag == "20"] + [len(fields)]
    for begin, end in pairwise(starts):
        block = range(begin, end)
        # an :86: after a closing balance is the statement's own (ING's "/NAME/ING BANK
        # N.V.//SUM/..." after :64:), not a transaction's details
        first_close = min((i for i in block if fields[i].tag in CLOSING), default=end)
        last_tx = max(
            (
                i
                for i in block
                if fields[i].tag == "61" or (fields[i].tag == "86" and i < first_close)
            ),
            default=None,
        )
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
            continue  # every :86: of the transaction that was not read (Rabobank repeats it)
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
        if f.tag in BALANCES:
            _one_line_balance(scan, f)
        kept.append(f)
    return kept


BALANCES = {"60F", "60M", "62F", "62M", "64", "65"}


def _one_line_balance(scan: _Scan, f: _Field) -> None:
    """A balance is one line (SWIFT ``1!a6!n3!a15d``): lines after it up to the next tag are
    no part of its amount (joined, "100,00" and "2. volgende voorbeeld" read as 100,002).
    A next message's header (``ABNANL2A``, ``940``) and blank lines are dropped; other text
    (ABN AMRO's documentation numbers its examples there) is reported, not read."""
    extra = [
        (n, x.strip())
        for n, x in enumerate(f.lines[1:], start=f.line + 1)
        if x.strip() and _PREAMBLE.match(x.strip()) is None
    ]
    f.lines = f.lines[:1]
    if extra:
        n, text = extra[0]
        scan.warnings.append((n, f"text after the balance :{f.tag}: not read ({text[:60]!r})"))


# what each frame field holds, for a refusal a person can act on: (name, what is expected)
_FRAME_WORDS = {
    "20": ("transaction reference", "up to 16 characters"),
    "21": ("related reference", "up to 16 characters"),
    "25": ("account identification", "the account number or IBAN, optionally its currency"),
    "28": ("statement number", "a number, optionally /sequence number, e.g. 00012/001"),
    "28C": ("statement number", "a number, optionally /sequence number, e.g. 00012/001"),
    "13": ("date and time", "YYMMDDhhmm"),
    "13D": ("date and time", "YYMMDDhhmm and the UTC offset"),
    "34F": ("floor limit", "the currency, an optional D or C and the amount"),
    "90C": ("sum of credits", "the number of entries, the currency and the amount"),
    "90D": ("sum of debits", "the number of entries, the currency and the amount"),
}
_BALANCE_WORDS = (
    "balance",
    "C or D, the date YYMMDD, the currency and the amount with one decimal comma, "
    "e.g. C250320EUR100,00",
)
_BALANCE_AMOUNT = re.compile(r"^[CD]\d{6}[A-Z]{3}(\d[\d,]*)$")


def _check_frame(fields: list[_Field]) -> None:
    """Every field of the statement frame read with mt-940's own pattern for its tag before
    the library sees the file: a field it cannot read is refused with its line, the field's
    name and what it should hold (the library would log its pattern and raise with an
    object's repr); a balance amount with more than two decimals too."""
    for f in fields:
        if f.tag in ("61", "86", "NS"):
            continue
        value = _frame_value(f)
        digits = f.tag.rstrip("CDFM")
        tag = mt940.tags.TAG_BY_ID.get(f.tag) or (
            mt940.tags.TAG_BY_ID.get(int(digits)) if digits.isdigit() else None
        )
        name, expected = (
            _BALANCE_WORDS
            if f.tag in BALANCES
            else _FRAME_WORDS.get(f.tag, (f"field :{f.tag}:", "what SWIFT MT940 defines for it"))
        )
        if tag is not None and tag.re.match(value) is None:
            raise StatementError(
                f":{f.tag}: {name} {value[:40]!r} not understood (expected {expected})",
                line=f.line,
                field=f.tag,
            )
        amount = _BALANCE_AMOUNT.match(value) if f.tag in BALANCES else None
        if amount is not None and (
            amount.group(1).count(",") != 1 or len(amount.group(1).split(",")[1]) > 2
        ):
            raise StatementError(
                f":{f.tag}: {name} amount {amount.group(1)!r} is not an amount Inning can "
                "book (digits, one decimal comma, at most two decimals)",
                line=f.line,
                field=f.tag,
            )


def _frame_text(fields: list[_Field]) -> str:
    """The text mt-940 reads: the statement frame only (reference, account, numbers,
    balances). The ``:61:`` lines are read with mt-940's own ``:61:`` grammar one by one
    (:func:`_read_61`), the ``:86:`` fields by Inning's splitter (details_nl), so the library
    builds no transaction objects that would be converted again."""
    out: list[str] = []
    for f in fields:
        if f.tag in ("61", "86", "NS"):
            continue
        out.append(f":{f.tag}:" + _frame_value(f))
    return "\n".join(out) + "\n"


def _frame_value(f: _Field) -> str:
    """A frame field's value as mt-940 reads it: a structural field's lines joined."""
    if f.tag in STRUCTURAL:
        return "".join(x.strip() for x in f.lines)
    return "\n".join(f.lines)


def _value_61(f: _Field, bank: str | None) -> str:
    """A ``:61:`` field's value as mt-940 would see it: ING's wrapping undone, SNS/ASN's
    appended lines joined, blank lines and end-of-message marks dropped."""
    lines = f.lines
    if bank == "INGB":
        first = lines[0]
        rest = lines[1:]
        while rest and not rest[0].startswith("/"):
            first += rest.pop(0).strip()
        extra = "".join(x.strip() for x in rest)
        lines = [first] + ([extra] if extra else [])
    elif len(lines) > 2:
        lines = [lines[0], " ".join(x.strip() for x in lines[1:])]
    if len(lines) == 1:
        return lines[0].replace("\r", "").strip()
    kept = [x for x in (y.replace("\r", "").rstrip() for y in lines) if x and x.strip() != "-"]
    return "\n".join(kept).strip()


_YEAR_BOUNDARY_DAYS = 330  # mt-940: an entry date this far from the value date is another year
_DEBIT_MARKS = frozenset({"D", "RC"})  # Options.reversal_sign: a reversed credit leaves
_GROUPS = (
    "year", "month", "day", "entry_month", "entry_day", "status", "amount", "id",
    "customer_reference", "bank_reference", "extra_details",
)  # fmt: skip


@dataclass(slots=True)
class _Raw61:
    """One ``:61:`` as mt-940's Statement tag reads it, with its processors' effects
    (February day fix-up, two-digit years, the entry date's year across a year boundary,
    debit and reversed-credit marks negative, marks in any case)."""

    value_date: date
    entry_date: date | None
    amount: Decimal
    status: str
    code: str | None
    bank_reference: str | None
    extra: str | None
    source_line: int


def _read_61(tag: StatementTag, value: str, source_line: int) -> _Raw61:
    m = tag.re.match(value)
    if m is None:
        # the library would log its whole pattern and raise with an object's repr: say which
        # line and what a :61: holds instead
        raise StatementError(
            f":61: not understood ({value.splitlines()[0][:40]!r}; expected the value date "
            "YYMMDD, an optional entry date MMDD, the D/C mark, the amount, the type code)",
            line=source_line,
            field="61",
        )
    year, month, day, em, ed, status, amount, code, cref, bref, extra = m.group(*_GROUPS)
    # SWIFT writes an amount in digits with one decimal comma; the grammar stops at a point
    # or a second comma and reads "1.169,90" as 1.00: refuse it rather than book the wrong sum
    rest = value[m.end("amount") :]
    # a thousands point, space or apostrophe ("1.169,90", "1 169,90", "1'169,90") stops the
    # grammar after "1": what follows the amount must not be such a separator and a digit
    if re.match(r"[.,' \u2019]\d|[.,]", rest) or amount.count(",") > 1 or not amount.strip(","):
        shown = amount + rest[: len(rest) - len(rest.lstrip(".,' \u20190123456789"))]
        raise StatementError(
            f"the amount {shown!r} is not a SWIFT amount (digits and one decimal comma)",
            line=source_line,
            field="61",
        )
    if month == "02":
        last = calendar.monthrange(int(year, 10), 2)[1]
        if int(day, 10) > last:
            day = str(last)
    y = int(year)
    value_date = date(y + 2000 if y < 1000 else y, int(month), int(day))
    entry_date = None
    if em and ed and em.isdigit() and ed.isdigit():
        entry_date = date(value_date.year, int(em), int(ed))
        gap = (value_date - entry_date).days
        if gap >= _YEAR_BOUNDARY_DAYS:
            entry_date = date(entry_date.year + 1, entry_date.month, entry_date.day)
        elif -gap >= _YEAR_BOUNDARY_DAYS:
            entry_date = date(entry_date.year - 1, entry_date.month, entry_date.day)
    cents = Decimal(amount.replace(",", "."))
    mark = (status or "").upper()
    if mark in _DEBIT_MARKS:
        cents = -cents
    return _Raw61(
        value_date, entry_date, cents, mark, code, bref or cref or None, extra, source_line
    )


def _period(data: dict[str, Any]) -> tuple[date, date] | None:
    """The days a statement's entries are booked in: from its opening balance's date to its
    closing balance's (final or intermediate), where it has both."""
    dates = []
    for keys in (
        ("final_opening_balance", "intermediate_opening_balance"),
        ("final_closing_balance", "intermediate_closing_balance"),
    ):
        balance = next((data[k] for k in keys if data.get(k) is not None), None)
        on = getattr(balance, "date", None)
        if not isinstance(on, date):
            return None
        dates.append(date(on.year, on.month, on.day))
    return (dates[0], dates[1]) if dates[0] <= dates[1] else None


def _entry_in(period: tuple[date, date] | None, entry: date | None) -> date | None:
    """The entry date (MMDD, no year) in the year that puts it inside the statement's period.
    Its year was taken from the value date, another year only 330 days or more away: an entry
    of 2 January 2027 valued 15 November 2026 (a return back-valued to its collection) was
    booked on 2 January 2026, a year before the statement (banks27 F4). The year is changed
    only where the value date's year falls outside the period and exactly one other inside."""
    if entry is None or period is None or period[0] <= entry <= period[1]:
        return entry
    inside = [
        day
        for year in (entry.year - 1, entry.year + 1)
        if (day := _same_day_in(year, entry)) is not None and period[0] <= day <= period[1]
    ]
    return inside[0] if len(inside) == 1 else entry


def _same_day_in(year: int, day: date) -> date | None:
    try:
        return date(year, day.month, day.day)
    except ValueError:  # 29 February
        return None


def _read_61_at(tag: StatementTag, f: _Field, bank: str | None) -> _Raw61:
    try:
        return _read_61(tag, _value_61(f, bank), f.line)
    except StatementError:
        raise
    except Exception as exc:  # an impossible date, an amount Decimal cannot take
        raise StatementError(
            f"the file does not parse as MT940: :61: {str(exc).splitlines()[0][:200]}",
            line=f.line,
            field="61",
        ) from exc


# every amount of a statement's frame that carries a currency (:60F: :60M: :62F: :62M: :64:
# :65: balances, MT942's :34F: floor limits): they must all agree, and the lines share it
_CURRENCY_KEYS = (
    "final_opening_balance", "intermediate_opening_balance", "final_closing_balance",
    "intermediate_closing_balance", "available_balance", "forward_available_balance",
    "c_floor_limit", "d_floor_limit",
)  # fmt: skip


def _currencies(data: dict[str, Any]) -> set[str]:
    found = set()
    for key in _CURRENCY_KEYS:
        value = data.get(key)
        if value is None:
            continue
        # a floor limit is an Amount (currency on it), a balance holds one
        currency = getattr(value, "currency", None) or getattr(
            getattr(value, "amount", None), "currency", None
        )
        if currency and re.fullmatch(r"[A-Za-z]{3}", str(currency)):
            found.add(str(currency).upper())  # not a broken balance's digits (":62M:C020315105")
    return found


@dataclass
class _Block:
    """One statement (from a ``:20:``): its ``:61:`` fields, each with its ``:86:``."""

    txs: list[tuple[_Field, _Field | None]]


def _blocks(fields: list[_Field]) -> tuple[list[_Block], int]:
    """The statements as mt-940 splits them (each ``:20:`` starts one; anything before the
    first is dropped), and the number of ``:61:`` fields in the whole file."""
    blocks: list[_Block] = []
    current: _Block | None = None
    count_61 = 0
    previous: _Field | None = None
    for f in fields:
        tag = f.tag
        if tag == "20":
            current = _Block([])
            blocks.append(current)
        elif tag == "61":
            count_61 += 1
            if current is not None:
                current.txs.append((f, None))
        elif tag == "86" and current is not None and previous is not None and previous.tag == "61":
            current.txs[-1] = (previous, f)
        elif (
            tag == "86"
            and current is not None
            and current.txs
            and previous is not None
            and previous is current.txs[-1][1]
        ):
            # Rabobank's older layout repeats the tag for each line of the description
            # (":86:BETALING" then ":86:FACTUURNUMMER J0010"): one text, as if wrapped
            joined = _Field("86", previous.line, previous.lines + f.lines)
            current.txs[-1] = (current.txs[-1][0], joined)
            f = joined
        previous = f
    return blocks, count_61


_ACCOUNT_CURRENCY = re.compile(r"^(.*[0-9])[ /]*([A-Z]{3})$")
# ISO 4217 codes a Dutch business's account is plausibly kept in: three letters after the
# account that are none of these are part of the account, not a currency
_ACCOUNT_CURRENCIES = frozenset({
    "EUR", "USD", "GBP", "CHF", "PLN", "HUF", "CZK", "SEK", "NOK", "DKK", "ISK", "RON", "BGN",
    "TRY", "JPY", "CNY", "HKD", "SGD", "AUD", "NZD", "CAD", "ZAR", "AED", "SAR", "ILS", "INR",
    "MXN", "BRL", "RUB", "UAH", "RSD",
})  # fmt: skip


def _account(raw: str) -> tuple[str, str | None]:
    """``NL34RABO0142623393 EUR`` -> (``NL34RABO0142623393``, ``EUR``): the account and the
    currency ``:25:`` carries after it (a foreign-currency account often shares the IBAN);
    legacy numbers stay as given (``1567.50.961EUR`` -> ``1567.50.961``)."""
    compact = raw.replace(" ", "")
    if iban_check.is_valid(compact):
        return compact, None
    m = _ACCOUNT_CURRENCY.match(compact)
    if m is None or m.group(2) not in _ACCOUNT_CURRENCIES:
        return compact, None
    return m.group(1), m.group(2)


def _cents(amount: Any) -> int:
    value = amount.amount if hasattr(amount, "amount") else amount
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return check_amount(cents_from_decimal(value), "amount")


def _balance(raw: Any) -> Balance | None:
    if raw is None:
        return None
    return Balance(_cents(raw.amount), raw.date)


def parse_mt940(data: bytes) -> list[Statement]:
    text = decode(data)
    scan = _scan(text)
    _check_complete(scan)
    fields = _check(scan)
    accounts = [f.lines[0].strip() for f in fields if f.tag == "25"]
    bank = _bank(accounts[0]) if accounts else None
    first_tag = re.search(r"^:", text, re.MULTILINE)
    preamble = text[: first_tag.start() if first_tag else 0].splitlines()[:8]
    tag = _ASNB_61 if bank in ASNB_BANKS else _STATEMENT_61
    blocks, count_61 = _blocks(fields)
    # each :61: read first, so a broken one is refused with its line before the library sees it
    raws = [[_read_61_at(tag, f, bank) for f, _ in block.txs] for block in blocks]
    _check_frame(fields)
    try:
        parsed = mt940.parse_statements(_frame_text(fields), options=_OPTIONS)
    except Exception as exc:
        # no library object's repr in a refusal a person reads
        said = re.sub(
            r"<[\w.]+ object at 0x[0-9a-fA-F]+>", "a field", str(exc.args[0] if exc.args else exc)
        )
        raise StatementError(
            f"the file does not parse as MT940: {said.splitlines()[0][:200] if said else type(exc).__name__}"
        ) from exc
    if len(parsed) != len(blocks):
        raise StatementError(
            f"{len(blocks)} statements (:20:) in the file but {len(parsed)} parsed"
        )
    # mt-940 merges a :61: without a transaction type code into the next one: a line lost
    index = sum(1 + sum(1 for r in rs[:-1] if r.code) if rs else 0 for rs in raws)
    if index != count_61:
        raise StatementError(
            f"{count_61} :61: lines in the file but {index} parsed; refusing to book a part"
        )
    statements: list[Statement] = []
    starts_20 = [f.line for f in fields if f.tag == "20"]
    for number, (block, block_tx, rs) in enumerate(zip(parsed, blocks, raws, strict=True)):
        data_ = block.data
        account = str(data_.get("account_identification") or "").strip()
        if not account:
            raise StatementError("statement without :25: account identification")
        where_20 = starts_20[number] if len(starts_20) == len(parsed) else None
        number_25, currency_25 = _account(account)
        currencies = _currencies(data_) | ({currency_25} if currency_25 else set())
        if len(currencies) > 1:
            raise StatementError(
                f"the statement's amounts are in more than one currency "
                f"({', '.join(sorted(currencies))}); refusing to book a mix",
                line=where_20,
                field="25",
            )
        # no balance and no currency after the account: a euro statement, as before
        currency = currencies.pop() if currencies else "EUR"
        # ABN AMRO, old Triodos, ING, Knab, Van Lanschot: the bank's account number, not the
        # IBAN; derived where the file names the bank (never guessed)
        file_bank = bank_named_in(preamble, data_.get("transaction_reference"))
        derived = iban_for(number_25, file_bank)
        block_bank = _bank(derived or account) or bank  # once per statement, not per line
        opening = _balance(data_.get("final_opening_balance"))
        closing = _balance(data_.get("final_closing_balance"))
        line_currency = currency
        period = _period(data_)
        lines: list[StatementLine] = []
        notes: list[str] = []
        if (
            opening is not None
            and closing is None
            and not data_.get("intermediate_closing_balance")
        ):  # an MT940 day without :62F: (an MT942 has no :60F: either; a page ends in :62M:)
            notes.append(NO_CLOSING.format(tag=":62F:"))
        for raw, (_, f86) in zip(rs, block_tx.txs, strict=True):
            raw86 = "\n".join(f86.lines) if f86 is not None else ""
            try:
                details = split_details(
                    raw86, bank=block_bank, extra=raw.extra, file_bank=file_bank
                )
            except MalformedDetails as exc:
                raise StatementError(
                    str(exc), line=f86.line if f86 is not None else None, field="86"
                ) from exc
            if f86 is not None and raw86.strip() and not any(
                (details.remittance, details.reference, details.counterparty_name,
                 details.counterparty_iban, details.end_to_end_id, details.return_reason,
                 details.batch_id)
            ):  # fmt: skip
                # the bank sent text and nothing of it was read (a dialect Inning does not
                # know, or a quirk): say so, for a person to look at. A payer without a
                # description is what the bank sent, not a loss, and is not reported
                text = " ".join(raw86.split())
                notes.append(
                    f"line {f86.line}: nothing of :86: was read (no description, reference or "
                    f"payer), although it has text ({text[:80]}{'...' if len(text) > 80 else ''}); check whether "
                    "the bank sent one"
                )
            for field, codes in details.payer_texts:
                notes.append(payer_codes_note(f"line {raw.source_line}", codes, field))
            moved = check_amount(cents_from_decimal(raw.amount), "amount")
            paid, charges, doubt = _paid(moved, details, line_currency, f"line {raw.source_line}")
            if charges:
                notes.append(charges_note(f"line {raw.source_line}", paid, charges))
            if doubt:
                notes.append(doubt)
            lines.append(
                StatementLine(
                    booking_date=(booked := _entry_in(period, raw.entry_date) or raw.value_date),
                    value_date=raw.value_date,
                    dated_before=raw.entry_date if raw.entry_date not in (None, booked) else None,
                    amount=paid,
                    charges=charges,
                    currency=line_currency,
                    counterparty_iban=details.counterparty_iban,
                    iban_in_text=details.iban_in_text,
                    counterparty_name=details.counterparty_name,
                    counterparty_bic=details.counterparty_bic,
                    remittance=details.remittance,
                    reference=details.reference,
                    referenced_before=details.reference_before,
                    end_to_end_id=details.end_to_end_id,
                    bank_reference=raw.bank_reference,
                    # a debit's return reason, also where the payer's '//' put the bank's
                    # /RTRN/ inside his own text (attack13 F1) or his free text starts with
                    # one outside ING's layout (attack25 F3); never a credit's from his text
                    return_reason=details.return_reason
                    or (details.return_in_text if moved < 0 else None),
                    transaction_code=raw.code,
                    reversal=raw.status.startswith("R"),
                    source_line=raw.source_line,
                    batch_id=details.batch_id,
                )
            )
        statements.append(
            Statement(
                account=derived or number_25,
                currency=currency,
                opening=opening,
                closing=closing,
                lines=tuple(lines),
                statement_id=str(data_.get("transaction_reference") or "") or None,
                warnings=_warnings_of(scan.warnings, starts_20, number, len(parsed)) + tuple(notes),
                sequence="/".join(
                    str(data_[k])
                    for k in ("statement_number", "sequence_number")
                    if data_.get(k) is not None
                )
                or None,
                on=closing.on if closing else None,
                bank_account=number_25 if derived else None,
            )
        )
    return statements


def payer_codes_note(where: str, codes: tuple[str, ...], field: str = "EREF") -> str:
    """The warning of bank codes found in a value the payer wrote (``field``: his end-to-end
    id, attack11b B2/B5; his batch reference, name or address, stmt12): the line is booked
    with what arrived and the bank's own payer, and a person looks at it."""
    said = ", ".join(f"/{c}/" for c in codes)
    return (
        f"{where}: the payer's {PAYER_TEXTS[field]} contains {said}: read as his text, not as "
        "the bank's; the credit is booked as it arrived; check the payment with the bank"
    )


def _paid(moved: int, details: Details, currency: str, where: str) -> tuple[int, int, str | None]:
    """A credit's amount as the payer sent it and the charges the bank kept of it, where the
    bank's own ``:86:`` fields say so (ING: ``/OCMT/`` the original amount, ``/CHGS/`` the
    charges; details_nl reads them only there) and they are plausible (charges_said); else
    the credit as booked, no charges, with a warning where figures were not believed."""
    paid, kept, doubt = bank_charges(
        where, moved, details.original_amount, details.charges, currency
    )
    return check_amount(paid, "amount"), kept, doubt


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
