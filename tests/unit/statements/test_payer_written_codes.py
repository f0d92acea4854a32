"""A payer's own words in ``:86:`` are text, never the bank's figures (attack11 A2).

SEPA's remittance allows '/', so a debtor can type ``/OCMT/EUR1000,00//CHGS/EUR900,00/`` in
his transfer's description. Only ING writes an original amount and charges in ``:86:``, before
``/REMI/``; codes inside the payer's text, a second set, or implausible figures give no charges:
the credit is what arrived, and doubtful figures go to a person."""

from __future__ import annotations

from decimal import Decimal

from shared.api.console.action_text import title
from shared.domain.statements.charges_said import MAX_CHARGE_CENTS, bank_charges
from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file

ING = "NL69INGB0123456789"
ABN = "NL02ABNA0123456789"
PAYER = "/CNTP/NL02RABO0123456789/RABONL2U/J JANSEN//"
FORGED = "/OCMT/EUR1000,00//CHGS/EUR900,00/"


def _file(account: str, details: str, amount: str = "100,00") -> bytes:
    return (
        ":20:ING1\n"
        f":25:{account}EUR\n"
        ":28C:00002\n"
        ":60F:C261201EUR0,00\n"
        f":61:2612021202C{amount}NTRFNONREF\n"
        f":86:{details}\n"
        f":62F:C261202EUR{amount}\n"
        "-\n"
    ).encode()


def _line(account: str, details: str, amount: str = "100,00"):  # type: ignore[no-untyped-def]
    (statement,) = parse_statement_file(_file(account, details, amount))
    (line,) = statement.lines
    return statement, line


def test_codes_in_the_payers_remittance_are_his_text():
    details = split_details(f"/EREF/NOTPROVIDED/{PAYER}/REMI/USTD//F-1 {FORGED}", bank="INGB")
    assert (details.original_amount, details.charges) == (None, None)
    assert details.remittance == "F-1 /OCMT/EUR1000,00//CHGS/EUR900,00"
    assert details.counterparty_iban == "NL02RABO0123456789"


def test_a_debtor_who_sends_100_is_credited_100_whatever_he_writes():
    statement, line = _line(ING, f"/EREF/NOTPROVIDED/{PAYER}/REMI/USTD//F-1 {FORGED}")
    assert (line.amount, line.charges, line.moved) == (10000, 0, 10000)
    assert statement.balance_difference() == 0
    assert statement.warnings == ()


def test_codes_after_remi_that_banks_write_still_end_it():
    # ABN AMRO's /EREF/ and Rabobank's /ISDT/ follow /REMI/: codes, not text
    abn = split_details("/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/J "
                        "JANSEN/REMI/F-1/EREF/E2E-77", bank="ABNA")  # fmt: skip
    assert (abn.remittance, abn.end_to_end_id) == ("F-1", "E2E-77")
    rabo = split_details("/EREF/E2E-1/BENM//NAME/J JANSEN/REMI//REMI/F-2/ISDT/2026-12-02")
    assert rabo.remittance == "F-2"
    # but a code the payer wrote after one of them is still his text
    after = split_details(f"/EREF/X/{PAYER}/REMI/USTD//F-1/ULTD/ME/{FORGED}", bank="INGB")
    assert (after.original_amount, after.charges) == (None, None)


def test_ing_figures_before_remi_are_read():
    details = split_details(
        f"/EREF/E-1//OCMT/EUR250,00//CHGS/EUR12,50/{PAYER}/REMI/USTD//F-1/", bank="INGB"
    )
    assert details.original_amount == ("EUR", Decimal("250.00"))
    assert details.charges == ("EUR", Decimal("12.50"))


def test_another_banks_figures_are_not_read():
    statement, line = _line(
        ABN, f"/EREF/E-1//OCMT/EUR250,00//CHGS/EUR12,50/{PAYER}/REMI/USTD//F-1/", "237,50"
    )
    assert (line.amount, line.charges) == (23750, 0)
    assert statement.warnings == ()


def test_a_second_set_in_the_payers_end_to_end_id_reads_none():
    # the payer's end-to-end id (35 characters) is before the bank's fields
    details = split_details(
        "/EREF/X/OCMT/EUR1000,00//CHGS/EUR900,00//OCMT/EUR250,00//CHGS/EUR12,50/"
        f"{PAYER}/REMI/USTD//F-1/",
        bank="INGB",
    )
    assert (details.original_amount, details.charges) == (None, None)


def test_implausible_charges_go_to_a_person_and_the_credit_is_what_arrived():
    # at ING's own place after the end-to-end id, but 900.00 of 1,000.00 is no bank's charge
    statement, line = _line(ING, f"/EREF/X/{FORGED}{PAYER}/REMI/USTD//F-1/")
    assert (line.amount, line.charges) == (10000, 0)
    (note,) = statement.warnings
    assert note == (
        "line 5: the statement names EUR 1000.00 sent and EUR 900.00 charges for a credit of "
        "€ 100,00 (charges of more than 5% or € 50,00 are not read as the bank's): the payer "
        "is credited the € 100,00 that arrived; check the credit with the bank and book a "
        "difference by hand"
    )
    assert title(note, "nl").startswith(
        "regel 5: het afschrift noemt EUR 1000.00 verstuurd en EUR 900.00 kosten"
    )


def test_the_bounds_of_a_plausible_charge():
    eur = "EUR"
    ok = bank_charges("line 1", 23750, (eur, Decimal("250.00")), (eur, Decimal("12.50")), eur)
    assert ok == (25000, 1250, None)
    # more than 5% of what was sent
    share = bank_charges("line 1", 9400, (eur, Decimal("100.00")), (eur, Decimal("6.00")), eur)
    assert share[:2] == (9400, 0) and share[2] is not None
    # more than the cap, however large the payment
    big = Decimal(MAX_CHARGE_CENTS + 1) / 100
    cap = bank_charges("line 1", 10_000_00, (eur, Decimal("10000.00") + big), (eur, big), eur)
    assert cap[:2] == (10_000_00, 0) and "more than 5%" in (cap[2] or "")
    # figures that do not add up to what arrived
    off = bank_charges("line 1", 23000, (eur, Decimal("250.00")), (eur, Decimal("12.50")), eur)
    assert off[:2] == (23000, 0) and "not what arrived" in (off[2] or "")
    # another currency, no rate read
    usd = bank_charges("line 1", 9250, ("USD", Decimal("100.00")), (eur, Decimal("5.00")), eur)
    assert usd[:2] == (9250, 0) and "currency" in (usd[2] or "")
    assert title(usd[2] or "", "nl").startswith("regel 1: het afschrift noemt USD 100.00")
    # no charges at all: nothing to doubt
    assert bank_charges("line 1", 100, (eur, Decimal("1.00")), (eur, Decimal("0")), eur) == (
        100, 0, None,
    )  # fmt: skip
