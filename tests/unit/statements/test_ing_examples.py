"""ING's own example files and a Lithuanian CAMT.053 the parser used to get wrong (review
newcomer4, findings 1, 3, 5): a return's ISO reason leading ING's unstructured ``:86:``, a
second message starting on the first one's ``-}`` line, a statement-level ``:86:`` after the
closing balance at the end of the file, and CAMT entries without ``BookgDt``. Files in
``tests/fixtures/statements/mt940/ing-libmt94x/`` and ``camt053/subite/`` (MIT)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements.details_nl import id_candidates, split_details
from shared.domain.statements.model import StatementError
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

ING = STATEMENTS / "mt940" / "ing-libmt94x"


def parsed(path):
    return parse_statement_file(path.read_bytes())


# -- finding 1: ING's unstructured :86: starts a return with its ISO reason ------------------


def test_ings_unstructured_returns_carry_their_reason():
    [s] = parsed(ING / "ibp-unstructured-ing-provided-example.txt")
    reasons = [(x.amount, x.return_reason, x.is_return) for x in s.lines]
    assert reasons == [
        (-2, None, False),
        (-4, None, False),
        (-9, None, False),
        (2, "AC04", True),  # the 0.02 paid out on the same day, back: account closed
        (4, "MS03", True),
    ]
    back = s.lines[4]
    assert back.counterparty_iban == "NL20INGB0002222222"
    assert back.remittance is not None and back.remittance.startswith("MS03 NL20INGB0002222222")


def test_ings_structured_returns_still_read_from_rtrn():
    [s] = parsed(ING / "ing-provided-example-single-message.txt")
    assert {x.return_reason for x in s.lines if x.is_return} == {"AC04", "MD06"}


# a debtor's direct-debit storno in ING's unstructured layout: reason, IBAN, BIC, name, the
# end-to-end id we sent, the text
STORNO = b"""\
0000 01INGBNL2AXXXX00001
940 00
:20:ING
:25:NL20INGB0001234567EUR
:28C:1
:60F:C250320EUR100,00
:61:250320D50,00NNOVNONREF
:86:MD06 NL91ABNA0417164300 ABNANL2A A. Jansen 0123456789abcdefghij-1-1
 Termijn 1 betalingsregeling
:62F:C250320EUR50,00
-XXX
"""


def test_a_direct_debit_storno_in_the_unstructured_layout_is_a_return_with_its_id():
    [s] = parse_statement_file(STORNO)
    [line] = s.lines
    assert (line.amount, line.return_reason, line.is_return) == (-5000, "MD06", True)
    assert line.counterparty_iban == "NL91ABNA0417164300"
    # the plan's end-to-end id is among the words looked up; the name and IBAN are not
    assert "0123456789abcdefghij-1-1" in id_candidates(line.remittance)
    assert "NL91ABNA0417164300" not in id_candidates(line.remittance)


@pytest.mark.parametrize(
    ("text", "bank", "reason"),
    [
        # a file that names no bank: maybe the payer's text, a debit's reason only (attack25 F3)
        ("AC04 NL20INGB0002222222 INGBNL2A Name", None, None),
        ("AC04 NL20INGB0002222222 INGBNL2A Name", "INGB", "AC04"),
        ("MS03 iets anders", "INGB", "MS03"),  # ING's file, whatever follows
        ("MS03 iets anders", "RABO", None),  # another bank's description stays one
        ("ABCD NL20INGB0002222222 tekst", "INGB", None),  # not an ISO return reason
        ("Factuur AC04 NL20INGB0002222222", "INGB", None),  # not at the start
        ("RF01 NL20INGB0002222222", "INGB", None),  # never read as a reason
    ],
)
def test_a_leading_return_reason_only_where_it_is_one(text, bank, reason):
    assert split_details(text, bank=bank).return_reason == reason


def test_the_returned_item_transaction_type_is_a_return():
    text = STORNO.replace(b"NNOVNONREF", b"NRTINONREF").replace(b"MD06 ", b"")
    [s] = parse_statement_file(text)
    [line] = s.lines
    assert line.return_reason is None and line.is_return


# -- finding 3: ING's multi-message file, and a statement-level :86: at the end --------------


def test_ings_second_message_starting_on_the_end_line_is_read():
    statements = parsed(ING / "ing-provided-example-multiple-messages.txt")
    assert [
        (s.sequence, len(s.lines), s.closing.amount if s.closing else None) for s in statements
    ] == [
        ("3", 1, 488215),
        ("4", 1, 488215),
    ]
    assert [x.reference for s in statements for x in s.lines] == ["5200150700013379"] * 2


COMPLETE_WITHOUT_DASH = b"""\
:20:P250320000000001
:25:NL20INGB0001234567EUR
:28C:1
:60F:C250319EUR0,00
:61:2503200320C100,00NTRFNONREF
:86:/EREF/NOTPROVIDED//CNTP/NL08INGB0000001234/INGBNL2A/A. Jansen///REMI/USTD//F-0001/
:62F:C250320EUR100,00
:64:C250320EUR100,00
:86:/NAME/ING BANK N.V.//BIC/INGBNL2A//SUM/0/1/0,/100,00/
"""


def test_a_complete_statement_ending_in_its_own_86_is_read():
    [s] = parse_statement_file(COMPLETE_WITHOUT_DASH)
    assert [x.amount for x in s.lines] == [10000]
    assert s.balance_difference() == 0


def test_a_statement_cut_after_a_transactions_86_is_still_refused():
    cut = COMPLETE_WITHOUT_DASH.split(b":62F:")[0]
    with pytest.raises(StatementError, match="truncated in transfer"):
        parse_statement_file(cut)


# -- finding 5: a CAMT.053 entry without BookgDt --------------------------------------------


def test_camt_entries_without_booking_date_take_the_statements_day():
    first, second = parsed(
        STATEMENTS / "camt053" / "subite" / "LT625883379695428516_2024-03-07.xml"
    )
    assert [(x.booking_date, x.amount) for x in first.lines] == [
        (date(2024, 3, 7), 82853198),
        (date(2024, 3, 7), -20),
        (date(2024, 3, 7), -579397),
    ]
    assert any("no booking date" in w and "CLBD" in w for w in first.warnings)
    assert second.lines == ()


CAMT_VALUE_DATE = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-21T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>NL20INGB0001234567</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">25.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>%s
<BkTxCd/><NtryDtls><TxDtls><RmtInf><Ustrd>F-0001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def test_camt_entry_without_booking_date_uses_its_value_date():
    [s] = parse_statement_file(CAMT_VALUE_DATE % b"<ValDt><Dt>2025-03-20</Dt></ValDt>")
    [line] = s.lines
    assert line.booking_date == date(2025, 3, 20)
    assert any("value date (ValDt)" in w for w in s.warnings)


def test_camt_entry_without_any_date_is_refused():
    with pytest.raises(StatementError, match="booking date missing"):
        parse_statement_file(CAMT_VALUE_DATE % b"")


# -- finding 7: a batch booking names its payment information id ------------------------------


def test_ings_batch_credit_keeps_its_payment_information_id():
    [s] = parsed(ING / "ming-from-spec.txt")
    batches = [(x.amount, x.batch_id) for x in s.lines if x.batch_id]
    # a batch of transfers paid out (debit) and the credit of a direct-debit file
    assert batches == [(-157, "M000000003333333"), (145, "M000000001111111")]


def test_camt_batch_entry_keeps_its_payment_information_id():
    batch = b"<NtryDtls><Btch><PmtInfId>SDD20260126ABC-RCUR</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>"
    data = (CAMT_VALUE_DATE % b"<BookgDt><Dt>2025-03-20</Dt></BookgDt>").replace(
        b"<NtryDtls>", batch
    )
    [s] = parse_statement_file(data)
    assert [x.batch_id for x in s.lines] == ["SDD20260126ABC-RCUR"]
