"""review26: a pooled line quoting the agency's plan reads that plan once.

``StatementService._clients_for`` reads the plan of an agency-plan reference to let its client
in (agencyplan26), and the matcher's ``ClientLookups.by_reference`` read the same
``PlanReferences`` and ``PaymentPlans`` rows again: seven storage requests to find the line's
invoices (``MatchIndex`` reference range, 2 + 2 plan reads, the debtor's ``Invoices`` rows
and his row) where issue #13's budget is five. The plans read to choose the clients now answer
the lookup."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.adapters.tables.plans_repo import PlanRepository
from tests.unit.plans.test_agency_plan import _case, _pay, _plan


def test_the_line_reads_the_agency_plan_once(world: Any, monkeypatch: Any) -> None:
    case = _case(world)
    plan = _plan(world, case)
    asked: list[str] = []
    by_reference = PlanRepository.by_reference

    def counted(self: PlanRepository, reference: str) -> tuple[str, str] | None:
        asked.append(reference)
        return by_reference(self, reference)

    monkeypatch.setattr(PlanRepository, "by_reference", counted)
    report = _pay(world, date(2025, 3, 10), 38_497, plan["payment_reference"], "E-1")
    assert (report.booked, report.unmatched) == (1, 0), report
    assert asked == [plan["payment_reference"]]  # was twice: the clients' choice, the lookup
    monkeypatch.undo()
    # the installment is booked on the plan as before
    after = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert after["installments"][0]["status"] == "paid", after["installments"]
