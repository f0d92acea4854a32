"""`inning term` follows the Algemene termijnenwet with Good Friday and the equated days, and
warns past the table of equated days (review law3 finding 2)."""

import json

from shared.cli.main import main


def test_term_runs_past_good_friday(capsys):
    assert main(["term", "2026-03-18", "--channel", "letter"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2026-04-08"
    assert err == ""


def test_term_runs_past_an_equated_day(capsys):
    assert main(["term", "2024-12-11", "--channel", "letter", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["last_day"], data["costs_owed_from"]) == ("2024-12-30", "2024-12-31")
    assert "warning" not in data


def test_term_past_the_table_warns(capsys):
    assert main(["term", "2029-05-01", "--channel", "email", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "2028-12-31" in json.loads(out)["warning"]
    assert err.startswith("warning: ")


def test_term_of_a_letter_abroad(capsys):
    # law13b F2: posted Thu 4-12-2025 to Belgium: received Thu 11-12 (D+5 working days)
    assert main(["term", "2025-12-04", "--channel", "letter", "--country", "BE", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["received_on"], data["costs_owed_from"]) == ("2025-12-11", "2025-12-30")


def test_a_country_that_is_no_iso_alpha2_code_exits_2(capsys):
    """newcomer14 #5: NLD (alpha-3 of the Netherlands), XX or BEL were read as abroad and
    moved the day costs are owed from 19-3 to 31-3, exit 0."""
    for given in ("NLD", "XX", "BEL", "N", ""):
        assert main(["term", "2026-03-02", "--country", given]) == 2, given
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1, given
        assert "ISO 3166-1 alpha-2" in err, given
    assert main(["term", "2026-03-02", "--country", "nl"]) == 0
    assert capsys.readouterr().out.strip() == "2026-03-19"
    assert main(["term", "2026-03-02", "--country", "be", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["country"] == "BE"


def test_the_country_list_is_iso_3166_1s_249_codes():
    from shared.domain.countries import ISO_3166_ALPHA2, is_country

    assert len(ISO_3166_ALPHA2) == 249
    assert all(len(c) == 2 and c.isalpha() and c.isupper() for c in ISO_3166_ALPHA2)
    assert is_country(" nl ") and is_country("GB") and not is_country("UK")
