"""A crash between any two writes: the first busy morning of the dunning run is cut short after
its k-th write, for every k, and the host's retry (and the next mornings) must still send each
due step exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.parties import Client
from tests.faults.checks import reminders_sent
from tests.faults.crashes import WRITES as WRITES  # where other crash-point tests took it
from tests.faults.crashes import crash_after_write, cut_then_replayed
from tests.faults.figures import FIGURES
from tests.faults.world import FaultWorld, build, mollie_debtor, paid_online, portfolio

BUSY_MORNING = 14  # 2025-03-17: the first reminders go out


def _world(crash_at: int | None):
    world = build(0, 0.0)
    portfolio(world, debtors=3)
    cut = crash_after_write(world.plan, crash_at)  # counts from the busy morning, when enabled
    start = world.clock.now()
    for n in range(BUSY_MORNING + 12):
        world.clock.at = start.replace(hour=5) + timedelta(days=n)
        if n == BUSY_MORNING:
            world.plan.enabled = True
        elif n == BUSY_MORNING + 1:
            world.plan.enabled = False
        world.host.timer(world.services.dunning.fan_out)
        world.host.run_until(world.clock.now().replace(hour=22))
    world.host.run_until(world.clock.now() + timedelta(days=2))
    return world, cut.writes


@pytest.fixture(scope="module")
def baseline():
    world, writes = _world(None)
    return set(reminders_sent(world)), writes


def test_a_crash_after_any_write_of_a_busy_morning_sends_nothing_twice(baseline):
    expected, writes = baseline
    assert writes > 10
    for k in range(1, writes + 1):
        world, _ = _world(k)
        sent = reminders_sent(world)
        twice = {key: v for key, v in sent.items() if v > 1}
        FIGURES["crash points replayed"] += 1
        FIGURES["sent twice"] += sum(v - 1 for v in twice.values())
        FIGURES["items lost"] += len(expected - set(sent))
        FIGURES["messages left leased"] += len(world.host.pending)
        assert twice == {}, (k, twice)
        assert expected - set(sent) == set(), (k, expected - set(sent))
        assert world.host.pending == [], k


# -- statement booking and Mollie webhooks -------------------------------------------------------
def _ledger_after_crash(crash_at: int | None):
    from tests.faults.test_booking_under_faults import (
        ingest_as_the_host_would,
        ledger,
        statement,
    )

    world = build(0, 0.0)
    data = statement(ledger(world, invoices=4))
    cut = crash_after_write(world.plan, crash_at)
    world.plan.enabled = True
    ingest_as_the_host_would(world, "agency-a/day.sta", data)
    world.plan.enabled = False
    world.host.run_until(world.clock.now())
    return world, cut.writes


def _ledger_outcome(world):
    from collections import Counter

    from shared.ports.tables import all_rows
    from tests.faults.checks import all_actions

    booked = Counter(
        str(r.data["ExternalId"])
        for r in all_rows(world.store, "Payments")
        if r.data.get("ExternalId")
    )
    listed = Counter(
        str(a.detail["line_id"]) for a in all_actions(world) if a.detail.get("line_id")
    )
    credits = [
        r.rk for r in all_rows(world.store, "StatementLines") if int(r.data.get("Amount", 0)) > 0
    ]
    client = next(iter(world.services.repos.clients.all()))
    payments = world.services.repos.payments.list(client.client_id, page_size=1000)[0]
    paid = sum(p.amount - p.unallocated for p in payments if not p.reversed)
    allocated = sum(a.amount for p in payments if not p.reversed for a in p.allocations)
    return {
        "booked_twice": sorted(k for k, v in booked.items() if v > 1),
        "listed_twice": sorted(k for k, v in listed.items() if v > 1),
        "both": sorted(set(booked) & set(listed)),
        "lost": sorted(k for k in credits if k not in booked and k not in listed),
        "paid_vs_allocated": paid - allocated,
        "leased": len(world.host.pending),
    }


@pytest.fixture(scope="module")
def statement_crashes():
    _, writes = _ledger_after_crash(None)
    return [(k, _ledger_outcome(_ledger_after_crash(k)[0])) for k in range(1, writes + 1)]


def test_a_crash_after_any_write_of_a_statement_booking_books_nothing_twice(statement_crashes):
    assert len(statement_crashes) > 10
    for k, outcome in statement_crashes:
        FIGURES["crash points replayed"] += 1
        FIGURES["items lost"] += len(outcome["lost"])
        assert outcome["booked_twice"] == [], (k, outcome)
        assert outcome["lost"] == [], (k, outcome)
        assert outcome["paid_vs_allocated"] == 0, (k, outcome)
        assert outcome["leased"] == 0, (k, outcome)


def test_a_crash_after_any_write_of_a_statement_booking_never_books_and_lists_a_line(
    statement_crashes,
):
    both = [(k, o["both"]) for k, o in statement_crashes if o["both"]]
    FIGURES["booked twice"] += sum(len(b) for _, b in both)
    assert both == []


def _mollie_after_crash(crash_at: int | None) -> tuple[FaultWorld, Client, int]:
    """D1 pays F1 and F2 online; the webhook job cut off after its ``crash_at``-th write, the
    host's retries, the poison replayed."""
    world = build(0, 0.0)
    client = mollie_debtor(world)
    paid_online(world, client)
    cut = crash_after_write(world.plan, crash_at)
    cut_then_replayed(world)
    return world, client, cut.writes


def test_a_crash_after_any_write_of_a_mollie_webhook_books_once():
    _, _, writes = _mollie_after_crash(None)
    assert writes > 2
    for k in range(1, writes + 1):
        world, client, _ = _mollie_after_crash(k)
        payments = [
            p for p in world.services.repos.payments.list(client.client_id)[0] if not p.reversed
        ]
        FIGURES["crash points replayed"] += 1
        FIGURES["booked twice"] += max(0, len(payments) - 1)
        assert len(payments) == 1, (k, payments)
        assert (
            sum(x.amount for x in payments[0].allocations)
            == payments[0].amount - payments[0].unallocated
        )
        statuses = {
            n: world.api.call("GET", f"/v1/clients/C1/invoices/{n}").body["status"]
            for n in ("F1", "F2")
        }
        assert statuses == {"F1": "paid", "F2": "paid"}, (k, statuses)
        assert world.host.pending == [], k
