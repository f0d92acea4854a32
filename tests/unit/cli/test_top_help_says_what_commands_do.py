"""``inning --help`` says what the commands a newcomer follows the README with do (newcomer32
F4): ``agency`` read "onboard a collection agency" (it also updates one), ``user`` "the first
admin of a fresh installation" (the README invites every agency's admin and resets factors
with it), ``backup`` "to the backups container" (it writes to INNING_BACKUP_STORAGE's
account when that is set)."""

from __future__ import annotations

import re

import pytest

from shared.cli.main import main


def test_the_summaries_match_what_the_commands_do(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = re.sub(r"\s+", " ", capsys.readouterr().out)
    assert "agency collection agencies: create one, update it" in text, text
    assert "user people: invite one (an agency's first admin too), reset a second factor" in text
    assert "backup export every table now to the backup account (INNING_BACKUP_STORAGE" in text
