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
