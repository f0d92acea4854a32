"""The transfer file validates against the official ISO 20022 XSD of pain.001.001.09 (shipped
in the ``sepaxml`` package, read from the installed package: nothing is vendored)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from shared.domain.sepa_xml import sepa_text
from shared.domain.settlement.pain001 import (
    NAMESPACE,
    Transfer,
    TransferBatch,
    TransferFileError,
    pain001,
)
from tests.unit.settlement.conftest import PAIN001_XSD, PAYOUT_C1, THIRD_PARTY

XSD = PAIN001_XSD
NS = {"p": NAMESPACE}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def batch(*transfers: Transfer, debtor_bic: str | None = None) -> TransferBatch:
    return TransferBatch(
        "R20261130-0a1b2c3d4e",
        datetime(2026, 11, 30, 6, 0, 12),
        date(2026, 11, 30),
        "Acme Incasso Stichting Derdengelden",
        THIRD_PARTY,
        transfers,
        debtor_bic,
    )


def transfer(n: int, cents: int, **extra: str) -> Transfer:
    return Transfer(
        f"R20261130-cl{n:012x}", cents, f"Client {n}", PAYOUT_C1, f"Afdracht {n}", **extra
    )  # type: ignore[arg-type]


def test_validates_against_the_iso_xsd(schema: xmlschema.XMLSchema) -> None:
    xml = pain001(
        batch(
            transfer(1, 10772), transfer(2, 1, creditor_bic="RABONL2U"), transfer(3, 99_999_999_99)
        )
    )
    schema.validate(xml.decode())
    root = ET.fromstring(xml)
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "100000107.72"
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info is not None
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == THIRD_PARTY
    assert info.findtext("p:DbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "NOTPROVIDED"
    amounts = [Decimal(x.text or "") for x in info.iterfind("p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS)]
    assert amounts == [Decimal("107.72"), Decimal("0.01"), Decimal("99999999.99")]
    ids = [x.text for x in info.iterfind("p:CdtTrfTxInf/p:PmtId/p:EndToEndId", NS)]
    assert ids[0] == "R20261130-cl000000000001"


def test_names_and_remittance_are_made_sepa_safe(schema: xmlschema.XMLSchema) -> None:
    t = Transfer("E2E-1", 500, "Bakkerij Ëén & Zonen <b.v.> " + "x" * 80, PAYOUT_C1, "€ ok; " * 40)
    xml = pain001(batch(t, debtor_bic="ABNANL2A"))
    schema.validate(xml.decode())
    tx = ET.fromstring(xml).find(".//p:CdtTrfTxInf", NS)
    assert tx is not None
    name = tx.findtext("p:Cdtr/p:Nm", namespaces=NS) or ""
    assert name.startswith("Bakkerij Een Zonen b.v. x") and len(name) == 70
    assert len(tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS) or "") <= 140
    assert sepa_text("Ça va?", 70) == "Ca va?"


def test_an_invalid_file_is_refused_before_it_is_written(schema: xmlschema.XMLSchema) -> None:
    with pytest.raises(TransferFileError):
        pain001(batch())
    with pytest.raises(TransferFileError):
        pain001(batch(transfer(1, 0)))
    with pytest.raises(TransferFileError):
        pain001(batch(Transfer("has space", 1, "X", PAYOUT_C1, "r")))
    # EPC: an identifier neither starts nor ends with '/' (the ISO schema takes both; settle32)
    for slashed in ("/R20261130-c1", "R20261130-c1/"):
        with pytest.raises(TransferFileError):
            pain001(batch(Transfer(slashed, 1, "X", PAYOUT_C1, "r")))
    # the EPC's largest amount (999,999,999.99) passes; a cent more the bank would refuse,
    # though the ISO schema's 18 digits accept it (settle32)
    schema.validate(pain001(batch(transfer(1, 99_999_999_999))).decode())
    with pytest.raises(TransferFileError):
        pain001(batch(transfer(1, 100_000_000_000)))
    # and the schema itself is strict: a file without its debtor account does not validate
    xml = pain001(batch(transfer(1, 100))).decode().replace("<IBAN>" + THIRD_PARTY + "</IBAN>", "")
    assert not schema.is_valid(xml)


def test_a_name_without_a_sepa_form_never_empties_nm(schema: xmlschema.XMLSchema) -> None:
    # a payout account holder written as punctuation only (or in a script that leaves nothing)
    # used to give <Nm/>, which fails the schema: the bank would refuse the whole file
    odd = Transfer("R20261130-cl000000000009", 500, "★★ !!!", PAYOUT_C1, "Afdracht 9")
    xml = pain001(batch(transfer(1, 10772), odd))
    schema.validate(xml.decode())
    names = [n.text for n in ET.fromstring(xml).iter(f"{{{NAMESPACE}}}Nm")]
    assert names[-1] == "Afdracht R20261130-cl000000000009"
    assert all(names)
