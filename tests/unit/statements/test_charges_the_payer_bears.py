"""Charges kept of a credit before it reached the account are paid only when they are the
account holder's: its own bank's, deducted by its agreement (PSD2 art. 81(2), 7:520 BW). What
the file says the payer bears (``Br`` DEBT), or what a correspondent took on the way (SHAR:
the payer's share), is the debtor's cost of payment (6:47 lid 1 BW) and is not paid: the line
is what arrived (review newcomer11, finding 1).

The files are in tests/fixtures/statements/camt053/review11."""

from __future__ import annotations

import pytest

from shared.api.console.action_text import title
from shared.domain.statements.model import Statement, line_identities
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

REVIEW = STATEMENTS / "camt053" / "review11"


def _one(name: str, data: bytes | None = None) -> Statement:
    (statement,) = parse_statement_file(data or (REVIEW / name).read_bytes())
    return statement


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("charged_debt.xml", "borne by the payer (Br DEBT)"),
        (
            "charged_shar_correspondent.xml",
            "taken by DEUTDEFFXXX before the credit reached the account",
        ),
    ],
)
def test_charges_that_are_the_payers_are_not_paid(name, why):
    # Ntry/Amt 237.50 of 250.00 sent; 12.50 kept
    statement = _one(name)
    (line,) = statement.lines
    assert (line.amount, line.charges, line.moved) == (23750, 0, 23750)
    assert statement.balance_difference() == 0
    (note,) = statement.warnings
    assert note == (
        f"entry 1: € 12,50 charges of a credit of € 250,00 were {why}: the payer is credited "
        "only the € 237,50 that arrived; the € 12,50 stays open: claim it from the payer or "
        "waive it"
    )
    dutch = title(note, "nl")
    assert dutch.startswith("post 1: € 12,50 kosten van een bijschrijving van € 250,00 zijn ")
    assert dutch.endswith("de € 12,50 blijft open: vorder het van de betaler of scheld het kwijt")


def test_the_accounts_own_bank_taking_its_share_is_the_account_holders_cost():
    # SHAR, taken by ABNANL2AXXX: the bank of NL02ABNA...; the payer is credited all he sent
    statement = _one("charged_shar_own_bank.xml")
    (line,) = statement.lines
    assert (line.amount, line.charges) == (25000, 1250)
    (note,) = statement.warnings
    assert note.startswith("entry 1: the bank kept € 12,50 charges of a credit of € 250,00")


def test_the_servicer_named_in_the_file_decides_whose_bank_took_it():
    data = (REVIEW / "charged_shar_correspondent.xml").read_bytes()
    # the account named by another scheme, its bank by Acct/Svcr: Deutsche Bank's own charges
    served = data.replace(
        b"<Ccy>EUR</Ccy></Acct>",
        b"<Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>DEUTDEFF</BICFI></FinInstnId></Svcr></Acct>",
    )
    assert served != data
    (line,) = _one("", served).lines
    assert (line.amount, line.charges) == (25000, 1250)
    # nothing tells the account's bank (an account number without the bank's letters): the
    # named agent is read as the account's bank, as before
    unknown = data.replace(b"NL02ABNA0123456789", b"DE89370400440532013000")
    (line,) = _one("", unknown).lines
    assert (line.amount, line.charges) == (25000, 1250)
    # but a charge the file says the payer bears is the payer's whoever took it
    debt = unknown.replace(b"<Br>SHAR</Br>", b"<Br>DEBT</Br>")
    (line,) = _one("", debt).lines
    assert (line.amount, line.charges) == (23750, 0)


def test_the_account_holders_and_the_payers_charges_apart():
    # 250.00 sent; the correspondent took 10.00 (the payer's), the account's bank 2.50
    statement = _one("charged_mixed.xml")
    (line,) = statement.lines
    assert (line.amount, line.charges, line.moved) == (24000, 250, 23750)
    assert statement.balance_difference() == 0
    own, payers = statement.warnings
    assert own.startswith(
        "entry 1: the bank kept € 2,50 charges of a credit of € 240,00 (€ 237,50 arrived)"
    )
    assert payers.startswith("entry 1: € 10,00 charges of a credit of € 250,00 were taken by")


def test_a_batch_part_less_the_payers_charges_is_what_arrived():
    statement = _one("charged_batch_debt.xml")
    assert [(x.amount, x.charges) for x in statement.lines] == [(10000, 0), (4750, 0)]
    assert statement.balance_difference() == 0
    (note,) = statement.warnings
    assert note.startswith("entry 1.2: € 2,50 charges of a credit of € 50,00 were borne by")


def test_a_line_the_payer_bore_charges_of_has_the_identity_of_what_arrived():
    # a file read before charges were read, or read now: the same line, booked once
    statement = _one("charged_debt.xml")
    data = (REVIEW / "charged_debt.xml").read_bytes()
    start, end = data.index(b"<Chrgs>"), data.index(b"</Chrgs>") + len(b"</Chrgs>")
    bare = _one("", data[:start] + data[end:])
    assert bare.lines[0].amount == 23750 and bare.warnings == ()
    assert line_identities(statement) == line_identities(bare)
