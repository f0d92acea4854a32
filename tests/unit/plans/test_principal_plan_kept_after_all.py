"""A plan over the principal only that the run lapsed runs on when the installment was received
within its grace and booked later (law8 F5, the part c3211e2 left): the money goes on the
principal first, as the plan agreed on the day it was received, however late it is booked;
by the default order of art. 6:44 BW (interest first) the plan saw a shortfall on its
principal and stayed lapsed, and the held collection costs became owed.

Hand (tests/unit/plans/test_principal_plan_costs.py): consumer F1 1,000.00 due 1-12-2025,
14-day letter 5-1-2026 (costs 150.00 owed from 22-1), plan over the principal agreed 8-1 inside
the term: 500.00 on 31-1 and 28-2, tolerance 7 days (grace of installment 1 to 7-2; the run
lapses the plan on 8-2). 500.00 received 6-2, booked 12-2 -> plan active, costs 0.00, the
500.00 all on the principal; interest stays owed: 30 d x 6 % + 36 d x 4 % on 1,000.00 + 7 d x
4 % on 500.00 = 4.9315 + 3.9452 + 0.3836 = 9.26 on 13-2."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.statements import StatementService
from tests.unit.api.conftest import client_iban, verify_ibans
from tests.unit.plans.test_plan_kept_after_all import _lapsed as _lapsed_over_two
from tests.unit.plans.test_plan_service import BASE, make, run_day, status
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_principal_plan_costs import _pay, _plan_on

RECEIVED = date(2026, 2, 6)  # inside the grace of installment 1 (31-1 + 7 days)
BOOKED = date(2026, 2, 12)


def _lapsed(world, a, plan_id: str) -> None:
    day = date(2026, 1, 31)
    while day <= date(2026, 2, 11):
        run_day(world, day)
        day = date.fromordinal(day.toordinal() + 1)
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "cancelled"
    lapsed = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-11").body
    assert lapsed["costs_owed_from"] == "2026-02-08" and lapsed["open"]["costs"] == "150.00"


def _runs_on_costs_held(a, plan_id: str) -> None:
    plan = a.call("GET", f"{BASE}/{plan_id}").body
    assert plan["status"] == "active", plan
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-13").body
    assert claim["paid"] == {"principal": "500.00", "costs": "0.00", "costs_vat": "0.00",
                             "interest": "0.00"}, claim["paid"]  # fmt: skip
    assert claim["open"] == {"principal": "500.00", "costs": "0.00", "costs_vat": "0.00",
                             "interest": "9.26", "total": "509.26"}, claim["open"]  # fmt: skip


def test_an_installment_received_in_the_grace_and_booked_after_the_lapse_goes_on_the_principal(
    world,
):
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    _lapsed(world, a, plan_id)
    _pay(world, client, "late", 50_000, RECEIVED)  # booked now, for its received day
    _runs_on_costs_held(a, plan_id)
    assert world.services.plans.holding(client, "F1") == plan_id
    # the next run keeps it running: installment 1 is paid
    run_day(world, date(2026, 2, 13))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "active"


def test_money_received_after_the_lapse_keeps_the_order_of_6_44(world):
    """The plan no longer held the invoice when this money came: costs, interest, principal."""
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    _lapsed(world, a, plan_id)
    _pay(world, client, "after", 50_000, date(2026, 2, 8))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "cancelled"
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-13").body
    assert claim["paid"]["costs"] == "150.00" and claim["paid"]["principal"] != "500.00"


@pytest.mark.parametrize("window", [1, 50])
def test_a_statement_uploaded_after_the_lapse_keeps_the_plan(world, window):
    """The same transfer on a bank statement uploaded 12-2, booked a window of lines at a time
    or one by one: the window asks the same order and tells the lapsed plan."""
    a, _, plan_id = _plan_on(world, date(2026, 1, 8))
    verify_ibans(a, "C1")
    _lapsed(world, a, plan_id)
    _upload(world, a, 50_000, window)
    _runs_on_costs_held(a, plan_id)


def _upload(world, a, cents: int, window: int) -> None:
    """A transfer received 6-2 paying F1 by its reference, on a statement uploaded 12-2."""
    reference = a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    line = OutLine(RECEIVED, cents, "", counterparty_iban="NL02RABO0123456789",
                   counterparty_name="J de Vries", reference=reference, end_to_end_id="E1")  # fmt: skip
    data = write_mt940(client_iban("C1"), [line], opening=0, opening_date=RECEIVED,
                       statement_id="S1")  # fmt: skip
    world.clock.at = datetime(BOOKED.year, BOOKED.month, BOOKED.day, 10, 0, tzinfo=UTC)
    s = world.services
    statements = StatementService(s.repos, s.files, s.payments, s.clock,
                                  open_totals=s.statements.open_totals, window=window)  # fmt: skip
    report = statements.ingest("agency-a/day.sta", data.encode())
    assert report.booked == 1, report


@pytest.mark.parametrize("window", [1, 50])
def test_a_whole_claim_plan_hears_of_a_statement_booked_a_window_at_a_time(plans, window):
    """The window tells the plans only of the invoices a running plan holds: a plan the run
    lapsed holds none, so it never heard of the installment on a statement uploaded after
    the lapse (plans over F1 + F2 of tests/unit/plans/test_plan_kept_after_all.py)."""
    world, client = plans
    a = world.agency_a
    verify_ibans(a, "C1")
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    _lapsed_over_two(world, plan_id)
    _upload(world, a, 10_000, window)
    got, installments = status(world, plan_id)
    assert got == "active" and installments[0] == ("paid", "100.00")
    assert world.services.plans.holding(client, "F1") == plan_id
