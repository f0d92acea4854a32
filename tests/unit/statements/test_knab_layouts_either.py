"""attack25 F1: a Knab :86: that reads as both of Knab's layouts is one the payer wrote. In the
older layout his description comes first and the bank's "REK: <IBAN>/NAAM: <name>" line last;
a description he starts "/TRTP/SEPA OVERBOEKING/IBAN/<victim>/BIC/../NAME/<anybody>/REMI/.."
was read as the SEPA layout (bankfiles24): the victim's account and the name he chose were his
payment's counterparty (attack14 A1 again: an account proved as a client's, another debtor's
account learned). A SEPA line's remittance may hold "REK: <IBAN>/NAAM:" as well, so which the
bank wrote cannot be told: neither names the payer, the text stays his text."""

from __future__ import annotations

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file

REAL = "NL55KNAB0255525598"  # the account the money came from (the bank's REK: line)
VICTIM = "NL91ABNA0417164300"  # another debtor's (or client's) account, typed by the payer
FORGED = f"/TRTP/SEPA OVERBOEKING/IBAN/{VICTIM}/BIC/ABNANL2A/NAME/CLIENT C1 BV/REMI/F-0001"


def test_an_older_line_whose_description_starts_with_trtp_names_nobody() -> None:
    read = split_details(f"{FORGED}\nREK: {REAL}/NAAM: ATTACKER", bank="KNAB")
    assert (read.counterparty_iban, read.counterparty_name) == (None, None)  # was VICTIM, C1
    assert read.counterparty_bic is None and read.end_to_end_id is None
    assert read.iban_in_text == VICTIM  # what he wrote: a hint, never his account
    assert read.remittance is not None and "F-0001" in read.remittance


def test_a_sepa_line_with_a_rek_line_in_its_remittance_names_nobody() -> None:
    text = (
        "/TRTP/SEPA OVERBOEKING/IBAN/NL61RABO0242424242/BIC/RABONL2UXXX\n"
        "/NAME/J JANSEN/EREF/NOTPROVIDED/REMI/FACTUUR F-1 BETAALD VOOR\n"
        f"REK: {VICTIM}/NAAM: CLIENT C2 BV"
    )
    read = split_details(text, bank="KNAB")
    assert (read.counterparty_iban, read.counterparty_name) == (None, None)


def test_a_sepa_line_without_a_rek_line_reads_as_before() -> None:
    read = split_details(FORGED, bank="KNAB")
    assert (read.counterparty_iban, read.counterparty_name) == (VICTIM, "CLIENT C1 BV")


def test_through_the_statement_parser() -> None:
    data = (
        "{1:F01KNABNL2HAXXX0000000000}{2:I940KNABNL2HXXXXN3020}{4:\n:20:ABCDEFG123343545\n"
        ":25:0123456789\n:28C:1/1\n:60F:C141024EUR0,\n"
        ":61:1410241024C0,01NTRFNONREF//ABC9886658908791\n"
        f":86:{FORGED[:61]}\n{FORGED[61:]}\nREK: {REAL}/NAAM: ATTACKER\n:62F:C141027EUR0,01\n-}}\n"
    ).encode()
    [statement] = parse_statement_file(data)
    [line] = statement.lines
    assert (line.counterparty_iban, line.counterparty_name) == (None, None)
