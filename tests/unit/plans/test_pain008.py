"""The direct debit file validates against the official ISO 20022 XSD of pain.008.001.08
(shipped in the ``sepaxml`` package, read from the installed package: nothing is vendored)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from shared.domain.plans.pain008 import (
    NAMESPACE,
    Collection,
    CollectionBatch,
    Scheme,
    SequenceType,
    creditor_id_valid,
    pain008,
)
from shared.domain.sepa_xml import SepaFileError

# the ISO 20022 schema as the sepaxml package ships it (a dev dependency; nothing vendored)
XSD = Path(str(files("sepaxml"))) / "schemas" / "pain.008.001.08.xsd"
NS = {"p": NAMESPACE}


def collection(n: int, sequence: SequenceType = SequenceType.RECURRING, **kw) -> Collection:
    base = Collection(
        end_to_end_id=f"PL019B-{n}", amount=10_000 + n, mandate_id=f"MND-{n}",
        signed_on=date(2026, 1, 2), sequence=sequence, debtor_name="Jöstein Ærø & Zoon",
        debtor_iban="NL91ABNA0417164300", remittance=f"Termijn {n} betalingsregeling",
    )  # fmt: skip
    return replace(base, **kw)


def batch(*items: Collection, **kw) -> CollectionBatch:
    base = CollectionBatch(
        message_id="SDD-20260301-C1", created_at=datetime(2026, 2, 26, 6, 30),
        collection_date=date(2026, 3, 2), creditor_name="Bakkerij De Gouden Korenaar B.V.",
        creditor_iban="NL02RABO0123456789", creditor_id="NL69ZZZ123456780000", collections=items,
    )  # fmt: skip
    return replace(base, **kw)


def test_the_file_validates_against_the_iso_xsd():
    xml = pain008(batch(collection(1, SequenceType.FIRST), collection(2), collection(3)))
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    doc = ET.fromstring(xml)
    assert doc.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert doc.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "300.06"
    blocks = doc.findall("p:CstmrDrctDbtInitn/p:PmtInf", NS)
    assert [b.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS) for b in blocks] == ["FRST", "RCUR"]
    assert [b.findtext("p:CtrlSum", namespaces=NS) for b in blocks] == ["100.01", "200.05"]
    names = [n.text for n in doc.iter(f"{{{NAMESPACE}}}Nm")]
    assert "Jostein Aero Zoon" in names  # SEPA characters only (Æ and ø transliterated)


def test_b2b_and_bics_validate_too():
    xml = pain008(
        batch(collection(1, debtor_bic="ABNANL2A"), scheme=Scheme.B2B, creditor_bic="RABONL2U")
    )
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    doc = ET.fromstring(xml)
    info = "p:CstmrDrctDbtInitn/p:PmtInf"
    assert doc.findtext(f"{info}/p:PmtTpInf/p:LclInstrm/p:Cd", namespaces=NS) == "B2B"
    assert doc.findtext(f"{info}/p:CdtrAgt/p:FinInstnId/p:BICFI", namespaces=NS) == "RABONL2U"


def test_refusals():
    with pytest.raises(SepaFileError, match="at least one"):
        pain008(batch())
    with pytest.raises(SepaFileError, match="positive"):
        pain008(batch(collection(1, amount=0)))
    with pytest.raises(SepaFileError, match="creditor identifier"):
        pain008(batch(collection(1), creditor_id="NL99ZZZ999999999999"))
    with pytest.raises(SepaFileError, match="EndToEndId"):
        pain008(batch(collection(1, end_to_end_id="has space")))


def test_creditor_identifiers():
    assert creditor_id_valid("NL69ZZZ123456780000")
    assert creditor_id_valid("DE98ZZZ09999999999")
    assert not creditor_id_valid(
        "NL98ZZZ999999999999"
    )  # a placeholder often seen, check digits wrong
    assert not creditor_id_valid("NL69ZZZ12345678000٠")
