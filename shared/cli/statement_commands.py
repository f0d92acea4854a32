"""``inning statement parse FILE`` and ``inning match --invoices CSV --statement FILE``."""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from shared.domain.money import AmountError, cents_from_decimal, format_cents
from shared.domain.references import belgian, betalingskenmerk, iso11649
from shared.domain.statements.matching import InvoiceIndex, OpenInvoice, match_lines
from shared.domain.statements.model import StatementError, statements_as_dict
from shared.domain.statements.parse import parse_statement_file

CSV_HEADER = ["invoice_number", "debtor_name", "debtor_iban", "open_amount", "payment_reference"]
# an optional last column: "yes" marks an invoice written off (ledger31), its open_amount what
# is still written off, matched as the app does, by its exact keys only (womatch31)
WRITTEN_OFF_COLUMN = "written_off"
_YES, _NO = ("yes", "ja", "true", "1"), ("", "no", "nee", "false", "0")
# what a payment reference looks like: a betalingskenmerk's digits (the Belgian 12 among them)
# or RF, two check digits and 1 to 21 letters or digits
_REFERENCE_LENGTHS = frozenset({7, 9, 10, 11, 12, 13, 14, 16})
_RF_SHAPE = re.compile(r"^RF\d{2}[0-9A-Z]{1,21}$")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None


def cmd_parse(args: argparse.Namespace) -> int:
    try:
        statements = parse_statement_file(_read(args.file))
    except StatementError as exc:
        raise ValueError(f"{args.file}: {exc}") from None
    if args.json:
        json.dump(statements_as_dict(statements), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for s in statements:
        opening = format_cents(s.opening.amount) if s.opening else "-"
        closing = format_cents(s.closing.amount) if s.closing else "-"
        # the IBAN Inning derived from the bank's own account number (ABN AMRO, Triodos), with it
        account = f"{s.account} (bank account {s.bank_account})" if s.bank_account else s.account
        print(f"{account} {s.currency}  opening {opening}  closing {closing}  {len(s.lines)} lines")
        for x in s.lines:
            who = x.counterparty_name or x.counterparty_iban or ""
            # the betalingskenmerk first: it is what books the line
            text = " ".join(t for t in (x.reference, x.remittance) if t)[:60]
            print(f"  {x.booking_date}  {format_cents(x.amount):>12}  {who[:30]:30}  {text}")
        if (diff := s.balance_difference()) not in (0, None):
            print(f"  warning: balances differ by {format_cents(diff)}")
        if s.currency != "EUR":
            print(f"  warning: in {s.currency}, not euros: Inning books none of these lines")
        for warning in s.warnings:
            print(f"  warning: {warning}")
    return 0


def _whole_row(path: str, n: int, row: dict[str | None, Any], columns: int) -> None:
    """A row of more or fewer fields than the header is refused: a Dutch amount (161,93)
    split into two fields was read as 161.00 with reference "93", or a short row ended in a
    traceback (newcomer32 F5)."""
    extra = row.get(None) or []
    missing = [k for k in CSV_HEADER if row.get(k) is None]
    if not extra and not missing:
        return
    fields = (
        columns + len(extra) if extra else columns - len([k for k, v in row.items() if v is None])
    )
    raise ValueError(
        f"{path} line {n}: {fields} fields, the header has {columns}"
        + (
            ": a comma inside a value? write an amount with a dot (161.93, no thousands "
            'separator) and put a name with a comma in quotes ("Jansen, A.")'
            if extra
            else f": {', '.join(missing)} missing"
        )
    )


def _reference_refused(path: str, n: int, row: dict[str | None, Any]) -> None:
    """A payment_reference without a reference's shape is refused, naming the column and what
    it takes: a Dutch amount written unquoted with a row's empty reference (``F1,A,,161,93``)
    has the header's shape, and was read as open 161.00 with reference "93" (newcomer32 F5).
    Only the shape: a bank's structured reference is looked up whether or not its check digit
    holds, so a dry run may name one that does not (the app's import checks it)."""
    reference = row["payment_reference"].strip()
    digits = betalingskenmerk.normalise(reference)
    if (
        not reference
        or (digits.isdigit() and digits.isascii() and len(digits) in _REFERENCE_LENGTHS)
        or _RF_SHAPE.match(iso11649.normalise(reference))
        or belgian.is_valid(reference)
    ):
        return
    why = ""
    if digits.isdigit():
        why = f": {len(digits)} digits, a betalingskenmerk has 7, 9 to 14, or 16"
    amount = row["open_amount"].strip()
    if amount.isdigit() and reference.isdigit() and len(reference) <= 2:
        why += f"; was the amount {amount},{reference}? write it with a dot ({amount}.{reference})"
    raise ValueError(
        f"{path} line {n}: payment_reference {reference!r} is no payment reference (expected a "
        "betalingskenmerk, an RF creditor reference or a Belgian structured reference, or "
        f"nothing){why}"
    )


def read_invoices_csv(path: str) -> list[OpenInvoice]:
    text = _read(path).decode("utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    header = [f.strip() for f in reader.fieldnames or []]
    if header not in (CSV_HEADER, [*CSV_HEADER, WRITTEN_OFF_COLUMN]):
        raise ValueError(
            f"{path}: the header must be {','.join(CSV_HEADER)} (and optionally "
            f",{WRITTEN_OFF_COLUMN})"
        )
    out = []
    for n, row in enumerate(reader, start=2):
        _whole_row(path, n, row, len(header))
        try:
            amount = cents_from_decimal(Decimal(row["open_amount"].strip()))
        except (InvalidOperation, AmountError):
            raise ValueError(
                f"{path} line {n}: open_amount {row['open_amount']!r} is not an amount like 12.50"
                " (a dot before the cents, no thousands separator)"
            ) from None
        if not row["invoice_number"].strip():
            raise ValueError(f"{path} line {n}: invoice_number is empty")
        _reference_refused(path, n, row)
        marked = (row.get(WRITTEN_OFF_COLUMN) or "").strip().lower()
        if marked not in (*_YES, *_NO):
            raise ValueError(f"{path} line {n}: written_off {marked!r} is not yes or no")
        name = row["debtor_name"].strip()
        iban = row["debtor_iban"].strip().replace(" ", "").upper()
        out.append(
            OpenInvoice(
                number=row["invoice_number"].strip(),
                debtor=name or row["invoice_number"].strip(),
                debtor_name=name,
                open_amount=amount,
                payment_reference=row["payment_reference"].strip() or None,
                debtor_ibans=(iban,) if iban else (),
                written_off=marked in _YES,
            )
        )
    return out


def cmd_match(args: argparse.Namespace) -> int:
    invoices = read_invoices_csv(args.invoices)
    try:
        statements = parse_statement_file(_read(args.statement))
    except StatementError as exc:
        raise ValueError(f"{args.statement}: {exc}") from None
    # as the app: only euro statements are matched (a USD amount is no euro amount)
    foreign = [s for s in statements if s.currency != "EUR"]
    lines = [x for s in statements if s.currency == "EUR" for x in s.lines]
    for s in foreign:
        print(
            f"statement of {s.account} in {s.currency}: not matched ({len(s.lines)} lines); "
            "Inning books euro statements only",
            file=sys.stderr,
        )
    results = match_lines(lines, InvoiceIndex(invoices))
    data: dict[str, Any] = {
        "not_matched": [
            {"account": s.account, "currency": s.currency, "lines": len(s.lines)} for s in foreign
        ],
        "lines": [
            {
                "index": r.index,
                "amount": r.amount,
                "booked": [
                    {"invoice_number": a.invoice_number, "amount": a.amount} for a in r.booked
                ],
                "suggested": [
                    {"invoice_number": a.invoice_number, "amount": a.amount, "score": score}
                    for a, score in r.suggested
                ],
                "reasons": list(r.reasons),
            }
            for r in results
        ],
    }
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for r in results:
        if r.booked:
            what = "booked " + ", ".join(
                f"{a.invoice_number} {format_cents(a.amount)}" for a in r.booked
            )
        elif r.suggested:
            what = "suggest " + ", ".join(f"{a.invoice_number} ({s:.2f})" for a, s in r.suggested)
        else:
            what = "no match"
        print(f"line {r.index}: {format_cents(r.amount)}  {what}  [{'; '.join(r.reasons)}]")
    return 0


def register(sub: Any) -> None:
    statement = sub.add_parser("statement", help="bank statements (MT940, CAMT.053)")
    actions = statement.add_subparsers(dest="action", required=True, parser_class=type(statement))
    parse = actions.add_parser("parse", help="parse a statement file; exit 2 if it is refused")
    parse.add_argument("file")
    parse.add_argument("--json", action="store_true")
    parse.set_defaults(handler=cmd_parse)

    match = sub.add_parser("match", help="dry run of the matcher: statement lines against invoices")
    match.add_argument("--invoices", required=True, help="CSV: " + ",".join(CSV_HEADER))
    match.add_argument("--statement", required=True, help="MT940 or CAMT.053 file")
    match.add_argument("--json", action="store_true")
    match.set_defaults(handler=cmd_match)
