"""A date the command line cannot read is refused with the argument it came in and the form
expected (newcomer31 F7: "not a date" without which of three, and `broadcast publish --from
31-01-2026` said Python's "Invalid isoformat string")."""

from __future__ import annotations

import pytest

from shared.cli.main import main


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["interest", "100", "2024-01-01", "31-12-2024"], "end: not a date: '31-12-2024'"),
        (["interest", "100", "2024/01/01", "2024-12-31"], "start: not a date: '2024/01/01'"),
        (
            ["interest", "100", "2024-01-01", "2024-12-31", "--contract-date", "1-1-2024"],
            "--contract-date: not a date: '1-1-2024'",
        ),
        (["term", "2024-02-30"], "sent: not a date: '2024-02-30'"),
        (["prescription", "01-01-2020"], "due: not a date: '01-01-2020'"),
        (["prescription", "2020-01-01", "--interrupted", "x"], "--interrupted: not a date: 'x'"),
        (
            [
                "broadcast",
                "publish",
                "--nl",
                "a",
                "--en",
                "b",
                "--from",
                "31-01-2026",
                "--until",
                "2026-02-01",
            ],
            "--from: not a date: '31-01-2026'",
        ),
    ],
)
def test_a_bad_date_names_its_argument_and_the_form(capsys, args, said):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == f"inning: error: {said} (expected YYYY-MM-DD)\n"
