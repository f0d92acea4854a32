"""A postponement or a whole-claim payment plan agreed inside the 14-day term keeps the
collection costs from arising while it is kept (art. 6:96 lid 6 BW; law4 finding 4;
docs/law.md "Arrangements inside the 14-day term").

The claim of every case: consumer F1 1,000.00 due Fri 2025-01-31; the client's own 14-day
letter posted Mon 2025-02-10 (imported): received Wed 02-12 (second delivery day, Tuesday the
first), term Thu 02-13 ... Wed 02-26, costs owed from Thu 02-27: 15 % x 1,000 = 150.00.
Interest 6:119 at 6 % from 02-01.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.api.portal_app import PortalApp
from shared.domain.ledger.arrangements import CostsHold, costs_owed_after_arrangements
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.payments.test_portal import enter
from tests.unit.plans.test_plan_service import BASE, run_day


def _claim(world, client_kwargs=None):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", **(client_kwargs or {}))]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    return a


def _on(world, day: date, hour: int = 10) -> None:
    world.clock.at = datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _pay(world, a, pid: str, cents: int, day: date):
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    _on(world, day, 12)
    return world.services.payments.book(client, payment_id=pid, amount=cents, received_on=day,
                                        source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip


def _open(a, day: str):
    return a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=day).body


def _postpone(world, until: str):
    browser = enter(world, PortalApp(world.services))
    r = browser.post("/portal/postpone", invoice=["F1"], until=until, reason="salaris op de 5e")
    assert r.status == 303 and "postponed" in r.headers["Location"]


def test_a_postponement_granted_in_the_term_and_kept_costs_nothing(world):
    """Portal grants on Thu 02-20 (inside the term) a postponement until Thu 03-06. On 03-06:
    interest 02-01 -> 03-06, 33 d x 6 % x 1,000 / 365 = 5.4247 -> 5.42, costs 0 (owed at
    the earliest from 03-07). He pays 1,005.42 on 03-06: nothing is left. (main: costs 150.00
    from 02-27 and 149.66 left open.)"""
    _on(world, date(2025, 2, 20))
    a = _claim(world, {"postpone_auto_days": 14})
    _postpone(world, "2025-03-06")
    c = _open(a, "2025-03-06")
    assert c["open"]["costs"] == "0.00" and c["open"]["interest"] == "5.42"
    assert c["costs_owed_from"] == "2025-03-07"
    p = _pay(world, a, "bank-1", 100_542, date(2025, 3, 6))
    assert [(x.component, x.amount) for x in p.allocations] == [
        ("interest", 542),
        ("principal", 100_000),
    ]
    assert _open(a, "2025-04-01")["open"]["total"] == "0.00"


def test_a_postponement_not_kept_makes_the_costs_owed_the_day_after_on_what_is_unpaid(world):
    """Same postponement until 03-06; he pays 400.00 on Wed 03-05: interest 32 d x 6 % x
    1,000 / 365 = 5.2603 -> 5.26, principal 394.74. From Fri 03-07 the costs are owed on the
    principal unpaid then, the interest paid counted against it (as within a 14-day term):
    1,000 - 394.74 - 5.26 = 600.00, 15 % = 90.00. On 03-06 still none."""
    _on(world, date(2025, 2, 20))
    a = _claim(world, {"postpone_auto_days": 14})
    _postpone(world, "2025-03-06")
    p = _pay(world, a, "bank-1", 40_000, date(2025, 3, 5))
    assert [(x.component, x.amount) for x in p.allocations] == [
        ("interest", 526),
        ("principal", 39_474),
    ]
    assert _open(a, "2025-03-06")["open"]["costs"] == "0.00"
    c = _open(a, "2025-03-07")
    assert c["open"]["costs"] == "90.00" and c["costs_owed_from"] == "2025-03-07"


def test_a_postponement_granted_after_the_term_leaves_the_costs_owed(world):
    """Granted on Mon 03-03 until 03-14: the term ended on 02-26, the costs were owed from
    02-27 already (150.00) and stay owed."""
    _on(world, date(2025, 3, 3))
    a = _claim(world, {"postpone_auto_days": 14})
    _postpone(world, "2025-03-14")
    c = _open(a, "2025-03-10")
    assert c["open"]["costs"] == "150.00" and c["costs_owed_from"] == "2025-02-27"


def test_a_dated_pause_by_staff_in_the_term_is_a_postponement_too(world):
    """The console's (and the API's) pause of an invoice until a day, granted on 02-20: costs
    from the day after, 03-07; a pause until resumed by hand is no postponement."""
    _on(world, date(2025, 2, 20))
    a = _claim(world)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2025-03-06"}).status == 200
    assert _open(a, "2025-03-06")["open"]["costs"] == "0.00"
    assert _open(a, "2025-03-07")["open"]["costs"] == "150.00"


def test_a_promise_to_pay_accepted_in_the_term_moves_the_costs_too(world):
    """Staff record on 02-20 the debtor's promise to pay by 03-06 (console dossier or
    ``POST …/promise``): the creditor agreed to wait, so no costs on 03-06, 150.00 from 03-07
    if unpaid."""
    _on(world, date(2025, 2, 20))
    a = _claim(world)
    r = a.call("POST", "/v1/clients/C1/invoices/F1/promise", {"until": "2025-03-06"})
    assert r.status == 200
    assert _open(a, "2025-03-06")["open"]["costs"] == "0.00"
    assert _open(a, "2025-03-07")["open"]["costs"] == "150.00"


def test_a_dated_pause_of_the_debtor_in_the_term_moves_the_costs_of_its_invoices(world):
    """The debtor paused on 02-20 until 03-10 ("uitstel toegekend"): costs from 03-11."""
    _on(world, date(2025, 2, 20))
    a = _claim(world)
    body = {"reason": "uitstel toegekend", "until": "2025-03-10"}
    assert a.call("POST", "/v1/clients/C1/debtors/D1/pause", body).status == 200
    c = _open(a, "2025-03-10")
    assert c["open"]["costs"] == "0.00" and c["costs_owed_from"] == "2025-03-11"
    assert _open(a, "2025-03-11")["open"]["costs"] == "150.00"


def test_an_undated_pause_in_the_term_does_not_move_the_costs(world):
    _on(world, date(2025, 2, 20))
    a = _claim(world)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/pause").status == 200
    assert _open(a, "2025-02-27")["open"]["costs"] == "150.00"


def _plan(world, a):
    made = a.call("POST", BASE, {"debtor": "D1", "invoices": ["F1"], "start": "2025-03-01",
                                 "installments": 3, "include_costs": True}).body  # fmt: skip
    assert a.call("POST", f"{BASE}/{made['plan_id']}/activate").status == 200
    return made


def test_a_whole_claim_plan_agreed_in_the_term_and_kept_completes_without_costs(world):
    """Plan agreed Fri 02-14: total 1,000 + interest 02-01 -> 02-14, 13 d x 6 % x 1,000 / 365
    = 2.137 -> 2.14 = 1,002.14 in 334.04 + 334.04 + 334.06. Kept to the cent: completed,
    nothing open, no costs (main: 150.00 charged from the first installment on, plan left
    active with `plan_paid_claim_open`)."""
    _on(world, date(2025, 2, 14), 9)
    a = _claim(world, {"contact_email": "ar@c1.example"})
    made = _plan(world, a)
    assert made["total"] == "1002.14"
    for i in made["installments"]:
        day = date.fromisoformat(i["due_date"])
        _pay(world, a, f"p{i['number']}", int(i["amount"].replace(".", "")), day)
        run_day(world, day)
    run_day(world, date(2025, 5, 2))
    assert a.call("GET", f"{BASE}/{made['plan_id']}").body["status"] == "completed"
    c = _open(a, "2025-05-02")
    assert c["open"]["total"] == "0.00" and c["costs_owed_from"] is None
    kinds = [i["kind"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "plan_paid_claim_open" not in kinds


def test_a_whole_claim_plan_that_lapses_makes_the_costs_owed_from_that_day(world):
    """Same plan; installment 1 (334.04) paid 03-01: interest 2.14, principal 331.90. While
    it runs no costs (on 03-09: 0). Installment 2 (04-01) unpaid past its 7 days' grace,
    staff cancel on Thu 04-10 (a breach; a cancel of a plan he keeps waits for the plan's own
    days, law16 F2): the costs are owed from that day on the principal unpaid, interest paid
    counted against it: 1,000 - 331.90 - 2.14 = 665.96, 15 % = 99.894 -> 99.89."""
    _on(world, date(2025, 2, 14), 9)
    a = _claim(world, {"contact_email": "ar@c1.example"})
    made = _plan(world, a)
    p = _pay(world, a, "p1", 33_404, date(2025, 3, 1))
    assert [(x.component, x.amount) for x in p.allocations] == [
        ("interest", 214),
        ("principal", 33_190),
    ]
    run_day(world, date(2025, 3, 1))
    assert _open(a, "2025-03-09")["open"]["costs"] == "0.00"
    _on(world, date(2025, 4, 10))
    r = a.call("POST", f"{BASE}/{made['plan_id']}/cancel", {"reason": "niet nagekomen"})
    assert r.status == 200
    c = _open(a, "2025-04-10")
    assert c["costs_owed_from"] == "2025-04-10" and c["open"]["costs"] == "99.89"


def test_the_rule_takes_arrangements_in_order_and_ignores_later_ones():
    owed = date(2025, 2, 27)
    # a second postponement granted within the first moves the day again
    holds = [
        CostsHold(date(2025, 2, 20), date(2025, 3, 7)),
        CostsHold(date(2025, 3, 5), date(2025, 3, 21)),
    ]
    assert costs_owed_after_arrangements(owed, holds) == date(2025, 3, 21)
    # one granted after the (moved) day does not
    late = [CostsHold(date(2025, 2, 20), date(2025, 3, 7)), CostsHold(date(2025, 3, 8), None)]
    assert costs_owed_after_arrangements(owed, late) == date(2025, 3, 7)
    assert costs_owed_after_arrangements(owed, [CostsHold(date(2025, 2, 14), None)]) is None
    assert costs_owed_after_arrangements(None, [CostsHold(date(2025, 2, 14), None)]) is None
    assert costs_owed_after_arrangements(owed, []) == owed
