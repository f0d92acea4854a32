"""newcomer31 F10: two `make run` on one checkout (the second on ports of its own) started two
Azurites on the same data folder, each overwriting the other's database. The folder's lock,
held by the Azurite using it, refuses the second, and `make run` says so in one line."""

from __future__ import annotations

import pytest

from tools import azurite
from tools.devhost import run


def _ports() -> azurite.AzuritePorts:
    return azurite.AzuritePorts(azurite.free_port(), azurite.free_port(), azurite.free_port())


def test_a_second_azurite_on_one_data_folder_is_refused_until_the_first_stops(tmp_path):
    first = azurite.start(tmp_path, _ports())
    try:
        second_ports = _ports()
        with pytest.raises(azurite.AzuriteBusy, match=f"pid {first.pid}") as refused:
            azurite.start(tmp_path, second_ports)
        assert "already uses the data in" in str(refused.value)
        assert not azurite.port_open(second_ports.table)  # nothing was started
    finally:
        azurite.stop(first)
    again = azurite.start(tmp_path, _ports())  # the lock went with the process
    azurite.stop(again)


def test_make_run_says_the_refusal_in_one_line(monkeypatch, capsys):
    ports = [azurite.free_port(), azurite.free_port()]
    monkeypatch.setenv(run.HOST_PORT_SETTING, str(ports[0]))
    monkeypatch.setenv(run.AZURITE_PORT_SETTING, str(ports[1]))
    monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")
    monkeypatch.setenv("INNING_PUBLIC_BASE_URL", "http://localhost:7071")
    monkeypatch.setattr(run, "apply_settings", lambda settings: None)

    def busy(*args: object, **kwargs: object) -> None:
        raise azurite.AzuriteBusy("another Azurite (pid 1) already uses the data in /x")

    monkeypatch.setattr(azurite, "start", busy)
    with pytest.raises(SystemExit) as ended:
        run.main()
    assert str(ended.value.code) == "make run: another Azurite (pid 1) already uses the data in /x"
    assert "stopping" not in capsys.readouterr().out  # nothing had started
