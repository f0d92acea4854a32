"""Two workers on the same blob at once (review failure3, probe 4). Worker B delivers the whole
blob while worker A is between two of its writes (before A's k-th write), for every k of a
clean run; A then goes on. The end state must be the clean run's (every line booked once,
listed or settled, the side effects once). Failed at the index build (A's build wrote back the
rows of invoices B had booked) before the build settled its rows after the write."""

from __future__ import annotations

import sys
from typing import Any

from tests.faults import test_statement_window_redelivery as w
from tests.faults.crashes import TABLE_WRITES


def _overlapped(k: int, credit: bool = False) -> tuple[dict[str, Any], list[str], list[str]]:
    world, data, told = w._world()
    writes: list[str] = []
    busy = {"b": False, "done": False}
    outcome: list[str] = []

    def b_runs(op: str, target: str) -> bool:
        if op not in TABLE_WRITES or busy["b"]:
            return False
        writes.append(f"{op} {target}")
        if len(writes) == k and not busy["done"]:
            busy["b"] = busy["done"] = True
            try:
                world.services.statements.ingest(w.NAME, data)
                outcome.append("B ok")
            except Exception as e:
                outcome.append(f"B failed: {e!r}"[:200])
            busy["b"] = False
        return False

    world.plan.rule(b_runs, "reset")
    world.plan.enabled = True
    ok = w._deliver(world, data)
    outcome.append("A ok" if ok else "A failed")
    world.plan.enabled = False
    if not ok:
        outcome.append("redelivered " + str(w._deliver(world, data)))
    return w._state(world, told), writes, outcome


def test_a_second_worker_between_any_two_writes():
    expected, writes = w._crashed_at(None)
    diffs = []
    for k in range(1, len(writes) + 1):
        state, _, outcome = _overlapped(k)
        wrong = [a for a, v in expected.items() if state[a] != v]
        if wrong:
            detail = {
                a: (expected[a], state[a])
                for a in wrong
                if a not in ("invoices", "ledger", "match index", "lines")
            }
            diffs.append(
                f"B ran before A's write {k} ({writes[k - 1]}), {outcome}: {wrong}\n    {detail}"
            )
    print("\n".join(diffs), file=sys.stderr)
    assert not diffs, "\n".join(diffs)
