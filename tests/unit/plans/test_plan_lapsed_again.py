# ruff: noqa: F811  (the fixtures are imported from the plans' own tests)
"""A plan kept after a lapse that lapses again is told again (failure14b Q6): its notices
were keyed per plan, used by the first lapse, so the second told the debtor and the client
nothing by mail, and the first notice's stored content was rewritten with the second's.

Story of test_plan_kept_after_all: 3 x 100.00 from 31-1-2026, 7 days' grace; lapsed 8-2, kept
on 12-2 (100.00 received 6-2 on a statement booked 12-2); installment 2 (28-2) is never paid:
the run lapses the plan again after its grace, on 8-3."""

from __future__ import annotations

from datetime import date, timedelta

from tests.unit.plans.lapse_keys import lapse_keys
from tests.unit.plans.test_plan_kept_after_all import _lapsed, _statement
from tests.unit.plans.test_plan_service import BASE, make, plans, run_day, status  # noqa: F401


def test_a_plan_kept_after_a_lapse_that_lapses_again_is_told_again(plans):
    world, client = plans
    messaging = world.services.messaging
    plan_id = make(world.agency_a).body["plan_id"]
    assert world.agency_a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    _lapsed(world, plan_id)
    [(first, first_client)] = lapse_keys(world, client.client_id, plan_id)
    told_first = messaging.content(client.client_id, first).text
    assert "Op 08-02-2026 is het openstaande bedrag van € 300,00" in told_first
    _statement(world, client, "late-statement", 10_000, date(2026, 2, 6))
    assert status(world, plan_id)[0] == "active"
    day = date(2026, 2, 13)
    while status(world, plan_id)[0] != "cancelled" and day < date(2026, 4, 30):
        run_day(world, day)
        day += timedelta(days=1)
    assert day - timedelta(days=1) == date(2026, 3, 8)

    timeline = [e["kind"] for e in world.services.plans.timeline(client, plan_id)]
    assert timeline.count("cancelled") == 2
    told = lapse_keys(world, client.client_id, plan_id)
    assert len(told) == 2 and told[0] == (first, first_client)
    second, second_client = told[1]
    for key in (second, second_client):
        assert messaging.outbox.get(client.client_id, key) is not None
    told_second = messaging.content(client.client_id, second).text
    assert "Op 08-03-2026 is het openstaande bedrag van € 200,00" in told_second
    assert "08-03-2026" in messaging.content(client.client_id, second_client).text
    # what the debtor was told of the first lapse stays as it was sent
    assert messaging.content(client.client_id, first).text == told_first
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [i["kind"] for i in items].count("plan_breached") == 2
