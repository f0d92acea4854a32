"""The payer writes his end-to-end id (SEPA's EndToEndId: 35 characters, '/' allowed, '//'
not), so a bank's code inside it is his text, never the bank's figure or party (attack11b B2,
B5). ING writes it before its own /OCMT/, /CHGS/ and /CNTP/, each after '//'; the id ends at
the first '//', before Rabobank's /ORDP// and /BENM//, or at the end (ABN AMRO)."""

from __future__ import annotations

from decimal import Decimal

from shared.api.console.action_text import title
from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file

ING = "NL69INGB0123456789"
BANKS_PAYER = "//CNTP/NL02RABO0123456789/RABONL2U/J JANSEN///REMI/USTD//F-1/"
MORE_BOOKED = "X/OCMT/EUR1050,00/CHGS/EUR50,00"  # 31 characters, a valid EndToEndId
STRANGER = "NL91ABNA0417164300"
OTHER_PAYER = f"X/CNTP/{STRANGER}/B/KLANT"


def _statement(details: str, amount: str = "1000,00"):  # type: ignore[no-untyped-def]
    data = (
        ":20:ING1\n"
        f":25:{ING}EUR\n"
        ":28C:00002\n"
        ":60F:C261201EUR0,00\n"
        f":61:2612021202C{amount}NTRFNONREF\n"
        f":86:{details}\n"
        f":62F:C261202EUR{amount}\n"
        "-\n"
    ).encode()
    (statement,) = parse_statement_file(data)
    return statement


def test_figures_in_the_payers_end_to_end_id_are_his_text():
    assert len(MORE_BOOKED) <= 35 and "//" not in MORE_BOOKED
    details = split_details(f"/EREF/{MORE_BOOKED}{BANKS_PAYER}", bank="INGB")
    assert (details.original_amount, details.charges) == (None, None)
    assert details.end_to_end_id == MORE_BOOKED
    assert details.payer_codes == ("OCMT", "CHGS")


def test_a_debtor_who_sends_1000_is_credited_1000_and_a_person_is_told():
    statement = _statement(f"/EREF/{MORE_BOOKED}{BANKS_PAYER}")
    (line,) = statement.lines
    assert (line.amount, line.charges) == (100000, 0)
    assert line.end_to_end_id == MORE_BOOKED
    (note,) = statement.warnings
    assert note == (
        "line 5: the payer's end-to-end id contains /OCMT/, /CHGS/: read as his text, not as "
        "the bank's; the credit is booked as it arrived; check the payment with the bank"
    )
    assert title(note, "nl").startswith(
        "regel 5: het betalingskenmerk (end-to-end-id) van de betaler bevat /OCMT/, /CHGS/"
    )
    assert title(note, "en") == note


def test_a_counterparty_in_the_payers_end_to_end_id_is_not_the_banks():
    assert len(OTHER_PAYER) <= 35 and "//" not in OTHER_PAYER
    details = split_details(f"/EREF/{OTHER_PAYER}{BANKS_PAYER}", bank="INGB")
    assert (details.counterparty_iban, details.counterparty_name) == (
        "NL02RABO0123456789", "J JANSEN",
    )  # fmt: skip
    assert details.end_to_end_id == OTHER_PAYER
    assert details.payer_codes == ("CNTP",)
    # nor where the bank writes the payer under other codes, or the id last (ABN AMRO)
    abn = split_details(
        "/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/J JANSEN/REMI/F-1"
        f"/EREF/{OTHER_PAYER}",
        bank="ABNA",
    )
    assert (abn.counterparty_iban, abn.counterparty_name) == ("NL02RABO0123456789", "J JANSEN")
    assert abn.end_to_end_id == OTHER_PAYER
    rabo = split_details(
        f"/EREF/{OTHER_PAYER}/ORDP//NAME/J JANSEN/ADDR/AMSTERDAM/REMI/USTD//F-1/", bank="RABO"
    )
    assert rabo.counterparty_name == "J JANSEN" and rabo.counterparty_iban is None
    assert rabo.end_to_end_id == OTHER_PAYER


def test_the_banks_own_fields_after_the_end_to_end_id_are_still_read():
    ing = split_details(
        "/EREF/ALPEN-2026-118//OCMT/EUR250,00//CHGS/EUR12,50//CNTP/CH9300762011623852957/"
        "UBSWCHZH80A/GASTHOF ALPEN AG///REMI/USTD//Rechnung N10-9/",
        bank="INGB",
    )
    assert ing.original_amount == ("EUR", Decimal("250.00"))
    assert ing.charges == ("EUR", Decimal("12.50"))
    assert (ing.end_to_end_id, ing.counterparty_name) == ("ALPEN-2026-118", "GASTHOF ALPEN AG")
    assert ing.payer_codes == ()
    rabo = split_details(
        "/EREF/08-12-2015 10:22 0030001100999991/BENM//NAME/Rabobank RCKV/REMI/USTD//F-2/"
    )
    assert (rabo.end_to_end_id, rabo.counterparty_name) == (
        "08-12-2015 10:22 0030001100999991", "Rabobank RCKV",
    )  # fmt: skip
    # an invoice number with a short code-like part is no warning
    plain = split_details(f"/EREF/INV/ID/2026-7{BANKS_PAYER}", bank="INGB")
    assert (plain.end_to_end_id, plain.payer_codes) == ("INV/ID/2026-7", ())
