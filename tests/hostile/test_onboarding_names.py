"""``POST /v1/onboarding/clients`` makes a client as ``POST /v1/clients`` does, but its body
had plain strings: a client number with a NUL or a line break, a name with a right-to-left
override ("Bakkerij\u202e…" reads backwards in every letter, e-mail and CSV) or a line break,
which ``POST /v1/clients`` refuses, were stored (attack33). The same rules now."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.api.conftest import World, client_iban

BAD = [
    {"number": "A\x00B"},
    {"number": "A\nB"},
    {"number": "€" * 40},  # within 40 characters, past what a key holds once escaped
    {"name": "Bakkerij\u202eevil"},
    {"name": "Bakkerij\nBetaal op NL91ABNA0417164300"},
    {"name": "Bakkerij\u2066x"},
    {"first_name": "Jan\u202e"},
    {"first_name": "Jan\r\nBcc: x@evil.example"},
]


def _onboard(world: World, **change: str) -> Any:
    body = {"number": "N1", "name": "Bakkerij", "kvk_number": "12345678",
            "iban": client_iban("N1"), "first_email": "eigenaar@n1.example",
            "first_mobile": "0612345678", **change}  # fmt: skip
    return world.agency_a.call("POST", "/v1/onboarding/clients", body)


@pytest.mark.parametrize("change", BAD)
def test_onboarding_refuses_what_post_clients_refuses(world: World, change: dict[str, str]) -> None:
    reply = _onboard(world, **change)
    assert reply.status == 422, reply.body
    assert (
        world.services.repos.clients.id_for_number("agency-a", change.get("number", "N1")) is None
    )


def test_a_plain_onboarding_still_goes() -> None:
    from tests.unit.api.conftest import make_world

    world = make_world()
    reply = _onboard(world, first_name="Jan de Vries", name="Bakkerij De Korenschoof")
    assert reply.status == 201, reply.body
