"""attack27 F4: ``inning restore --target-connection "$NEW_CONN"`` with the variable unset (or
``--target-account ""``) was taken as "no target" and restored into the app's own production
tables without a word. An empty target is refused before anything is read or written."""

from __future__ import annotations

import pytest

from shared.cli.main import main


@pytest.mark.parametrize("flag", ["--target-connection", "--target-account"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_target_is_refused_before_anything_is_read(
    flag: str, value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared import bootstrap

    def no_storage(*_: object, **__: object) -> None:
        raise AssertionError("storage reached: the empty target was taken as the app's own")

    for name in ("tables_of", "table_backup", "legacy_backup", "blobs_of"):
        monkeypatch.setattr(bootstrap, name, no_storage)
    for argv in (
        ["restore", "--from", "2026-11-29", flag, value],
        ["restore", "--list", flag, value],
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"{flag} is empty (an unset shell variable?): refused, nothing restored" in err


def test_the_target_is_said_before_the_restore_writes() -> None:
    import argparse

    from shared.cli.backup_commands import _target_said

    said = _target_said(argparse.Namespace(target_connection=None, target_account="stnewtables"))
    assert said == "the storage account stnewtables"
    conn = "DefaultEndpointsProtocol=https;AccountName=stnew2;AccountKey=a2V5"
    said = _target_said(argparse.Namespace(target_connection=conn, target_account=None))
    assert said == "the storage account stnew2"
    said = _target_said(argparse.Namespace(target_connection=None, target_account=None))
    assert said.startswith("the app's own tables")
