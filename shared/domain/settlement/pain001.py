"""SEPA credit transfer initiation, ISO 20022 pain.001.001.09: the payouts of one
settlement run as one file the agency uploads to its bank.

One payment information block (``PmtInf``): the debtor is the agency's third-party account
(derdengeldenrekening), charges shared (``SLEV``), service level ``SEPA``; one transaction
per client payout whose ``EndToEndId`` is the settlement id, so the bank's statement names
the settlement each debit paid. Element order and types follow the ISO XSD (the tests
validate every file against it); lengths and characters follow the EPC SCT implementation
guidelines: names at most 70 characters, remittance at most 140, ids at most 35, and only the
SEPA Latin subset (accents are transliterated, anything else becomes a space).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree as ET

from shared.domain.money import Cents, format_cents
from shared.domain.sepa_xml import SepaFileError, check_id, sepa_text

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
# EPC SCT rulebook (DS-02, AT-04): an amount is at least 0.01 and at most 999,999,999.99 EUR;
# the ISO schema allows more digits, a bank refuses the whole file on one such amount
MAX_AMOUNT: Cents = 99_999_999_999


class TransferFileError(ValueError):
    pass


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount: Cents
    creditor_name: str
    creditor_iban: str
    remittance: str
    creditor_bic: str | None = None


@dataclass(frozen=True)
class TransferBatch:
    message_id: str
    created_at: datetime  # local time of the agency, written without an offset
    execution_date: date
    debtor_name: str
    debtor_iban: str
    transfers: tuple[Transfer, ...]
    debtor_bic: str | None = None


def _check_id(value: str, what: str) -> str:
    try:
        return check_id(value, what)
    except SepaFileError as exc:
        raise TransferFileError(str(exc)) from None


def _name(name: str, fallback: str) -> str:
    """A name the schema accepts: one of only punctuation has no SEPA form, and an empty
    ``Nm`` would make the bank refuse every payout in the file, not just this one."""
    return sepa_text(name, 70).strip() or sepa_text(fallback, 70)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def _agent(parent: ET.Element, tag: str, bic: str | None) -> None:
    institution = _sub(_sub(parent, tag), "FinInstnId")
    if bic:
        _sub(institution, "BICFI", bic)
    else:  # EPC: the BIC is optional inside the EEA; the debtor agent is then "NOTPROVIDED"
        _sub(_sub(institution, "Othr"), "Id", "NOTPROVIDED")


def pain001(batch: TransferBatch) -> bytes:
    """The file as UTF-8 XML. Refuses an empty batch and any amount that is not positive or
    above the EPC's maximum (a payout that large is split by staff, not sent whole)."""
    transfers: Sequence[Transfer] = batch.transfers
    if not transfers:
        raise TransferFileError("a credit transfer file needs at least one transfer")
    if any(t.amount <= 0 for t in transfers):
        raise TransferFileError("every transfer must be a positive amount")
    if any(t.amount > MAX_AMOUNT for t in transfers):
        raise TransferFileError("a SEPA credit transfer is at most 999999999.99 EUR")
    count, total = str(len(transfers)), format_cents(sum(t.amount for t in transfers))
    ET.register_namespace("", NAMESPACE)
    document = ET.Element(f"{{{NAMESPACE}}}Document")
    root = _sub(document, "CstmrCdtTrfInitn")
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", _check_id(batch.message_id, "MsgId"))
    _sub(header, "CreDtTm", batch.created_at.replace(tzinfo=None, microsecond=0).isoformat())
    _sub(header, "NbOfTxs", count)
    _sub(header, "CtrlSum", total)
    payer = _name(batch.debtor_name, f"Rekening {batch.debtor_iban}")
    _sub(_sub(header, "InitgPty"), "Nm", payer)
    info = _sub(root, "PmtInf")
    _sub(info, "PmtInfId", _check_id(batch.message_id, "PmtInfId"))
    _sub(info, "PmtMtd", "TRF")
    _sub(info, "BtchBookg", "false")  # one debit per payout: each shows on the statement
    _sub(info, "NbOfTxs", count)
    _sub(info, "CtrlSum", total)
    _sub(_sub(_sub(info, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    _sub(_sub(info, "ReqdExctnDt"), "Dt", batch.execution_date.isoformat())
    _sub(_sub(info, "Dbtr"), "Nm", payer)
    _sub(_sub(_sub(info, "DbtrAcct"), "Id"), "IBAN", batch.debtor_iban)
    _agent(info, "DbtrAgt", batch.debtor_bic)
    _sub(info, "ChrgBr", "SLEV")
    for t in transfers:
        tx = _sub(info, "CdtTrfTxInf")
        _sub(_sub(tx, "PmtId"), "EndToEndId", _check_id(t.end_to_end_id, "EndToEndId"))
        _sub(_sub(tx, "Amt"), "InstdAmt", format_cents(t.amount), Ccy="EUR")
        if t.creditor_bic:
            _agent(tx, "CdtrAgt", t.creditor_bic)
        _sub(_sub(tx, "Cdtr"), "Nm", _name(t.creditor_name, f"Afdracht {t.end_to_end_id}"))
        _sub(_sub(_sub(tx, "CdtrAcct"), "Id"), "IBAN", t.creditor_iban)
        _sub(_sub(tx, "RmtInf"), "Ustrd", sepa_text(t.remittance, 140))
    ET.indent(document)
    body: bytes = ET.tostring(document, encoding="utf-8", xml_declaration=True)
    return body
