"""law17 P1: no payment plan is made or started over a claim the prescription watch holds as it
may have prescribed, unless the debtor agreed to it himself (a consent of today, recorded on
the plan) or an admin recorded his act or released the claim with a reason. Before, a staff
key's plan over B-1 (held on 2-7-2025) was made (201) and started (200) without either, and
the debtor was mailed "Met u is een betalingsregeling afgesproken voor € 1.279,56".

World of test_prescription_acknowledged: business B1, B-1 800.00 due 30-6-2020, nothing
interrupted: prescribed on 1-7-2025, held by the run of 2-7-2025."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.api.console.refusal_text import REFUSALS
from tests.unit.dunning.test_prescription_acknowledged import _at, _items, b2b  # noqa: F401

DRAFT = {"debtor": "B1", "invoices": ["B-1"], "start": "2025-08-01", "installments": 2}


def _held(world: Any, client: Any) -> None:
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    assert "2025-07-01" in [on for on, _ in _items(world)]
    world.clock.at = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)


def _sent(world: Any, client: Any) -> list[str]:
    out = world.services.messaging.outbox.with_prefix(client.client_id, "plan|")
    return [m.key for m, _ in out]


def test_a_plan_without_the_debtors_consent_over_a_held_claim_is_refused(b2b: Any) -> None:  # noqa: F811
    world, client = b2b
    _held(world, client)
    reply = world.agency_a.call("POST", "/v1/clients/C1/plans", DRAFT)
    assert reply.status == 422, reply.body
    [detail] = reply.body["error"]["details"]
    assert detail["code"] == "plan_invoice_prescribed", detail
    assert "/v1/clients/C1/invoices/B-1/prescription" in reply.body["error"]["message"]
    dutch, english = REFUSALS["plan_invoice_prescribed"]
    assert "Factuur {invoice} staat stil" in dutch and "Invoice {invoice} is held" in english
    assert _sent(world, client) == []


def test_a_draft_made_before_the_hold_is_not_started_after_it(b2b: Any) -> None:  # noqa: F811
    world, client = b2b
    a = world.agency_a
    _at(world, client, date(2025, 5, 5))
    world.clock.at = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # not held yet: a draft is made
    draft = a.call("POST", "/v1/clients/C1/plans", {**DRAFT, "start": "2025-07-15"})
    assert draft.status == 201, draft.body
    _held(world, client)
    started = a.call("POST", f"/v1/clients/C1/plans/{draft.body['plan_id']}/activate")
    assert started.status == 422, started.body
    assert [d["code"] for d in started.body["error"]["details"]] == ["plan_invoice_prescribed"]
    assert a.call("GET", f"/v1/clients/C1/plans/{draft.body['plan_id']}").body["status"] == "draft"
    assert _sent(world, client) == []


def test_an_admins_release_with_its_reason_lets_the_plan_be_made(b2b: Any) -> None:  # noqa: F811
    world, client = b2b
    a = world.agency_a
    _held(world, client)
    admin = a.as_key(
        a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body["key"]
    )
    released = admin.call("POST", "/v1/clients/C1/invoices/B-1/prescription",
                          {"release": True, "reason": "the debtor does not invoke prescription"})  # fmt: skip
    assert released.status == 200, released.body
    plan = a.call("POST", "/v1/clients/C1/plans", DRAFT)
    assert plan.status == 201, plan.body
    assert a.call("POST", f"/v1/clients/C1/plans/{plan.body['plan_id']}/activate").status == 200


def test_the_debtors_consent_of_today_lets_the_plan_be_made_and_started(b2b: Any) -> None:  # noqa: F811
    world, client = b2b
    a = world.agency_a
    _held(world, client)
    plan = a.call("POST", "/v1/clients/C1/plans",
                  {**DRAFT, "agreed_by_debtor_on": "2025-07-03", "agreed_how": "phone"})  # fmt: skip
    assert plan.status == 201, plan.body
    world.clock.at = datetime(2025, 7, 4, 9, 0, tzinfo=UTC)  # started a day later: still his
    assert a.call("POST", f"/v1/clients/C1/plans/{plan.body['plan_id']}/activate").status == 200
    assert f"plan|{plan.body['plan_id']}|agreement" in _sent(world, client)


def test_a_direct_debit_draft_waits_for_his_mandate(b2b: Any) -> None:  # noqa: F811
    # the draft is made (his mandate, his own act, is to come) but not started without it
    world, client = b2b
    a = world.agency_a
    _held(world, client)
    draft = a.call("POST", "/v1/clients/C1/plans", {**DRAFT, "method": "direct_debit"})
    assert draft.status == 201, draft.body
    started = a.call("POST", f"/v1/clients/C1/plans/{draft.body['plan_id']}/activate")
    assert started.status == 422, started.body
    assert [d["code"] for d in started.body["error"]["details"]] == ["plan_invoice_prescribed"]
    assert _sent(world, client) == []
