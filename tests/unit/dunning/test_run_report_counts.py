"""The run's record counts the messages it wrote apart from staff tasks and hand-overs
(dunning16 F7: a day of two staff tasks was reported as "steps 2, messages 2")."""

from __future__ import annotations

from datetime import date

from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401


def test_the_run_report_counts_messages_tasks_and_hand_overs_apart(engine):  # noqa: F811
    world_, client = engine
    log = simulate(world_, client, 46)
    sent_on: dict[date, int] = {}
    for d, _, _, _ in log:
        sent_on[d] = sent_on.get(d, 0) + 1
    runs = world_.agency_a.call("GET", "/v1/clients/C1/runs").body["items"]
    rows = sorted((r["business_date"], r["steps"], r["messages"], r["tasks"], r["handovers"])
                  for r in runs if r["steps"])  # fmt: skip
    assert [(d, m) for d, _, m, _, _ in rows if m] == sorted(
        (d.isoformat(), n) for d, n in sent_on.items()
    )
    # 17-4: the two debtors' "Bellen" tasks, nothing sent
    assert ("2025-04-17", 2, 0, 2, 0) in rows
    assert all(s == m + t + h for _, s, m, t, h in rows)
