"""A paused plan follows a credit, a credit note or a withdrawal of its invoices at once, as a
running plan does (review console8 #2): lowered to what its invoices still owe (the open
installments lower, same dates) and still paused, or completed when nothing is owed. The
debtor is told the lower schedule at once (a credit is what the pause often waited for, a
disputed invoice), with the word that nothing is asked until the plan resumes; resuming it
asks the lower installments and tells him nothing twice.

Plan over F1 200.00 + F2 100.00 (the client charges no interest, no 14-day letter: the claim is
the principal), 3 x 100.00 from 31-1-2026, paused on 20-1."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.plans.test_plan_service import BASE, make, pay, run_day
from tests.unit.plans.test_plan_service import plans as plans


def _paused(world) -> str:
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    paused = a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": "debtor disputes F1"})
    assert paused.body["status"] == "paused", paused.body
    return plan_id


def _lowered(world, client, plan_id: str) -> list[str]:
    return [m.key for m, _ in world.services.messaging.outbox.with_prefix(
        client.client_id, f"plan|{plan_id}|lowered")]  # fmt: skip


def test_crediting_an_invoice_of_a_paused_plan_lowers_it_at_once_and_tells_the_debtor(plans):
    world, client = plans
    a = world.agency_a
    plan_id = _paused(world)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "paused" and got["total"] == "100.00"
    assert [(i["due_date"], i["amount"]) for i in got["installments"]] == [
        ("2026-01-31", "33.33"), ("2026-02-28", "33.33"), ("2026-03-31", "33.34"),
    ]  # fmt: skip
    assert "lowered" in [e["kind"] for e in got["timeline"]]
    assert _lowered(world, client, plan_id) == [f"plan|{plan_id}|lowered|10000"]
    content = world.services.messaging.content(client.client_id, f"plan|{plan_id}|lowered|10000")
    assert content.subject in ("Uw betalingsregeling is verlaagd", "Your payment plan is lowered")
    assert "33,34" in content.text or "33.34" in content.text  # the lower installments
    # resumed, it asks the lower installments, and the debtor is not told the same again
    world.clock.at = datetime(2026, 1, 25, 9, 0, tzinfo=UTC)
    resumed = a.call("POST", f"{BASE}/{plan_id}/resume")
    assert resumed.body["status"] == "active" and resumed.body["total"] == "100.00"
    run_day(world, date(2026, 1, 26))
    assert _lowered(world, client, plan_id) == [f"plan|{plan_id}|lowered|10000"]


def test_a_paused_plan_whose_invoices_owe_nothing_any_more_is_completed(plans):
    world, client = plans
    a = world.agency_a
    plan_id = _paused(world)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F2/withdraw").status == 200
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "completed" and got["total"] == "0.00"
    assert world.services.plans.holding(client, "F1") is None  # it holds nothing any more


def test_money_paid_on_a_paused_plan_is_not_taken_for_a_credit(plans):
    """Paid 100.00 before the pause, then F2 credited: 100.00 of F1 is still owed, over the
    installments still open; what was paid stays paid."""
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    pay(world, client, "p1", 10_000, date(2026, 1, 30), invoices=("F1",))
    run_day(world, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    assert a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": "hospital"}).status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "paused" and got["total"] == "200.00"
    assert [i["amount"] for i in got["installments"]] == ["100.00", "50.00", "50.00"]
