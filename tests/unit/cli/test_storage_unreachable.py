"""Without Azurite a storage command says so in one line, with what to do (newcomer31 F5)."""

from __future__ import annotations

import socket

import pytest
from azure.core.exceptions import ServiceRequestError

from shared.cli import app_settings
from shared.cli.main import main


def _conn(table: int, blob: int) -> str:
    return (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
        f"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;"
        f"QueueEndpoint=http://127.0.0.1:{table}/devstoreaccount1;"
        f"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;"
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_closed_table_port_is_named_with_what_to_do(tmp_path):
    closed = _closed_port()
    env = {"INNING_ENVIRONMENT": "local", "AzureWebJobsStorage": _conn(closed, closed)}
    with pytest.raises(ValueError) as refused:
        app_settings.cli_settings(env, tmp_path)
    said = str(refused.value)
    assert f"Azurite is not reachable at 127.0.0.1:{closed}" in said
    assert "`make run`" in said and "AzureWebJobsStorage" in said


def test_a_closed_blob_port_is_left_to_the_command(tmp_path):
    """``restore --list`` lists the backup account's nights when the tables' own account has
    lost its blob endpoint (test_backup_account): only the tables are checked up front."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        table = listening.getsockname()[1]
        env = {"INNING_ENVIRONMENT": "local", "AzureWebJobsStorage": _conn(table, _closed_port())}
        assert app_settings.cli_settings(env, tmp_path) is not None


def test_storage_lost_mid_command_is_one_line(monkeypatch, capsys):
    def lost(*_: object, **__: object) -> object:
        raise ServiceRequestError("Connection refused: 127.0.0.1:10002\nmore lines")

    monkeypatch.setattr(app_settings, "cli_services", lost)
    assert main(["agency", "create", "acme", "--name", "Acme"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "storage is not reachable (Connection refused: 127.0.0.1:10002)" in err
    assert "`make run`" in err
