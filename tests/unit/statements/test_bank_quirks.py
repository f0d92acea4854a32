"""Real bank files the parser used to get wrong (review newcomer2, findings 1, 2, 3, 7, 8):
the statement's currency, the bank's own account number in ``:25:``, ``:86:`` quirks, CAMT's
``AddtlTxInf`` and a booking time in UTC. Files of the zilverline/mt940 gem are in
``tests/fixtures/statements/mt940/zilverline/`` (MIT)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements.bank_accounts import bank_named_in, iban_for
from shared.domain.statements.model import StatementError
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

GEM = STATEMENTS / "mt940" / "zilverline"


def parsed(path):
    return parse_statement_file((STATEMENTS / path).read_bytes())


# -- finding 1: the currency is the statement's, taken from every amount ---------------------

USD = b"""\
:20:USD-1
:25:NL02ABNA0123456789USD
:28C:00001
:60F:C250303USD1000,00
:61:2503030303C49,95NTRFNONREF
:86:/EREF/E1/CNTP/NL02RABO0123456789/RABONL2U/J de Vries///REMI/USTD//F-0002/
:62F:C250303USD1049,95
-
"""


def test_a_usd_statement_is_usd_and_its_account_the_iban():
    [s] = parse_statement_file(USD)
    assert (s.account, s.currency) == ("NL02ABNA0123456789", "USD")
    assert [x.currency for x in s.lines] == ["USD"]


@pytest.mark.parametrize(
    ("path", "currencies"),
    [
        ("mt940/jejik/postfinance.sta", ["CHF", "CHF"]),  # the second one only :60M: / :62F:
        ("mt940/mBank/mt942.sta", ["PLN"]),  # MT942: only :34F: floor limits
        ("camt053/test-camt053-txdtls.xml", ["CHF"]),  # every Amt Ccy="CHF", no <Acct><Ccy>
    ],
)
def test_the_currency_comes_from_the_balances_and_entries(path, currencies):
    statements = parsed(path)
    assert [s.currency for s in statements] == currencies
    assert {x.currency for s in statements for x in s.lines} <= set(currencies)


@pytest.mark.parametrize(
    "change",
    [
        (b":62F:C250303USD", b":62F:C250303EUR"),  # closing balance in another currency
        (b":25:NL02ABNA0123456789USD", b":25:NL02ABNA0123456789 EUR"),  # :25: says otherwise
    ],
)
def test_an_mt940_whose_amounts_disagree_on_the_currency_is_refused(change):
    with pytest.raises(StatementError, match=r"more than one currency \(EUR, USD\)"):
        parse_statement_file(USD.replace(*change))


def test_a_camt_whose_amounts_disagree_on_the_currency_is_refused():
    data = (STATEMENTS / "camt053/test-camt053-txdtls.xml").read_bytes()
    mixed = data.replace(b'Ccy="CHF"', b'Ccy="EUR"', 1)
    assert mixed != data
    with pytest.raises(StatementError, match=r"more than one currency \(CHF, EUR\)"):
        parse_statement_file(mixed)


# -- finding 2: the bank's own account number becomes the IBAN where the file names the bank -


def test_iban_check_digits_of_bare_dutch_numbers():
    # the reviewer's IBANs, registered and verified by the API's own IBAN check (mod 97)
    assert iban_for("555555555", "ABNA") == "NL75ABNA0555555555"
    assert iban_for("TRIODOSBANK/0454545454", None) == "NL15TRIO0454545454"
    assert iban_for("0001234567", "INGB") == "NL20INGB0001234567"
    assert iban_for("555555555", None) is None  # never a guessed bank
    assert iban_for("555555555", "MOYO") is None  # a bank Inning does not know
    assert iban_for("NL75ABNA0555555555", "ABNA") is None  # already an IBAN
    assert iban_for("12345678901", "ABNA") is None  # longer than a Dutch account number


def test_the_bank_is_read_from_the_files_own_header():
    assert bank_named_in(["ABNANL2A", "940", "ABNANL2A"], None) == "ABNA"
    assert bank_named_in(["0000 01INGBNL2AXXXX00001"], "MPBZ") == "INGB"
    assert bank_named_in(["{1:F01KNABNL2HAXXX0000000000}{2:I940KNABNL2HXXXXN3020}{4:"], None) == (
        "KNAB"
    )
    assert bank_named_in([], "ABN AMRO BANK NV") == "ABNA"
    assert bank_named_in([":940:"], "940S130101") is None
    assert bank_named_in(["MOYONL21"], None) is None


@pytest.mark.parametrize(
    ("name", "account", "bank_account"),
    [
        ("abn_structured_sepa_overboeking.txt", "NL75ABNA0555555555", "555555555"),
        ("triodos_iban.txt", "NL15TRIO0454545454", "TRIODOSBANK/0454545454"),
        ("van_lanschot.txt", "NL88FVLB0878787878", "0878787878"),
        ("knab.txt", "NL68KNAB0123456789", "0123456789"),
        ("ing.txt", "NL20INGB0001234567", "0001234567"),
    ],
)
def test_real_exports_with_the_banks_account_number_get_their_iban(name, account, bank_account):
    statements = parse_statement_file((GEM / name).read_bytes())
    assert {(s.account, s.bank_account) for s in statements} == {(account, bank_account)}


def test_a_bare_number_in_a_file_that_names_no_bank_stays_as_written():
    assert {s.account for s in parsed("mt940/jejik/generic.sta")} == {"11111111"}
    assert {s.account for s in parsed("mt940/jejik/sns.sta")} == {"0123456789"}


def test_abn_amro_structured_line_is_read():
    [s] = parse_statement_file((GEM / "abn_structured_sepa_overboeking.txt").read_bytes())
    [line] = s.lines
    assert (line.amount, line.counterparty_iban, line.counterparty_name, line.remittance) == (
        1050,
        "NL57INGB0001212121",
        "CAFE MON AMI",
        "897789005",
    )


# -- finding 3: :86: details -----------------------------------------------------------------

ING_WRAP = b"""\
:20:P140220000000001
:25:NL77INGB0574908765EUR
:28C:0000
:60F:C140219EUR662,23
:61:1402200220C121,00NTRFEREF//00000000001005
/TRCD/00100/
:86:/EREF/E-77//MARF/MND
-
120123//CNTP/NL32INGB0000012345/INGBNL2A/A. Payer///REMI/USTD//Factuur 2026-01483/
:62F:C140220EUR783,23
-
"""


def test_ings_wrapped_lone_dash_is_text_not_the_end_of_the_message():
    [s] = parse_statement_file(ING_WRAP)
    [line] = s.lines
    assert line.counterparty_iban == "NL32INGB0000012345"
    assert line.counterparty_name == "A. Payer"
    assert line.remittance == "Factuur 2026-01483"
    assert s.warnings == ()


def test_a_lone_dash_before_the_next_message_still_ends_it():
    # ABN AMRO: "-" then the next message's "ABNANL2A" header: two statements, as before
    assert len(parsed("mt940/jejik/abnamro.sta")) == 2


def test_rabobanks_repeated_remi_keeps_the_text():
    [s] = parse_statement_file((GEM / "fix_rabo_twice_remi.txt").read_bytes())
    [line] = s.lines
    assert line.remittance is not None
    assert line.remittance.startswith("AFREK. BETAALAUTOMAAT MaestroREFNR. H6MJV5DAT. 20170601")
    assert line.counterparty_name == "STG. KLANTGELDEN SEPAY"


def test_an_86_that_names_only_the_payer_is_no_warning():
    """Knab's ``REK:/NAAM:`` without a description is what the bank sent, not text lost: the
    payer is read and nothing is reported (a warning is for :86: text of which nothing was
    read)."""
    [s] = parse_statement_file((GEM / "knab.txt").read_bytes())
    assert s.lines[0].remittance is None
    assert s.lines[0].counterparty_iban == "NL26ABNA0999999999"
    assert s.lines[0].counterparty_name == "BEDRIJF VOF"
    assert s.warnings == ()


# -- findings 7 and 8: CAMT ------------------------------------------------------------------


def test_camt_additional_transaction_information_is_the_description_without_ustrd():
    lines = [x for s in parsed("camt053/test-camt053.xml") for x in s.lines]
    credit = next(x for x in lines if x.amount == 140531)
    assert credit.remittance == "#RD PARTY MEDIA CUSNO 90782 4210773"


def test_camt_ustrd_parts_cut_at_the_banks_width_are_one_text_again():
    """PostFinance and German banks cut a description into <Ustrd> parts of 35 characters,
    inside a number too: the betalingskenmerk and the invoice number are whole again, while
    parts that end on a word keep their space (review newcomer9 A)."""
    [s] = parsed("camt053/split-ustrd.xml")
    first, second = s.lines
    assert first.remittance == "Zahlung Rechnung Bakkerij kenmerk 5000056789012345 Danke"
    assert first.reference == "5000056789012345"
    assert second.remittance == "Zahlung fuer Rechnung Nr. F-2025-0077 vom 01.01.2025"
    short = (
        (STATEMENTS / "camt053/split-ustrd.xml")
        .read_bytes()
        .replace(b"kenmerk 5</Ustrd>", b"kenmerk</Ustrd>")
    )
    [s] = parse_statement_file(short)
    assert s.lines[0].remittance == "Zahlung Rechnung Bakkerij kenmerk 000056789012345 Danke"


def test_camt_booking_time_in_utc_is_read_as_the_amsterdam_date():
    [s] = parsed("camt053/test-camt053-bookgdt-dttm.xml")
    assert [x.booking_date for x in s.lines] == [date(2014, 1, 5)]  # 23:00Z = 00:00 CET


def test_camt_local_booking_time_keeps_its_written_date():
    data = (STATEMENTS / "camt053/test-camt053-bookgdt-dttm.xml").read_bytes()
    local = data.replace(
        b"<DtTm>2014-01-04T23:00:00.000Z</DtTm>", b"<DtTm>2014-01-04T23:00:00</DtTm>"
    )
    assert local != data
    [s] = parse_statement_file(local)
    assert [x.booking_date for x in s.lines] == [date(2014, 1, 4)]


def test_letters_after_the_account_that_are_no_currency_are_part_of_it():
    [s] = parse_statement_file(USD.replace(b"USD", b"EUR").replace(b"0123456789EUR", b"1/ABC"))
    assert (s.account, s.currency) == ("NL02ABNA1/ABC", "EUR")


def test_a_wrapped_line_that_starts_like_a_bic_is_still_text():
    wrapped = ING_WRAP.replace(b"120123//CNTP", b"INGBANKNV-120123//CNTP")
    [s] = parse_statement_file(wrapped)
    assert s.lines[0].remittance == "Factuur 2026-01483"


def test_triodos_iban_export_reads_the_payer():
    """final4 finding 7: in Triodos's IBAN export ``>21`` is the payer's IBAN, ``>20`` its BIC
    and ``>22`` its name; they were glued into the description and the known-payer rule never
    saw the IBAN. A line whose ``>21`` is text (a card payment) keeps it as description."""
    [s] = parse_statement_file((GEM / "triodos_iban.txt").read_bytes())
    first, second, card = s.lines
    assert first.counterparty_iban == "NL12RABO0888888888"
    assert first.counterparty_bic == "RABONL2U"
    assert first.counterparty_name == "METSELAARBAASIK PAARDENA PO"
    assert first.remittance is not None and "STORTING AANDELEN" in first.remittance
    assert "NL12RABO" not in first.remittance
    assert second.counterparty_iban == "NL08TRIO0373737373"
    assert card.counterparty_iban is None and "BETAALAUTOMAAT" in (card.remittance or "")


@pytest.mark.parametrize("name", ["test-camt053.xml", "test-camt053-txdtls.xml"])
def test_a_camt_file_opened_by_a_byte_order_mark_reads_as_without(name: str) -> None:
    """newcomer7 finding 1: Rabobank's CAMT.053 exports start with a UTF-8 BOM (XML 1.0
    section 4.3.3 allows it); such a file was refused as neither MT940 nor CAMT.053."""
    data = (STATEMENTS / "camt053" / name).read_bytes()
    plain = parse_statement_file(data)
    marked = parse_statement_file(b"\xef\xbb\xbf" + data)
    assert marked == plain and sum(len(s.lines) for s in marked) > 0


# -- review newcomer7, finding 7: Rabobank's older layout repeats :86: per line -----------------

RABO_OLD = b"""\
:940:
:20:940A251120
:25:1291.99.348EUR
:28:00000/00
:60F:C251119EUR000000000100,00
:61:251120C000000000110,10N0220123456789      A. JANSEN
:86:BETALING
:86:FACTUURNUMMER J0010
:61:251120C000000000020,00N0220123456790      B. BAKKER
:86:TERMIJN 2
:86:FACTUUR J0011
:86:KLANT 77
:62F:C251120EUR000000000230,10
"""


def test_rabobanks_older_layout_keeps_every_86_line_of_a_transaction():
    [s] = parse_statement_file(RABO_OLD)
    assert [line.remittance for line in s.lines] == [
        "BETALING FACTUURNUMMER J0010",
        "TERMIJN 2 FACTUUR J0011 KLANT 77",
    ]


def test_every_86_of_a_transaction_that_was_not_read_is_dropped_with_it():
    damaged = RABO_OLD.replace(b"C000000000110,10", "C000000000110,1\u00e9".encode())
    [s] = parse_statement_file(damaged)
    assert [line.remittance for line in s.lines] == ["TERMIJN 2 FACTUUR J0011 KLANT 77"]
