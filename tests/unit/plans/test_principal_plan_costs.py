"""A payment plan over the principal only, agreed inside the 14-day term, keeps the collection
costs from arising as a whole-claim plan does (docs/law.md, "Arrangements inside the 14-day
term"; 6:96 lid 6 BW; law7 finding 8); it freezes no interest.

Hand: consumer F1 1,000.00 due 1-12-2025, 14-day letter posted Mon 5-1-2026 (received Wed
7-1, day 14 Wed 21-1): costs 150.00 owed from 22-1-2026. Plan agreed 8-1: 500.00 on 31-1 and
500.00 on 28-2. Interest stays owed: 30 d x 6 % + 30 d x 4 % on 1,000.00 + 28 d x 4 % on
500.00 = 4.9315 + 3.2877 + 1.5342 = 9.75."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_service import BASE, make, run_day


def _pay(world, client, pid: str, cents: int, on: date) -> None:
    world.clock.at = datetime(on.year, on.month, on.day, 12, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id=pid, amount=cents, received_on=on,
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip


def _plan_on(world, agreed: date):
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01",
        fourteen_day_letter_on="2026-01-05")]})  # fmt: skip
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-01-22").body
    assert claim["costs_owed_from"] == "2026-01-22" and claim["open"]["costs"] == "150.00"
    world.clock.at = datetime(agreed.year, agreed.month, agreed.day, 9, 0, tzinfo=UTC)
    made = make(a, invoices=["F1"], installments=2, include_costs=False, start="2026-02-28"
                if agreed > date(2026, 1, 31) else "2026-01-31")  # fmt: skip
    assert made.status in (200, 201), made.body
    plan_id = made.body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return a, client, plan_id


def test_a_principal_plan_agreed_in_the_term_and_kept_costs_nothing(world):
    a, client, _ = _plan_on(world, date(2026, 1, 8))
    for n, on in enumerate((date(2026, 1, 31), date(2026, 2, 28))):
        _pay(world, client, f"p{n}", 50_000, on)
        run_day(world, on)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-05").body
    assert claim["open"]["costs"] == "0.00" and claim["paid"]["costs"] == "0.00"
    assert claim["open"]["principal"] == "0.00" and claim["open"]["interest"] == "9.75"


def test_when_it_lapses_the_costs_are_owed_from_that_day_on_the_principal_unpaid(world):
    """Installment 2 (28-2) unpaid: its 7 days' grace ends 7-3, the run lapses the plan on
    8-3: costs from then, 15 % of the 500.00 principal then unpaid = 75.00."""
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    _pay(world, client, "p0", 50_000, date(2026, 1, 31))
    run_day(world, date(2026, 3, 7))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] != "cancelled"
    run_day(world, date(2026, 3, 8))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "cancelled"
    before = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-07").body
    assert before["open"]["costs"] == "0.00"
    after = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-08").body
    assert after["costs_owed_from"] == "2026-03-08" and after["open"]["costs"] == "75.00"


def test_staff_cancelling_a_plan_already_in_breach_owe_the_costs_from_the_cancel(world):
    """Installment 2 unpaid past its grace (7-3), staff cancel on 10-3 before the run did:
    a breach, costs from the cancel day (75.00)."""
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    _pay(world, client, "p0", 50_000, date(2026, 1, 31))
    world.clock.at = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
    cancelled = a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "debtor stopped"})
    assert cancelled.body["status"] == "cancelled"
    after = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-10").body
    assert after["costs_owed_from"] == "2026-03-10" and after["open"]["costs"] == "75.00"
    told = _notice(world, client, plan_id)
    assert "weer in zijn geheel opeisbaar" in told


def _notice(world, client, plan_id: str) -> str:
    outbox = world.services.messaging.outbox
    rows = [m for m, _ in outbox.with_prefix(client.client_id, f"plan|{plan_id}|cancelled|")]
    assert len(rows) == 1 and rows[0].debtor_number == "D1", rows
    text: str = world.services.messaging.content_of(rows[0]).text
    return text


def test_a_creditor_cancel_of_a_kept_plan_owes_no_costs_while_he_pays_as_agreed(world):
    """law16 F2: 500.00 paid on 31-1, staff cancel on 10-2 (installment 2 due 28-2, nothing
    in arrears). Before: costs owed from 10-2 (75.00), and his 500.00 of 28-2 went 75.00
    costs, 9.75 interest, 415.25 principal: 84.80 open. The creditor's cancel is no failure
    of his: the costs wait for the plan's last day and its grace (28-2 + 7 days: owed from
    8-3 at the earliest, over what he has not paid by then), and he is told so."""
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    _pay(world, client, "p0", 50_000, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    cancelled = a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "client's lawyer"})
    assert cancelled.body["status"] == "cancelled"
    on_cancel = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-10").body
    assert on_cancel["costs_owed_from"] == "2026-03-08"
    assert on_cancel["open"]["costs"] == "0.00"
    told = _notice(world, client, plan_id)
    assert "500,00" in told and "07-03-2026" in told and "geen incassokosten" in told
    _pay(world, client, "p1", 50_000, date(2026, 2, 28))
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-09").body
    assert claim["paid"]["costs"] == "0.00" and claim["open"]["costs"] == "0.00", claim
    # as on a kept plan: the principal paid on the days he was given, the interest (9.75)
    # is what the agreement told him stays owed
    assert claim["open"]["principal"] == "0.00" and claim["open"]["interest"] == "9.75"


def test_a_creditor_cancel_of_a_kept_plan_leaves_costs_on_what_he_did_not_pay_by_its_end(world):
    """Cancelled on 10-2 while kept, and he pays nothing more: from 8-3 (28-2's grace over)
    the costs are owed on the 500.00 principal unpaid: 75.00."""
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    _pay(world, client, "p0", 50_000, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "client's lawyer"})
    before = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-07").body
    assert before["open"]["costs"] == "0.00"
    after = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-08").body
    assert after["costs_owed_from"] == "2026-03-08" and after["open"]["costs"] == "75.00"


def test_a_creditor_cancel_of_a_kept_whole_claim_plan_owes_no_costs_on_the_cancel(world):
    """law16 F2 (whole claim): 1,005.70 = 2 x 502.85 agreed 8-1, #1 paid 31-1, staff cancel
    10-2: before, costs 74.57 owed from 10-2. Now the costs wait for 8-3 (and so does the
    interest, law16b F1)."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01",
        fourteen_day_letter_on="2026-01-05")]})  # fmt: skip
    world.clock.at = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
    made = make(a, invoices=["F1"], installments=2, include_costs=True, start="2026-01-31").body
    assert made["total"] == "1005.70"
    pid = made["plan_id"]
    assert a.call("POST", f"{BASE}/{pid}/activate").status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    _pay(world, client, "p0", 50_285, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    assert a.call("POST", f"{BASE}/{pid}/cancel", {"reason": "client's decision"}).status == 200
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-10").body
    assert claim["costs_owed_from"] == "2026-03-08" and claim["open"]["costs"] == "0.00", claim
    told = _notice(world, client, pid)
    assert "502,85" in told and "07-03-2026" in told and "rente" in told


def test_a_principal_plan_agreed_after_the_term_leaves_the_costs_owed(world):
    a, _, _ = _plan_on(world, date(2026, 1, 23))
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-01-24").body
    assert claim["open"]["costs"] == "150.00"


def _whole_claim_plan(world, agreed: date, start: str):
    """Consumer F1 1,000.00 (letter 5-1-2026, costs 150.00 owed from 22-1), a plan over the
    whole claim in 2 installments agreed on ``agreed``."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01",
        fourteen_day_letter_on="2026-01-05")]})  # fmt: skip
    world.clock.at = datetime(agreed.year, agreed.month, agreed.day, 9, 0, tzinfo=UTC)
    made = make(a, invoices=["F1"], installments=2, include_costs=True, start=start).body
    assert a.call("POST", f"{BASE}/{made['plan_id']}/activate").status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return a, client, made


def test_a_kept_whole_claim_plan_staff_cancel_is_paid_off_by_its_own_installments(world):
    """law16b F1: 2 x 502.85 agreed 8-1 (interest frozen: "Zolang u de regeling nakomt,
    rekenen we ... geen rente meer"), #1 paid 31-1, staff cancel 10-2 with nothing in
    arrears, #2 paid 28-2 as agreed. Before: interest ran again from 10-2, 502.85 x 4 % x
    18/365 = 0.99 went first on interest (6:44) and 0.99 principal stayed open, the invoice
    back in dunning. The freeze lasts his granted days as the costs hold does (to 8-3)."""
    a, client, made = _whole_claim_plan(world, date(2026, 1, 8), "2026-01-31")
    assert made["total"] == "1005.70"
    _pay(world, client, "p0", 50_285, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    assert a.call("POST", f"{BASE}/{made['plan_id']}/cancel", {"reason": "client"}).status == 200
    told = _notice(world, client, made["plan_id"])
    assert "Tot en met 07-03-2026 rekenen wij over dit bedrag geen rente" in told
    assert "Vanaf 10-02-2026 loopt de rente" not in told
    _pay(world, client, "p1", 50_285, date(2026, 2, 28))
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-09").body
    assert claim["open"]["total"] == "0.00", claim["open"]
    assert claim["paid"]["interest"] == "5.70" and claim["paid"]["costs"] == "0.00"
    # what he does not pay by then bears interest again from 8-3 (and the costs)


def test_the_freeze_ends_with_the_granted_days_for_what_he_leaves_unpaid(world):
    """The same plan, cancelled 10-2, #2 never paid: no interest through 7-3, from 8-3 it
    runs on the 502.85 open (8-3..7-4: 502.85 x 4 % x 31/365 = 1.7083 = 1.71 on 8-4) and the
    costs are owed from 8-3."""
    a, client, made = _whole_claim_plan(world, date(2026, 1, 8), "2026-01-31")
    _pay(world, client, "p0", 50_285, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    a.call("POST", f"{BASE}/{made['plan_id']}/cancel", {"reason": "client"})
    on7 = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-07").body
    assert on7["open"]["total"] == "502.85", on7["open"]
    on8 = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-08").body
    assert on8["costs_owed_from"] == "2026-03-08" and on8["open"]["interest"] == "0.00", on8
    april = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-04-08").body
    assert april["open"]["interest"] == "1.71", april["open"]


def test_the_cancel_notice_promises_no_costs_that_were_owed_before_the_plan(world):
    """law16b F6: the plan agreed 25-1, after the letter's term (costs 150.00 owed from
    22-1), 2 x 578.78 with the costs; #1 paid (150.00 costs), staff cancel 10-2. Before: "dan
    brengen wij daarover geen incassokosten in rekening" (they were owed and paid) and "Vanaf
    10-02-2026 loopt de rente weer" (so 578.78 on 28-2 did not pay it off)."""
    a, client, made = _whole_claim_plan(world, date(2026, 1, 25), "2026-01-31")
    assert [i["amount"] for i in made["installments"]] == ["578.78", "578.78"]
    _pay(world, client, "p0", 57_878, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    a.call("POST", f"{BASE}/{made['plan_id']}/cancel", {"reason": "client"})
    told = _notice(world, client, made["plan_id"])
    assert "incassokosten" not in told, told
    assert "578,78" in told and "07-03-2026" in told
    _pay(world, client, "p1", 57_878, date(2026, 2, 28))
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-09").body
    assert claim["open"]["total"] == "0.00", claim["open"]


def test_the_cancel_notice_of_a_principal_plan_names_all_he_owes_by_the_day(world):
    """law16b F6: a principal plan leaves the interest owed, so 500.00 "volgens de regeling"
    is not all: on 7-3 he owes 500.00 + interest 1,000 x 6 % x 30/365 + 1,000 x 4 % x 30/365
    + 500 x 4 % x 35/365 = 4.93 + 3.29 + 1.92 = 10.14 (the ledger rounds per period: 510.14),
    and paid by then the costs are avoided."""
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    _pay(world, client, "p0", 50_000, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "client's lawyer"})
    told = _notice(world, client, plan_id)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-07").body
    total = claim["open"]["total"].replace(".", ",")
    assert f"in totaal € {total} open" in told, (told, claim["open"])
    assert "geen incassokosten" in told
