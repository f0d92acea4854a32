"""An installment transferred with the plan's own betalingskenmerk, as the plan's notice tells
the debtor, is his designation of the plan's invoices (art. 6:43 lid 1 BW; law14 F0).

Consumer D1 (known account), statutory interest. F0 500.00 due 1-9-2025, no plan; F1 1,000.00
due 1-10-2025 under a transfer plan made 5-1-2026 (3 installments, the first 338.46 on
31-1-2026, interest frozen). On 31-1 he transfers 338.46 with "termijn 1 <plan reference>".
Expected: booked on F1 (interest 15.40, principal 323.06), installment 1 paid, the plan still
active after the daily runs of 1-2, 10-2 and 20-2. Before: the matcher did not know plan
references, a person confirmed the suggestion on F1 and the payment was undesignated: F0 took
it (interest 11.59, principal 326.87), installment 1 stayed unpaid and the plan lapsed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.statements.mt940_writer import OutLine
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.plans.test_plan_service import BASE, make, run_day
from tests.unit.services.test_statement_ingest import statement

PAYER = "NL97ABNA0479445079"


def _plan(world: Any, auto_book: bool, invoices: list[str]) -> tuple[Any, dict[str, Any]]:
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", auto_book=auto_book)]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row("D1", name="Jan de Vries", ibans=[PAYER])]})  # fmt: skip
    rows = [
        invoice_row("F0", "D1", amount="500.00", invoice_date="2025-08-01", due_date="2025-09-01"),
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-09-01", due_date="2025-10-01"),
        invoice_row("F2", "D1", amount="200.00", invoice_date="2025-09-01", due_date="2025-10-01"),
    ]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    made = make(a, invoices=invoices, installments=3, include_costs=True).body
    assert a.call("POST", f"{BASE}/{made['plan_id']}/activate").status == 200
    plan: dict[str, Any] = a.call("GET", f"{BASE}/{made['plan_id']}").body
    return a, plan


def _pay_installment(world: Any, plan: dict[str, Any]) -> None:
    first = plan["installments"][0]
    day = date.fromisoformat(first["due_date"])
    world.clock.at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    cents = int(first["amount"].replace(".", ""))
    line = OutLine(day, cents, f"termijn 1 {plan['payment_reference']}",
                   counterparty_iban=PAYER, counterparty_name="J de Vries")  # fmt: skip
    world.services.statements.ingest("agency-a/s.sta", statement([line]))


def _booked(world: Any) -> list[Any]:
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    found, _ = world.services.repos.payments.list(client_id)
    return list(found)


def _kept(world: Any, a: Any, plan: dict[str, Any]) -> None:
    for d in (date(2026, 2, 1), date(2026, 2, 10), date(2026, 2, 20)):
        run_day(world, d)
    after = a.call("GET", f"{BASE}/{plan['plan_id']}").body
    assert after["status"] == "active"
    assert after["installments"][0]["status"] == "paid"


def test_the_matcher_books_the_installment_on_the_plans_invoice(world):
    a, plan = _plan(world, True, ["F1"])
    assert plan["installments"][0]["amount"] == "338.46"
    _pay_installment(world, plan)
    (p,) = _booked(world)
    assert p.designated == ("F1",)
    got = [(x.invoice_number, x.component, x.amount) for x in p.allocations]
    assert got == [("F1", "interest", 1540), ("F1", "principal", 32306)]
    _kept(world, a, plan)


def test_a_person_confirming_it_books_it_as_the_debtors_designation(world):
    a, plan = _plan(world, False, ["F1"])
    _pay_installment(world, plan)
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    (item,) = [x for x in items if x["kind"] == "payment_suggestion"]
    reply = a.call(
        "POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm", {"invoices": ["F1"]}
    )
    assert reply.status == 200, reply.body
    (p,) = _booked(world)
    assert p.designated == ("F1",)
    assert {x.invoice_number for x in p.allocations} == {"F1"}
    _kept(world, a, plan)


@pytest.mark.parametrize("auto_book", [True, False])
def test_a_plan_over_two_invoices_is_named_by_its_reference(world, auto_book):
    """The plan's reference names both its invoices, and only those (F0 stays open)."""
    a, plan = _plan(world, auto_book, ["F1", "F2"])
    _pay_installment(world, plan)
    if not auto_book:
        items = a.call("GET", "/v1/clients/C1/actions").body["items"]
        (item,) = [x for x in items if x["kind"] == "payment_suggestion"]
        reply = a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm",
                       {"invoices": ["F1", "F2"]})  # fmt: skip
        assert reply.status == 200, reply.body
    (p,) = _booked(world)
    # the matcher books it on the plan's invoice it needs (F1), a person on both ticked: the
    # designation is the plan's invoices either way (codereview14 F6: the matcher's read F1 only)
    assert p.designated == ("F1", "F2") and p.debtor_paid == ("F1", "F2")
    # the designated claims take it oldest first (the same due date: the lower number)
    assert {x.invoice_number for x in p.allocations} == {"F1"}
    _kept(world, a, plan)


def test_a_person_ticking_one_of_the_plans_invoices_designates_the_plans(world):
    """codereview14 F6: the reference names F1 and F2 whatever a person ticks; the booking is
    what was ticked (F1), the designation (and his act) the plan's invoices, so staff's
    correction to what he named is no move of his designation."""
    a, plan = _plan(world, False, ["F1", "F2"])
    _pay_installment(world, plan)
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    (item,) = [x for x in items if x["kind"] == "payment_suggestion"]
    reply = a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm",
                   {"invoices": ["F1"]})  # fmt: skip
    assert reply.status == 200, reply.body
    (p,) = _booked(world)
    assert p.designated == ("F1", "F2") and p.debtor_paid == ("F1", "F2")
    assert not p.designated_by_staff
    assert {x.invoice_number for x in p.allocations} == {"F1"}
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    after = world.services.redesignation.redesignate(
        client, p.payment_id, ["F2", "F1"], "staff-u1", "the plan's reference names both"
    )
    assert after.designated == ("F1", "F2") and not after.designated_by_staff
    _kept(world, a, plan)


def test_the_one_line_path_designates_the_plans_invoices_too(world):
    """As the statement window: the line booked on its own (a window of one) names F1 and F2."""
    _a, plan = _plan(world, True, ["F1", "F2"])
    world.services.statements.window = 1
    _pay_installment(world, plan)
    (p,) = _booked(world)
    assert p.designated == ("F1", "F2") and p.debtor_paid == ("F1", "F2")
    assert {x.invoice_number for x in p.allocations} == {"F1"}
