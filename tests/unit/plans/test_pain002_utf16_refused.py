"""A pain.002 status report in UTF-16 or UTF-32 without a byte-order mark is refused before
the parser (attack24 F9): the DTD refusal searched '<!DOCTYPE' and '<!ENTITY' as ASCII bytes
and UTF-16 was known only by its mark or a leading NUL, so '<\\0?\\0x\\0m\\0l\\0' (UTF-16LE to
expat) went through with its DTD, and an entity used 100,000 times grew an 8.6 MB report to
774 MB of memory inside the API request (any client person with WRITE may post one)."""

from __future__ import annotations

import pytest

from shared.domain.plans.pain002 import Pain002Error, parse_pain002

REPORT = """<?xml version="1.0"?>{dtd}
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-01-02T10:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{original}</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>"""


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_report_without_a_byte_order_mark_in_utf16_or_utf32_is_refused(encoding: str) -> None:
    entity = '<!DOCTYPE Document [<!ENTITY e "FROM-THE-DTD">]>'
    with pytest.raises(Pain002Error, match="UTF-8"):
        parse_pain002(REPORT.format(dtd=entity, original="&e;").encode(encoding))


def test_the_same_report_in_utf8_without_a_dtd_is_read() -> None:
    report = parse_pain002(REPORT.format(dtd="", original="PAIN008-1").encode())
    assert report.original_message_id == "PAIN008-1" and report.whole_file_rejected
