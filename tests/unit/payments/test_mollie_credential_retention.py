# ruff: noqa: F811
"""The credential of a Mollie account a client replaced or unlinked is deleted two years
after its last payment (shared/services/linking/mollie_retention.py, with Mollie's windows):
kept while a payment made with it can still be refunded or charged back (read through the
Mollie stand-in with the kept key), kept while a payment plan collects in it, then deleted,
secret and row, once; a webhook after that tells staff. No credential in logs or results."""

from __future__ import annotations

import json
import logging

import pytest

from shared.adapters.tables.keys import encode
from shared.ports.secrets import client_secret_name
from shared.ports.tables import Row
from shared.services.linking.mollie_retention import RETENTION, MollieCredentialRetention
from tests.unit.payments.test_mollie_account_per_payment import (  # noqa: F401
    OWN_KEY,
    link_own_account,
    own,
)
from tests.unit.plans.test_plan_mollie import (  # noqa: F401
    actions,
    booked,
    mollie,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make

NEW_KEY = "test_AnotherKeyOfTheClient00000000"


def retention(world) -> MollieCredentialRetention:
    accounts = world.services.mollie_accounts
    return MollieCredentialRetention(accounts.links, world.store, accounts.secrets, world.clock)


def relinked(world, own):
    """The client links its own account (key OWN_KEY), a debtor pays through it, then the
    client hands in another key: the first account is kept. (link, payment id)"""
    client = the_client(world)
    first = link_own_account(world, own)
    started = world.services.online_payments.start(client, "D1", ["F1"], "https://x/return")
    own.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id) == ["paid"]
    world.clock.advance(days=1)
    own.api_key = NEW_KEY
    world.services.mollie_accounts.set_api_key(client.client_id, NEW_KEY)
    own.api_key = OWN_KEY  # the stand-in answers the first account's key again
    return first, started.payment_id


def test_kept_for_two_years_refunds_booked_then_deleted_once(world, own, caplog):
    caplog.set_level(logging.DEBUG)
    client = the_client(world)
    accounts = world.services.mollie_accounts
    first, payment_id = relinked(world, own)
    kept_name = client_secret_name(client.client_id, f"mollie-key-{first.account}")
    kept_at = world.clock.now()
    (decision,) = retention(world).sweep()
    assert (decision.account, decision.outcome) == (first.account, "kept")
    assert decision.delete_from == kept_at + RETENTION
    # 11 months on the debtor's payment is refunded: read with the kept key, booked
    world.clock.advance(days=330)
    own.refund(payment_id, at="2026-12-01T09:00:00.0Z")
    assert webhook(world, payment_id) == ["refund"]
    assert booked(world, payment_id).reversed
    assert retention(world).sweep()[0].outcome == "kept"
    assert accounts.secrets.get(kept_name) == OWN_KEY
    # two years after the relink: deleted, the secret and the row
    world.clock.at = kept_at + RETENTION
    results = retention(world).sweep()
    assert [(r.account, r.outcome) for r in results] == [(first.account, "deleted")]
    assert accounts.secrets.get(kept_name) is None
    assert accounts.links.mollie_account(client.client_id, first.account) is None
    # the account linked now is untouched
    current = accounts.links.mollie(client.client_id)
    assert current is not None and current.account != first.account
    assert accounts.secrets.get(client_secret_name(client.client_id, "mollie-key")) == NEW_KEY
    assert accounts.links.mollie_account(client.client_id, current.account) is not None
    # again: nothing left to do
    assert retention(world).sweep() == []
    # a webhook for the old payment now: staff are told, nothing is booked
    assert webhook(world, payment_id) == ["missing"]
    (item,) = actions(world, "mollie_payment_missing")
    assert "no longer reachable" in item["title"]
    # never a credential in the log or the results
    shown = caplog.text + json.dumps([r.as_dict() for r in results])
    assert OWN_KEY not in shown and NEW_KEY not in shown


def test_a_deletion_cut_short_after_the_secret_is_finished_by_the_next_sweep(world, own):
    client = the_client(world)
    accounts = world.services.mollie_accounts
    first, _ = relinked(world, own)
    world.clock.advance(days=RETENTION.days)
    sweep = retention(world)
    forget = sweep.links.forget_mollie_account

    def crash(client_id: str, account: str) -> None:
        raise RuntimeError("the worker died")

    sweep.links.forget_mollie_account = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        sweep.sweep()
    sweep.links.forget_mollie_account = forget  # type: ignore[method-assign]
    assert accounts.links.mollie_account(client.client_id, first.account) is not None
    assert [r.outcome for r in retention(world).sweep()] == ["deleted"]
    assert accounts.links.mollie_account(client.client_id, first.account) is None


def test_a_running_plan_in_the_kept_account_keeps_it_until_two_years_after_its_end(world, own):
    client = the_client(world)
    a = world.agency_a
    accounts = world.services.mollie_accounts
    link = link_own_account(world, own)
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    assert own.posted("first")  # the plan's customer and first payment: the client's account
    accounts.unlink(client.client_id)
    world.clock.advance(days=RETENTION.days + 30)
    (decision,) = retention(world).sweep()
    assert (decision.account, decision.outcome, decision.plans) == (
        link.account,
        "in_use",
        (plan_id,),
    )
    assert accounts.links.mollie_account(client.client_id, link.account) is not None
    ended = world.clock.now()
    assert a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "debtor moved"}).status == 200
    world.clock.advance(days=RETENTION.days - 1)
    (decision,) = retention(world).sweep()
    assert decision.outcome == "kept" and decision.delete_from == ended + RETENTION
    world.clock.advance(days=1)
    assert [r.outcome for r in retention(world).sweep()] == ["deleted"]


def test_an_account_kept_before_its_date_was_written_counts_from_the_first_sweep(world, own):
    client = the_client(world)
    first, _ = relinked(world, own)
    key = f"mollie@{encode(first.account)}"
    stored = world.store.get("LinkedAccounts", encode(client.client_id), key)
    assert stored is not None and "KeptAt" in stored.data
    data = {k: v for k, v in stored.data.items() if k != "KeptAt"}
    world.store.upsert("LinkedAccounts", Row(encode(client.client_id), key, data))
    world.clock.advance(days=1000)
    started = world.clock.now()
    assert [r.outcome for r in retention(world).sweep()] == ["started"]
    world.clock.advance(days=RETENTION.days - 1)
    assert [r.outcome for r in retention(world).sweep()] == ["kept"]
    world.clock.at = started + RETENTION
    assert [r.outcome for r in retention(world).sweep()] == ["deleted"]


def test_one_clients_sweep_leaves_the_others_alone(world, own):
    client = the_client(world)
    first, _ = relinked(world, own)
    world.clock.advance(days=RETENTION.days)
    assert retention(world).sweep("another-client") == []
    assert world.services.mollie_accounts.links.mollie_account(client.client_id, first.account)
    assert [r.outcome for r in retention(world).sweep(client.client_id)] == ["deleted"]
