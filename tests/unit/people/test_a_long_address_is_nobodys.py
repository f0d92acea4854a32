"""An address longer than a storage key holds gets the sign-in's and the reset's one answer
for an unknown address (attack24 F10: 1,000 characters and more raised InvalidKey out of the
public sign-in and reset pages, a 500)."""

from __future__ import annotations

import re

import pytest

from shared.api.console.app import ConsoleApp
from tests.unit.api.conftest import World
from tests.unit.people.test_console_pages import Browser, csrf_of

STRIP = re.compile(rb'(value|nonce)="[^"]+"')


@pytest.mark.parametrize("length", [1000, 60000])
def test_a_long_address_is_answered_as_an_unknown_one(world: World, length: int) -> None:
    world.services.people.accounts.reset_answer_seconds = 0.0
    answers = []
    for email in ("nobody@c1.example", "a" * length + "@c1.example"):
        browser = Browser(ConsoleApp(world.services))
        page = browser.get("/login")
        signin = browser.post(
            "/login", {"email": email, "password": "x" * 10, "csrf": csrf_of(page)}
        )
        page = browser.get("/reset")
        reset = browser.post("/reset", {"email": email, "csrf": csrf_of(page)})
        answers.append((signin.status, reset.status, STRIP.sub(b"", reset.encoded())))
    assert answers[0][:2] == (401, 200)
    assert answers[1] == answers[0]
