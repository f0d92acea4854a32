"""A CAMT file's own-bank charges pass the plausibility check MT940's ``/CHGS/`` passes
(charges_said: less than what arrived, at most 5% of what was sent and at most € 50,00). A
client uploads its own account's file and a bare ``TtlChrgsAndTaxAmt`` names no bank, so
charges beyond that are not booked on a debtor's invoice: the line is what arrived, with a
warning for a person (codereview11 F3; probe copied from the reviewer's).

The files are in tests/fixtures/statements/camt053/review11."""

from __future__ import annotations

from shared.api.console.action_text import title
from shared.domain.statements.model import Statement
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

REVIEW = STATEMENTS / "camt053" / "review11"
SENT_250 = (
    '<InstdAmt><Amt Ccy="EUR">250.00</Amt></InstdAmt><TxAmt><Amt Ccy="EUR">250.00</Amt></TxAmt>'
)
SENT_1000 = (
    '<InstdAmt><Amt Ccy="EUR">1000.00</Amt></InstdAmt><TxAmt><Amt Ccy="EUR">1000.00</Amt></TxAmt>'
)


def _one(data: str) -> Statement:
    (statement,) = parse_statement_file(data.encode())
    return statement


def _own_bank(charged: str) -> str:
    """charged_shar_own_bank.xml with 1,000.00 sent and ``charged`` kept by ABN AMRO."""
    data = (REVIEW / "charged_shar_own_bank.xml").read_text().replace(SENT_250, SENT_1000)
    return data.replace('<Rcrd><Amt Ccy="EUR">12.50</Amt>', f'<Rcrd><Amt Ccy="EUR">{charged}</Amt>')


def test_own_bank_charges_of_most_of_what_was_sent_are_not_booked():
    statement = _one(_own_bank("762.50"))
    (line,) = statement.lines
    # as MT940 does: 762.50 of 1,000.00 is no bank's charge; the payer is credited 237.50
    assert (line.amount, line.charges, line.moved) == (23750, 0, 23750)
    (note,) = statement.warnings
    assert note == (
        "entry 1: the statement names EUR 1000.00 sent and EUR 762.50 charges for a credit of "
        "€ 237,50 (charges of more than 5% or € 50,00 are not read as the bank's): the payer is "
        "credited the € 237,50 that arrived; check the credit with the bank and book a "
        "difference by hand"
    )
    dutch = title(note, "nl")
    assert dutch.startswith("post 1: het afschrift noemt EUR 1000.00 verstuurd en EUR 762.50 ")
    assert "gelden niet als die van de bank" in dutch


def test_a_bare_total_above_the_cap_is_not_booked():
    """No record, no agent: read as the account's own bank's; 60.00 is above € 50,00."""
    data = (REVIEW / "charged_shar_own_bank.xml").read_text().replace(SENT_250, SENT_1000)
    start, end = data.index("<Chrgs>"), data.index("</Chrgs>") + len("</Chrgs>")
    bare = '<Chrgs><TtlChrgsAndTaxAmt Ccy="EUR">60.00</TtlChrgsAndTaxAmt></Chrgs>'
    data = data[:start] + bare + data[end:]
    data = data.replace('<Ntry><Amt Ccy="EUR">237.50</Amt>', '<Ntry><Amt Ccy="EUR">940.00</Amt>')
    data = data.replace('<Amt Ccy="EUR">1436.00</Amt>', '<Amt Ccy="EUR">2138.50</Amt>')
    statement = _one(data)
    (line,) = statement.lines
    assert (line.amount, line.charges) == (94000, 0)
    assert statement.balance_difference() == 0
    (note,) = statement.warnings
    assert note.startswith("entry 1: the statement names EUR 1000.00 sent and EUR 60.00 charges")


def test_plausible_own_bank_charges_are_still_the_account_holders_cost():
    # 40.00 of 1,000.00: within 5% and € 50,00; the payer is credited what he sent
    data = _own_bank("40.00").replace(
        '<Ntry><Amt Ccy="EUR">237.50</Amt>', '<Ntry><Amt Ccy="EUR">960.00</Amt>'
    )
    statement = _one(data.replace('<Amt Ccy="EUR">1436.00</Amt>', '<Amt Ccy="EUR">2158.50</Amt>'))
    (line,) = statement.lines
    assert (line.amount, line.charges, line.moved) == (100000, 4000, 96000)
    (note,) = statement.warnings
    assert note.startswith("entry 1: the bank kept € 40,00 charges of a credit of € 1.000,00")


def _batch(charged: str, arrived: str, entry: str, closing: str) -> str:
    """charged_batch_debt.xml whose second part sent 1,000.00 of which the account's own
    bank kept ``charged``."""
    data = (REVIEW / "charged_batch_debt.xml").read_text()
    for old, new in (
        ('<Amt Ccy="EUR">47.50</Amt>', f'<Amt Ccy="EUR">{arrived}</Amt>'),
        ('<InstdAmt><Amt Ccy="EUR">50.00</Amt>', '<InstdAmt><Amt Ccy="EUR">1000.00</Amt>'),
        ('<Rcrd><Amt Ccy="EUR">2.50</Amt>', f'<Rcrd><Amt Ccy="EUR">{charged}</Amt>'),
        ("<Br>DEBT</Br>", "<Br>SHAR</Br>"),
        ("DEUTDEFFXXX", "ABNANL2AXXX"),
        ('<Ntry><Amt Ccy="EUR">147.50</Amt>', f'<Ntry><Amt Ccy="EUR">{entry}</Amt>'),
        ('<Amt Ccy="EUR">1147.50</Amt>', f'<Amt Ccy="EUR">{closing}</Amt>'),
    ):
        assert old in data
        data = data.replace(old, new)
    return data


def test_a_batch_part_with_implausible_own_bank_charges_is_what_arrived():
    statement = _one(_batch("60.00", "940.00", "1040.00", "2040.00"))
    assert [(x.amount, x.charges) for x in statement.lines] == [(10000, 0), (94000, 0)]
    assert statement.balance_difference() == 0
    (note,) = statement.warnings
    assert note.startswith("entry 1.2: the statement names EUR 1000.00 sent and EUR 60.00 ")
    assert title(note, "nl").startswith("post 1.2: het afschrift noemt EUR 1000.00 verstuurd")


def test_a_batch_part_with_plausible_own_bank_charges_is_what_was_sent():
    statement = _one(_batch("40.00", "960.00", "1060.00", "2060.00"))
    assert [(x.amount, x.charges) for x in statement.lines] == [(10000, 0), (100000, 4000)]
    assert statement.balance_difference() == 0
    (note,) = statement.warnings
    assert note.startswith("entry 1.2: the bank kept € 40,00 charges")
