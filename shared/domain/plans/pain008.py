"""SEPA direct debit initiation, ISO 20022 pain.008.001.08: one file per creditor account
and collection date, with the installments of every direct-debit plan due then.

One payment information block per sequence type (a mandate's first collection ``FRST``
apart from the recurring ones ``RCUR``; since the 2016 rulebook a first collection may also
be sent as RCUR, but banks still accept FRST and it keeps the mandate's history honest),
local instrument ``CORE`` (consumers) or ``B2B``. Each transaction carries the mandate id
and its date of signature, and the installment's end-to-end id, so a return (R-transaction)
names the installment it undoes. The tests validate every file against the ISO XSD.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from itertools import groupby

from shared.domain.money import Cents, format_cents
from shared.domain.sepa_xml import Builder, SepaFileError, check_id, sepa_name, sepa_text

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"
_CREDITOR_ID_LENGTH = range(8, 36)


class SequenceType(StrEnum):
    FIRST = "FRST"
    RECURRING = "RCUR"


class Scheme(StrEnum):
    CORE = "CORE"
    B2B = "B2B"


@dataclass(frozen=True)
class Collection:
    end_to_end_id: str
    amount: Cents
    mandate_id: str
    signed_on: date
    sequence: SequenceType
    debtor_name: str
    debtor_iban: str
    remittance: str
    debtor_bic: str | None = None


@dataclass(frozen=True)
class CollectionBatch:
    message_id: str
    created_at: datetime  # local time, written without an offset
    collection_date: date
    creditor_name: str
    creditor_iban: str
    creditor_id: str  # incassant-ID: NL, check digits, ZZZ, KvK number and a suffix
    collections: tuple[Collection, ...]
    scheme: Scheme = Scheme.CORE
    creditor_bic: str | None = None


def creditor_id_valid(creditor_id: str) -> bool:
    """SEPA creditor identifier: country, two check digits (ISO 7064 mod 97-10 over the
    national id, the country and '00'), a three-character business code that the check
    ignores, and the national id."""
    cid = creditor_id.replace(" ", "").upper()
    if len(cid) not in _CREDITOR_ID_LENGTH or not cid.isascii() or not cid[:2].isalpha():
        return False
    national = cid[7:]
    if not national.isalnum() or not cid[2:4].isdigit():
        return False
    digits = "".join(str(int(c, 36)) for c in national + cid[:2] + "00")
    return 98 - int(digits) % 97 == int(cid[2:4])


def debtor_name(c: Collection) -> str:
    """The account holder's name in SEPA characters; a name with nothing left (a stored one
    the mandate form would now refuse) becomes ``Mandaat <id>``: never an empty ``<Nm>``,
    which fails the schema and makes the bank refuse the whole file (every debtor's
    collection of that day), and the mandate id names the debtor to the bank."""
    return sepa_name(c.debtor_name, 70) or f"Mandaat {c.mandate_id}"


def unnamed(collections: Sequence[Collection]) -> tuple[str, ...]:
    """The mandates whose holder's name could not be written (for the action list)."""
    return tuple(c.mandate_id for c in collections if not sepa_name(c.debtor_name, 70))


def pain008(batch: CollectionBatch) -> bytes:
    """The file as UTF-8 XML. Refuses an empty batch, a non-positive amount and an invalid
    creditor identifier."""
    items: Sequence[Collection] = batch.collections
    if not items:
        raise SepaFileError("a direct debit file needs at least one collection")
    if any(c.amount <= 0 for c in items):
        raise SepaFileError("every collection must be a positive amount")
    if not creditor_id_valid(batch.creditor_id):
        raise SepaFileError(f"creditor identifier {batch.creditor_id!r} is not valid")
    x = Builder(NAMESPACE)
    document = x.root("Document")
    root = x.sub(document, "CstmrDrctDbtInitn")
    header = x.sub(root, "GrpHdr")
    x.sub(header, "MsgId", check_id(batch.message_id, "MsgId"))
    x.sub(header, "CreDtTm", batch.created_at.replace(tzinfo=None, microsecond=0).isoformat())
    x.sub(header, "NbOfTxs", str(len(items)))
    x.sub(header, "CtrlSum", format_cents(sum(c.amount for c in items)))
    creditor = sepa_text(batch.creditor_name, 70) or batch.creditor_id  # never an empty <Nm>
    x.sub(x.sub(header, "InitgPty"), "Nm", creditor)
    ordered = sorted(items, key=lambda c: c.sequence.value)
    for sequence, group in groupby(ordered, key=lambda c: c.sequence):
        block = list(group)
        info = x.sub(root, "PmtInf")
        x.sub(info, "PmtInfId", check_id(f"{batch.message_id[:30]}-{sequence.value}", "PmtInfId"))
        x.sub(info, "PmtMtd", "DD")
        x.sub(info, "BtchBookg", "true")
        x.sub(info, "NbOfTxs", str(len(block)))
        x.sub(info, "CtrlSum", format_cents(sum(c.amount for c in block)))
        kind = x.sub(info, "PmtTpInf")
        x.sub(x.sub(kind, "SvcLvl"), "Cd", "SEPA")
        x.sub(x.sub(kind, "LclInstrm"), "Cd", batch.scheme.value)
        x.sub(kind, "SeqTp", sequence.value)
        x.sub(info, "ReqdColltnDt", batch.collection_date.isoformat())
        x.sub(x.sub(info, "Cdtr"), "Nm", creditor)
        x.sub(x.sub(x.sub(info, "CdtrAcct"), "Id"), "IBAN", batch.creditor_iban)
        x.agent(info, "CdtrAgt", batch.creditor_bic)
        x.sub(info, "ChrgBr", "SLEV")
        scheme_id = x.sub(x.sub(x.sub(x.sub(info, "CdtrSchmeId"), "Id"), "PrvtId"), "Othr")
        x.sub(scheme_id, "Id", batch.creditor_id.replace(" ", "").upper())
        x.sub(x.sub(scheme_id, "SchmeNm"), "Prtry", "SEPA")
        for c in block:
            tx = x.sub(info, "DrctDbtTxInf")
            x.sub(x.sub(tx, "PmtId"), "EndToEndId", check_id(c.end_to_end_id, "EndToEndId"))
            x.sub(tx, "InstdAmt", format_cents(c.amount), Ccy="EUR")
            mandate = x.sub(x.sub(tx, "DrctDbtTx"), "MndtRltdInf")
            x.sub(mandate, "MndtId", check_id(c.mandate_id, "MndtId"))
            x.sub(mandate, "DtOfSgntr", c.signed_on.isoformat())
            x.agent(tx, "DbtrAgt", c.debtor_bic)
            x.sub(x.sub(tx, "Dbtr"), "Nm", debtor_name(c))
            x.sub(x.sub(x.sub(tx, "DbtrAcct"), "Id"), "IBAN", c.debtor_iban)
            x.sub(x.sub(tx, "RmtInf"), "Ustrd", sepa_text(c.remittance, 140) or c.end_to_end_id)
    return Builder.serialise(document)
