"""``inning interest`` warns about a stale rate table only when the period asked for runs
past the newest rate's half-year (review newcomer3 finding 2, newcomer #7): a period the table
covers is computed right however old the table is."""

from __future__ import annotations

import json

import pytest

from shared.cli.main import main


@pytest.fixture
def old_table(tmp_path):
    path = tmp_path / "rates.csv"  # newest rate 2024-01-01: it holds until 2024-06-30
    path.write_text(
        "effective_from,consumer,commercial\n2023-07-01,6.00,12.00\n2024-01-01,7.00,12.50\n"
    )
    return str(path)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_readme_period_covered_by_the_shipped_table_is_not_warned(capsys):
    code, out, err = run(capsys, "interest", "1000", "2023-03-15", "2025-03-15")
    assert (code, out.strip(), err) == (0, "128.10", "")


@pytest.mark.parametrize(("end", "warned"), [("2024-07-01", False), ("2024-07-02", True)])
def test_a_period_running_past_the_tables_half_year_is_warned(capsys, old_table, end, warned):
    code, out, err = run(capsys, "interest", "1000", "2024-01-01", end, "--rates", old_table)
    assert code == 0 and out.strip()
    assert ("inning: warning:" in err) is warned
    code, out, _ = run(
        capsys, "interest", "1000", "2024-01-01", end, "--rates", old_table, "--json"
    )
    assert bool(json.loads(out)["warnings"]) is warned
