"""An agency id no key can hold (empty, over 512 characters once escaped) is an agency that
does not exist, said so by the commands that look one up, not "an identifier must not be
empty" or "key longer than 512 characters" (newcomer31 F1)."""

from __future__ import annotations

import pytest

from shared.cli import app_settings
from shared.cli.main import main
from tests.unit.api.conftest import world  # noqa: F401 (fixture)


@pytest.mark.parametrize("agency_id", ["", "x" * 600, "é" * 200])
@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["agency", "update", "{id}", "--name", "N"], "agency {r} does not exist"),
        (["agency", "withdrawn-costs", "{id}"], "agency {r} does not exist"),
        (
            ["user", "invite", "a@b.example", "--agency", "{id}", "--role", "agency_admin"],
            "no agency {r}",
        ),
        (["mollie", "prune", "--agency", "{id}", "--dry-run"], "no agency {s} "),
    ],
)
def test_an_id_no_key_can_hold_is_no_agency(world, monkeypatch, capsys, agency_id, command, said):  # noqa: F811
    monkeypatch.setattr(app_settings, "cli_services", lambda *a, **k: world.services)
    args = [agency_id if part == "{id}" else part for part in command]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"inning: error: {said.format(r=repr(agency_id), s=agency_id)}"), err
