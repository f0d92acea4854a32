"""A payer's own '//' in his name (SEPA's Dbtr/Nm allows '/') must not hide the bank's /RTRN/
of his payment's return at ABN AMRO and Rabobank, which write it after the name (attack13 F1):
"Debtor D1//EREF/X" opened an end-to-end id, "Debtor D1//REMI/F-1" a remittance, that ran to
the end of :86: and swallowed "/RTRN/AC04"; the money went back and F-1 stayed paid. And a
Knab payer's description "REK: <IBAN>/NAAM: x" names no account: the bank's line does
(attack13 F4)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS
from tests.unit.services.test_statement_ingest import invoice
from tests.unit.statements.test_returns_without_id import _client_of, _payments, _service

ABN = "/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/{name}/RTRN/AC04/REMI/F-1/EREF/NOTPROVIDED"  # fmt: skip
RABO = "/EREF/NOTPROVIDED/ORDP//NAME/{name}/ADDR/{addr}/RTRN/{reason}/REMI/USTD//F-1/"
SRC = (STATEMENTS / "mt940/review12/abn_sct_credit_then_return.sta").read_text()
CREDIT, RETURN = SRC.split("-\n", 1)


@pytest.mark.parametrize("name", ["J JANSEN//EREF/X", "J JANSEN//PREF/X", "J JANSEN//REMI/F-1",
                                  "J JANSEN"])  # fmt: skip
def test_abn_amros_return_code_is_found_whatever_the_name(name: str) -> None:
    details = split_details(ABN.format(name=name), bank="ABNA")
    assert (details.return_reason or details.return_in_text) == "AC04"
    assert details.counterparty_iban == "NL02RABO0123456789"


@pytest.mark.parametrize(
    "name,addr,reason",
    [("J JANSEN//EREF/X", "UTRECHT", "AC04"), ("J JANSEN", "UTRECHT//EREF/X", "DUPL"),
     ("J JANSEN", "UTRECHT//PREF/X", "MD06"), ("J JANSEN", "UTRECHT", "MS02")],
)  # fmt: skip
def test_rabobanks_return_code_is_found_whatever_the_name_or_address(
    name: str, addr: str, reason: str
) -> None:
    details = split_details(RABO.format(name=name, addr=addr, reason=reason), bank="RABO")
    assert (details.return_reason or details.return_in_text) == reason


def test_an_unknown_code_or_one_before_the_name_is_no_return() -> None:
    """Only a return's reason after the bank's /NAME/ is read from a payer's text: his own
    end-to-end id before it (Rabobank's /EREF/ first), or a word that is no reason, is not."""
    before = "/EREF/X/RTRN/AC04/ORDP//NAME/J JANSEN/ADDR/UTRECHT/REMI/USTD//F-1/"
    assert split_details(before, bank="RABO").return_in_text is None
    word = ABN.format(name="J//EREF/X").replace("/RTRN/AC04/", "/RTRN/ABCD/")
    assert split_details(word, bank="ABNA").return_in_text is None
    # ING writes its /RTRN/ first: nothing of a payer's text is read as one there
    ing = "/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/J//EREF/X/RTRN/AC04///REMI/USTD//F/"
    assert split_details(ing, bank="INGB").return_in_text is None


def _named(text: str, name: str) -> str:
    return text.replace("N\nAME/Debtor D1/", "N\nAME/" + name + "/")


def test_a_credit_never_becomes_a_return_by_the_payers_text() -> None:
    credit = _named(CREDIT, "Debtor D1//EREF/X/RTRN/AC04") + "-\n"
    [statement] = parse_statement_file(credit.encode())
    [line] = statement.lines
    assert line.amount > 0 and line.return_reason is None and not line.is_return


@pytest.mark.parametrize("name", ["Debtor D1//EREF/X", "Debtor D1//REMI/F-1"])
def test_the_return_of_a_payment_reopens_the_invoice_whatever_the_payer_is_named(
    world: Any, name: str
) -> None:
    _client_of(world, "NL91ABNA0417164300")
    a = world.agency_a
    credit = _named(CREDIT, name) + "-\n"
    assert name in credit
    report = _service(world, True).ingest("agency-a/abn-credit", credit.encode())
    if report.booked == 0:  # the payer's /EREF/ swallowed the reference: staff book it
        items = a.call("GET", "/v1/clients/C1/actions").body["items"]
        [item] = [i for i in items if i["kind"] in ("payment_suggestion", "unmatched_credit")]
        done = a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm",
                      {"invoices": ["F-1"]})  # fmt: skip
        assert done.status == 200
    assert invoice(world, "F-1")["status"] == "paid"
    back = _named(RETURN, name)
    assert name in back and "/RTRN/AC04" in back
    returned = _service(world, True).ingest("agency-a/abn-return", back.encode())
    assert returned.returned == 1
    assert invoice(world, "F-1")["status"] == "open"
    assert [p["reversed"] for p in _payments(world)] == [True]


def test_knabs_own_account_line_names_the_payer_not_his_description() -> None:
    text = "F-1 REK: NL91ABNA0417164300/NAAM: X\nREK: NL65INGB0123456789/NAAM: PICQER"
    details = split_details(text, bank="KNAB", extra="B4G29PGDCK1QFV3E")
    assert details.counterparty_iban == "NL65INGB0123456789"
    assert details.counterparty_name == "PICQER"
    assert details.remittance == "F-1 REK: NL91ABNA0417164300/NAAM: X"
    # a description wrapped to put its "REK:" at a line's start: the bank's line comes after it
    wrapped = "F-1\nREK: NL91ABNA0417164300/NAAM: X\nREK: NL65INGB0123456789/NAAM: PICQER"
    assert split_details(wrapped, bank="KNAB").counterparty_iban == "NL65INGB0123456789"
    # the bank's layout as Knab writes it (corpus jejik/knab.sta) reads as before
    plain = "DIT IS EEN OMSCHRIJVING\nREK: NL76INGB0444444444/NAAM: STICHTING DERDEN"
    read = split_details(plain, bank="KNAB")
    assert (read.counterparty_iban, read.counterparty_name, read.remittance) == (
        "NL76INGB0444444444", "STICHTING DERDEN", "DIT IS EEN OMSCHRIJVING",
    )  # fmt: skip


BANK_LINE = "REK: NL65INGB0123456789/NAAM: "
LONG_NAME = "STICHTING BEHEER DERDENGELDEN JANSE"  # 35: Knab's line is full (65) with it
RUN_ON = "REK: NL91ABNA0417164300/NAAM: X"


@pytest.mark.parametrize("description", ["FACTUUR F-1", ""], ids=["described", "no-text"])
def test_a_long_name_running_on_with_rek_names_no_account(description: str) -> None:
    """returns14: a payer's name over 35 characters wraps onto the next line; when it runs on
    with "REK: <IBAN>/NAAM: x" that line starts with REK: and was read as the bank's (the
    last such line): the payer's account was the one his name quoted. The bank's line is the
    one its layout puts after the description; the line its name filled runs on."""
    name = LONG_NAME[: (61 if not description else 65) - len(BANK_LINE)]
    rows = [description] if description else []
    text = "\n".join([*rows, BANK_LINE + name, RUN_ON])
    assert len(text.split("\n")[-2]) == (65 if description else 61)  # Knab's width
    read = split_details(text, bank="KNAB")
    assert read.counterparty_iban == "NL65INGB0123456789"  # was NL91ABNA0417164300
    assert read.counterparty_name == name + RUN_ON
    assert read.remittance == (description or None)


def test_a_short_bank_line_is_never_run_on() -> None:
    """The description's own "REK:" line (attack13 F4) that does not fill the width is no
    bank's line whose name runs on: the bank's line after it stays the payer's."""
    text = "F-1\n" + BANK_LINE.replace("NL65INGB0123456789", "NL91ABNA0417164300") + "X\n"
    text += "REK: NL65INGB0123456789/NAAM: Y"
    assert split_details(text, bank="KNAB").counterparty_iban == "NL65INGB0123456789"


def test_a_knab_file_with_a_run_on_name_reads_the_banks_account() -> None:
    """The same through the statement parser (the :86: tag counts in its first line)."""
    rows = [BANK_LINE + LONG_NAME[:31], RUN_ON]
    data = (
        "{1:F01KNABNL2HAXXX0000000000}{2:I940KNABNL2HXXXXN3020}{4:\n:20:ABCDEFG123343545\n"
        ":25:0123456789\n:28C:1/1\n:60F:C141024EUR0,\n"
        ":61:1410241024C1000,NTRFNONREF//ABC9886658908791\n"
        f":86:{rows[0]}\n{rows[1]}\n:62F:C141027EUR1000,\n-}}\n"
    ).encode()
    assert len(":86:" + rows[0]) == 65
    [statement] = parse_statement_file(data)
    [line] = statement.lines
    assert line.counterparty_iban == "NL65INGB0123456789"
    assert line.counterparty_name == LONG_NAME[:31] + RUN_ON


FULL_NAME = "STICHTING BEHEER DERDENGELDEN JANSEN EN VAN DER BERG"


@pytest.mark.parametrize("description", ["FACTUUR 2025-0042", ""], ids=["described", "no-text"])
def test_a_long_name_knab_cut_mid_word_reads_whole(description: str) -> None:
    """newcomer14b #4: an ordinary name over 35 characters fills Knab's line and runs on,
    cut mid-word ("…J" / "ANSEN"); the lines were joined with a space ("J ANSEN"). A line the
    bank filled goes on without one (README's rule for filled lines)."""
    width = 65 if description else 61
    first = (BANK_LINE + FULL_NAME)[:width]
    rest = (BANK_LINE + FULL_NAME)[width:]
    assert first[-1] != " " and rest[0] != " "  # cut inside a word
    text = "\n".join([*([description] if description else []), first, rest])
    read = split_details(text, bank="KNAB")
    assert read.counterparty_name == FULL_NAME
    assert read.counterparty_iban == "NL65INGB0123456789"
    assert read.remittance == (description or None)
    # a line that ended short of the width ended at a space: the name keeps it
    short = "\n".join(["FACTUUR F-1", BANK_LINE + "STICHTING BEHEER", "DERDENGELDEN"])
    assert split_details(short, bank="KNAB").counterparty_name == "STICHTING BEHEER DERDENGELDEN"


def test_a_knab_file_with_a_long_name_cut_mid_word_reads_it_whole() -> None:
    """The same through the statement parser (the :86: tag counts in its first line)."""
    first, rest = (BANK_LINE + FULL_NAME)[:61], (BANK_LINE + FULL_NAME)[61:]
    data = (
        "{1:F01KNABNL2HAXXX0000000000}{2:I940KNABNL2HXXXXN3020}{4:\n:20:ABCDEFG123343545\n"
        ":25:0123456789\n:28C:1/1\n:60F:C141024EUR0,\n"
        ":61:1410241024C1000,NTRFNONREF//ABC9886658908791\n"
        f":86:{first}\n{rest}\n:62F:C141027EUR1000,\n-}}\n"
    ).encode()
    [statement] = parse_statement_file(data)
    [line] = statement.lines
    assert line.counterparty_name == FULL_NAME
