"""CAMT.053 (ISO 20022 BankToCustomerStatement, camt.053.001.02 and later), streamed and
hardened: no DTDs (so no entity expansion and no external references), no nesting bombs, a size
limit.

The DTD checks run on the bytes before any parser sees them, which is what lets the parse
itself run in the C ``iterparse`` (defusedxml's parser, hooked in Python, costs twice the
parse): the document must be UTF-8, ASCII or Latin-1 (where ``<!DOCTYPE`` and ``<!ENTITY`` can
only be written as those bytes) and must contain neither. Without a DTD an entity reference
is an error of the parser, so nothing is expanded and nothing outside the file is read.

Memory is bounded in the parse itself, from its start and end events (counting bytes is
fooled by ``</`` inside a comment or CDATA): nesting deeper than ``MAX_DEPTH`` is refused
when it opens; an element is dropped from the tree when it ends unless the statement still
reads it (inside an open ``<Ntry>``, or a part of the open ``<Stmt>`` its header is read
from), so a file of millions of stray elements costs no more than its entries; and an entry
or a statement header holding more elements than any bank writes is refused."""

from __future__ import annotations

import io
import re
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError, iterparse

from shared.clock import amsterdam_date
from shared.domain.money import cents_from_decimal, format_eur_nl
from shared.domain.references import iban as iban_check
from shared.domain.references.finder import read_reference
from shared.domain.statements import charges_said
from shared.domain.statements.model import (
    NO_CLOSING,
    Balance,
    Statement,
    StatementError,
    StatementLine,
    charges_note,
    check_amount,
    payer_charges_note,
)

MAX_BYTES = 50 * 1024 * 1024
_AMOUNT = re.compile(r"^\s*\d{1,18}(\.\d{1,5})?\s*$")  # ISO 20022 ActiveOrHistoricCurrencyAndAmount
MAX_DEPTH = 40  # camt.053 needs about 12; deeper is an attack, not a statement
# elements held at once: one entry (a batch booking's transaction details are ~30 elements
# each, so 10,000 transactions fit), and a statement's header (account, balances, period)
MAX_ENTRY_ELEMENTS = 300_000
MAX_HEADER_ELEMENTS = 10_000
# the direct children of <Stmt> that _statement reads; any other is dropped when it ends
_STMT_PARTS = frozenset({"Id", "ElctrncSeqNb", "LglSeqNb", "CreDtTm", "FrToDt", "Acct", "Bal"})
_DROP, _KEEP, _PART = 0, 1, 2  # what happens to an element outside an entry when it ends
_BATCH = 256  # ended elements deleted from their parent at a time
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}


def _refuse_unsafe(data: bytes) -> None:
    """What defusedxml would refuse, and what would blow up memory, refused up front."""
    head = data[:200]
    # a NUL is no XML character in UTF-8 or Latin-1; UTF-16 and UTF-32 write one beside every
    # ASCII character, byte-order mark or not: '<\0?\0' is UTF-16LE to expat, whose DTD the
    # ASCII search below never saw (attack24 F8: entities grew 8.6 MB into 400 million
    # characters, 766 MB of memory)
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x4c\x6f\xa7\x94")):
        raise StatementError("XML refused: camt.053 must be UTF-8 encoded")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise StatementError(
            f"XML refused: not well-formed XML (a NUL byte at offset {nul}); camt.053 must be "
            "UTF-8 encoded"
        )
    declared = _DECLARED.match(head)
    if declared and declared.group(1).decode().lower() not in _ENCODINGS:
        raise StatementError(
            f"XML refused: encoding {declared.group(1).decode()!r}; camt.053 must be UTF-8"
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise StatementError("XML refused for safety: a DTD or entity declaration")


_NS = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.001\.(\d{2})\}Document$")


def looks_like_camt(data: bytes) -> bool:
    # a UTF-8 byte-order mark may open an XML document (XML 1.0 section 4.3.3): Rabobank's
    # CAMT.053 exports start with one (newcomer7 finding 1)
    head = data[:2048].removeprefix(b"\xef\xbb\xbf").lstrip()
    # an envelope's AppHdr (a signature in it) may push the Document's namespace further on
    return head.startswith(b"<") and (b"camt.05" in head or b"BizMsgEnvlp" in head)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# "{namespace}" of the document being read: element lookups by qualified name stay in C
_Q: ContextVar[str] = ContextVar("camt_namespace", default="")


def _child(el: Element | None, *path: str) -> Element | None:
    q = _Q.get()
    for name in path:
        if el is None:
            return None
        el = el.find(q + name)
    return el


def _children(el: Element | None, name: str) -> list[Element]:
    return [] if el is None else el.findall(_Q.get() + name)


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
    q = _Q.get()
    if (d := _stripped(el.findtext(q + "Dt"))) is not None:
        return _iso_date(d, "date")
    if (dt := _stripped(el.findtext(q + "DtTm"))) is not None:
        return _date_time(dt)
    return None


def _date_time(text: str) -> date:
    """A ``DtTm``'s Dutch calendar date: one with an offset or ``Z`` is an instant
    (``2014-01-04T23:00:00Z`` is the 5th in Amsterdam); a local time is the bank's own
    calendar date, as written."""
    try:
        instant = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return _iso_date(text, "date")
    return amsterdam_date(instant) if instant.tzinfo is not None else instant.date()


def _status(entry: Element) -> str | None:
    q = _Q.get()
    sts = entry.find(q + "Sts")
    if sts is None:
        return None
    return _stripped(sts.findtext(q + "Cd")) or _stripped(sts.text)


def _stripped(text: str | None) -> str | None:
    return (text.strip() or None) if text else None


def _party(tx: Element, role: str, q: str) -> tuple[str | None, str | None, str | None]:
    parties = tx.find(q + "RltdPties")
    name = iban = bic = None
    if parties is not None:
        party = parties.find(q + role)
        if party is not None:
            name = _stripped(party.findtext(q + "Nm")) or _text(party, "Pty", "Nm")
        account = _child(parties, f"{role}Acct", "Id")
        if account is not None:
            iban = _stripped(account.findtext(q + "IBAN")) or _text(account, "Othr", "Id")
    if iban is not None:
        # the shape, not the check digits: a payer's account is an identifier either way
        compact = iban.replace(" ", "").upper()
        iban = compact if _IBAN_SHAPE.match(compact) else iban
    agents = tx.find(q + "RltdAgts")
    if agents is not None:
        agent = _child(agents, f"{role}Agt", "FinInstnId")
        bic = _text(agent, "BIC") or _text(agent, "BICFI")
    return iban, name, bic


def _line(
    entry: Element,
    tx: Element | None,
    amount: int,
    index: str,
    fallback: date | None = None,
    charges: int = 0,
) -> StatementLine:
    """One line from an entry (and its transaction details, when there are any). Direct
    lookups by qualified name: this runs once per line of a 50 MB file."""
    q = _Q.get()
    credit = (
        (tx.findtext(q + "CdtDbtInd") if tx is not None else None)
        or entry.findtext(q + "CdtDbtInd")
    ) == "CRDT"
    role = "Dbtr" if credit else "Cdtr"
    iban = name = bic = e2e = tx_ref = reason = None
    unstructured = reference = None
    if tx is not None:
        iban, name, bic = _party(tx, role, q)
        remit = tx.find(q + "RmtInf")
        if remit is not None:
            unstructured = _ustrd_text([t.text for t in remit.iterfind(q + "Ustrd") if t.text])
            for strd in remit.iterfind(q + "Strd"):
                reference = reference or _text(strd, "CdtrRefInf", "Ref")
        # ABN AMRO writes some descriptions only in the transaction's AddtlTxInf
        unstructured = unstructured or _stripped(tx.findtext(q + "AddtlTxInf"))
        refs = tx.find(q + "Refs")
        if refs is not None:
            e2e = _stripped(refs.findtext(q + "EndToEndId"))
            tx_ref = _stripped(refs.findtext(q + "AcctSvcrRef"))
        rtr = tx.find(q + "RtrInf")
        reason = _text(rtr, "Rsn", "Cd") if rtr is not None else None
        if rtr is not None and not credit and iban is None:
            # a credit sent back: the bank names the original transfer's parties, whose
            # debtor is the payer the money goes back to (newcomer12 #1)
            iban, name, bic = _party(tx, "Dbtr", q)
    text = unstructured or _stripped(entry.findtext(q + "AddtlNtryInf"))
    before = None
    if reference is None and text:
        reference, before = read_reference(text)
    booked = entry.find(q + "BookgDt")
    booking = _date(booked) or fallback
    if booking is None:
        raise StatementError(f"entry {index}: booking date missing")
    code = None
    family = _child(entry, "BkTxCd", "Domn")
    if family is not None:
        fmly = family.find(q + "Fmly")
        parts_ = [_stripped(family.findtext(q + "Cd"))]
        if fmly is not None:
            parts_ += [
                _stripped(fmly.findtext(q + "Cd")),
                _stripped(fmly.findtext(q + "SubFmlyCd")),
            ]
        code = "/".join(x for x in parts_ if x)
    amt = entry.find(q + "Amt")
    return StatementLine(
        booking_date=booking,
        value_date=_date(entry.find(q + "ValDt")),
        amount=amount if credit else -amount,
        currency=_currency_of(amt) or "EUR",
        counterparty_iban=iban,
        counterparty_name=name,
        counterparty_bic=bic,
        remittance=text,
        reference=reference,
        referenced_before=before,
        end_to_end_id=None if e2e in (None, "NOTPROVIDED") else e2e,
        bank_reference=tx_ref or _stripped(entry.findtext(q + "AcctSvcrRef")),
        return_reason=reason,
        transaction_code=code,
        reversal=(_stripped(entry.findtext(q + "RvslInd")) or "").lower() == "true",
        charges=charges if credit else 0,
    )


# banks that cut a long description into <Ustrd> parts fill each to one of these widths
# (PostFinance and the German DK format 35, the schema's own maximum 140)
_USTRD_CUT_WIDTHS = (35, 140)


def _ustrd_text(parts: list[str]) -> str | None:
    """The <Ustrd> parts as one text: a part the bank filled to its width and cut inside a
    word or number goes on without a separator (a betalingskenmerk "5" / "000056789012345"
    is one number again), as in MT940's :86: (details_nl); other parts join with a space."""
    out, prev = "", ""
    for raw in parts:
        text = raw.strip()
        if not text:
            continue
        cut = len(prev) in _USTRD_CUT_WIDTHS and not prev[-1].isspace() and not raw[0].isspace()
        out += text if cut or not out else " " + text
        prev = raw
    return out or None


def _currency_of(amt: Element | None) -> str | None:
    ccy = amt.get("Ccy") if amt is not None else None
    return ccy.strip().upper() or None if ccy else None


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
    """Stream the document: each ``<Ntry>`` is read into lines and cleared as soon as it
    ends, so memory per entry is constant whatever the file's size. Defused: a DTD, an
    entity declaration or an external reference refuses the file."""
    if len(data) > MAX_BYTES:
        raise StatementError(f"file larger than {MAX_BYTES // (1024 * 1024)} MiB")
    data = _declaration_first(data)
    _refuse_unsafe(data)
    token = _Q.set("")
    try:
        return _stream(data)
    except ParseError as exc:
        line = exc.position[0] if hasattr(exc, "position") else None
        raise _not_utf8(data, line) or StatementError(
            f"not well-formed XML: {exc}", line=line
        ) from exc
    finally:
        _Q.reset(token)


def _not_utf8(data: bytes, line: int | None) -> StatementError | None:
    """The refusal of a document read as UTF-8 (none other declared) whose failing line holds
    a byte that is no UTF-8: a file re-saved as Latin-1 or Windows-1252, its 'é' one byte.
    expat said only "not well-formed (invalid token)" (banks27 F5)."""
    declared = _DECLARED.match(data[:200])
    if declared and declared.group(1).decode().lower() not in ("utf-8", "utf8"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = data.count(b"\n", 0, exc.start) + 1
        if at == line:
            return StatementError(
                f"not UTF-8: byte 0x{data[exc.start]:02X} is no UTF-8 character (the file was "
                "saved as Latin-1 or Windows-1252, an accented letter such as 'é' one byte?); "
                "download it from the bank again, or save it as UTF-8",
                line=line,
            )
    return None


_BOM = b"\xef\xbb\xbf"
_BLANKS = b" \t\r\n"


def _declaration_first(data: bytes) -> bytes:
    """``data`` with the blanks before its XML declaration moved behind it. XML wants the
    declaration first; an export written by a web page or a script often starts with a line
    break, and expat refused the whole file ("XML or text declaration not at start of
    entity", banks27 F2). Behind the declaration the same blanks are allowed and keep every
    later line's number, so a refusal still names the file's own line."""
    bom = _BOM if data.startswith(_BOM) else b""
    head = data[len(bom) : len(bom) + 4096]  # a longer run of blanks is no export's
    start = len(head) - len(head.lstrip(_BLANKS))
    end = head.find(b"?>", start)
    if start == 0 or not head.startswith(b"<?xml", start) or end < 0:
        return data
    end += 2
    body = data[len(bom) :]
    return bom + body[start:end] + body[:start] + body[end:]


def _stream(data: bytes) -> list[Statement]:
    statements: list[Statement] = []
    version = ""
    ntry = stmt = ""
    lines: list[StatementLine] = []
    warnings: list[str] = []
    header: list[Element] = []  # the open statement's header parts, taken out as they end
    n = 0
    depth = 0
    entry_at = 0  # the depth of the open <Ntry>; 0: none open
    held = header_held = 0  # elements held in the open entry / the open statement's header
    path: list[Element] = []  # the open elements outside an entry, root first
    fate: list[int] = []  # per element of ``path``: dropped, a <Stmt>, or a header part
    ended: list[int] = []  # per element of ``path``: its children that ended (its first ones)
    el: Element | None = None
    # the C parser, safe here: _refuse_unsafe has refused DTDs and entities; the loop below
    # bounds nesting and the elements held. Inside an entry it only counts (the hot path).
    max_depth, max_held = MAX_DEPTH, MAX_ENTRY_ELEMENTS
    for event, el in iterparse(io.BytesIO(data), events=("start", "end")):  # noqa: S314
        if event == "start":
            depth += 1
            if entry_at:
                held += 1
                if held > max_held or depth > max_depth:
                    _refuse(depth, n + 1)
                continue
            if depth > max_depth:
                _refuse(depth, 0)
            tag = el.tag
            if not version and _names_document(tag, depth):
                # the root, or the Document under a business-message envelope, names the
                # document's namespace and version; the envelope's other parts are dropped
                q = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
                version = _document_version(tag)
                _Q.set(q)
                ntry, stmt = q + "Ntry", q + "Stmt"
            if tag == ntry:
                entry_at, held = depth, 0
                continue
            if tag == stmt:
                header, header_held, kind = [], 0, _KEEP
            else:
                parent = fate[-1] if fate else _DROP
                kind = _DROP
                if parent == _PART or (parent == _KEEP and _local(tag) in _STMT_PARTS):
                    kind = _PART
                    header_held += 1
                    if header_held > MAX_HEADER_ELEMENTS:
                        raise StatementError(
                            f"statement header of more than {MAX_HEADER_ELEMENTS} elements"
                        )
            path.append(el)
            fate.append(kind)
            ended.append(0)
            continue
        depth -= 1
        if entry_at:
            if depth >= entry_at:
                continue  # an element of the open entry: read when the entry ends
            entry_at = 0
            n += 1
            _entry(el, n, lines, warnings, header)
            el.clear()  # the entry is read: its subtree goes now, its shell with the batch
        else:
            path.pop()
            ended.pop()
            kind = fate.pop()
            if kind == _KEEP:  # a <Stmt>: its header parts and the entries' lines
                head = Element(stmt)
                head.extend(header)
                statements.append(_statement(head, tuple(lines), tuple(warnings), version))
                lines, warnings, header, n = [], [], [], 0
            elif kind == _PART:
                if fate[-1] == _PART:
                    continue  # inside a header part: stays with it
                header.append(el)
        if path:
            # Children end in document order, so the ended ones are the parent's first ones
            # (the tree is built a chunk ahead of the events: later siblings may be there
            # already). Deleted in batches: one deletion each would shift the rest each time.
            ended[-1] += 1
            if ended[-1] >= _BATCH:
                del path[-1][:_BATCH]
                ended[-1] -= _BATCH
    if el is None or not statements:
        raise StatementError(
            ENVELOPE_WITHOUT_DOCUMENT if not version else "camt.053 document without a statement"
        )
    return statements


def _refuse(depth: int, entry: int) -> None:
    if depth > MAX_DEPTH:
        raise StatementError(f"XML nested deeper than {MAX_DEPTH} levels")
    raise StatementError(f"entry {entry}: more than {MAX_ENTRY_ELEMENTS} elements")


# ISO 20022 business-message envelopes that carry a Document beside its AppHdr (head.001):
# the Business Message Envelope (nvlp.001, Hdr/Doc) and the plain wrappers banks and
# middleware write; the Document is read where it stands, no deeper than this
_ENVELOPES = frozenset({"BizMsgEnvlp", "BusinessMessage", "Envelope", "Message", "BizMsg"})
_ENVELOPE_DEPTH = 4
ENVELOPE_WITHOUT_DOCUMENT = (
    "a business-message envelope without a camt.053 Document: upload the bank's statement "
    "(the Document element) itself"
)


def _names_document(tag: str, depth: int) -> bool:
    """Whether the element opening at ``depth`` (before the Document was found) is the one
    to read as the document: the root unless it is an envelope, else a camt Document within
    the envelope's first levels."""
    if depth == 1:
        return _local(tag) not in _ENVELOPES
    return depth <= _ENVELOPE_DEPTH and _NS.match(tag) is not None


def _document_version(tag: str) -> str:
    m = _NS.match(tag)
    if not m:
        raise StatementError(f"not an ISO 20022 camt document (root {_local(tag)!r})")
    if m.group(1) != "camt.053":
        raise StatementError(f"{m.group(1)} is not a bank statement (camt.053 expected)")
    return m.group(2)


def _entry(
    entry: Element, n: int, lines: list[StatementLine], warnings: list[str], header: list[Element]
) -> None:
    status = _status(entry)
    if status not in (None, "BOOK"):
        warnings.append(f"entry {n} has status {status}; only booked entries are read")
        return
    q = _Q.get()
    fallback = None
    if _date(entry.find(q + "BookgDt")) is None:
        fallback, source = _date_without_booking(entry, header)
        if fallback is None:
            raise StatementError(f"entry {n}: booking date missing (nor a value or statement date)")
        warnings.append(f"entry {n} has no booking date (BookgDt): the {source} is used")
    amt = entry.find(q + "Amt")
    if amt is None or not (amt.text or "").strip():
        raise StatementError(
            f"entry {n}: amount missing (Ntry/Amt); ask the bank to make the statement again: "
            "an entry without its amount cannot be booked"
        )
    total = _amount(amt, f"entry {n}")
    txs = [tx for d in entry.iterfind(q + "NtryDtls") for tx in d.iterfind(q + "TxDtls")]
    # the entry books a batch as one sum (a direct-debit file's collections): its id
    batch = _text(entry, "NtryDtls", "Btch", "PmtInfId")
    ccy = _currency_of(amt) or "EUR"
    credit = entry.findtext(q + "CdtDbtInd") == "CRDT"
    bank = _servicer(header)
    if len(txs) > 1:
        parts, why = _split(entry, n, txs, total, ccy, credit, bank)
        if parts is not None:
            for k, (part, amount, kept, doubt) in enumerate(parts, start=1):
                if doubt is not None:
                    warnings.append(doubt)
                line = _line(entry, part, amount, f"{n}.{k}", fallback, kept.payee)
                if line.charges or kept.payer:
                    _note_charges(warnings, f"entry {n}.{k}", amount + kept.payer, kept)
                # each collection of the batch keeps the batch's id: split per TxDtls, the
                # lines of one of our own direct-debit files are still that file's
                # collection (newcomer6 #1)
                lines.append(replace(line, batch_id=batch, batch_part=True) if batch else line)
            return
        # not split: the entry as the one line the account moved, for a person to split
        warnings.append(
            f"entry {n}: {why}: booked as one line of {format_eur_nl(total)}, not split per "
            "payer; split it by hand"
        )
        txs = []
    tx = txs[0] if txs else None
    amount, charges = total, 0
    if credit and tx is not None:
        paid = _paid(tx, ccy)
        taken = _charges(tx, ccy, bank)
        taken = _charges(entry, ccy, bank) if taken is None else taken
        # the payer's amount only where the file says the difference is charges kept of it
        if paid is not None and taken and taken.total and paid - taken.total == total:
            if (doubt := _doubt(f"entry {n}", paid, taken, total, ccy)) is not None:
                warnings.append(doubt)  # booked as it arrived
            else:
                amount, charges = paid - taken.payer, taken.payee
                _note_charges(warnings, f"entry {n}", paid, taken)
    line = _line(entry, tx, amount, str(n), fallback, charges)
    lines.append(replace(line, batch_id=batch) if batch else line)


def _split(
    entry: Element,
    n: int,
    txs: list[Element],
    total: int,
    ccy: str,
    credit: bool,
    bank: str | None,
) -> tuple[list[tuple[Element, int, Kept, str | None]] | None, str]:
    """A batch entry's transactions with each one's amount in the account's currency, the
    charges kept of it and the warning of charges not believed, when they add up to the
    entry; else ``None`` and why not (the entry is then booked as one line: booking parts
    that are not what arrived would mark invoices paid with money that never came)."""
    q = _Q.get()
    parts: list[tuple[Element, int, Kept, str | None]] = []
    moved = 0
    for k, tx in enumerate(txs, start=1):
        part_credit = (tx.findtext(q + "CdtDbtInd") or entry.findtext(q + "CdtDbtInd")) == "CRDT"
        got = _part(tx, ccy, part_credit, bank, f"entry {n}.{k}")
        if got is None:
            return None, f"transaction {k} of {len(txs)} gives no amount in {ccy}"
        amount, kept, doubt = got
        parts.append((tx, amount, kept, doubt))
        moved += (amount - kept.payee) if part_credit else -amount
    entry_moved = total if credit else -total
    if moved != entry_moved:
        return None, (
            f"its {len(txs)} transactions add up to {format_eur_nl(abs(moved))}, not the "
            f"entry's {format_eur_nl(total)}"
        )
    return parts, ""


def _part(
    tx: Element, ccy: str, credit: bool, bank: str | None, where: str
) -> tuple[int, Kept, str | None] | None:
    """One transaction of a batch: the amount it pays in the account's currency, the
    charges kept of it (:class:`Kept`) and the warning of charges not believed (the part is
    then what arrived of it, no charges). ``TxDtls/Amt`` is its share of the entry
    (camt.053.001.04 and later); ``AmtDtls`` what the payer sent (in another currency only its
    counter value counts)."""
    share = _in(_child(tx, "Amt"), ccy)
    paid = _paid(tx, ccy)
    kept = _charges(tx, ccy, bank) if credit else None
    if paid is not None and kept and kept.total and share in (None, paid - kept.total):
        arrived = paid - kept.total
        if (doubt := _doubt(where, paid, kept, arrived, ccy)) is not None:
            return arrived, _NONE_KEPT, doubt
        return paid - kept.payer, kept, None
    if share is not None:
        return share, _NONE_KEPT, None
    return (paid, _NONE_KEPT, None) if paid is not None else None


def _doubt(where: str, paid: int, kept: Kept, arrived: int, ccy: str) -> str | None:
    """The warning of the account's bank's charges that cannot be its charges (more than a
    few percent or an amount of what was sent, or all that arrived: charges_said, as for
    MT940); ``None`` when they are plausible. Such a credit is booked with what arrived: a
    client uploads its own account's file and a bare total names no bank (codereview11 F3)."""
    if not kept.payee or charges_said.plausible(paid, kept.payee, arrived):
        return None
    return charges_said.doubt_note(
        where,
        f"{ccy} {Decimal(paid) / 100:.2f}",
        f"{ccy} {Decimal(kept.total) / 100:.2f}",
        arrived,
        charges_said.IMPLAUSIBLE,
    )


def _in(amt: Element | None, ccy: str) -> int | None:
    """An amount element's cents when it is in ``ccy``; ``None`` when it is absent, in another
    currency or unreadable (an amount read beside the entry's own never refuses the file)."""
    if amt is None or (_currency_of(amt) or ccy) != ccy:
        return None
    try:
        return _amount(amt, "amount")
    except StatementError:
        return None


def _paid(tx: Element, ccy: str) -> int | None:
    """What the payer sent, in the account's currency: the transaction amount (``TxAmt``),
    else the instructed amount, else the counter value of one in another currency."""
    for kind in ("TxAmt", "InstdAmt", "CntrValAmt"):
        if (got := _in(_child(tx, "AmtDtls", kind, "Amt"), ccy)) is not None:
            return got
    return None


@dataclass(frozen=True)
class Kept:
    """The charges kept of a credit before it reached the account, by whose cost they are.

    ``payee``: the account holder's own bank's charges, which it deducts by the account
    holder's agreement (PSD2 art. 81(2), art. 7:520 BW): the account holder's cost, so the
    payer is credited what he sent. ``payer``: charges the file says the payer bears (``Br``
    DEBT), or any an agent other than the account's bank took on the way (a correspondent's,
    under SHAR the payer's share): the costs of payment are the debtor's (art. 6:47 lid 1 BW)
    and a transfer pays what is credited to the account (6:114 lid 2), so these are not paid.
    ``why``: the first reason a charge is the payer's, for the statement's warning."""

    payee: int = 0
    payer: int = 0
    why: str = ""

    @property
    def total(self) -> int:
        return self.payee + self.payer


_NONE_KEPT = Kept()


def _charges(node: Element, ccy: str, bank: str | None) -> Kept | None:
    """The charges kept of ``node``'s amount (an entry's or a transaction's ``Chrgs``):
    records debited and included in the amount (camt.053.001.04 and later: ``Rcrd`` with
    ``ChrgInclInd``; .02: ``Chrgs`` repeated), else their total; ``None`` when the file names
    none, or names one in another currency. ``bank``: the account's bank (:func:`_servicer`),
    whose own charges are the account holder's; a record's ``Br`` and ``Agt`` say whose the
    others are (:class:`Kept`). A bare total names neither: the bank's own, as before."""
    q = _Q.get()
    payee = payer = 0
    why, found = "", False
    for chrgs in node.iterfind(q + "Chrgs"):
        records = [
            r for r in (chrgs.findall(q + "Rcrd") or [chrgs]) if r.find(q + "Amt") is not None
        ]
        if not records:
            ttl = chrgs.find(q + "TtlChrgsAndTaxAmt")
            if ttl is None:
                continue
            if (cents := _in(ttl, ccy)) is None:
                return None
            payee, found = payee + cents, True
            continue
        for record in records:
            if (_stripped(record.findtext(q + "ChrgInclInd")) or "true").lower() == "false":
                continue  # charged apart, not kept of this amount
            if _stripped(record.findtext(q + "CdtDbtInd")) == "CRDT":
                continue  # a charge refunded
            if (cents := _in(record.find(q + "Amt"), ccy)) is None:
                return None
            found = True
            if (reason := _payers_charge(record, bank)) is None:
                payee += cents
            else:
                payer += cents
                why = why or reason
    return Kept(payee, payer, why) if found else None


def _payers_charge(record: Element, bank: str | None) -> str | None:
    """Why a charge record is the payer's (:class:`Kept`), or ``None``: the account's bank's
    own. ``Br`` DEBT says the payer bears it; a named ``Agt`` that is not the account's bank
    took it before the money arrived, whatever the bearer code (SHAR: the payer's share; CRED
    is the payer's instruction, which cannot move the debtor's cost of payment onto the
    creditor). Where the account's bank cannot be told (no ``Svcr``, an IBAN without the
    bank's letters) a named agent is read as the account's bank, as before."""
    if (_stripped(record.findtext(_Q.get() + "Br")) or "").upper() == "DEBT":
        return "borne by the payer (Br DEBT)"
    agent = _bic_of(_child(record, "Agt", "FinInstnId"))
    if agent is not None and bank is not None and agent[:6] != bank:
        return f"taken by {agent} before the credit reached the account"
    return None


def _bic_of(institution: Element | None) -> str | None:
    bic = _text(institution, "BICFI") or _text(institution, "BIC")
    bic = bic.replace(" ", "").upper() if bic else None
    return bic if bic and len(bic) >= 6 else None


def _servicer(header: list[Element]) -> str | None:
    """The account's bank as a BIC's bank and country code (``ABNANL``): the statement's
    ``Acct/Svcr`` BIC, else the IBAN's bank code where it is the BIC's letters (NL02ABNA...:
    ABNA, NL); ``None`` when neither tells."""
    for part in header:
        if _local(part.tag) != "Acct":
            continue
        if (bic := _bic_of(_child(part, "Svcr", "FinInstnId"))) is not None:
            return bic[:6]
        iban = (_text(part, "Id", "IBAN") or "").replace(" ", "").upper()
        if len(iban) >= 8 and iban[4:8].isalpha() and iban[4:8].isascii():
            return iban[4:8] + iban[:2]
    return None


def _note_charges(warnings: list[str], where: str, paid: int, kept: Kept) -> None:
    """The warnings of a charged credit: the bank's own charges (the account holder's cost),
    and the payer's (not paid: they stay open)."""
    if kept.payee:
        warnings.append(charges_note(where, paid - kept.payer, kept.payee))
    if kept.payer:
        warnings.append(payer_charges_note(where, paid, kept.payer, kept.why))


def _date_without_booking(entry: Element, header: list[Element]) -> tuple[date | None, str]:
    """The day of an entry without ``BookgDt`` (0..1 in the schema; a Lithuanian
    camt.053.001.08 leaves it out): its value date (``ValDt``), the day the money moved, which
    for a credit is the day it counts as paid; else the statement's own day (end of its period,
    its closing balance's date), the day the bank reports it on."""
    q = _Q.get()
    if (value := _date(entry.find(q + "ValDt"))) is not None:
        return value, "value date (ValDt)"
    for part in header:
        if _local(part.tag) == "FrToDt" and (to := _stripped(part.findtext(q + "ToDtTm"))):
            return _date_time(to), "end of the statement's period (FrToDt)"
    days = {
        _text(part, "Tp", "CdOrPrtry", "Cd"): _date(part.find(q + "Dt"))
        for part in header
        if _local(part.tag) == "Bal"
    }
    for code in ("CLBD", "CLAV", "OPBD", "PRCD"):
        if (day := days.get(code)) is not None:
            return day, f"date of the statement's {code} balance"
    return None, ""


def _statement(
    stmt: Element, lines: tuple[StatementLine, ...], warnings: tuple[str, ...], version: str
) -> Statement:
    acct = _child(stmt, "Acct")
    account = _text(acct, "Id", "IBAN") or _text(acct, "Id", "Othr", "Id")
    if not account:
        raise StatementError("statement without an account identification")
    opening, closing = _balances(stmt)
    codes = {_text(bal, "Tp", "CdOrPrtry", "Cd") for bal in _children(stmt, "Bal")}
    if closing is None and "ITBD" not in codes:  # a page closed by an interim balance is whole
        warnings = (*warnings, NO_CLOSING.format(tag="CLBD"))
    # the account's, the balances' and every entry's currency must agree: a mix is refused
    found = {x.currency for x in lines} | {
        c for bal in _children(stmt, "Bal") if (c := _currency_of(_child(bal, "Amt")))
    }
    if (declared := _text(acct, "Ccy")) is not None:
        found.add(declared.upper())
    if len(found) > 1:
        raise StatementError(
            f"statement {_text(stmt, 'Id') or ''}: amounts in more than one currency "
            f"({', '.join(sorted(found))}); refusing to book a mix"
        )
    return Statement(
        account=iban_check.normalise(account) if iban_check.is_valid(account) else account,
        currency=found.pop() if found else "EUR",
        opening=opening,
        closing=closing,
        lines=lines,
        statement_id=_text(stmt, "Id"),
        format=f"camt.053.001.{version}",
        warnings=warnings,
        sequence=_text(stmt, "ElctrncSeqNb") or _text(stmt, "LglSeqNb"),
        on=_date_of(stmt, closing),
        account_scheme=None if _text(acct, "Id", "IBAN") else _scheme(acct),
    )


def _scheme(acct: Element | None) -> str | None:
    """The scheme and issuer of an account named by ``Othr/Id`` (Wise: "Wise Account ID",
    "Wise Payments Ltd."): what the account number means, said when it is refused."""
    parts = [
        _text(acct, "Id", "Othr", "SchmeNm", "Prtry") or _text(acct, "Id", "Othr", "SchmeNm", "Cd"),
        _text(acct, "Id", "Othr", "Issr"),
    ]
    return ", ".join(p for p in parts if p) or None


def _date_of(stmt: Element, closing: Balance | None) -> date | None:
    """The statement's own date: the end of its period, else its closing balance's day (as
    an MT940's :62F:), else its creation date. Not the creation date first: Rabobank's
    export of a range writes the export's moment as every day's ``CreDtTm``, so the same day
    downloaded again was another statement (its identity has the date) and its items came
    twice (bankfiles24)."""
    if period := _text(stmt, "FrToDt", "ToDtTm"):
        return _iso_date(period, "statement date")
    if closing is not None and closing.on != date.min:
        return closing.on
    if created := _text(stmt, "CreDtTm"):
        return _iso_date(created, "statement date")
    return None
