"""Real-shaped Graph messages (tests/fixtures/graph_mail/) with their blanks filled in."""

from __future__ import annotations

import json
import uuid
from string import Template
from typing import Any

from tests.conftest import FIXTURES

DEFAULTS = {
    "mailbox": "facturen@korenbloem.example",
    "debtor_email": "jan@devries.example",
    "invoice": "F-1001",
    "other_invoice": "F-2002",
    "in_reply_to": "<inn.0000@korenbloem.example>",
    "reference": "inn-none",
}


def graph_message(name: str, **values: str) -> dict[str, Any]:
    text = (FIXTURES / "graph_mail" / f"{name}.json").read_text()
    filled = Template(text).substitute({**DEFAULTS, "nonce": uuid.uuid4().hex[:12], **values})
    message: dict[str, Any] = json.loads(filled)
    return message


def headers_of(message: dict[str, Any]) -> dict[str, str]:
    return {h["name"].lower(): h["value"] for h in message.get("internetMessageHeaders", [])}
