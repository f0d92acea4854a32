"""``--agency`` without ``--client`` on the ops commands (README "After the deploy"): that
agency's clients only, never every agency's (newcomer19 F1: the flag was ignored without
``--client``, so `inning backfill handed-over-plans --agency noord` ended plans in every
agency's books and `inning watch prescription --agency noord` listed the demo agency's
clients)."""

from __future__ import annotations

import json

import pytest

from shared.cli import app_settings
from shared.cli.main import main
from tests.unit.api.conftest import World, client_row, make_world


@pytest.fixture
def two_agencies(monkeypatch: pytest.MonkeyPatch) -> World:
    world = make_world()
    assert world.agency_a.call("POST", "/v1/clients", {"items": [client_row("A1"), client_row("A2")]}).status == 200  # fmt: skip
    assert world.agency_b.call("POST", "/v1/clients", {"items": [client_row("B1")]}).status == 200
    monkeypatch.setattr(app_settings, "cli_services", lambda *_: world.services)
    return world


@pytest.mark.parametrize(
    "command",
    [
        ["watch", "prescription"],
        ["backfill", "prescription"],
        ["backfill", "handed-over-plans"],
        ["backfill", "whatsapp-stop"],
        ["backfill", "written-off"],
        ["backfill", "match-copies"],
    ],
)
def test_agency_alone_is_that_agencys_clients(
    two_agencies: World, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main([*command, "--agency", "agency-a", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted((r["agency"], r["client"]) for r in report) == [
        ("agency-a", "A1"),
        ("agency-a", "A2"),
    ]
    assert main([*command, "--json"]) == 0  # no flag: every client, as documented
    every = json.loads(capsys.readouterr().out)
    assert sorted(r["client"] for r in every) == ["A1", "A2", "B1"]


def test_an_unknown_agency_is_refused_not_read_as_every_agency(
    two_agencies: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backfill", "handed-over-plans", "--agency", "agency-x", "--json"]) == 2
    assert "no agency agency-x" in capsys.readouterr().err
    assert main(["mollie", "prune", "--agency", "agency-x", "--dry-run"]) == 2
