"""``inning backup --keep`` given a value (as if it said how many nights to keep) says what
--keep does and which setting keeps nights, instead of argparse's "unrecognized arguments: 7"
or "ignored explicit argument '7'" (newcomer31 F2)."""

from __future__ import annotations

import pytest

from shared.cli.main import build_parser, main


@pytest.mark.parametrize("given", [["--keep", "7"], ["--keep=7"], ["--keep="]])
def test_a_value_for_keep_is_refused_with_what_it_does(capsys, given):
    assert main(["backup", *given]) == 2
    err = capsys.readouterr().err
    assert err.startswith("inning: error: --keep takes no value (got ")
    assert "INNING_BACKUP_RETENTION_DAYS" in err


def test_keep_alone_is_the_flag_and_help_shows_it_so(capsys):
    parser = build_parser("backup")
    assert parser.parse_args(["backup", "--keep"]).keep is True
    assert parser.parse_args(["backup"]).keep is False
    with pytest.raises(SystemExit):
        main(["backup", "--help"])
    shown = capsys.readouterr().out
    assert "[--keep]" in shown and "--keep [" not in shown
