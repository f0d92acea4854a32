"""bankfiles24: a camt.053 statement without ``FrToDt`` was dated by its ``CreDtTm``. Rabobank's
export of a range (a real one, published in mpdroog/invoiced, has 132 statements) writes the
export's moment as every day's ``CreDtTm``: the day 2016-07-26 was dated 2016-10-20, and the
same day in the next export 2016-10-27. The date is part of a statement's identity, so the same
day downloaded twice was two statements: the second was not skipped, and its action items
(balance mismatch, missing statement) came a second time. A statement is now dated as an
MT940's :62F: is, by its closing balance (the end of its period first, where it has one).
The fixtures are synthetic, in the shape of that export (its values made up)."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS
from tests.unit.services.test_statement_ingest import ACCOUNT
from tests.unit.services.test_statement_ingest import setup as setup

FOLDER = STATEMENTS / "camt053" / "bankfiles24"


def test_a_day_is_the_same_statement_in_two_exports() -> None:
    first = parse_statement_file((FOLDER / "rabo_export_2016-10-20.xml").read_bytes())
    later = parse_statement_file((FOLDER / "rabo_export_2016-10-27.xml").read_bytes())
    assert [s.on for s in first] == [date(2016, 7, 25), date(2016, 7, 26)]  # was 2016-10-20
    assert [s.on for s in later] == [date(2016, 7, 26), date(2016, 7, 27)]  # was 2016-10-27
    assert first[1].identity() == later[0].identity()


def _export(created: str) -> bytes:
    """One day of the client's account in a Rabobank export made at ``created``; its line
    does not add up to its closing balance (by a cent), which puts an item on the list."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>CAMT053RIB1</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>
<Stmt><Id>CAMT05300000104808500002</Id><ElctrncSeqNb>16146</ElctrncSeqNb>
<CreDtTm>{created}</CreDtTm><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-02</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1121.01</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-03</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">121.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd>
<Sts>BOOK</Sts><BookgDt><Dt>2025-03-03</Dt></BookgDt><ValDt><Dt>2025-03-03</Dt></ValDt>
<BkTxCd><Prtry><Cd>541</Cd></Prtry></BkTxCd><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>Jan de Vries</Nm></Dbtr><DbtrAcct><Id><IBAN>NL02RABO0123456789</IBAN>
</Id></DbtrAcct></RltdPties><RmtInf><Ustrd>F-0001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>""".encode()


def test_the_day_downloaded_again_is_skipped_with_its_item(setup: Any) -> None:
    statements = setup.services.statements
    first = statements.ingest("agency-a/export-1.xml", _export("2025-03-10T11:40:42+01:00"))
    assert (first.status, first.booked) == ("booked", 1)
    again = statements.ingest("agency-a/export-2.xml", _export("2025-03-17T09:12:05+01:00"))
    assert (again.status, again.statements_skipped) == ("skipped", 1)  # was booked again
    client_id = setup.services.repos.clients.id_for_number("agency-a", "C1")
    items, _ = setup.services.repos.actions.list(client_id)
    assert len([x for x in items if x.kind == "balance_mismatch"]) == 1  # was 2
