"""failure32 #2: a statement blob's booking cut off after each of its writes in turn, then the
blob delivered again (the host's retry): besides every line booked once (test_crash_points),
what the booking tells is there once, as after a run without a crash: each payment's line on
the debtor's contact log, each action item (a suggestion, an unmatched credit) and each
outbound message."""

from __future__ import annotations

from collections import Counter

import pytest

from shared.ports.tables import all_rows
from tests.faults.figures import FIGURES
from tests.faults.test_crash_points import _ledger_after_crash, _mollie_after_crash
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


def test_a_crash_after_any_write_of_a_mollie_webhook_tells_each_thing_once() -> None:
    world, _, writes = _mollie_after_crash(None)
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
