"""What the payer sent, not what the bank left after its charges; a batch split only by amounts
in the account's currency that add up to its entry (review newcomer10, findings 1, 2 and 5).

The files are in tests/fixtures/statements/camt053/review10 and mt940/review10."""

from __future__ import annotations

from dataclasses import replace

from shared.api.console.action_text import title
from shared.domain.statements.model import Statement, line_identities
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

REVIEW = STATEMENTS / "camt053" / "review10"


def _one(path) -> Statement:
    (statement,) = parse_statement_file(path.read_bytes())
    return statement


def test_a_credit_less_the_banks_charges_is_what_the_payer_sent():
    # Ntry/Amt 237.50, TxAmt and InstdAmt 250.00, Chrgs 12.50 Br CRED ChrgInclInd true
    statement = _one(REVIEW / "charged_xbct.xml")
    (line,) = statement.lines
    assert (line.amount, line.charges, line.moved) == (25000, 1250, 23750)
    # the account moved 237.50: the balances (1198.50 -> 1436.00) still agree
    assert statement.balance_difference() == 0
    (note,) = statement.warnings
    assert note.startswith("entry 1: the bank kept € 12,50 charges of a credit of € 250,00")
    assert title(note, "nl").startswith(
        "post 1: de bank hield € 12,50 kosten in op een bijschrijving"
    )


def test_a_charged_line_keeps_the_identity_it_had_when_it_was_booked_net():
    # a file booked before charges were read books nothing twice when it comes again
    statement = _one(REVIEW / "charged_xbct.xml")
    (line,) = statement.lines
    net = replace(statement, lines=(replace(line, amount=line.moved, charges=0),))
    assert line_identities(statement) == line_identities(net)


def test_a_difference_the_file_does_not_call_charges_books_what_arrived():
    data = (REVIEW / "charged_xbct.xml").read_bytes()
    for chrgs in (b"<Chrgs>", b"</Chrgs>"):
        assert chrgs in data
    start, end = data.index(b"<Chrgs>"), data.index(b"</Chrgs>") + len(b"</Chrgs>")
    without_entry_charges = data[:start] + data[end:]
    start, end = (
        without_entry_charges.index(b"<Chrgs>"),
        without_entry_charges.index(b"</Chrgs>") + len(b"</Chrgs>"),
    )
    bare = without_entry_charges[:start] + without_entry_charges[end:]
    (statement,) = parse_statement_file(bare)
    assert [(x.amount, x.charges) for x in statement.lines] == [(23750, 0)]
    assert statement.warnings == ()
    # charges that do not explain the difference change nothing either
    odd = data.replace(b">12.50<", b">10.00<")
    (statement,) = parse_statement_file(odd)
    assert [(x.amount, x.charges) for x in statement.lines] == [(23750, 0)]


def test_ing_ocmt_and_chgs_give_the_original_amount_and_the_charges():
    (statement,) = parse_statement_file(
        (STATEMENTS / "mt940" / "review10" / "ing_ocmt_chgs.sta").read_bytes()
    )
    (line,) = statement.lines
    assert (line.amount, line.charges) == (25000, 1250)
    # /OCMT/ is a tag: the end-to-end id no longer swallows it
    assert line.end_to_end_id == "ALPEN-2026-118"
    assert line.remittance == "Rechnung N10-9"
    assert statement.balance_difference() == 0
    (note,) = statement.warnings
    assert note.startswith("line 5: the bank kept € 12,50 charges")
    assert title(note, "nl").startswith("regel 5: de bank hield € 12,50 kosten in")


def test_a_batch_of_dollar_transfers_is_split_by_the_euros_that_arrived():
    # one entry of EUR 185.00: two TxDtls of Amt EUR 92.50, TxAmt/InstdAmt USD 100.00
    statement = _one(REVIEW / "batch_usd_txamt.xml")
    assert [(x.amount, x.currency, x.remittance) for x in statement.lines] == [
        (9250, "EUR", "Invoice N10-7"),
        (9250, "EUR", "Invoice N10-8"),
    ]
    assert statement.balance_difference() == 0


def test_a_batch_part_in_another_currency_only_books_the_entry_as_one_line():
    data = (REVIEW / "batch_usd_txamt.xml").read_bytes()
    # no amount in euros for the transactions: neither Amt nor the counter value
    data = data.replace(b'<Amt Ccy="EUR">92.50</Amt><CdtDbtInd>', b"<CdtDbtInd>")
    data = data.replace(
        b'<CntrValAmt><Amt Ccy="EUR">92.50</Amt>', b'<CntrValAmt><Amt Ccy="CHF">90.00</Amt>'
    )
    (statement,) = parse_statement_file(data)
    (line,) = statement.lines
    assert (line.amount, line.counterparty_iban, line.remittance) == (18500, None, None)
    (note,) = statement.warnings
    assert note == (
        "entry 1: transaction 1 of 2 gives no amount in EUR: booked as one line of € 185,00, "
        "not split per payer; split it by hand"
    )
    assert title(note, "nl").startswith("post 1: transactie 1 van 2 noemt geen bedrag in EUR")


def test_batch_parts_that_do_not_add_up_to_the_entry_book_the_entry_as_one_line():
    # entry 2 of 150.00 with TxDtls TxAmt 80.00 and 75.00
    statement = _one(REVIEW / "batch_parts_disagree.xml")
    assert [x.amount for x in statement.lines] == [10000, 15000, 5000]
    assert statement.balance_difference() == 0
    note = statement.warnings[0]
    assert note == (
        "entry 2: its 2 transactions add up to € 155,00, not the entry's € 150,00: booked as "
        "one line of € 150,00, not split per payer; split it by hand"
    )
    assert title(note, "nl") == (
        "post 2: de 2 transacties tellen op tot € 155,00, niet tot de € 150,00 van de post: "
        "geboekt als één regel van € 150,00, niet per betaler gesplitst; splits hem met de hand"
    )


def test_batch_parts_that_give_only_the_instructed_amount_are_split_by_it():
    # entry 2 of 150.00: two TxDtls with AmtDtls/InstdAmt 75.00 only (no TxAmt, no Amt)
    statement = _one(REVIEW / "batch_instdamt_only.xml")
    assert [(x.amount, x.remittance) for x in statement.lines] == [
        (10000, "Factuur N10-1"),
        (7500, "Factuur N10-2"),
        (7500, "Rechnung N10-3"),
        (5000, "Factuur N10-4"),  # 48.50 arrived, 1.50 charges
    ]
    assert statement.lines[-1].charges == 150
    assert statement.balance_difference() == 0


def test_an_entry_without_its_amount_is_refused_with_what_to_do_in_dutch():
    import pytest

    from shared.domain.statements.model import StatementError

    data = (
        (REVIEW / "charged_xbct.xml")
        .read_bytes()
        .replace(b'<Ntry><Amt Ccy="EUR">237.50</Amt>', b"<Ntry>")
    )
    with pytest.raises(StatementError) as info:
        parse_statement_file(data)
    said = info.value.reason
    assert said.startswith("entry 1: amount missing (Ntry/Amt); ask the bank")
    assert title(said, "nl").startswith("post 1: het bedrag ontbreekt (Ntry/Amt); vraag de bank")
