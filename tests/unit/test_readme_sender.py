"""The README's *sending mailbox* paragraph names every refusal the verification routes
declare, and its ``postal_address`` example is what ``PUT …/contact`` accepts (newcomer33: a
newcomer sent the address as one line and got a 422 the README did not explain; a verified
address's second code was ``sender_already_verified``, named nowhere)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

from shared.api import routes_sending_mailbox
from shared.api.router import Router
from shared.api.schemas import AddressIn
from shared.services.container import Services

ROOT = Path(__file__).resolve().parents[2]


def _paragraph() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("*The sending mailbox*")
    return text[start : text.index("*Data decision:*", start)]


def test_every_refusal_of_the_verification_routes_is_in_the_readme() -> None:
    router = Router(authenticate=lambda request: None)
    routes_sending_mailbox.register(router, cast(Services, None))
    declared = {
        reason
        for route in router.routes
        for text in route.errors.values()
        for reason in re.findall(r"sender_[a-z_]+", text)
    }
    assert declared >= {"sender_already_verified", "sender_code_wrong", "sender_codes_today"}
    named = set(re.findall(r"`(sender_[a-z_]+)`", _paragraph()))
    assert declared - named == set()


def test_the_readme_postal_address_is_what_the_contact_route_accepts() -> None:
    text = (ROOT / "README.md").read_text()
    found = re.search(r"the address an object,\s+`(\{[^`]*\})`", text)
    assert found is not None
    example: Any = json.loads(found.group(1))
    assert AddressIn.model_validate(example).country == "NL"
