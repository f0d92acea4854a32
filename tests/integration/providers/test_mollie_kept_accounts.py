# ruff: noqa: F811
"""A client's Mollie Connect account that it unlinks (or replaces) is kept under its own name
for the payments made through it: Mollie's webhook of such a payment is read with the kept
authorisation (refreshed from its kept refresh token), while the client's current link is
gone (attack4 finding 2). The same Mollie stand-in as test_mollie_accounts.py."""

from __future__ import annotations

import json

from shared.ports.secrets import client_secret_name
from tests.integration.providers.test_mollie_accounts import authorize, mollie  # noqa: F401
from tests.unit.api.conftest import world  # noqa: F401


def test_a_connect_payment_is_read_with_the_kept_authorisation_after_unlinking(mollie, world):
    fake, server, accounts, clients = mollie
    online = world.services.online_payments
    online.account_of = accounts.account_of  # the fixture's accounts (its stand-in's URL)
    online.linked_provider = accounts.provider_for_account
    c1 = clients["C1"]
    link = accounts.callback({"code": "auth_good", "state": authorize(accounts, c1.client_id)})
    started = online.start(c1, "D1", ["F1"], "https://inning.example/api/portal/return/x")
    assert started.payment_id == "tr_conn1"
    accounts.unlink(c1.client_id)
    current = client_secret_name(c1.client_id, "mollie-refresh-token")
    assert accounts.secrets.get(current) is None and accounts.provider_for(c1) is None
    kept = client_secret_name(c1.client_id, f"mollie-refresh-token-{link.account}")
    assert accounts.secrets.get(kept) == "refresh_first"
    # two hours later the debtor has paid: the webhook reads it with the kept authorisation
    fake.payments["tr_conn1"]["status"] = "paid"
    world.clock.advance(hours=2)
    online.webhook("tr_conn1")
    (job,) = world.services.queues.take("mollie-webhook")
    assert online.process(json.loads(job.body)["id"]) == "paid"
    fetched = server.requests("GET", "/v2/payments/tr_conn1")[-1]
    assert fetched.headers["authorization"] == "Bearer access_2"  # refreshed, kept token
    assert world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"
