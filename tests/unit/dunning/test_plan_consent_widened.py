"""The debtor agrees (by phone, recorded) to a plan over B-1; staff then widen the draft to
B-1 + B-2 without a consent (codereview10 #4): B-2, which he never acknowledged, is not
interrupted (3:318 BW), and his agreement still counts for B-1, kept on its claim."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.adapters.tables.plans_repo import PlanRepository
from shared.services.prescription_watch import debtor_agreed
from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_prescription_acknowledged import b2b  # noqa: F401


def test_a_claim_staff_add_after_his_consent_is_not_acknowledged(b2b):  # noqa: F811
    world, client = b2b
    a = world.agency_a
    r = a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {
            "items": [
                invoice_row(
                    "B-2", "B1", invoice_date="2020-06-01", due_date="2020-06-30", amount="100.00"
                )
            ]
        },
    )
    assert r.body["created"] == 1, r.body
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    body = {
        "debtor": "B1",
        "invoices": ["B-1"],
        "start": "2024-02-15",
        "installments": 2,
        "agreed_by_debtor_on": "2024-01-15",
        "agreed_how": "phone",
    }
    plan = a.call("POST", "/v1/clients/C1/plans", body)
    assert plan.status == 201, plan.body
    changed = a.call(
        "PUT",
        f"/v1/clients/C1/plans/{plan.body['plan_id']}",
        {"debtor": "B1", "invoices": ["B-1", "B-2"], "start": "2024-02-15", "installments": 2},
    )
    assert changed.status == 200, changed.body
    assert changed.body["agreed_by_debtor_on"] is None
    (stored,) = PlanRepository(world.services.repos.store).of_debtor(client.client_id, "B1")
    acknowledged = {n: debtor_agreed(stored) for n in stored.invoice_numbers}
    assert date(2024, 1, 15) not in acknowledged["B-2"], acknowledged
    from shared.adapters.tables.prescription_repo import PrescriptionDecisions

    decisions = PrescriptionDecisions(world.services.repos.store)
    kept = decisions.for_debtor(client.client_id, "B1")
    assert date(2024, 1, 15) in kept["B-1"].acknowledged, kept
    assert "B-2" not in kept or date(2024, 1, 15) not in kept["B-2"].acknowledged, kept
