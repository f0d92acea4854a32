"""The debtor's consent to a plan draft staff recorded (``agreed_by_debtor_on``, an
acknowledgement under 3:318 BW) is his act: deleting the draft, or taking claims out of it,
does not undo it (law16 F1, F1b), as a deleted portal proposal's is kept.

Hand: B2B B1, B-1 800.00 and B-2 100.00 due 30-6-2020 (5 years: uninterrupted 1-7-2025). He
agreed by phone on 15-1-2024 to a draft over them: counted from 16-1-2024 both prescribe on
16-1-2029, so nothing is warned or held in 2025. Before, the deleted draft (F1) and the claim
taken out of the draft (F1b, B-2) were warned on 5-5-2025 and held on 2-7-2025."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_prescription_acknowledged import _watched, b2b  # noqa: F401


def _draft(world, invoices: list[str]) -> str:
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    plan = world.agency_a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "B1", "invoices": invoices, "start": "2024-02-15", "installments": 2,
        "agreed_by_debtor_on": "2024-01-15", "agreed_how": "phone"})  # fmt: skip
    assert plan.status == 201, plan.body
    return str(plan.body["plan_id"])


def test_a_deleted_draft_keeps_the_debtors_consent(b2b):  # noqa: F811
    world, client = b2b
    plan_id = _draft(world, ["B-1"])
    assert world.agency_a.call("DELETE", f"/v1/clients/C1/plans/{plan_id}").status == 204
    # nothing in 2025; the date counted from his consent warns in 2028
    got = _watched(world, client)
    assert [on for on, _ in got] == ["2029-01-16"], got


def test_a_narrowed_draft_keeps_the_consent_on_the_claims_taken_out(b2b):  # noqa: F811
    world, client = b2b
    a = world.agency_a
    created = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "B-2", "B1", invoice_date="2020-06-01", due_date="2020-06-30", amount="100.00")]})  # fmt: skip
    assert created.body["created"] == 1, created.body
    plan_id = _draft(world, ["B-1", "B-2"])
    changed = a.call("PUT", f"/v1/clients/C1/plans/{plan_id}", {
        "debtor": "B1", "invoices": ["B-1"], "start": "2024-02-15", "installments": 2})  # fmt: skip
    assert changed.status == 200, changed.body
    assert changed.body["agreed_by_debtor_on"] == "2024-01-15"  # still on the draft for B-1
    got = _watched(world, client)
    assert sorted(t.split()[1] for _, t in got) == ["B-1", "B-2"], got
    assert {on for on, _ in got} == {"2029-01-16"}, got
