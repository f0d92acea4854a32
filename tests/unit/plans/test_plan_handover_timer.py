"""handover18: a plan over an invoice handed over to a collection agency BEFORE the deploy
(nothing ended it then: ops were to cancel it by hand) is ended by the installment timer's
next look: no reminder of its installments, the debtor told once, staff's item once, also
when the timer comes twice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from tests.unit.plans.test_plan_ends_on_handover import hand_over, told_keys
from tests.unit.plans.test_plan_mollie import actions
from tests.unit.plans.test_plan_service import BASE, make, plans, run_day  # noqa: F401


def test_the_timer_ends_a_transfer_plan_handed_over_before_the_deploy(
    plans: Any,  # noqa: F811
) -> None:
    world, client = plans
    a = world.agency_a
    plan_id = make(a, start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.services.messaging.queues.take("send-email")
    # F2 went to the agency while the plan ran (before this rule: nothing ended it)
    world.clock.at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    hand_over(world, client, ("F2",))
    sent: list[str] = []
    for day in (date(2026, 1, 24), date(2026, 1, 31), date(2026, 2, 21), date(2026, 3, 31)):
        sent += run_day(world, day)
        sent += run_day(world, day)  # the timer twice
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "cancelled" and got["reason"].startswith(
        "handed over to a collection agency: F2 to AGENCY-A"
    )
    # no reminder of an installment, one notice
    [told] = told_keys(world, plan_id)
    assert [k for k in sent if k.startswith(f"plan|{plan_id}|")] == [told], sent
    content = world.services.messaging.content(client.client_id, told)
    assert "factuur F2 is overgedragen aan incassobureau AGENCY-A" in content.text
    # he kept it (nothing was due yet): F1 stays the client's, by the days he was granted
    # (lawyer18 L1: "Over F1 hoort u van ons" and nothing more was ever said)
    assert (
        "F1 (€ 200,00) betaalt u aan ons, Client C1: naar NL94ABNA0000017201 onder "
        "vermelding van D1 F1." in content.text
    )
    assert "U mag wat nog openstaat betalen tot en met 07-04-2026" in content.text
    assert len(actions(world, "plan_handed_over")) == 1


def test_the_backfill_ends_such_plans_at_once_and_only_once(
    plans: Any,  # noqa: F811
    monkeypatch: Any,
    capsys: Any,
) -> None:
    """``inning backfill handed-over-plans``: after the deploy ops need not wait for each
    plan's next date (a Mollie payment could go out meanwhile); a second run ends nothing."""
    from shared.cli import app_settings
    from shared.cli.main import main

    world, client = plans
    a = world.agency_a
    mine = make(a, start="2026-01-31", installments=3).body["plan_id"]
    made = make(a, debtor="D2", invoices=["F3"], start="2026-01-31", installments=2)
    assert made.status == 201, made.body
    other = made.body["plan_id"]
    for plan_id in (mine, other):
        assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    hand_over(world, client, ("F1",))
    monkeypatch.setattr(app_settings, "cli_services", lambda: world.services)
    assert main(["backfill", "handed-over-plans", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"agency": client.agency_id, "client": "C1", "ended": [mine]}
    ]
    assert a.call("GET", f"{BASE}/{mine}").body["status"] == "cancelled"
    assert a.call("GET", f"{BASE}/{other}").body["status"] == "active"  # D2's F3: his own
    assert main(["backfill", "handed-over-plans", "--agency", client.agency_id,
                 "--client", "C1"]) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines()[1] == f"{client.agency_id}\tC1\t-"
    assert len(told_keys(world, mine)) == 1 and told_keys(world, other) == []
