"""A CAMT.053 file in UTF-16 without a byte-order mark is refused before the parser
(attack24 F8): the DTD refusal searched '<!DOCTYPE' and '<!ENTITY' as ASCII bytes and UTF-16
was known only by its BOM or a leading NUL, so '<\\0?\\0x\\0m\\0l\\0' (UTF-16LE to expat) went
through with its DTD: an entity's text in the booked remittance, 8.6 MB grown into 400
million characters."""

from __future__ import annotations

import pytest

from shared.domain.statements.camt053 import parse_camt053
from shared.domain.statements.model import StatementError
from shared.domain.statements.parse import parse_statement_file

SNIFFED = b"camt.05a".decode("utf-16-le")  # the ASCII 'camt.05' the sniffer looks for

BODY = """<?xml version="1.0"?><!--{tag}-->{dtd}
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId><CreDtTm>2026-01-02T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2026-01-02T10:00:00</CreDtTm><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-01-02</Dt></BookgDt><ValDt><Dt>2026-01-02</Dt></ValDt>
<NtryDtls><TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""


def _doc(encoding: str) -> bytes:
    dtd = '<!DOCTYPE Document [<!ENTITY x "factuur F-0001 uit de DTD">]>'
    return BODY.format(tag=SNIFFED, dtd=dtd, text="&x;").encode(encoding)


def test_a_utf16_file_without_a_byte_order_mark_is_refused() -> None:
    with pytest.raises(StatementError, match="UTF-8"):
        parse_statement_file(_doc("utf-16-le"))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_the_camt_reader_refuses_utf16_and_utf32_without_a_mark(encoding: str) -> None:
    with pytest.raises(StatementError, match="UTF-8"):
        parse_camt053(_doc(encoding))


def test_the_same_statement_in_utf8_without_the_dtd_is_read() -> None:
    text = BODY.format(tag="camt.053", dtd="", text="factuur F-0001")
    statements = parse_camt053(text.encode())
    assert statements[0].lines[0].remittance == "factuur F-0001"
