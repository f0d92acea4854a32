"""failure32 #2: a statement blob's booking cut off after each of its writes in turn, then the
blob delivered again (the host's retry): besides every line booked once (test_crash_points),
what the booking tells is there once, as after a run without a crash: each payment's line on
the debtor's contact log, each action item (a suggestion, an unmatched credit) and each
outbound message."""

from __future__ import annotations

from collections import Counter

import pytest

from shared.ports.tables import all_rows
from tests.faults.crashes import crash_after_write, cut_then_replayed
from tests.faults.figures import FIGURES
from tests.faults.test_crash_points import _ledger_after_crash
from tests.faults.world import FaultWorld

Told = Counter[tuple[str, ...]]


def _told(world: FaultWorld) -> dict[str, Told]:
    contacts: Told = Counter(
        (str(r.data["DebtorNumber"]), str(r.data["Summary"]))
        for r in all_rows(world.store, "ContactLog")
        if "Summary" in r.data  # an entry (not one of the log's index rows)
    )
    actions: Told = Counter(
        (str(r.data["Kind"]), str(r.data["Title"]), str(r.data.get("Status")))
        for r in all_rows(world.store, "Actions")
        if "Kind" in r.data
    )
    outbox: Told = Counter((str(r.data.get("Kind")),) for r in all_rows(world.store, "Outbox"))
    return {"contacts": contacts, "actions": actions, "outbox": outbox}


@pytest.fixture(scope="module")
def runs() -> tuple[dict[str, Told], list[tuple[int, dict[str, Told]]]]:
    world, writes = _ledger_after_crash(None)
    return _told(world), [(k, _told(_ledger_after_crash(k)[0])) for k in range(1, writes + 1)]


def test_a_crash_after_any_write_of_a_statement_booking_tells_each_thing_once(runs) -> None:
    expected, crashed = runs
    assert sum(expected["contacts"].values()) >= 4 and sum(expected["actions"].values()) >= 2
    for k, told in crashed:
        FIGURES["crash points replayed"] += 1
        for what in ("contacts", "actions", "outbox"):
            assert told[what] == expected[what], (k, what, told[what] - expected[what],
                                                  expected[what] - told[what])  # fmt: skip


def _mollie_after_crash(crash_at: int | None) -> tuple[FaultWorld, int]:
    from tests.faults.world import build
    from tests.unit.api.conftest import client_row, debtor_row, invoice_row

    world = build(0, 0.0)
    a = world.api
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1"), invoice_row("F2", "D1", amount="50.00")]})  # fmt: skip
    client = next(iter(world.services.repos.clients.all()))
    online = world.services.online_payments
    online.settle_simulated(online.start(client, "D1", ["F1", "F2"], "https://x.example/").payment_id, "paid")  # fmt: skip
    cut = crash_after_write(world.plan, crash_at)
    cut_then_replayed(world)
    return world, cut.writes


def test_a_crash_after_any_write_of_a_mollie_webhook_tells_each_thing_once() -> None:
    world, writes = _mollie_after_crash(None)
    expected = _told(world)
    assert sum(expected["contacts"].values()) >= 1
    for k in range(1, writes + 1):
        told = _told(_mollie_after_crash(k)[0])
        FIGURES["crash points replayed"] += 1
        # a poison item the operator replayed is resolved, not open: compare the open ones
        told["actions"] = Counter({t: n for t, n in told["actions"].items() if t[0] != "poison"})
        for what in ("contacts", "actions", "outbox"):
            assert told[what] == expected[what], (k, what, told[what] - expected[what],
                                                  expected[what] - told[what])  # fmt: skip
