"""A client with two debtors and three invoices, for online payments and the portal."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.unit.api.conftest import client_row, debtor_row, invoice_row


@pytest.fixture
def shop(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", postpone_auto_days=14)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {
            "items": [
                invoice_row("F1", "D1"),
                invoice_row("F2", "D1", amount="50.00"),
                invoice_row("F9", "D2"),
            ]
        },
    )
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client


def deliver_webhooks(world):
    online = world.services.online_payments
    return [
        online.process(json.loads(j.body)["id"])
        for j in world.services.messaging.queues.take("mollie-webhook")
    ]


def status(world, number):
    return world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}").body["status"]


def claim_total(world, number):
    """What the debtor owes on the invoice today (principal, costs, VAT, interest), in cents."""
    body = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}/claim").body
    return int(body["open"]["total"].replace(".", ""))
