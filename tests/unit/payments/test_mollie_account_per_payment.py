# ruff: noqa: F811
"""A Mollie payment is read with the account that made it (attack4 finding 2): the payment's row
names the account (the agency's configured key by its setting name, or the client's linked
account by its name; never a credential), and the webhook, its refunds and chargebacks use it
also after the client linked its own Mollie account, or unlinked it. A plan's Mollie customer
and mandate stay in the account that made them. A payment its account does not know (Mollie's
404) goes on the action list, never silently ``unknown``.

Two stand-ins play the two accounts (at Mollie one URL, each key seeing only its own payments:
another account's payment is a 404 there, as here)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.ports.secrets import client_secret_name
from shared.ports.tables import Row
from tests.support.mollie_stand_in import MollieWorld, mollie_world
from tests.unit.plans.test_plan_mollie import (  # noqa: F401
    actions,
    booked,
    mollie,
    plan_of,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make, run_day

OWN_KEY = "test_OwnAccountOfTheClient000000000"


@pytest.fixture
def own():
    """The client's own Mollie account (ids apart from the agency's, as Mollie's are)."""
    with mollie_world() as account:
        account.api_key = OWN_KEY
        account.first_id = 500
        yield account


def link_own_account(world, own: MollieWorld) -> Any:
    """The client's admin hands Inning its API key (checked with Mollie); the link."""
    accounts = world.services.mollie_accounts
    accounts.api_url = own.url  # at Mollie the same URL; the stand-in has its own
    return accounts.set_api_key(the_client(world).client_id, own.api_key)


def invoice(world, number: str) -> Any:
    return world.services.repos.invoices.get(the_client(world).client_id, number).invoice


def row(world, payment_id: str) -> dict[str, Any]:
    found = world.store.get("MolliePayments", encode(payment_id), "p")
    assert found is not None
    return dict(found.data)


def test_a_chargeback_after_the_client_linked_its_own_account_is_booked(world, mollie, own):
    client = the_client(world)
    online = world.services.online_payments
    # 5 Jan: D1 pays F1 through the agency's configured account (MOLLIE_KEY_C1)
    started = online.start(client, "D1", ["F1"], "https://x/return")
    assert started.payment_id in mollie.payments
    mollie.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id) == ["paid"]
    # 6 Jan: the client links its own Mollie account; new payments go there
    link = link_own_account(world, own)
    second = online.start(client, "D1", ["F2"], "https://x/return")
    assert second.payment_id in own.payments and second.payment_id not in mollie.payments
    # 20 Jan: the first payment is charged back; it is read in the agency's account
    mollie.chargeback(started.payment_id, at="2026-01-20T07:15:00.0Z")
    assert webhook(world, started.payment_id) == ["chargeback"]
    assert booked(world, started.payment_id).reversed
    assert invoice(world, "F1").status.value != "paid" and invoice(world, "F1").open_amount > 0
    # the second is paid in the client's account, and booked
    own.settle(second.payment_id, "paid")
    assert webhook(world, second.payment_id) == ["paid"]
    assert invoice(world, "F2").status.value == "paid"
    assert actions(world, "mollie_payment_missing") == []
    # what the rows name: the setting's name, the link's name; never the credential
    assert row(world, started.payment_id)["Account"] == "setting:MOLLIE_KEY_C1"
    assert row(world, second.payment_id)["Account"] == f"linked:{link.account}"
    assert OWN_KEY not in json.dumps(row(world, second.payment_id))


def test_after_the_client_unlinks_its_payments_are_still_read_with_its_account(world, mollie, own):
    client = the_client(world)
    online = world.services.online_payments
    accounts = world.services.mollie_accounts
    link_own_account(world, own)
    started = online.start(client, "D1", ["F1"], "https://x/return")
    assert started.payment_id in own.payments
    own.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id) == ["paid"]
    accounts.unlink(client.client_id)
    assert accounts.links.mollie(client.client_id) is None
    assert accounts.secrets.get(client_secret_name(client.client_id, "mollie-key")) is None
    # new payments go to the agency's account again
    after = online.start(client, "D1", ["F2"], "https://x/return")
    assert after.payment_id in mollie.payments
    # the debtor's payment through the client's account is refunded there: booked
    own.refund(started.payment_id, at="2026-01-21T09:00:00.0Z")
    assert webhook(world, started.payment_id) == ["refund"]
    assert booked(world, started.payment_id).reversed
    assert online.status(client, started.payment_id) == "paid"  # Mollie's status, its account


def test_a_relinked_client_keeps_the_earlier_accounts_credential_for_its_payments(world, own):
    client = the_client(world)
    accounts = world.services.mollie_accounts
    link_own_account(world, own)
    started = world.services.online_payments.start(client, "D1", ["F1"], "https://x/return")
    own.api_key = "test_AnotherKeyOfTheClient00000000"  # the client hands in another key
    accounts.set_api_key(client.client_id, own.api_key)
    assert accounts.secrets.get(client_secret_name(client.client_id, "mollie-key")) == own.api_key
    # the payment made before the relink is asked with the key it was made with
    own.api_key = OWN_KEY  # (the stand-in accepts one key: the earlier account's)
    own.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id) == ["paid"]
    first = row(world, started.payment_id)["Account"].removeprefix("linked:")
    assert first != accounts.links.mollie(client.client_id).account
    kept = client_secret_name(client.client_id, f"mollie-key-{first}")
    assert accounts.secrets.get(kept) == OWN_KEY


def test_a_payment_its_account_does_not_know_goes_on_the_action_list(world, mollie, own):
    client = the_client(world)
    online = world.services.online_payments
    started = online.start(client, "D1", ["F1"], "https://x/return")
    mollie.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id) == ["paid"]
    # a row written before rows named their account: read with the account of today, as
    # before; once the client linked its own account, Mollie answers 404 there
    data = row(world, started.payment_id)
    data.pop("Account", None)
    world.store.upsert("MolliePayments", Row(encode(started.payment_id), "p", data))
    link_own_account(world, own)
    mollie.chargeback(started.payment_id)
    assert webhook(world, started.payment_id, times=2) == ["missing", "missing"]
    (item,) = actions(world, "mollie_payment_missing")  # told once
    assert started.payment_id in item["title"] and item["debtor_number"] == "D1"
    # an account no longer configured (the setting removed) is told the same way
    other = online.start(client, "D1", ["F2"], "https://x/return")
    world.services.mollie_accounts.unlink(client.client_id)
    data = row(world, other.payment_id) | {"Account": "setting:MOLLIE_KEY_GONE"}
    world.store.upsert("MolliePayments", Row(encode(other.payment_id), "p", data))
    assert webhook(world, other.payment_id) == ["missing"]
    assert len(actions(world, "mollie_payment_missing")) == 2


def test_a_plans_recurring_payments_stay_in_the_account_holding_its_mandate(world, mollie, own):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")  # the customer and mandate are the agency account's
    mollie.settle(first["id"], "paid")
    assert webhook(world, first["id"]) == ["paid"]
    link_own_account(world, own)  # the client links its own account afterwards
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    assert second["mandateId"] == first["mandateId"] and own.payments == {}
    assert plan_of(world, plan_id)["mandate"]["status"] == "valid"
    mollie.settle(second["id"], "paid")
    assert webhook(world, second["id"]) == ["paid"]
    assert [i["status"] for i in plan_of(world, plan_id)["installments"]][:2] == ["paid", "paid"]
