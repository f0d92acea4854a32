"""failure6 findings 4, 7 and 8 (probes 6, 8 and 9): a change that restated claims, whose
delivery stopped between the ledger's write and the follow-ups (the moved payments' rows,
the invoices, the overpayment items), delivered again. The ledger step finds the change made
and moves nothing; the rows and invoices must follow all the same.

Two faults per change, from the storage side (``FaultyTableStore`` rules): the worker dies
right after the ledger's transaction landed (``crash_after``), or the first write of the
follow-ups (an invoice or a payment row) times out before it applied (``timeout``, the host
answers 5xx and the message comes again). ``control``: no fault. Each ends with the control's
figures (failure6.md), which are the figures of the law tests each scenario comes from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.adapters.tables.ledger_repo import LEDGER
from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.schema import ACTIONS, INVOICES, PAYMENTS
from shared.domain.messaging import OutboxStatus
from shared.domain.records import PaymentSource
from tests.faults.crashes import TABLE_WRITES
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row, make_world
from tests.unit.api.test_law5_ledger import _claim, _letter, _pay
from tests.unit.api.test_law5_ledger import _setup as _one_letter
from tests.unit.api.test_payment_designation import _setup as _two_invoices
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day

FAULTS = ("crash_after", "timeout", "control")


def _world() -> tuple[World, FaultPlan]:
    """The API test world (tests/unit/api/conftest.py) over a fault-injecting table store."""
    plan = FaultPlan()
    return make_world(faults=plan), plan


def _arm(plan: FaultPlan, fault: str, nth: int) -> None:
    """``crash_after``: the ``nth`` ledger transaction from now lands and the worker dies;
    ``timeout``: the first invoice or payment write after it times out (not applied)."""
    seen = {"ledger": 0}

    def ledger_write(op: str, table: str) -> bool:
        if op == "transact" and table == LEDGER:
            seen["ledger"] += 1
            return seen["ledger"] == nth
        return False

    def follow_up(op: str, table: str) -> bool:
        ledger_write(op, table)
        return seen["ledger"] >= nth and op in TABLE_WRITES and table in (INVOICES, PAYMENTS)

    if fault == "crash_after":
        plan.rule(ledger_write, "crash_after")
    elif fault == "timeout":
        plan.rule(follow_up, "timeout")


def _deliver_twice(plan: FaultPlan, store: InMemoryTableStore, fault: str, deliver: Any) -> None:
    """The first delivery fails where the fault says; the message comes again and succeeds."""
    if fault == "control":
        deliver()
    else:
        with pytest.raises((SimulatedCrash, ServiceResponseError)):
            deliver()
        [(kind, op, table)] = plan.log  # the fault was injected once, where the rule says
        assert (kind, op, table) == ("crash_after", "transact", LEDGER) or (
            kind == "timeout" and table in (INVOICES, PAYMENTS)
        ), plan.log
    deliver()  # the redelivery (the control's: a plain repeat)
    # once all is in line, another repeat changes no row, invoice, item or claim (the rows
    # follow by their differences only)
    before = _etags(store)
    deliver()
    assert _etags(store) == before


def _etags(store: InMemoryTableStore) -> dict[tuple[str, str, str], str | None]:
    out = {}
    for table in (LEDGER, INVOICES, PAYMENTS, ACTIONS):
        continuation = None
        while True:
            page = store.query(table, continuation=continuation)
            out.update({(table, r.pk, r.rk): r.etag for r in page.rows})
            if not (continuation := page.continuation):
                break
    return out


# finding 4: a returned payment that restated the claim moves the later payment


@pytest.mark.parametrize("fault", FAULTS)
def test_a_return_delivered_again_moves_the_later_payment_row_and_invoice(fault: str) -> None:
    world, plan = _world()
    c1 = _one_letter(world, [_letter("F1", "1000.00")], date(2025, 3, 12))
    _pay(world, c1, "bank-A", 20_000, date(2025, 3, 5))
    _pay(world, c1, "bank-B", 50_000, date(2025, 2, 20))  # back-dated: restated
    world.clock.at = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    pay = world.services.payments
    _arm(plan, fault, 1)  # the return's own write
    _deliver_twice(
        plan,
        world.store,
        fault,
        lambda: pay.reverse(c1, "bank-B", "AC04 rekening opgeheven", date(2025, 3, 14)),
    )
    c = _claim(world, "2025-03-14")
    row = pay.repos.payments.get(c1.client_id, "bank-A")
    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert row is not None
    # control (test_law5_ledger): bank-B never paid, costs 150.00; bank-A 200.00 on 03-05 goes
    # to costs 150.00, interest 5.26, principal 44.74: 955.26 open, on the invoice as well
    assert c["open"]["principal"] == "955.26"
    assert sorted((x.component, x.amount) for x in row.allocations) == [
        ("costs", 15_000), ("interest", 526), ("principal", 4_474),
    ]  # fmt: skip
    assert (row.unallocated, invoice["status"], invoice["open_amount"]) == (
        0, "partially_paid", "955.26",
    )  # fmt: skip
    returned = pay.repos.payments.get(c1.client_id, "bank-B")
    assert returned is not None and returned.reversed


# finding 7: the designated payment's re-booking after a return


@pytest.mark.parametrize("fault", FAULTS)
def test_a_return_delivered_again_finishes_the_designated_payments_rebooking(fault: str) -> None:
    world, plan = _world()
    c1 = _two_invoices(world)
    pay = world.services.payments
    a = world.agency_a
    pay.book(c1, payment_id="bank-A", amount=116_000, received_on=date(2025, 3, 5),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
    pay.book(c1, payment_id="bank-B", amount=100_312, received_on=date(2025, 2, 20),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    before = pay.repos.payments.get(c1.client_id, "bank-B")
    # restated: in bank-A's place on F2 from bank-A's day (0.99 interest first), 506.87 over
    assert before is not None and before.unallocated == 50_687
    world.clock.at = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    # the return's write: the debtor's claims replayed from the final facts put bank-B back on
    # the invoice it named in that same write (ledger14; a re-booking of its own before)
    _arm(plan, fault, 1)
    _deliver_twice(
        plan, world.store, fault, lambda: pay.reverse(c1, "bank-A", "AC04", on=date(2025, 3, 14))
    )
    f1 = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-03-14").body
    row = pay.repos.payments.get(c1.client_id, "bank-B")
    invoices = pay.repos.invoices.get_many(c1.client_id, ["F1", "F2"])
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    open_over = [x for x in items if x["kind"] == "overpayment" and x.get("status") == "open"]
    assert row is not None
    # control (test_payment_designation, law5 #4): bank-B back on F1, all of it; F2 open again
    assert f1["open"]["total"] == "0.00"
    assert sorted((x.invoice_number, x.component, x.amount) for x in row.allocations) == [
        ("F1", "interest", 312), ("F1", "principal", 100_000),
    ]  # fmt: skip
    assert row.unallocated == 0
    assert (invoices["F1"].invoice.open_amount, invoices["F2"].invoice.open_amount) == (0, 50_000)
    assert open_over == []  # nothing to refund: bank-B's money paid F1


# finding 8: an undelivered 14-day letter's restatement


def _letter_posted_then_paid(world: World, cents: int = 30_000) -> Any:
    """F1 1,000.00, its 14-day letter posted 03-03 (costs owed from 03-20); bank-1 300.00 on
    03-25 goes to costs 150.00, interest 3.95 and principal 146.05 (``cents``: another
    amount)."""
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        a.call("PUT", f"/v1/clients/C1/templates/{tid}", body)
    wf = {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "templates": {"nl": "t-14"}},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 40,
         "offset_from": "previous_step"}]}  # fmt: skip
    a.call("PUT", "/v1/clients/C1/workflows/w", wf)
    a.call("POST", "/v1/clients/C1/workflows/w/activate")
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    access = world.services.access
    assert a.key is not None
    principal = access.authenticate(a.key)
    assert principal is not None
    client = access.client_for(principal, "C1")
    day(world, client)
    world.clock.at = datetime(2025, 3, 25, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=cents, received_on=date(2025, 3, 25),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    return client


@pytest.mark.parametrize("fault", FAULTS)
def test_an_undelivered_letter_report_delivered_again_moves_the_payment_row(fault: str) -> None:
    world, plan = _world()
    client = _letter_posted_then_paid(world)
    row = world.services.payments.repos.payments.get(client.client_id, "bank-1")
    assert row is not None and ("costs", 15_000) in {
        (x.component, x.amount) for x in row.allocations
    }
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    provider, provider_id = message.provider, message.provider_id
    assert provider is not None and provider_id is not None  # the letter went out
    world.clock.at = datetime(2025, 3, 28, 9, 0, tzinfo=UTC)
    _arm(plan, fault, 1)  # the restatement's write

    def report() -> None:
        world.services.messaging.record_status(
            provider, provider_id, OutboxStatus.UNDELIVERABLE, "retour afzender"
        )

    _deliver_twice(plan, world.store, fault, report)
    a = world.agency_a
    c = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    row = world.services.payments.repos.payments.get(client.client_id, "bank-1")
    invoice = a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert row is not None
    # control (test_undelivered_after_payment): no costs; bank-1 on interest 3.95 and principal
    # 296.05; the invoice asks the claim's principal, not 150.00 more
    assert (c["paid"]["costs"], c["open"]["principal"]) == ("0.00", "703.95")
    assert sorted((x.component, x.amount) for x in row.allocations) == [
        ("interest", 395), ("principal", 29_605),
    ]  # fmt: skip
    assert (row.unallocated, invoice["open_amount"]) == (0, "703.95")


def _arm_write(plan: FaultPlan, kind: str, table: str, op: str) -> None:
    """After the first ledger transaction from now: the first ``op`` on ``table`` fails with
    ``kind`` (``crash_after``: it landed, then the worker died)."""
    seen = {"ledger": 0}

    def hit(at: str, where: str) -> bool:
        if at == "transact" and where == LEDGER:
            seen["ledger"] += 1
        return bool(seen["ledger"]) and (at, where) == (op, table)

    plan.rule(hit, kind)


@pytest.mark.parametrize("fault", ["crash_after_row", "timeout_on_item", "control"])
def test_money_the_restatement_leaves_over_is_on_an_item_after_the_redelivery(fault: str) -> None:
    """The letter's restatement leaves 150.00 of bank-1 on no claim: its row says so, and the
    first delivery dies after the row, before the overpayment item (or the item's insert times
    out). The redelivery finds the row in line with the ledger and writes the missing item."""
    world, plan = _world()
    client = _letter_posted_then_paid(world, 115_395)
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    provider, provider_id = message.provider, message.provider_id
    assert provider is not None and provider_id is not None
    world.clock.at = datetime(2025, 3, 28, 9, 0, tzinfo=UTC)
    if fault == "crash_after_row":
        _arm_write(plan, "crash_after", PAYMENTS, "replace")  # the row, under its ETag
    elif fault == "timeout_on_item":
        _arm_write(plan, "timeout", ACTIONS, "insert")

    def report() -> None:
        world.services.messaging.record_status(
            provider, provider_id, OutboxStatus.UNDELIVERABLE, "retour afzender"
        )

    if fault == "control":
        report()
    else:
        with pytest.raises((SimulatedCrash, ServiceResponseError)):
            report()
        assert len(plan.log) == 1, plan.log
    report()
    row = world.services.payments.repos.payments.get(client.client_id, "bank-1")
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = [
        (i["status"], i["detail"].get("unallocated")) for i in items if i["kind"] == "overpayment"
    ]
    assert row is not None
    # no costs: 1,153.95 on 03-25 pays interest 3.95 and principal 1,000.00, 150.00 over
    assert sorted((x.component, x.amount) for x in row.allocations) == [
        ("interest", 395), ("principal", 100_000),
    ]  # fmt: skip
    assert row.unallocated == 15_000
    assert over == [("open", 15_000)]
