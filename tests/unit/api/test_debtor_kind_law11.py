"""law11 #3, #4, #6: a correction of a debtor's kind never re-prices what he was told or paid
as a consumer, and a letter sent to him as a business goes before staff even while a plan
holds its costs. Figures by hand (F1 5,000.00 due 1-12-2025; 6:119 is 6 % to 31-12-2025 and
4 % from 1-1-2026, 6:119a 10.15 %)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.api.test_debtor_kind_restates_payments import ROW

CLAIM = "/v1/clients/C1/invoices/F1/claim"


def _consumer(world, row):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2c", name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return a, client


def _flip(world, a, kind: str, on: datetime):  # type: ignore[no-untyped-def]
    world.clock.at = on
    items = [debtor_row("D1", kind=kind, name="X")]
    return a.call("POST", "/v1/clients/C1/debtors", {"items": items}).body


def test_a_part_payment_that_fixed_the_costs_keeps_the_consumers_letter(world):  # type: ignore[no-untyped-def]
    """#3: 14-day letter 5-1-2026 (costs owed from 22-1: staffel 375.00 + 250.00 = 625.00).
    1,000.00 on 25-1 pays the costs 625.00, 6:119 interest 2-12..24-1 = 5,000.00 x (30 d x 6 %
    + 24 d x 4 %) / 365 = 24.66 + 13.15 = 37.81, principal 337.19. On 1-2: 4,662.81 open
    + 7 d x 4 % = 3.58 interest: 4,666.39. As a business it would ask 6:119a (47.74)."""
    a, client = _consumer(world, ROW)
    world.clock.at = datetime(2026, 1, 25, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="p1", amount=100_000,
                                 received_on=date(2026, 1, 25), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    before = a.call("GET", CLAIM, on="2026-02-01").body
    assert before["paid"]["costs"] == "625.00" and before["paid"]["interest"] == "37.81"
    assert before["open"]["interest"] == "3.58" and before["open"]["total"] == "4666.39"
    reply = _flip(world, a, "b2b", datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    assert reply["updated"] == 0 and reply["rejected"] == 1, reply
    [error] = reply["errors"]
    assert error["field"] == "kind" and "F1" in error["message"]
    after = a.call("GET", CLAIM, on="2026-02-01").body
    assert after["open"] == before["open"] and after["interest_rule"] == before["interest_rule"]


def test_a_claim_paid_in_full_without_a_letter_does_not_open_again(world):  # type: ignore[no-untyped-def]
    """#6: no letter; on 10-1-2026 5,000.00 + 6:119 interest 30 d x 6 % (24.66) + 9 d x 4 %
    (4.93) = 5,029.59 paid in full. As a business 6:119a 40 d x 10.15 % = 55.62 would open
    26.03 on a paid invoice: the change is refused, nothing opens."""
    row = invoice_row("F1", "D1", amount="5000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01")  # fmt: skip
    a, client = _consumer(world, row)
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert a.call("GET", CLAIM, on="2026-01-10").body["open"]["total"] == "5029.59"
    world.services.payments.book(client, payment_id="p1", amount=502_959,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    reply = _flip(world, a, "b2b", datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    assert reply["rejected"] == 1 and "F1" in reply["errors"][0]["message"], reply
    assert a.call("GET", CLAIM, on="2026-01-12").body["open"]["total"] == "0.00"


def test_a_claim_paid_before_it_fell_due_lets_the_correction_through(world):  # type: ignore[no-untyped-def]
    """Paid on its due day, a claim owes no interest as a consumer or a business: nothing
    would open, so the correction goes through."""
    row = invoice_row("F1", "D1", amount="5000.00", invoice_date="2025-12-01",
                      due_date="2026-01-31")  # fmt: skip
    a, client = _consumer(world, row)
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="p1", amount=500_000,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    reply = _flip(world, a, "b2b", datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    assert reply["updated"] == 1 and reply["rejected"] == 0, reply
    assert a.call("GET", CLAIM, on="2026-02-12").body["open"]["total"] == "0.00"


def test_a_plan_holding_the_costs_does_not_hide_the_business_sommatie(world):  # type: ignore[no-untyped-def]
    """#4: business D1, sommatie 5-1-2026 (costs owed from 22-1), whole-claim plan with costs
    agreed 10-1 (its hold takes the claim's costs term away while it runs); corrected to a
    consumer 12-1: the costs rest on a business sommatie, so staff get kind_letter_check
    for F1 at once, before the plan can lapse into a 625.00 staffel."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [ROW]}).status == 200
    world.clock.at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "start": "2026-01-31", "installments": 2,
        "include_costs": True, "agreed_by_debtor_on": "2026-01-10", "agreed_how": "phone"})  # fmt: skip
    assert made.status in (200, 201), made.body
    plan = made.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan}/activate").status == 200
    reply = _flip(world, a, "b2c", datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    assert reply["updated"] == 1, reply
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    checks = [i for i in items if i["kind"] == "kind_letter_check"]
    assert len(checks) == 1, [i["kind"] for i in items]
    assert checks[0]["invoice_numbers"] == ["F1"], checks[0]
