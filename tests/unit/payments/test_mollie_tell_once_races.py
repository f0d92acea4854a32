# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""What online payments tell "once" stays once when two deliveries of one payment meet (the
webhook and the reconcile timer, or Mollie's retry while the first call still runs), and
when a delivery is cut off while it tells (misc17b; failure16b F4 fixed the test-mode item).

Each race holds the first delivery at its check ("told before?") until the second reaches
it too, as two instances would be."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.ports.tables import Row
from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    actions,
    mollie,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_mollie_money import _start


def _both_at(check: Callable[..., Any], holds: Callable[[tuple[Any, ...]], bool]) -> Any:
    """``check`` wrapped: the first call ``holds`` picks waits there until a second one
    comes (both have read before either wrote); the rest pass."""
    both = threading.Barrier(2, timeout=10)
    first_there = threading.Event()
    seen, lock = [0], threading.Lock()

    def held(*a: Any, **k: Any) -> Any:
        out = check(*a, **k)
        if holds(a):
            with lock:
                seen[0] += 1
                wait = seen[0] <= 2
            if wait:
                first_there.set()
                with contextlib.suppress(threading.BrokenBarrierError):
                    both.wait()  # a second that never comes: the first goes on after 10 s
        return out

    held.first_there = first_there  # type: ignore[attr-defined]
    return held


def _two_deliveries(world: Any, payment_id: str, first_there: threading.Event) -> list[Any]:
    """Two workers process the payment: the second starts once the first waits at the check."""
    online = world.services.online_payments
    answers: list[Any] = []

    def work() -> None:
        try:
            answers.append(online.process(payment_id))
        except Exception as exc:  # shown in the assertion
            answers.append(exc)

    one, two = threading.Thread(target=work), threading.Thread(target=work)
    one.start()
    assert first_there.wait(10), "the first delivery never reached the check"
    world.clock.advance(seconds=1)  # the second instance's clock reads a later time
    two.start()
    for w in (one, two):
        w.join(20)
    return answers


def _lines(world: Any, text: str) -> list[Any]:
    entries, _ = world.services.repos.contacts.for_debtor(the_client(world).client_id, "D1")
    return [e for e in entries if text in e.summary]


def test_a_payment_its_account_no_longer_reaches_seen_by_two_workers_is_told_once(
    world, mollie, monkeypatch
) -> None:
    """``_missing`` read the "told" counter, added its item under a fresh id, then counted:
    both workers read 0 and two ``mollie_payment_missing`` items stood for one payment."""
    client = the_client(world)
    online = world.services.online_payments
    started = online.start(client, "D1", ["F1"], "https://x/return")
    # the account it was made with is no longer configured (its setting removed)
    found = world.store.get("MolliePayments", encode(started.payment_id), "p")
    data = dict(found.data) | {"Account": "setting:MOLLIE_KEY_GONE"}
    world.store.upsert("MolliePayments", Row(encode(started.payment_id), "p", data))
    held = _both_at(online.counters.count, lambda a: str(a[-1]).startswith("missing|"))
    monkeypatch.setattr(online.counters, "count", held)
    answers = _two_deliveries(world, started.payment_id, held.first_there)
    assert answers == ["missing", "missing"]
    (item,) = actions(world, "mollie_payment_missing")
    assert started.payment_id in item["title"]
    # and a later delivery adds nothing
    assert webhook(world, started.payment_id) == ["missing"]
    assert len(actions(world, "mollie_payment_missing")) == 1


def test_a_plan_chargeback_seen_by_two_workers_is_one_line_on_the_contact_log(
    world, mollie, monkeypatch
) -> None:
    """A plan's chargeback is not claimed under the 'undone' row's ETag as an ordinary one
    is: both deliveries found no contact line under its key and each wrote one, under a time
    of its own (two rows, "Chargeback of € 100,00 on an online payment (1 this year)")."""
    _, first = _start(world, mollie)
    mollie.chargeback(first["id"])
    contacts = world.services.repos.contacts
    held = _both_at(contacts.entry, lambda a: str(a[-1]).startswith("undo-"))
    monkeypatch.setattr(contacts, "entry", held)
    answers = _two_deliveries(world, first["id"], held.first_there)
    assert answers == ["chargeback", "chargeback"]
    lines = _lines(world, "on an online payment")
    assert [e.summary for e in lines] == [
        "Chargeback of € 100,00 on an online payment (1 this year)"
    ]
    monkeypatch.undo()
    assert webhook(world, first["id"]) == ["chargeback"]
    assert len(_lines(world, "on an online payment")) == 1


def test_a_reversed_plan_chargeback_cut_off_while_told_is_told_once_by_the_redelivery(
    world, mollie, monkeypatch
) -> None:
    """``_rebook`` wrote 'nothing undone' on the payment's row before the line on the contact
    log: a delivery cut off in between left the reversal untold for good (the redelivery
    read nothing undone). Now the line comes first, under the key a restore tells it by."""
    _, first = _start(world, mollie)
    mollie.chargeback(first["id"])
    assert webhook(world, first["id"]) == ["chargeback"]
    mollie.payments[first["id"]].pop("amountChargedBack", None)
    for c in mollie.chargebacks[first["id"]]:
        c["reversedAt"] = "2026-03-20T10:00:00.0Z"
    contacts = world.services.repos.contacts
    real_add, cut = contacts.add_once, {"n": 0}  # a Mollie line is written once

    def cut_off(entry: Any) -> None:
        if "reversed by the bank" in entry.summary and not cut["n"]:
            cut["n"] = 1
            raise ConnectionError("worker died while telling the reversal")
        real_add(entry)

    monkeypatch.setattr(contacts, "add_once", cut_off)
    with pytest.raises(ConnectionError):
        webhook(world, first["id"])
    assert webhook(world, first["id"], times=2) == ["paid", "paid"]
    (line,) = _lines(world, "reversed by the bank")
    assert line.summary.startswith("Chargeback of € 100,00 reversed by the bank")
