"""A plan over the principal only (``include_costs: false``): by agreeing to it the client
accepted that its payments pay off the principal first (art. 6:44 BW is default law; lid 2
lets the creditor refuse another order, so it may accept one). The debtor who pays the plan's
total has paid the principal; costs and interest stay owed and go back to the workflow."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_service import BASE, make, run_day, status


def _claim(a, number="F1"):
    return a.call("GET", f"/v1/clients/C1/invoices/{number}/claim").body["open"]


def _setup(world):
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1000.00", due_date="2025-10-01"),
        invoice_row("F9", "D1", amount="500.00", due_date="2025-10-01"),
    ]})  # fmt: skip
    access = world.services.access
    return a, access.client_for(access.authenticate(a.key), "C1")


def _pay(world, client, payment_id, cents, on, invoices=("F1",)):
    world.clock.at = datetime(on.year, on.month, on.day, 12, 0, tzinfo=UTC)
    return world.services.payments.book(client, payment_id=payment_id, amount=cents, received_on=on,
                                        source=PaymentSource.BANK, invoice_numbers=list(invoices))  # fmt: skip


def test_a_principal_only_plan_pays_off_the_principal_and_leaves_costs_and_interest(world):
    a, client = _setup(world)
    before = _claim(a)
    assert before["principal"] == "1000.00" and before["interest"] != "0.00"  # B2B interest runs
    plan_id = make(a, invoices=["F1"], installments=2, include_costs=False).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    first = _pay(world, client, "p1", 50_000, date(2026, 1, 30))
    assert {x.component for x in first.allocations} == {"principal"}
    assert status(world, plan_id)[1][0] == ("paid", "500.00")
    _pay(world, client, "p2", 50_000, date(2026, 2, 27))
    run_day(world, date(2026, 2, 28))
    assert status(world, plan_id)[0] == "completed"
    after = _claim(a)
    assert after["principal"] == "0.00"
    assert Decimal(after["interest"]) >= Decimal(before["interest"]) > 0  # owed: to the workflow
    assert world.services.plans.holding(client, "F1") is None


def test_only_the_plans_invoices_and_only_while_it_runs_take_the_principal_first(world):
    a, client = _setup(world)
    plan_id = make(a, invoices=["F1"], installments=2, include_costs=False).body["plan_id"]
    # a draft agrees nothing yet: the order of the law
    draft = _pay(world, client, "p0", 1_000, date(2026, 1, 6))
    assert draft.allocations[0].component == "interest"
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    # a payment on an invoice outside the plan keeps the legal order
    other = _pay(world, client, "p1", 1_000, date(2026, 1, 7), invoices=("F9",))
    assert other.allocations[0].component == "interest"
    mine = _pay(world, client, "p2", 1_000, date(2026, 1, 8))
    assert [x.component for x in mine.allocations] == ["principal"]
    assert a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "debtor asked"}).status == 200
    # the creditor ended a plan the debtor kept: the days it gave him (31-1, 28-2 and the
    # grace to 7-3) keep the order agreed for them (law16 F2: paying as told, he is not left
    # a principal rest that the costs fall on)
    kept = _pay(world, client, "p3", 1_000, date(2026, 1, 9))
    assert [x.component for x in kept.allocations] == ["principal"]
    after = _pay(world, client, "p4", 1_000, date(2026, 3, 8))
    assert after.allocations[0].component != "principal"  # its days over: the law's order


def test_a_plan_over_the_whole_claim_keeps_the_legal_order(world):
    a, client = _setup(world)
    plan_id = make(a, invoices=["F1"], installments=2).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    paid = _pay(world, client, "p1", 1_000, date(2026, 1, 8))
    assert paid.allocations[0].component == "interest"
