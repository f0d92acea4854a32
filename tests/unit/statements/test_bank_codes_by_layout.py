"""attack12b: a '//' the payer writes in his name or town no longer ends it. What is the bank's
is told by where each bank writes its own codes: ING writes none between /CNTP/ and its
"//REMI/", so /OCMT/, /CHGS/, /RTRN/ or /PREF/ there are the payer's text (F1); Rabobank's and
ABN AMRO's own account of the payer (:61:, /IBAN/, /NAME/) wins over a /CNTP/ after it (F2).
Each such line carries a warning for a person."""

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.mt940_format import payer_codes_note
from shared.domain.statements.parse import parse_statement_file

ING = "NL69INGB0123456789"
PAYER = "NL77RABO0987654321"  # the account the money came from, as Rabobank writes it in :61:
STRANGER = "NL91ABNA0417164300"
CNTP = "/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/"


def _ing(details: str, amount: str = "950,00") -> bytes:
    return (
        f":20:ING1\n:25:{ING}EUR\n:28C:00002\n:60F:C261201EUR0,00\n"
        f":61:2612021202C{amount}NTRFNONREF\n:86:{details}\n:62F:C261202EUR{amount}\n-\n"
    ).encode()


def _rabo(details: str) -> bytes:
    return (
        ":940:\n:20:940S261202\n:25:NL02RABO0123456789 EUR\n:28C:0\n"
        ":60F:C261201EUR000000001000,00\n:61:2612021202C000000000000,01N541NONREF\n"
        f"{PAYER}\n:86:{details}\n:62F:C261202EUR000000001000,01\n-\n"
    ).encode()


def _one(data: bytes):  # type: ignore[no-untyped-def]
    (st,) = parse_statement_file(data)
    (line,) = st.lines
    return line, st.warnings


def test_figures_after_a_double_slash_in_ings_name_or_town_book_what_arrived() -> None:
    for payer in (
        "J JANSEN//OCMT/EUR1000,00//CHGS/EUR50,00//",  # name with '//', town empty
        "J JANSEN/UTRECHT//OCMT/EUR1000,00/CHGS/EUR50,00/",  # town with '//'
        "J JANSEN//OCMT/EUR1000,00/CHGS/EUR50,00//",  # name "J JANSEN/", town "OCMT/.."
    ):
        text = f"{CNTP}{payer}/REMI/USTD//F-1/"
        details = split_details(text, bank="INGB")
        assert (details.original_amount, details.charges) == (None, None), payer
        line, warnings = _one(_ing(text))
        assert (line.amount, line.charges) == (95000, 0), payer
        assert line.remittance == "F-1"
        assert payer_codes_note("line 5", ("OCMT", "CHGS"), "NAME") in warnings


def test_a_return_or_batch_code_in_ings_name_is_his_text() -> None:
    for code, value in (("RTRN", "MD07"), ("PREF", "B-7")):
        text = f"{CNTP}J JANSEN//{code}/{value}///REMI/USTD//F-1/"
        details = split_details(text, bank="INGB")
        assert (details.return_reason, details.batch_id) == (None, None), code
        assert details.counterparty_iban == "NL02RABO0123456789"
        assert details.payer_texts == (("NAME", (code,)),)


def test_ings_own_figures_before_cntp_and_a_remi_in_the_name_read_as_before() -> None:
    text = (
        "/EREF/ALPEN-1//OCMT/EUR250,00//CHGS/EUR12,50//CNTP/CH9300762011623852957/UBSWCHZH80A/"
        "GASTHOF ALPEN AG///REMI/USTD//Rechnung N10-9/"
    )
    line, _ = _one(_ing(text, "237,50"))
    assert (line.amount, line.charges) == (25000, 1250)
    assert line.counterparty_name == "GASTHOF ALPEN AG"
    # a bare /REMI/ in the name is the payer's; ING's own follows the city's '/' (stmt12)
    d = split_details(f"{CNTP}J/REMI/INV-1/AMSTERDAM//REMI/USTD//F-1/", bank="INGB")
    assert (d.counterparty_name, d.remittance) == ("J/REMI/INV-1", "F-1")


def test_a_cntp_in_a_rabobank_name_never_makes_the_payers_account() -> None:
    name = f"X//CNTP/{STRANGER}/ABNANL2A/CLIENT C1 BV/"
    line, warnings = _one(
        _rabo(f"/EREF/NOTPROVIDED/ORDP//NAME/{name}/ADDR/UTRECHT/REMI/USTD//INNVABCD2345/")
    )
    assert line.counterparty_iban == PAYER
    assert line.counterparty_name != "CLIENT C1 BV"
    assert line.remittance == "INNVABCD2345"
    assert payer_codes_note("line 6", ("CNTP",), "NAME") in warnings


def test_rabobanks_account_in_61_wins_over_one_in_86() -> None:
    text = f"/EREF/E2E-1//CNTP/{STRANGER}/ABNANL2A/CLIENT C1 BV///REMI/USTD//F-2/"
    details = split_details(text, bank="RABO", extra=PAYER)
    assert details.counterparty_iban == PAYER
    assert ("NAME", ("CNTP",)) in details.payer_texts


def test_abn_amros_own_iban_wins_over_a_cntp_in_the_name() -> None:
    text = (
        "/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/X//CNTP/"
        f"{STRANGER}/ABNANL2A/CLIENT C2 B.V./REMI/INNVABCD2345/EREF/E2E-2"
    )
    details = split_details(text, bank="ABNA")
    assert details.counterparty_iban == "NL02RABO0123456789"
    assert details.counterparty_name != "CLIENT C2 B.V."
    assert details.remittance == "INNVABCD2345"
    assert details.payer_texts == (("NAME", ("CNTP",)),)
