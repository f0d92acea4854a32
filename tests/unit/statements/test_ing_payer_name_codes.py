"""attack12 F1: a payer's name or town (SEPA Dbtr/Nm, PstlAdr: his own text, '/' allowed) inside
ING's /CNTP/ block carrying /OCMT/ and /CHGS/ is never the bank's figures: 950.00 sent stays 950.00."""

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file

ING = "NL69INGB0123456789"


def _file(details: str, amount: str) -> bytes:
    return (
        ":20:ING1\n"
        f":25:{ING}EUR\n"
        ":28C:00002\n"
        ":60F:C261201EUR0,00\n"
        f":61:2612021202C{amount}NTRFNONREF\n"
        f":86:{details}\n"
        f":62F:C261202EUR{amount}\n"
        "-\n"
    ).encode()


def test_name_with_codes():
    name = "J JANSEN/OCMT/EUR1000,00//CHGS/EUR50,00"
    d = split_details(
        f"/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/{name}//REMI/USTD//F-1/", bank="INGB"
    )
    (st,) = parse_statement_file(
        _file(
            f"/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/{name}//REMI/USTD//F-1/", "950,00"
        )
    )
    (line,) = st.lines
    assert (d.original_amount, d.charges) == (None, None), "payer's name read as the bank's figures"
    assert line.amount == 95000


def test_name_with_codes_single_slashes_and_5pct():
    # no '//' in the name (SEPA forbids '//' in identifiers, not names; even so not needed)
    name = "J JANSEN/OCMT/EUR1000,00/CHGS/EUR50,00"
    (st,) = parse_statement_file(
        _file(
            f"/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/{name}/UTRECHT//REMI/USTD//F-1/",
            "950,00",
        )
    )
    (line,) = st.lines
    assert line.amount == 95000, "debtor sent 950.00, credited 1,000.00"


def test_codes_in_the_payers_town():
    # the payer's own address (SEPA Dbtr/PstlAdr, optional and wholly the payer's) as ING's
    # CNTP city: "UTRECHT/OCMT/EUR1000,00/CHGS/EUR50,00"
    t = "/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/J JANSEN/UTRECHT/OCMT/EUR1000,00/CHGS/EUR50,00//REMI/USTD//F-1/"
    (st,) = parse_statement_file(_file(t, "950,00"))
    (line,) = st.lines
    assert line.amount == 95000, f"950.00 sent, credited {line.amount / 100:.2f}"


def test_as_ing_writes_it_corpus_layout():
    # the layout of the corpus ING file (tests/fixtures/statements, test-ing.940): ".../CNTP/<iban>/<bic>/J.Janssen///REMI/USTD//..."
    t = "/EREF/NOTPROVIDED//CNTP/NL32INGB0000012345/INGBNL2A/J.Janssen/OCMT/EUR1000,00//CHGS/EUR50,00///REMI/USTD//F-1/"
    (st,) = parse_statement_file(_file(t, "950,00"))
    (line,) = st.lines
    assert line.amount == 95000, f"950.00 sent, credited {line.amount / 100:.2f}"
