"""Interest during a payment plan over the whole claim (law3 finding 5): frozen while the plan
is kept ("rente bevroren tijdens de regeling"), running again from the day it lapsed; and a
plan whose installments are all paid is completed only when its claims are."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from fractions import Fraction

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_service import BASE, make, run_day


def setup(world):
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1000.00", due_date="2025-10-01")]})  # fmt: skip
    access = world.services.access
    return a, access.client_for(access.authenticate(a.key), "C1")


def pay_on(world, client, number, amount, day):
    world.clock.at = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)
    return world.services.payments.book(
        client, payment_id=f"p{number}", amount=int(amount.replace(".", "")), received_on=day,
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip


def test_a_whole_claim_plan_paid_exactly_on_time_pays_the_claim_off(world):
    # B2B F1 1,000.00 due 2025-10-01; plan on 2026-01-05: interest 1,000 x 10.15% x 96/365 =
    # 26.696 -> 26.70 (2-10-2025 to 5-1-2026 inclusive: 6:119a counts the day of settlement,
    # law7 F2; 95 days, 26.42, before), total 1,026.70 = 342.23 + 342.23 + 342.24. Interest
    # frozen after 2026-01-05: the first installment pays 26.70 interest + 315.53 principal,
    # the next two 342.23 and 342.24 principal: 315.53 + 342.23 + 342.24 = 1,000.00. (main: interest ran on during the
    # plan, 33.65 + 5.38 + 3.06, and the "completed" plan left principal 15.67 open)
    a, client = setup(world)
    made = make(a, invoices=["F1"], installments=3, include_costs=True).body
    assert made["total"] == "1026.70"
    assert a.call("POST", f"{BASE}/{made['plan_id']}/activate").status == 200
    allocations = []
    for i in made["installments"]:
        day = date.fromisoformat(i["due_date"])
        p = pay_on(world, client, i["number"], i["amount"], day)
        allocations.append([(x.component, x.amount) for x in p.allocations])
        run_day(world, day)
    assert allocations == [
        [("interest", 2670), ("principal", 31553)],
        [("principal", 34223)],
        [("principal", 34224)],
    ]
    got = a.call("GET", f"{BASE}/{made['plan_id']}").body
    assert got["status"] == "completed"
    assert a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["open"]["total"] == "0.00"


def test_interest_runs_again_from_the_day_the_plan_lapsed(world):
    # installment 1 paid (26.70 interest, 315.53 principal: 684.47 open), then nothing: the
    # plan lapses on a run day L. After 2026-01-05 to L no interest; after L (6:119a: a lapse
    # on L is counted like a settlement on L), 684.47 x 10.15% per year: on L + 30 days
    # 684.47 x 0.1015 x 30/365 = 5.7102 -> 5.71.
    a, client = setup(world)
    made = make(a, invoices=["F1"], installments=3, include_costs=True).body
    a.call("POST", f"{BASE}/{made['plan_id']}/activate")
    first = made["installments"][0]
    pay_on(world, client, 1, first["amount"], date.fromisoformat(first["due_date"]))
    day = date(2026, 3, 1)
    while a.call("GET", f"{BASE}/{made['plan_id']}").body["status"] != "cancelled":
        run_day(world, day)
        day = date.fromordinal(day.toordinal() + 1)
        assert day < date(2026, 5, 1)
    stored = world.services.plans.plans.get(client.client_id, made["plan_id"])[0]
    lapsed = stored.ended_on
    assert lapsed is not None
    on = date.fromordinal(lapsed.toordinal() + 30)
    figures = world.services.ledger.claim(client, "F1", on)
    expected = Fraction(68447) * Fraction(1015, 10000) * 30 / 365
    assert figures.open.principal == 68447
    assert figures.open.interest == round(expected) == 571
    # and on the lapse day itself none has run yet: the kept part of the plan stays frozen
    assert world.services.ledger.claim(client, "F1", lapsed).open.interest == 0


def test_installments_paid_with_the_claim_still_open_is_not_completed_but_an_action(world):
    # a plan priced without the freeze (stored before it: no priced_on) lets interest run:
    # after the three installments principal 15.67 stays open (law3 probe 8: 33.65 + 5.38 +
    # 3.06 interest paid - 26.42 in the total = 15.67). Not "completed": an action item.
    a, client = setup(world)
    made = make(a, invoices=["F1"], installments=3, include_costs=True).body
    repo = world.services.plans.plans
    plan, etag = repo.get(client.client_id, made["plan_id"])
    repo.save(replace(plan, priced_on=None), etag)
    a.call("POST", f"{BASE}/{made['plan_id']}/activate")
    for i in made["installments"]:
        day = date.fromisoformat(i["due_date"])
        pay_on(world, client, i["number"], i["amount"], day)
        run_day(world, day)
    got = a.call("GET", f"{BASE}/{made['plan_id']}").body
    assert got["status"] != "completed"
    assert [x["paid"] for x in got["installments"]] == ["342.23", "342.23", "342.24"]
    assert a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["open"]["principal"] == "15.67"
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    open_items = [x for x in items if x["kind"] == "plan_paid_claim_open"]
    assert len(open_items) == 1 and "15,67" in open_items[0]["title"]
    run_day(world, date(2026, 4, 1))  # told once
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in items].count("plan_paid_claim_open") == 1
