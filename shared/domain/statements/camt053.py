"""CAMT.053 (ISO 20022 BankToCustomerStatement, camt.053.001.02 and later) with a hardened
XML parser: no DTDs, no entity expansion, no external references, a size limit."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from shared.domain.money import cents_from_decimal
from shared.domain.references import iban as iban_check
from shared.domain.references.finder import find_references
from shared.domain.statements.model import Balance, Statement, StatementError, StatementLine

MAX_BYTES = 50 * 1024 * 1024
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
    try:
        return cents_from_decimal(Decimal(el.text.strip()))
    except (InvalidOperation, ValueError) as exc:
        raise StatementError(f"{where}: not an amount: {el.text!r}") from exc


def _date(el: Element | None) -> date | None:
    if el is None:
        return None
    if (d := _text(el, "Dt")) is not None:
        return date.fromisoformat(d[:10])
    if (dt := _text(el, "DtTm")) is not None:
        return date.fromisoformat(dt[:10])  # the bank's own calendar date, as written
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
    if len(data) > MAX_BYTES:
        raise StatementError(f"file larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise StatementError(f"XML refused for safety: {exc.__class__.__name__}") from exc
    except ParseError as exc:
        line = exc.position[0] if hasattr(exc, "position") else None
        raise StatementError(f"not well-formed XML: {exc}", line=line) from exc
    m = _NS.match(root.tag)
    if not m:
        raise StatementError(f"not an ISO 20022 camt document (root {_local(root.tag)!r})")
    if m.group(1) != "camt.053":
        raise StatementError(f"{m.group(1)} is not a bank statement (camt.053 expected)")
    body = _child(root, "BkToCstmrStmt")
    statements = []
    for stmt in _children(body, "Stmt"):
        acct = _child(stmt, "Acct")
        account = _text(acct, "Id", "IBAN") or _text(acct, "Id", "Othr", "Id")
        if not account:
            raise StatementError("statement without an account identification")
        opening, closing = _balances(stmt)
        currency = _text(acct, "Ccy") or "EUR"
        lines: list[StatementLine] = []
        warnings: list[str] = []
        for n, entry in enumerate(_children(stmt, "Ntry"), start=1):
            status = _status(entry)
            if status not in (None, "BOOK"):
                warnings.append(f"entry {n} has status {status}; only booked entries are read")
                continue
            total = _amount(_child(entry, "Amt"), f"entry {n}")
            txs = [tx for d in _children(entry, "NtryDtls") for tx in _children(d, "TxDtls")]
            if len(txs) <= 1:
                lines.append(_line(entry, txs[0] if txs else None, total, str(n)))
                continue
            for k, tx in enumerate(txs, start=1):
                amt = _child(tx, "AmtDtls", "TxAmt", "Amt")
                if amt is None:
                    amt = _child(tx, "Amt")
                lines.append(_line(entry, tx, _amount(amt, f"entry {n}.{k}"), f"{n}.{k}"))
        statements.append(
            Statement(
                account=iban_check.normalise(account) if iban_check.is_valid(account) else account,
                currency=currency,
                opening=opening,
                closing=closing,
                lines=tuple(lines),
                statement_id=_text(stmt, "Id"),
                format=f"camt.053.001.{m.group(2)}",
                warnings=tuple(warnings),
            )
        )
    if not statements:
        raise StatementError("camt.053 document without a statement")
    return statements
