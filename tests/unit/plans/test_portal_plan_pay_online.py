"""A debtor pays a plan's installment online from the portal ("Betaal termijn"), in process
with the embedded Mollie simulation: the amount is the installment's open part as the
server computes it, a double click or reload reuses the open payment, the webhook books it
once on the plan's invoices (the installment paid, the plan moved on), a failed payment
leaves it open to try again, and money after a lapse or a payment otherwise is kept."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from shared.api.portal_app import PortalApp
from shared.domain.plans.pay_online import payable_online
from shared.domain.plans.plan import DebitState, DirectDebit, PlanStatus
from shared.services.plans.pay_online import pending_key
from shared.services.portal import RETURNS
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.payments.conftest import deliver_webhooks
from tests.unit.payments.test_portal import Browser
from tests.unit.plans.test_plan_service import BASE, make, pay, status


@pytest.fixture
def on_plan(world):
    world.clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="200.00", due_date="2025-12-01"),
        invoice_row("F2", "D1", amount="100.00", due_date="2025-12-15"),
        invoice_row("F3", "D2", amount="50.00", due_date="2025-12-15"),
    ]})  # fmt: skip
    plan_id = make(a, start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client, plan_id, PortalApp(world.services)


def enter(world, app, debtor: str = "D1") -> Browser:
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    browser = Browser(app)
    token = world.services.portal.links.token(client_id, debtor)
    assert browser.go("GET", f"/p/{token}").status == 303
    return browser


def pay_installment(browser: Browser, plan_id: str, number: int, **more: str):
    return browser.post("/portal/plan/pay", plan=plan_id, installment=str(number), **more)


def payment_of(response) -> str:
    assert response.status == 303, response.raw
    found = re.search(r"/api/pay/simulate/(tr_sim[0-9a-f]+)$", response.headers["Location"])
    assert found is not None, response.headers["Location"]
    return found.group(1)


def simulated(world) -> list[str]:
    return [r.rk for r in world.store.query("SimulatedPayments", pk="sim").rows]


def payments(world, client):
    return world.services.repos.payments.list(client.client_id)[0]


def refusal(response) -> str:
    return str(response.raw.decode())


def test_the_next_installment_is_paid_online_once_and_the_plan_moves_on(on_plan):
    world, client, plan_id, app = on_plan
    browser = enter(world, app)
    overview = browser.page("/portal/")
    assert "Betaal termijn 1 online (€ 100,00)" in overview
    assert "Betaal termijn 1 online (€ 100,00)" in browser.page("/portal/plan")
    assert "Pay installment 1 online (EUR 100.00)" in browser.page("/portal/plan", lang="en")
    browser.page("/portal/", lang="nl")
    # the form's own amount is never read: the server asks the installment's open part
    first = payment_of(pay_installment(browser, plan_id, 1, amount="0.01"))
    online = world.services.online_payments
    made = online.simulation.get_payment(first)
    assert made is not None and made.amount == 10_000
    assert made.metadata == {"client": client.client_id, "debtor": "D1", "plan": plan_id,
                             "installment": 1, "invoices": ["F1", "F2"]}  # fmt: skip
    assert "termijn 1/3 betalingsregeling" in made.description and "debiteur D1" in made.description
    # a double click, and a reload of the page and another click: the same open payment
    assert payment_of(pay_installment(browser, plan_id, 1)) == first
    assert payment_of(pay_installment(enter(world, app), plan_id, 1)) == first
    assert simulated(world) == [first]
    # paid at Mollie, the webhook not yet handled: the installment is not paid a second time
    online.simulation.settle(first, "paid")
    online.webhook(first)
    busy = pay_installment(browser, plan_id, 1)
    assert busy.status == 400 and "termijn 1 is al betaald; de betaling wordt verwerkt" in refusal(
        busy
    )
    # Mollie calls twice (and the queue redelivers): booked once, by law, on the plan's invoices
    assert deliver_webhooks(world) == ["paid"]
    online.webhook(first)
    assert deliver_webhooks(world) in (["paid"], [])
    assert online.process(first) == "paid"
    booked = [p for p in payments(world, client) if p.external_id == first]
    assert len(booked) == 1 and booked[0].amount == 10_000
    assert {a.invoice_number for a in booked[0].allocations} == {"F1"}  # the oldest claim first
    assert status(world, plan_id) == ("active", [("paid", "100.00"), ("open", "0.00"),
                                                 ("open", "0.00")])  # fmt: skip
    # the page now offers installment 2; a stale page's installment 1 is refused
    assert "Betaal termijn 2 online (€ 100,00)" in browser.page("/portal/")
    again = pay_installment(browser, plan_id, 1)
    assert again.status == 400 and "termijn 1 is al betaald" in refusal(again)
    ahead = pay_installment(browser, plan_id, 3)
    assert ahead.status == 400 and "betaal eerst termijn 2" in refusal(ahead)
    assert simulated(world) == [first]


def test_a_failed_payment_leaves_the_installment_open_to_try_again(on_plan):
    world, client, plan_id, app = on_plan
    browser = enter(world, app)
    online = world.services.online_payments
    first = payment_of(pay_installment(browser, plan_id, 1))
    online.settle_simulated(first, "expired")
    assert deliver_webhooks(world) == ["expired"]
    assert status(world, plan_id)[1][0] == ("open", "0.00")
    second = payment_of(pay_installment(browser, plan_id, 1))
    assert second != first and online.simulation.get_payment(second).amount == 10_000
    online.settle_simulated(second, "canceled")
    assert deliver_webhooks(world) == ["canceled"]
    third = payment_of(pay_installment(browser, plan_id, 1))
    assert third not in (first, second)
    online.settle_simulated(third, "paid")
    assert deliver_webhooks(world) == ["paid"]
    assert status(world, plan_id)[1][0] == ("paid", "100.00")
    assert len(payments(world, client)) == 1


def test_an_open_payment_is_not_reused_once_part_was_paid_otherwise(on_plan):
    world, client, plan_id, app = on_plan
    browser = enter(world, app)
    first = payment_of(pay_installment(browser, plan_id, 1))
    # a transfer of 40.00 with the plan's reference: the installment asks 60.00 now
    pay(world, client, "bank-1", 4_000, date(2026, 1, 6))
    second = payment_of(pay_installment(browser, plan_id, 1))
    assert second != first
    assert world.services.online_payments.simulation.get_payment(second).amount == 6_000


def test_a_payment_after_the_plan_lapsed_is_booked_on_the_claim(on_plan):
    world, client, plan_id, app = on_plan
    browser = enter(world, app)
    online = world.services.online_payments
    started = payment_of(pay_installment(browser, plan_id, 1))
    cancelled = world.agency_a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "staff"})
    assert cancelled.status == 200, cancelled.body
    # the plan no longer offers it, and no new payment starts for it
    assert "Betaal termijn" not in browser.page("/portal/")
    refused = pay_installment(browser, plan_id, 1)
    assert refused.status == 400
    # the debtor completes the checkout opened before: the money is booked on the claim
    online.settle_simulated(started, "paid")
    assert deliver_webhooks(world) == ["paid"]
    booked = world.services.repos.payments.get(client.client_id, f"mollie-{started}")
    assert booked is not None and booked.amount == 10_000 and booked.unallocated == 0
    assert world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["open_amount"] == "100.00"


def test_a_payment_after_the_claim_was_paid_otherwise_is_an_overpayment(on_plan):
    world, client, plan_id, app = on_plan
    browser = enter(world, app)
    online = world.services.online_payments
    started = payment_of(pay_installment(browser, plan_id, 1))
    pay(world, client, "bank-all", 30_000, date(2026, 1, 6))  # all of it, by transfer
    assert status(world, plan_id)[0] == "completed"
    online.settle_simulated(started, "paid")
    assert deliver_webhooks(world) == ["paid"]
    booked = world.services.repos.payments.get(client.client_id, f"mollie-{started}")
    assert booked is not None and booked.unallocated == 10_000
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = [x for x in items if x["kind"] == "overpayment"]
    assert len(over) == 1 and "100,00" in over[0]["title"]


def test_two_clicks_at_once_make_one_payment(on_plan):
    """The second click finds the first one's claim (no payment id yet) and asks with the
    same key: the same payment, not a second checkout for the same installment."""
    world, client, plan_id, app = on_plan
    browser = enter(world, app)
    desk = world.services.portal_plans
    access = world.services.portal.links.check(browser.cookies["inning_portal"])
    store = world.store
    real_start = world.services.online_payments.start_installment
    seen: list[str] = []

    def racing(client_, order):
        if not seen:  # the first click is inside Mollie's call when the second comes
            seen.append("first")
            row = store.get(RETURNS, client.client_id, pending_key(plan_id, 1))
            assert row is not None and "PaymentId" not in row.data
            seen.append(desk.pay_installment(access, plan_id, 1, "http://localhost"))
        return real_start(client_, order)

    world.services.online_payments.start_installment = racing
    url = desk.pay_installment(access, plan_id, 1, "http://localhost")
    assert url == seen[1]
    assert len(simulated(world)) == 1


def test_a_direct_debit_installment_is_left_to_its_collection():
    """Only the installment the collection did not bring in is offered online: a collection
    under way or still to come would take the money twice."""
    from shared.domain.plans.plan import Mandate, PaymentPlan
    from shared.domain.plans.rules import PlanRules
    from shared.domain.plans.schedule import Period, PlanMethod, ScheduledInstallment

    schedule = tuple(ScheduledInstallment(n, date(2026, n, 1), 5_000) for n in (1, 2, 3))
    plan = PaymentPlan("C", "P", "D1", ("F1",), True, PlanMethod.DIRECT_DEBIT, date(2026, 1, 1),
                       Period.MONTH, 15_000, "1234567890123456", schedule, PlanRules(),
                       datetime(2025, 12, 1, tzinfo=UTC), "staff", status=PlanStatus.ACTIVE,
                       activated_at=datetime(2025, 12, 1, tzinfo=UTC),
                       mandate=Mandate("M1", date(2025, 12, 1), "NL91ABNA0417164300", "D1"))  # fmt: skip
    assert payable_online(plan, date(2025, 12, 20)) is None  # the bank collects it on its date
    under_way = DirectDebit(1, 1, date(2026, 1, 1), 5_000, "E1", True)
    assert payable_online(replace_debits(plan, under_way), date(2026, 1, 20)) is None
    failed = replace_debits(plan, DirectDebit(1, 1, date(2026, 1, 1), 5_000, "E1", True,
                                              DebitState.RETURNED)).fail(1)  # fmt: skip
    got = payable_online(failed, date(2026, 1, 5))
    assert got is not None and (got.number, got.open) == (1, 5_000)
    transfer = replace_method(plan, PlanMethod.TRANSFER)
    got = payable_online(transfer, date(2025, 12, 20))  # a transfer plan: ahead of its date too
    assert got is not None and got.number == 1
    part = payable_online(replace_paid(transfer, 7_500), date(2025, 12, 20))
    assert part is not None and (part.number, part.open) == (2, 2_500)
    assert payable_online(replace_paid(transfer, 15_000), date(2025, 12, 20)) is None


def replace_debits(plan, *debits):
    from dataclasses import replace

    return replace(plan, debits=tuple(debits))


def replace_method(plan, method):
    from dataclasses import replace

    return replace(plan, method=method, mandate=None)


def replace_paid(plan, paid):
    from dataclasses import replace

    return replace(plan, paid=paid)


def test_another_debtors_plan_cannot_be_paid(on_plan):
    world, _, plan_id, app = on_plan
    other = enter(world, app, "D2")
    response = pay_installment(other, plan_id, 1)
    assert response.status == 404
    assert simulated(world) == []


def test_the_webhook_job_names_the_payment_only(on_plan):
    world, _, plan_id, app = on_plan
    browser = enter(world, app)
    started = payment_of(pay_installment(browser, plan_id, 1))
    world.services.online_payments.simulation.settle(started, "paid")
    world.services.online_payments.webhook(started)
    [job] = world.services.messaging.queues.take("mollie-webhook")
    assert json.loads(job.body) == {"id": started}


def test_hand_made_forms_are_refused_in_the_debtors_language(on_plan):
    world, _, plan_id, app = on_plan
    browser = enter(world, app)
    for installment in ("first", "9" * 4301, ""):
        got = browser.post("/portal/plan/pay", plan=plan_id, installment=installment)
        assert got.status == 400 and "Dat lukte niet: kies een termijn<" in refusal(got)
    for plan in ("x" * 600, "nope"):
        got = browser.post("/portal/plan/pay", plan=plan, installment="1")
        assert got.status == 404 and "deze betalingsregeling is niet gevonden" in refusal(got)
    forged = browser.go(
        "POST", "/portal/plan/pay", {"csrf": "x", "plan": plan_id, "installment": "1"}
    )
    assert forged.status == 403
    browser.page("/portal/", lang="en")
    ahead = pay_installment(browser, plan_id, 2)
    assert ahead.status == 400 and "That did not work: pay installment 1 first" in refusal(ahead)
    assert simulated(world) == []
