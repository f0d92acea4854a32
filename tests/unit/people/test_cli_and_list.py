"""``inning user invite`` for the first admin, ``inning broadcast publish``, and the shipped
common-password list matching its source package."""

from __future__ import annotations

import json

import pytest

from shared.cli import app_settings
from shared.cli.main import main
from shared.domain.people.passwords import common_passwords
from tools import password_list


@pytest.fixture
def installed(world, monkeypatch):
    # the commands wire their services over the app settings, as every CLI command does
    monkeypatch.setattr(app_settings, "cli_services", lambda *_: world.services)
    return world


def test_first_admin_of_a_fresh_installation(installed, capsys):
    assert (
        main(
            [
                "user",
                "invite",
                "eerste@agency-a.example",
                "--agency",
                "agency-a",
                "--role",
                "agency_admin",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert "/api/console/invite/" in out["invitation"]
    user = installed.services.people.kit.people.users.by_email("eerste@agency-a.example")[0]
    assert user.role.value == "agency_admin" and user.client_id is None
    assert (
        main(["user", "invite", "x@y.example", "--agency", "nope", "--role", "agency_admin"]) == 2
    )
    assert (
        main(["user", "invite", "x@y.example", "--agency", "agency-a", "--role", "client_admin"])
        == 2
    )
    assert (
        main(
            [
                "user",
                "invite",
                "eerste@agency-a.example",
                "--agency",
                "agency-a",
                "--role",
                "agency_staff",
            ]
        )
        == 0
    )
    # an invitation not yet accepted is sent again, in the role asked now (the mail may be lost)
    again = installed.services.people.kit.people.users.by_email("eerste@agency-a.example")[0]
    assert (again.user_id, again.role.value) == (user.user_id, "agency_staff")


def test_a_client_admin_by_client_number(installed, tenants, capsys):
    assert (
        main(
            [
                "user",
                "invite",
                "baas@c1.example",
                "--client",
                "C1",
                "--agency",
                "agency-a",
                "--role",
                "client_admin",
            ]
        )
        == 0
    )
    user = installed.services.people.kit.people.users.by_email("baas@c1.example")[0]
    assert user.client_id == tenants.c1


def test_a_client_number_needs_its_agency(installed, tenants, capsys):
    # attack20 F4: a number alone took whichever agency's client bore it
    args = ["user", "invite", "baas@c1.example", "--client", "C1", "--role", "client_admin"]
    assert main(args) == 2
    assert "--client needs --agency" in capsys.readouterr().err
    assert installed.services.people.kit.people.users.by_email("baas@c1.example") is None
    # another agency's number is not this agency's client
    assert main([*args, "--agency", "agency-b"]) == 2
    assert installed.services.people.kit.people.users.by_email("baas@c1.example") is None


def test_platform_broadcast(installed, capsys):
    args = [
        "broadcast",
        "publish",
        "--nl",
        "Onderhoud",
        "--en",
        "Maintenance",
        "--from",
        "2025-03-01",
        "--until",
        "2025-03-05",
    ]
    assert main(args) == 0
    assert [
        b.text_en for b in installed.services.people.kit.people.broadcasts.of_scope("platform")
    ] == ["Maintenance"]


def test_the_shipped_list_is_the_package_list():
    """ASVS 5.0 6.2.4: at least the top 3,000 common passwords; here the whole source list."""
    words = common_passwords()
    assert len(words) > 190_000
    assert {"password123", "iloveyou1", "qwertyuiop"} <= words
    if password_list.SOURCE.exists():  # node_modules is there after `make deps`
        assert password_list.entries() == sorted(words)
