"""handover18: the dunning run's hand-over step and a payment plan over the same invoices
meet (staff started it while the run was handing D1 over: the run had read F1 and F2 as not
held). The plan kept collecting for the client after the agency took the case; the step now
ends it, and the debtor is told once who collects."""

from __future__ import annotations

from typing import Any

from shared.domain.invoices import Invoice
from shared.domain.parties import Client, Debtor
from tests.unit.dunning.test_daily_run import WORKFLOW, engine, simulate  # noqa: F401

PLAN = {"debtor": "D1", "invoices": ["F1", "F2"], "installments": 3,
        "agreed_how": "phone"}  # fmt: skip


def test_the_hand_over_step_ends_a_plan_started_meanwhile(engine: Any) -> None:  # noqa: F811
    world, client = engine
    a = world.agency_a
    steps = [*WORKFLOW["steps"], {"name": "Overdracht", "channel": "handover", "offset_days": 5,
                                  "offset_from": "previous_step"}]  # fmt: skip
    a.call("PUT", "/v1/clients/C1/workflows/particulier", {"name": "Particulier", "steps": steps})
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    cases = world.services.dunning.cases
    hand_over = cases.hand_over
    started: list[str] = []

    def meanwhile(c: Client, debtor: Debtor, invoices: list[Invoice], today: Any, **kw: Any) -> Any:
        if debtor.number == "D1" and not started:
            on = today.isoformat()
            made = a.call("POST", "/v1/clients/C1/plans",
                          {**PLAN, "start": on, "agreed_by_debtor_on": on})  # fmt: skip
            assert made.status == 201, made.body
            started.append(made.body["plan_id"])
            activated = a.call("POST", f"/v1/clients/C1/plans/{started[0]}/activate")
            assert activated.status == 200, activated.body
        return hand_over(c, debtor, invoices, today, **kw)

    cases.hand_over = meanwhile  # type: ignore[method-assign]
    simulate(world, client, 55)
    simulate(world, client, 3)  # the runs after it end nothing twice
    [plan_id] = started
    plan = a.call("GET", f"/v1/clients/C1/plans/{plan_id}").body
    assert plan["status"] == "cancelled", plan["status"]
    assert plan["reason"].startswith("handed over to a collection agency: F1, F2 to AGENCY-A")
    rows = world.services.messaging.outbox.list(client.client_id)[0]
    told = [m.key for m in rows if m.key.startswith(f"plan|{plan_id}|handed-over|")]
    assert len(told) == 1
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in items].count("plan_handed_over") == 1
