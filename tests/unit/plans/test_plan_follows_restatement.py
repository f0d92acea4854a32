"""A running plan follows its claims when a restatement changes them (law11 #2).

A credit note lowers a plan at once; a restatement (a debtor corrected to a consumer, a
14-day letter reported undeliverable, a statutory rate table put in force) changes the same
claims without a credit event. The plan used to keep asking what the debtor no longer owed,
took in only what reached the claim, and on paying every installment in full and on time
the debtor was told his plan lapsed.

Kind, by hand (tests/unit/api/test_debtor_kind_restates_payments.py): business F1 5,000.00
due 1-12-2025, the client's sommatie 5-1-2026, agreed costs 15 %: 5,805.62 on 10-1 (costs
750.00 + 6:119a 55.62), plan 2 x 2,902.81. As a consumer: no costs (a business sommatie is
no 14-day letter), 6:119 interest 29.59 frozen at the plan's pricing: 5,029.59.

Letter, by hand: consumer F1 1,000.00 due 28-2-2025, 14-day letter e-mailed 3-3 (costs from
18-3); 20-3 a plan of 1,000.00 + 150.00 + 3.12 (19 d x 6 %) = 1,153.12 in 2 x 576.56; 21-3
the e-mail bounces: no costs, the claim 1,003.12, so 2 x 501.56."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.law.interest_rates import rate_table_csv
from shared.domain.messaging import OutboundMessage, OutboxStatus
from shared.domain.parties import Client
from shared.domain.records import PaymentSource
from tests.support.rate_tables import table_before_july_2026
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row
from tests.unit.api.test_debtor_kind_restates_payments import ROW
from tests.unit.ledger.test_rate_table_restatement import deliver
from tests.unit.plans.test_plan_service import run_day


def _plan(world: World, start: str, on: str) -> str:
    a = world.agency_a
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "start": start, "installments": 2,
        "include_costs": True, "agreed_by_debtor_on": on, "agreed_how": "phone"})  # fmt: skip
    assert made.status == 201, made.body
    plan_id = str(made.body["plan_id"])
    assert a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate").status == 200
    return plan_id


def _read(world: World, plan_id: str) -> dict[str, Any]:
    body: dict[str, Any] = world.agency_a.call("GET", f"/v1/clients/C1/plans/{plan_id}").body
    return body


def _amounts(plan: dict[str, Any]) -> list[str]:
    return [i["amount"] for i in plan["installments"]]


def _plan_messages(world: World, client: Client, plan_id: str) -> list[str]:
    return sorted(m.key for m, _ in world.services.messaging.outbox.with_prefix(
        client.client_id, f"plan|{plan_id}|"))  # fmt: skip


def _items(world: World, kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [i for i in items if i["kind"] == kind]


def _business_plan(world: World) -> tuple[Client, str]:
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [ROW]}).status == 200
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    world.clock.at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    plan_id = _plan(world, "2026-01-31", "2026-01-10")
    assert _amounts(_read(world, plan_id)) == ["2902.81", "2902.81"]
    return client, plan_id


def _to_consumer(world: World) -> None:
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    flip = world.agency_a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2c", name="X")]}
    )
    assert flip.body["updated"] == 1, flip.body


def _pay(world: World, client: Client, payment_id: str, cents: int, on: date) -> None:
    world.clock.at = datetime(on.year, on.month, on.day, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id=payment_id, amount=cents,
                                 received_on=on, source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip


def test_a_debtor_corrected_to_a_consumer_who_pays_as_agreed_is_not_found_in_breach(world):  # type: ignore[no-untyped-def]
    client, plan_id = _business_plan(world)
    _to_consumer(world)
    # he pays the two installments the agreement named, in full and on the day
    _pay(world, client, "i1", 290_281, date(2026, 1, 31))
    _pay(world, client, "i2", 290_281, date(2026, 2, 28))
    for d in range(1, 20):
        run_day(world, date(2026, 3, d))
    plan = _read(world, plan_id)
    # the plan asked what the consumer owes: 5,029.59, all paid; the 776.03 he never owed
    # is his overpayment, not a lapse
    assert (plan["status"], plan["total"]) == ("completed", "5029.59")
    assert all(i["status"] == "paid" for i in plan["installments"])
    assert not any(k.endswith("|lapsed") for k in _plan_messages(world, client, plan_id))
    assert _items(world, "plan_breached") == []
    assert [i["title"] for i in _items(world, "overpayment")] == ["Overpayment of € 776,03"]


def test_a_consumer_correction_after_a_payment_lowers_the_plan_at_once_and_tells_him(world):  # type: ignore[no-untyped-def]
    client, plan_id = _business_plan(world)
    _pay(world, client, "i1", 290_281, date(2026, 1, 11))  # the first installment, early
    _to_consumer(world)  # restates what he paid: the plan follows with it
    plan = _read(world, plan_id)
    # 5,029.59 owed: 2,902.81 paid, 2,126.78 left for the second installment
    assert plan["total"] == "5029.59"
    assert _amounts(plan) == ["2902.81", "2126.78"]
    assert f"plan|{plan_id}|lowered|502959" in _plan_messages(world, client, plan_id)


def _letter_plan(world: World) -> tuple[Client, str, OutboundMessage]:
    from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day
    from tests.unit.dunning.test_emailed_fourteen_day_letter_bounce import WORKFLOW

    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    day(world, client)  # the 14-day letter, e-mailed
    [(letter, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    world.clock.at = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
    plan_id = _plan(world, "2025-04-15", "2025-03-20")
    plan = _read(world, plan_id)
    assert (plan["total"], _amounts(plan)) == ("1153.12", ["576.56", "576.56"])
    return client, plan_id, letter


def test_a_bounced_fourteen_day_letter_lowers_the_plan_that_holds_its_costs(world):  # type: ignore[no-untyped-def]
    client, plan_id, letter = _letter_plan(world)
    world.clock.at = datetime(2025, 3, 21, 9, 0, tzinfo=UTC)
    assert world.services.messaging.record_status(
        letter.provider, letter.provider_id, OutboxStatus.BOUNCED, "550 5.1.1 mailbox unknown"
    )
    # the costs term is cleared: the plan asks 1,003.12 from now on, and he is told so once
    plan = _read(world, plan_id)
    assert (plan["status"], plan["total"]) == ("active", "1003.12")
    assert _amounts(plan) == ["501.56", "501.56"]
    assert [k for k in _plan_messages(world, client, plan_id) if "|lowered|" in k] == [
        f"plan|{plan_id}|lowered|100312"
    ]
    _pay(world, client, "i1", 50_156, date(2025, 4, 15))
    _pay(world, client, "i2", 50_156, date(2025, 5, 15))
    for m, last in ((4, 30), (5, 31)):
        for d in range(1, last + 1):
            run_day(world, date(2025, m, d))
    plan = _read(world, plan_id)
    assert plan["status"] == "completed"
    assert not any(k.endswith("|lapsed") for k in _plan_messages(world, client, plan_id))
    assert _items(world, "plan_breached") == [] and _items(world, "overpayment") == []


@pytest.mark.usefixtures("shipped_before_july_2026")  # tests/support/rate_tables.py
def test_a_restatement_that_raises_the_claim_leaves_the_plan_and_asks_staff(world):  # type: ignore[no-untyped-def]
    """Consumer F1 1,000.00 due 31-5-2026, 300.00 paid 1-9 under a table without a 2026-07-01
    row (4 %: interest 10.08, principal 289.92, 710.08 open); a plan over the rest; then 5.00 %
    from 1-7 is put in force: the payment paid 11.78 interest, 1.70 more principal is open.
    The plan the debtor agreed to is not raised behind his back: staff decide."""
    a = world.agency_a
    world.clock.at = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2026-05-01", due_date="2026-05-31")]})  # fmt: skip
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    _pay(world, client, "p1", 30_000, date(2026, 9, 1))
    world.clock.at = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)
    plan_id = _plan(world, "2026-12-15", "2026-09-02")
    before = _read(world, plan_id)
    world.clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    csv = rate_table_csv(table_before_july_2026()) + "2026-07-01,5.00,9.65\n"
    world.services.statutory_rates.upload(csv.encode(), author="test")
    assert deliver(world) == 1
    after = _read(world, plan_id)
    assert (after["total"], _amounts(after)) == (before["total"], _amounts(before))
    assert not any("|lowered|" in k for k in _plan_messages(world, client, plan_id))
    [item] = _items(world, "plan_claim_raised")
    assert item["title"].startswith(f"Payment plan {plan_id}: a restatement raised its claims")
    assert item["detail"]["plan_id"] == plan_id
    assert item["detail"]["open"] - item["detail"]["amount"] >= 170  # the 1.70 principal
    deliver(world, later=True)  # the second pass finds nothing new: no second item
    assert len(_items(world, "plan_claim_raised")) == 1
