import json

from shared.cli.main import main
from tests.conftest import STATEMENTS as CORPUS


def test_parse_json_shape(capsys):
    assert main(["statement", "parse", str(CORPUS / "mt940/oca-nl/test-ing.940"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first = data["statements"][0]
    assert first["account"] == "NL77INGB0574908765" and first["currency"] == "EUR"
    assert first["opening"] == 66223 and first["closing"] == 56435
    assert first["lines"][0]["amount"] == 156
    assert first["lines"][0]["counterparty_iban"] == "NL32INGB0000012345"
    assert first["lines"][1]["counterparty_iban"] is None


def test_refused_file_exits_2_with_one_line(capsys):
    assert main(["statement", "parse", str(CORPUS / "mt940/oca-nl/test-wrong-file.940")]) == 2
    err = capsys.readouterr().err
    assert "unknown MT940 tag :9401:" in err and len(err.strip().splitlines()) == 1
    assert main(["statement", "parse", "/nonexistent.sta"]) == 2


def test_match_json(tmp_path, capsys):
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "invoice_number,debtor_name,debtor_iban,open_amount,payment_reference\n"
        "X1,ING Bank,,32.00,9001123412341234\n"
        "X2,Somebody,,1.45,\n"
    )
    assert (
        main(
            [
                "match",
                "--invoices",
                str(invoices),
                "--statement",
                str(CORPUS / "mt940/oca-nl/test-ing.940"),
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    by_amount = {x["amount"]: x for x in data["lines"]}
    assert by_amount[3200]["booked"] == [{"invoice_number": "X1", "amount": 3200}]
    assert by_amount[145]["booked"] == []
    assert all(x["amount"] > 0 for x in data["lines"])
    assert [x["index"] for x in data["lines"]] == sorted(x["index"] for x in data["lines"])


def test_match_rejects_a_bad_csv(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("number,amount\nX,1\n")
    assert (
        main(
            [
                "match",
                "--invoices",
                str(bad),
                "--statement",
                str(CORPUS / "mt940/oca-nl/test-ing.940"),
            ]
        )
        == 2
    )
    bad.write_text(
        "invoice_number,debtor_name,debtor_iban,open_amount,payment_reference\nX,,,12.345,\n"
    )
    assert (
        main(
            [
                "match",
                "--invoices",
                str(bad),
                "--statement",
                str(CORPUS / "mt940/oca-nl/test-ing.940"),
            ]
        )
        == 2
    )


def test_parse_prints_the_real_currency_and_the_derived_iban(capsys):
    assert main(["statement", "parse", str(CORPUS / "mt940/jejik/postfinance.sta")]) == 0
    out = capsys.readouterr().out
    assert out.count("123456789 CHF") == 2 and " EUR " not in out
    assert "in CHF, not euros: Inning books none of these lines" in out
    assert main(["statement", "parse", str(CORPUS / "camt053/test-camt053-txdtls.xml")]) == 0
    assert "CH1111000000123456789 CHF" in capsys.readouterr().out
    abn = CORPUS / "mt940/zilverline/abn_structured_sepa_overboeking.txt"
    assert main(["statement", "parse", str(abn)]) == 0
    out = capsys.readouterr().out
    assert "NL75ABNA0555555555 (bank account 555555555) EUR" in out
    assert "CAFE MON AMI" in out and "897789005" in out


def test_match_leaves_a_foreign_currency_statement_unmatched(tmp_path, capsys):
    """final4 finding 6: ``inning match`` booked a USD line on a euro invoice the app refuses."""
    euro = (CORPUS / "mt940/oca-nl/test-ing.940").read_text()
    usd = tmp_path / "usd.940"
    usd.write_text(euro.replace("EUR", "USD"))
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "invoice_number,debtor_name,debtor_iban,open_amount,payment_reference\n"
        "X1,ING Bank,,32.00,9001123412341234\n"
    )
    args = ["match", "--invoices", str(invoices), "--statement", str(usd), "--json"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["lines"] == [] and data["not_matched"][0]["currency"] == "USD"
    assert "in USD: not matched" in err


def test_match_books_a_written_off_invoice_by_its_reference_only(tmp_path, capsys):
    """The optional ``written_off`` column (womatch31): X1 written off is still booked by its
    reference, as in the app; X2 written off is not suggested by its amount and the payer's
    name (not written off, it is: score 0.35)."""
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "invoice_number,debtor_name,debtor_iban,open_amount,payment_reference,written_off\n"
        "X1,ING Bank,,32.00,9001123412341234,yes\n"
        "X2,ING Bank,,1.56,,yes\n"
    )
    args = ["match", "--invoices", str(invoices), "--statement",
            str(CORPUS / "mt940/oca-nl/test-ing.940"), "--json"]  # fmt: skip
    assert main(args) == 0
    by_amount = {x["amount"]: x for x in json.loads(capsys.readouterr().out)["lines"]}
    assert by_amount[3200]["booked"] == [{"invoice_number": "X1", "amount": 3200}]
    assert by_amount[156]["booked"] == [] and by_amount[156]["suggested"] == []
    invoices.write_text(invoices.read_text().replace(",yes\n", ",maybe\n", 1))
    assert main(args) == 2
