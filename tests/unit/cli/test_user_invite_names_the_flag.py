"""``inning user invite`` of a client role without ``--client`` says which flag to add, not
only "client_admin needs a client" (newcomer32 F2: a newcomer inviting the first client's
admin by hand had to guess that the client is given by its number with --client)."""

from __future__ import annotations

import pytest

from shared.cli import app_settings
from shared.cli.main import main
from tests.unit.api.conftest import world  # noqa: F401 (fixture)


@pytest.mark.parametrize("role", ["client_admin", "client_staff"])
def test_a_client_role_without_client_names_the_flag(world, monkeypatch, capsys, role):  # noqa: F811
    monkeypatch.setattr(app_settings, "cli_services", lambda *a, **k: world.services)
    agency = next(iter(world.services.repos.agencies.ids()))
    args = ["user", "invite", "new@person.example", "--agency", agency, "--role", role]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == (
        f"inning: error: {role} is one of a client's people: add --client NUMBER "
        f"(the client's number at agency {agency})\n"
    ), err
