"""``inning restore-hold`` with no hold answers on stdout, exit 0: it is the answer asked
for, not a warning (newcomer33: "no restore hold" went to stderr). ``--json`` answers
``null``. Confirming a hold there is not stays an error: stderr, exit 2."""

from __future__ import annotations

import json

from shared.cli import app_settings
from shared.cli.main import main
from tests.unit.api.conftest import world  # noqa: F401 (fixture)


def test_no_hold_is_said_on_stdout(world, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setattr(app_settings, "cli_services", lambda *a, **k: world.services)
    assert main(["restore-hold"]) == 0
    said = capsys.readouterr()
    assert said.out == "no restore hold: payouts and collections run\n" and said.err == ""
    assert main(["restore-hold", "--json"]) == 0
    said = capsys.readouterr()
    assert json.loads(said.out) is None and said.err == ""


def test_confirming_no_hold_stays_an_error(world, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setattr(app_settings, "cli_services", lambda *a, **k: world.services)
    assert main(["restore-hold", "confirm", "--by", "ops-anna", "--note", "bank checked"]) == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err.startswith("inning: error: no restore hold")
