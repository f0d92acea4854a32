"""Money on a written-off claim through the services and the API (ledger31): staff write F1
off, the debtor pays later, and the money pays F1 (its costs first) instead of being left
unallocated or the payment undone because the withdrawn invoice refused its principal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.invoices import InvoiceStatus
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

LETTER = "2025-02-10"
PAID = date(2025, 4, 1)


def _setup(world: Any) -> Any:
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    r = a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", fourteen_day_letter_on=LETTER),
        invoice_row("F2", "D1", amount="50.00", due_date="2025-02-15"),
    ]})  # fmt: skip
    assert r.body["created"] == 2, r.body
    access = world.services.access
    return access.client_for(access.authenticate(a.key), "C1")


def test_a_payment_after_the_write_off_pays_the_written_off_claim(world: Any) -> None:
    client = _setup(world)
    a, services = world.agency_a, world.services
    off = a.call("POST", "/v1/clients/C1/invoices/F1/write-off", {"reason": "debtor vanished"})
    assert off.status == 200 and off.body["written_off"]["costs"] == "40.00"
    stored = services.repos.invoices.get(client.client_id, "F1")
    assert stored is not None and stored.invoice.written_off_on == date(2025, 3, 20)
    world.clock.at = datetime(2025, 4, 1, 10, 0, tzinfo=UTC)
    # designated to F1: costs 40.00 first, then the interest, then the principal
    payment = services.payments.book(client, payment_id="bank-1", amount=10_000,
                                     received_on=PAID, source=PaymentSource.BANK,
                                     invoice_numbers=["F1"])  # fmt: skip
    assert payment.unallocated == 0 and not payment.reversed
    parts = {(x.invoice_number, x.component): x.amount for x in payment.allocations}
    assert parts[("F1", "costs")] == 4_000 and sum(parts.values()) == 10_000
    principal = parts[("F1", "principal")]
    f1 = services.ledger.claim(client, "F1")
    assert f1.is_written_off and f1.open.total == 0
    assert f1.recovered.total == 10_000 and f1.paid.total == 10_000
    assert f1.written_off.costs == 0 and f1.written_off.principal == 12_100 - principal
    stored = services.repos.invoices.get(client.client_id, "F1")
    assert stored is not None
    assert stored.invoice.status is InvoiceStatus.WITHDRAWN and stored.invoice.paid == principal
    body = a.call("GET", "/v1/clients/C1/invoices/F1/claim").body
    assert body["written_off_claim"] is True and body["recovered"]["costs"] == "40.00"
    assert body["paid"]["costs"] == "40.00" and body["written_off"]["costs"] == "0.00"
    other = a.call("GET", "/v1/clients/C1/invoices/F2/claim").body
    assert other["written_off_claim"] is False and "recovered" not in other


def test_undesignated_money_pays_the_open_claim_first_then_the_written_off_one(
    world: Any,
) -> None:
    client = _setup(world)
    a, services = world.agency_a, world.services
    assert a.call("POST", "/v1/clients/C1/invoices/F1/write-off",
                  {"reason": "debtor vanished"}).status == 200  # fmt: skip
    world.clock.at = datetime(2025, 4, 1, 10, 0, tzinfo=UTC)
    f2_open = services.ledger.claim(client, "F2", PAID).open.total
    # attributed by the payer's account: whose money it is, no designation (6:43 lid 2)
    payment = services.payments.book(client, payment_id="bank-2", amount=f2_open + 2_500,
                                     received_on=PAID, source=PaymentSource.BANK,
                                     invoice_numbers=["F1", "F2"], designated=[])  # fmt: skip
    per: dict[str, int] = {}
    for x in payment.allocations:
        per[x.invoice_number] = per.get(x.invoice_number, 0) + x.amount
    assert per == {"F2": f2_open, "F1": 2_500} and payment.unallocated == 0
    assert services.ledger.claim(client, "F1").recovered.costs == 2_500


def test_the_backfill_marks_a_write_off_made_before_the_mark_was_kept(world: Any) -> None:
    from shared.services.operations.written_off_backfill import mark_written_off

    client = _setup(world)
    a, services = world.agency_a, world.services
    invoices = services.repos.invoices
    assert a.call("POST", "/v1/clients/C1/invoices/F1/write-off",
                  {"reason": "debtor vanished"}).status == 200  # fmt: skip
    # as the code before the mark left it: withdrawn, unmarked; F2 withdrawn by the client
    for number in ("F1", "F2"):
        stored = invoices.get(client.client_id, number)
        assert stored is not None
        invoices.save(replace(stored.invoice.withdraw(), written_off_on=None), stored)
    done = mark_written_off(services.repos, client.client_id)
    assert (done.read, done.marked) == (2, ["F1"])
    marked = invoices.get(client.client_id, "F1")
    assert marked is not None and marked.invoice.written_off_on == date(2025, 3, 20)
    again = mark_written_off(services.repos, client.client_id)
    assert (again.read, again.marked) == (1, [])  # F2, never written off: left as it is
    world.clock.at = datetime(2025, 4, 1, 10, 0, tzinfo=UTC)
    payment = services.payments.book(client, payment_id="bank-3", amount=4_000,
                                     received_on=PAID, source=PaymentSource.BANK,
                                     invoice_numbers=["F1"])  # fmt: skip
    assert payment.unallocated == 0
    assert services.ledger.claim(client, "F1").recovered.costs == 4_000


def test_staff_may_designate_a_payment_to_a_written_off_claim(world: Any) -> None:
    """A person moving a payment onto a written-off invoice (its payer named it) was refused
    like a credited one (designation_invoice_closed): the money now recovers it."""
    from tests.unit.payments.test_payment_redesignation import BODY, PATH, _booked_on_f1

    client = _booked_on_f1(world)  # 506.00 booked on F1 by mistake; the payer named F2
    a, services = world.agency_a, world.services
    assert a.call("POST", "/v1/clients/C1/invoices/F2/write-off",
                  {"reason": "debtor vanished"}).status == 200  # fmt: skip
    reply = a.call("PUT", PATH, BODY)
    assert reply.status == 200, reply.body
    f2 = services.ledger.claim(client, "F2")
    assert f2.is_written_off and f2.open.total == 0 and f2.recovered.principal == 50_000
    assert f2.paid.total == f2.recovered.total and 50_000 < f2.paid.total <= 50_600
