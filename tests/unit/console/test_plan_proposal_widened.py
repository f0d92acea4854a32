"""A portal proposal staff widen (ack11 #2, the law10 F4 leftover): the debtor's written
proposal acknowledges the invoices he named in it on the day he wrote it (art. 3:318 BW), and
no more. Staff who add an invoice to the draft make it the creditor's plan for that invoice:
neither the proposal's day nor the mandate he signed with it counts for the added claim, and
both still count for the claims he named."""

from __future__ import annotations

from datetime import date, timedelta

from shared.clock import amsterdam_date
from tests.unit.api.conftest import invoice_row
from tests.unit.console.test_plan_proposal_decisions import propose


def _acknowledged(world, client_id: str) -> dict[str, set[date]]:
    watch = world.services.dunning.prescriptions
    return dict(watch._acknowledgements(client_id, "D1", amsterdam_date(world.clock.now())))


def _widen(world, plan, added: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    api = world.agency_a
    made = api.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(added, "D1")]})
    assert made.body["created"] == 1, made.body
    body = {"debtor": "D1", "invoices": [*plan.invoice_numbers, added],
            "start": plan.start.isoformat(), "installments": 3}  # fmt: skip
    changed = api.call("PUT", f"/v1/clients/C1/plans/{plan.plan_id}", body)
    assert changed.status == 200, changed.body
    return dict(changed.body)


def test_an_invoice_staff_add_to_his_proposal_is_not_acknowledged_by_it(world, tenants):
    _client, plan, _item = propose(world, tenants)
    proposed = amsterdam_date(world.clock.now())
    world.clock.at = world.clock.now() + timedelta(days=2)  # staff look at it two days later
    changed = _widen(world, plan, "F9")
    assert changed["agreed_by_debtor_on"] is None
    found = _acknowledged(world, tenants.c1)
    assert proposed not in found.get("F9", set()), found
    for number in plan.invoice_numbers:  # what he named stays acknowledged on his day
        assert found[number] == {proposed}, found


def test_his_consent_recorded_after_the_widening_counts_for_all_from_its_day(world, tenants):
    _client, plan, _item = propose(world, tenants)
    proposed = amsterdam_date(world.clock.now())
    world.clock.at = world.clock.now() + timedelta(days=2)
    _widen(world, plan, "F9")
    agreed = amsterdam_date(world.clock.now())
    body = {"debtor": "D1", "invoices": [*plan.invoice_numbers, "F9"],
            "start": plan.start.isoformat(), "installments": 3,
            "agreed_by_debtor_on": agreed.isoformat(), "agreed_how": "phone"}  # fmt: skip
    again = world.agency_a.call("PUT", f"/v1/clients/C1/plans/{plan.plan_id}", body)
    assert again.status == 200, again.body
    found = _acknowledged(world, tenants.c1)
    assert found["F9"] == {agreed}, found  # not his proposal's day: it named F1 and F2 only
    for number in plan.invoice_numbers:
        assert found[number] == {proposed, agreed}, found


def test_a_mandate_counts_for_the_widened_plan_only_when_signed_after_the_widening(world, tenants):
    from dataclasses import replace

    from shared.domain.plans.plan import Mandate
    from shared.services.prescription_watch import debtor_agreed

    client, plan, _item = propose(world, tenants)
    world.clock.at = world.clock.now() + timedelta(days=2)
    _widen(world, plan, "F9")
    widened = world.services.plans.get(client, plan.plan_id)
    assert widened.widened_on == amsterdam_date(world.clock.now())
    before = Mandate("M1", amsterdam_date(plan.created_at), "NL91ABNA0417164300", "D1")
    after = replace(before, signed_on=widened.widened_on + timedelta(days=1))
    assert debtor_agreed(replace(widened, mandate=before)) == set()
    assert debtor_agreed(replace(widened, mandate=after)) == {after.signed_on}
