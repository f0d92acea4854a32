"""lawyer18 L2: money a credit note frees is set off against the due, unpaid installment of a
running plan over the whole claim too (ledger18 did it for a plan over the principal only,
and a plan over the whole claim is the API's default).

Consumer D1: F1 1,000.00 due 1-12-2025, 14-day letter 5-1-2026; a whole-claim plan agreed
8-1 (1,005.70: 5.70 interest, in 502.85 on 31-1 and 28-2); F2 600.00 paid 12-1 naming F2,
credited (never owed) on 3-2, installment 1 due and unpaid. Before: the 600.00 waited as an
overpayment, the plan lapsed on 8-2 and F1 owed 150.00 costs (1,155.92 in all) while the
creditor held the debtor's 600.00. Now 502.85 pays installment 1 from 31-1 (6:44: the 5.70
interest first, as the plan's own payments go), 97.15 is left over, the plan runs on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_service import BASE, make, run_day


def _world(world: Any, credited_on: date, cancel_on: date | None = None) -> tuple[Any, Any, str]:
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="ar@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                    due_date="2025-12-01", fourteen_day_letter_on="2026-01-05"),
        invoice_row("F2", "D1", amount="600.00", invoice_date="2025-12-01",
                    due_date="2026-01-01")]})  # fmt: skip
    world.clock.at = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
    made = make(a, invoices=["F1"], installments=2, start="2026-01-31")  # over the whole claim
    assert [i["amount"] for i in made.body["installments"]] == ["502.85", "502.85"]
    pid = made.body["plan_id"]
    assert a.call("POST", f"{BASE}/{pid}/activate").status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="bank-2", amount=60_000,
                                 received_on=date(2026, 1, 12), source=PaymentSource.BANK,
                                 invoice_numbers=["F2"])  # fmt: skip
    if cancel_on is not None:
        world.clock.at = datetime(cancel_on.year, cancel_on.month, cancel_on.day, 9, 0, tzinfo=UTC)
        cancelled = a.call("POST", f"{BASE}/{pid}/cancel", {"reason": "client's own choice"})
        assert cancelled.status == 200, cancelled.body
    world.clock.at = datetime(credited_on.year, credited_on.month, credited_on.day, 12, 0,
                              tzinfo=UTC)  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    return a, client, pid


def test_freed_money_pays_the_due_installment_and_the_plan_runs_on(world: Any) -> None:
    a, client, pid = _world(world, date(2026, 2, 3))
    row = world.services.repos.payments.get(client.client_id, "bank-2")
    assert row.unallocated == 9_715
    assert {(x.invoice_number, x.component, x.amount) for x in row.allocations} == {
        ("F1", "interest", 570), ("F1", "principal", 49_715)}  # fmt: skip
    for day in (date(2026, 2, 3), date(2026, 2, 8), date(2026, 2, 9)):
        run_day(world, day)
    plan = a.call("GET", f"{BASE}/{pid}").body
    assert plan["status"] == "active"
    assert [i["paid"] for i in plan["installments"]] == ["502.85", "0.00"]
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-09").body
    assert claim["open"]["total"] == "502.85" and claim["open"]["costs"] == "0.00"
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "plan_breached" not in kinds and "overpayment" in kinds  # the 97.15 over


def test_never_before_an_installment_is_due(world: Any) -> None:
    """Credited on 20-1, before installment 1 (31-1) was due: nothing is set off (the plan
    gave him its days), the 600.00 stays an overpayment."""
    _, client, _ = _world(world, date(2026, 1, 20))
    row = world.services.repos.payments.get(client.client_id, "bank-2")
    assert row.unallocated == 60_000 and row.allocations == ()


def test_a_kept_plan_the_creditor_ended_asks_nothing_before_his_last_day(world: Any) -> None:
    """Staff cancel the plan on 10-1, nothing due: he may pay it all by 7-3 and "tot die dag
    vragen wij het niet van u op" (law16b F4). Installment 1's old day (31-1) no longer makes
    anything due, so the 600.00 freed on 3-2 is not set off before 7-3 (6:127 lid 2 BW)."""
    a, client, pid = _world(world, date(2026, 2, 3), cancel_on=date(2026, 1, 10))
    assert a.call("GET", f"{BASE}/{pid}").body["status"] == "cancelled"
    row = world.services.repos.payments.get(client.client_id, "bank-2")
    assert row.unallocated == 60_000 and row.allocations == ()


def test_the_replay_sets_it_off_as_booked() -> None:
    """The ledger's own figures: F1 under the whole-claim plan (interest paused from 8-1), F2
    300.00 paid 12-1; a note of 100.00 on F2 on 3-2 sets its freed money off against
    installment 1 by 6:44; q 10.00 naming F2 received 4-2 comes back on 5-2: the debtor's
    claims replayed from the final facts keep F1 as the note's booking left it."""
    from shared.domain.ledger import booking
    from shared.domain.ledger.costs import ClaimRecord
    from shared.domain.ledger.model import ClaimTerms
    from shared.domain.ledger.replay import open_claims
    from tests.unit.ledger.test_freed_money_and_principal_plan import AGREED, _apply

    first, second = date(2026, 1, 31), date(2026, 2, 28)
    f1 = ClaimTerms("F1", "D1", date(2025, 12, 1), 100_000, interest_from=date(2025, 12, 2),
                    interest_paused=((AGREED, None),),
                    plan_installments=((AGREED, first, 50_285), (AGREED, second, 50_285)))  # fmt: skip
    f2 = ClaimTerms("F2", "D1", date(2026, 1, 1), 30_000, interest_from=date(2026, 1, 2))
    records = [ClaimRecord(f1), ClaimRecord(f2)]
    records = _apply(records, booking.allocate(records, "bank-2", 30_000, date(2026, 1, 12),
                                               ["F2"]).events)  # fmt: skip
    note = booking.credit_part(records, "F2", 10_000, date(2026, 2, 3), "CN", "returned")
    assert {x.invoice_number for x in note.moved["bank-2"]} == {"F1"}
    assert {x.component for x in note.moved["bank-2"]} >= {"interest"}  # 6:44, not principal first
    records = _apply(records, note.events)
    booked = open_claims(records, date(2026, 2, 5))["F1"]
    assert 9_900 < booked.paid.total <= 10_000
    q = booking.allocate(records, "q", 1_000, date(2026, 2, 4), ["F2"])
    records = _apply(records, q.events)
    spare = {"q": (q.unallocated, date(2026, 2, 4), "D1")}
    back = booking.return_payment(records, "q", date(2026, 2, 5), "storno", spare=spare)
    assert any(e.reason and "replayed from" in e.reason
               for new in back.events.values() for e in new)  # fmt: skip
    replayed = open_claims(_apply(records, back.events), date(2026, 2, 5))["F1"]
    assert (replayed.open, replayed.paid) == (booked.open, booked.paid)
