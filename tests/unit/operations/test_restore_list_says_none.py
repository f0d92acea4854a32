"""`inning restore --list` before any backup exists, and `--from` a day without one: the
command says so and what makes one (newcomer19 F5: an empty line, exit 0, on a fresh
installation; `--from` named a manifest file but not the days that have a backup)."""

from __future__ import annotations

import pytest

from shared.cli import backup_commands
from shared.cli.main import main


class Shelf:
    def __init__(self, days: list[str]) -> None:
        self.held = days

    def days(self) -> list[str]:
        return list(self.held)


def shelf(days: list[str]):  # type: ignore[no-untyped-def]
    """``_backup``: the backup account's shelf; no older one in the tables' own account."""
    return lambda *args, legacy=False, **kwargs: None if legacy else Shelf(days)


def test_no_backup_yet_is_said_on_stderr(monkeypatch, capsys):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(backup_commands, "_backup", shelf([]))
    assert main(["restore", "--list"]) == 0
    out, err = capsys.readouterr()
    assert out == ""  # a script reading the days gets none
    assert "no complete backup yet" in err and "inning backup" in err


def test_the_days_are_listed_as_before(monkeypatch, capsys):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(backup_commands, "_backup", shelf(["2026-12-02", "2026-12-03"]))
    assert main(["restore", "--list"]) == 0
    assert capsys.readouterr() == ("2026-12-02\n2026-12-03\n", "")


@pytest.mark.parametrize(
    ("days", "said"),
    [([], "no complete backup yet"), (["2026-12-03"], "the days that have one: 2026-12-03")],
)
def test_a_day_without_a_backup_names_the_days_that_have_one(monkeypatch, capsys, days, said):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(backup_commands, "_backup", shelf(days))
    assert main(["restore", "--from", "2026-12-02"]) == 2
    err = capsys.readouterr().err
    assert "no complete backup for 2026-12-02" in err and said in err
    assert "inning restore --list" in err
