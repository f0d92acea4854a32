"""CAMT.053 (ISO 20022 BankToCustomerStatement, camt.053.001.02 and later) with a hardened
XML parser: no DTDs, no entity expansion, no external references, a size limit."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from shared.domain.money import cents_from_decimal
from shared.domain.references import iban as iban_check
from shared.domain.references.finder import find_references
from shared.domain.statements.model import (
    Balance,
    Statement,
    StatementError,
    StatementLine,
    check_amount,
)

MAX_BYTES = 50 * 1024 * 1024
_AMOUNT = re.compile(r"^\s*\d{1,18}(\.\d{1,5})?\s*$")  # ISO 20022 ActiveOrHistoricCurrencyAndAmount
MAX_DEPTH = 40  # camt.053 needs about 12; deeper is an attack, not a statement
_NS = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.001\.(\d{2})\}Document$")


def looks_like_camt(data: bytes) -> bool:
    head = data[:2048].lstrip()
    return head.startswith(b"<") and b"camt.05" in head


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: Element | None, *path: str) -> Element | None:
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if _local(c.tag) == name), None)
    return el


def _children(el: Element | None, name: str) -> list[Element]:
    return [] if el is None else [c for c in el if _local(c.tag) == name]


def _text(el: Element | None, *path: str) -> str | None:
    found = _child(el, *path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _amount(el: Element | None, where: str) -> int:
    if el is None or el.text is None:
        raise StatementError(f"{where}: amount missing")
    if not _AMOUNT.match(el.text):
        raise StatementError(f"{where}: not an amount: {el.text[:40]!r}")
    try:
        return check_amount(cents_from_decimal(Decimal(el.text.strip())), where)
    except (InvalidOperation, ValueError) as exc:
        if isinstance(exc, StatementError):
            raise
        raise StatementError(f"{where}: not an amount: {el.text[:40]!r}") from exc


def _iso_date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise StatementError(f"{where}: not a date: {text[:40]!r}") from exc


def _date(el: Element | None) -> date | None:
    if el is None:
        return None
    if (d := _text(el, "Dt")) is not None:
        return _iso_date(d, "date")
    if (dt := _text(el, "DtTm")) is not None:
        return _iso_date(dt, "date")  # the bank's own calendar date, as written
    return None


def _status(entry: Element) -> str | None:
    sts = _child(entry, "Sts")
    if sts is None:
        return None
    return _text(sts, "Cd") or (sts.text or "").strip() or None


def _party(tx: Element, role: str) -> tuple[str | None, str | None, str | None]:
    parties = _child(tx, "RltdPties")
    party = _child(parties, role)
    name = _text(party, "Nm") or _text(party, "Pty", "Nm")
    account = _child(parties, f"{role}Acct", "Id")
    iban = _text(account, "IBAN") or _text(account, "Othr", "Id")
    if iban is not None and iban_check.is_valid(iban):
        iban = iban_check.normalise(iban)
    agent = _child(tx, "RltdAgts", f"{role}Agt", "FinInstnId")
    bic = _text(agent, "BIC") or _text(agent, "BICFI")
    return iban, name, bic


def _line(entry: Element, tx: Element | None, amount: int, index: str) -> StatementLine:
    credit = (_text(tx, "CdtDbtInd") or _text(entry, "CdtDbtInd")) == "CRDT"
    role = "Dbtr" if credit else "Cdtr"
    iban, name, bic = _party(tx, role) if tx is not None else (None, None, None)
    remit = _child(tx, "RmtInf") if tx is not None else None
    unstructured = " ".join(t.text.strip() for t in _children(remit, "Ustrd") if t.text) or None
    reference = None
    for strd in _children(remit, "Strd"):
        reference = reference or _text(strd, "CdtrRefInf", "Ref")
    text = unstructured or _text(entry, "AddtlNtryInf")
    if reference is None and text:
        found = find_references(text)
        reference = found[0].value if found else None
    e2e = _text(tx, "Refs", "EndToEndId") if tx is not None else None
    booking = _date(_child(entry, "BookgDt"))
    if booking is None:
        raise StatementError(f"entry {index}: booking date missing")
    family = _child(entry, "BkTxCd", "Domn")
    code = None
    if family is not None:
        code = "/".join(
            x
            for x in (
                _text(family, "Cd"),
                _text(family, "Fmly", "Cd"),
                _text(family, "Fmly", "SubFmlyCd"),
            )
            if x
        )
    return StatementLine(
        booking_date=booking,
        value_date=_date(_child(entry, "ValDt")),
        amount=amount if credit else -amount,
        currency=_currency(entry),
        counterparty_iban=iban,
        counterparty_name=name,
        counterparty_bic=bic,
        remittance=text,
        reference=reference,
        end_to_end_id=None if e2e in (None, "NOTPROVIDED") else e2e,
        bank_reference=(_text(tx, "Refs", "AcctSvcrRef") if tx is not None else None)
        or _text(entry, "AcctSvcrRef"),
        return_reason=_text(tx, "RtrInf", "Rsn", "Cd") if tx is not None else None,
        transaction_code=code,
        reversal=(_text(entry, "RvslInd") or "").lower() == "true",
    )


def _currency(entry: Element) -> str:
    amt = _child(entry, "Amt")
    return (amt.get("Ccy") if amt is not None else None) or "EUR"


def _balances(stmt: Element) -> tuple[Balance | None, Balance | None]:
    opening = closing = None
    for bal in _children(stmt, "Bal"):
        code = _text(bal, "Tp", "CdOrPrtry", "Cd")
        amount = _amount(_child(bal, "Amt"), f"balance {code}")
        if _text(bal, "CdtDbtInd") == "DBIT":
            amount = -amount
        on = _date(_child(bal, "Dt")) or date.min
        if code in ("OPBD", "PRCD") and opening is None:
            opening = Balance(amount, on)
        elif code == "CLBD":
            closing = Balance(amount, on)
    return opening, closing


def parse_camt053(data: bytes) -> list[Statement]:
    """Stream the document: each ``<Ntry>`` is read into lines and dropped from the tree as
    soon as it ends, so memory per entry is constant whatever the file's size. Defused:
    a DTD, an entity declaration or an external reference refuses the file."""
    if len(data) > MAX_BYTES:
        raise StatementError(f"file larger than {MAX_BYTES // (1024 * 1024)} MiB")
    statements: list[Statement] = []
    version: str | None = None
    depth = 0
    stmt: Element | None = None
    lines: list[StatementLine] = []
    warnings: list[str] = []
    n = 0
    try:
        for event, el in iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                depth += 1
                if depth == 1:
                    version = _document_version(el.tag)
                elif depth == 3 and _local(el.tag) == "Stmt":
                    stmt, lines, warnings, n = el, [], [], 0
                elif depth > MAX_DEPTH:
                    raise StatementError(f"XML nested deeper than {MAX_DEPTH} levels")
                continue
            depth -= 1
            if depth == 3 and stmt is not None and _local(el.tag) == "Ntry":
                n += 1
                _entry(el, n, lines, warnings)
                if len(stmt) and stmt[-1] is el:
                    del stmt[-1]  # the entry is read: drop it, keep memory flat
            elif depth == 2 and stmt is not None and el is stmt:
                statements.append(_statement(stmt, tuple(lines), tuple(warnings), version or ""))
                stmt.clear()
                stmt = None
    except DefusedXmlException as exc:
        raise StatementError(f"XML refused for safety: {exc.__class__.__name__}") from exc
    except ParseError as exc:
        line = exc.position[0] if hasattr(exc, "position") else None
        raise StatementError(f"not well-formed XML: {exc}", line=line) from exc
    if not statements:
        raise StatementError("camt.053 document without a statement")
    return statements


def _document_version(tag: str) -> str:
    m = _NS.match(tag)
    if not m:
        raise StatementError(f"not an ISO 20022 camt document (root {_local(tag)!r})")
    if m.group(1) != "camt.053":
        raise StatementError(f"{m.group(1)} is not a bank statement (camt.053 expected)")
    return m.group(2)


def _entry(entry: Element, n: int, lines: list[StatementLine], warnings: list[str]) -> None:
    status = _status(entry)
    if status not in (None, "BOOK"):
        warnings.append(f"entry {n} has status {status}; only booked entries are read")
        return
    total = _amount(_child(entry, "Amt"), f"entry {n}")
    txs = [tx for d in _children(entry, "NtryDtls") for tx in _children(d, "TxDtls")]
    if len(txs) <= 1:
        lines.append(_line(entry, txs[0] if txs else None, total, str(n)))
        return
    for k, tx in enumerate(txs, start=1):
        amt = _child(tx, "AmtDtls", "TxAmt", "Amt")
        if amt is None:
            amt = _child(tx, "Amt")
        lines.append(_line(entry, tx, _amount(amt, f"entry {n}.{k}"), f"{n}.{k}"))


def _statement(
    stmt: Element, lines: tuple[StatementLine, ...], warnings: tuple[str, ...], version: str
) -> Statement:
    acct = _child(stmt, "Acct")
    account = _text(acct, "Id", "IBAN") or _text(acct, "Id", "Othr", "Id")
    if not account:
        raise StatementError("statement without an account identification")
    opening, closing = _balances(stmt)
    return Statement(
        account=iban_check.normalise(account) if iban_check.is_valid(account) else account,
        currency=_text(acct, "Ccy") or "EUR",
        opening=opening,
        closing=closing,
        lines=lines,
        statement_id=_text(stmt, "Id"),
        format=f"camt.053.001.{version}",
        warnings=warnings,
        sequence=_text(stmt, "ElctrncSeqNb") or _text(stmt, "LglSeqNb"),
        on=_date_of(stmt),
    )


def _date_of(stmt: Element) -> date | None:
    """The statement's own date: the end of its period, else its creation date."""
    period = _text(stmt, "FrToDt", "ToDtTm")
    created = _text(stmt, "CreDtTm")
    for value in (period, created):
        if value:
            return _iso_date(value, "statement date")
    return None
