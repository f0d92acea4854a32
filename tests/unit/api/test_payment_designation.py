"""The debtor's designation kept on the payment (6:43 lid 1 BW: a designated payment goes to
the debt named), and what re-allocates the money later reads it (law5 finding 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.tables.records_repo import PaymentRepository
from shared.domain.records import Payment, PaymentSource
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _payment(**more: object) -> Payment:
    return Payment(
        client_id="C1", payment_id="bank-1", debtor_number="D1", amount=100_00,
        received_on=date(2025, 2, 20), source=PaymentSource.BANK, **more,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_designation_is_kept_on_the_payment_row() -> None:
    row = PaymentRepository.to_row(_payment(designated=("F2", "F1")))
    assert PaymentRepository.from_row(row).designated == ("F2", "F1")  # the debtor's order


def test_a_row_written_before_the_designation_was_kept_has_none() -> None:
    row = PaymentRepository.to_row(_payment())
    assert "Designated" not in row.data or row.data["Designated"] is None
    del row.data["Designated"]  # as an old row: no such column at all
    assert PaymentRepository.from_row(row).designated == ()


def _setup(world: World) -> Any:
    world.clock.at = datetime(2025, 3, 5, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", BASE, {"items": [
        invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="500.00", due_date="2025-02-20")]})  # fmt: skip
    access = world.services.access
    assert a.key is not None
    principal = access.authenticate(a.key)
    assert principal is not None
    return access.client_for(principal, "C1")


def test_a_booked_payment_keeps_the_invoices_the_debtor_named(world: World) -> None:
    c1 = _setup(world)
    pay = world.services.payments
    pay.book(c1, payment_id="bank-1", amount=10_000, received_on=date(2025, 3, 5),
             source=PaymentSource.BANK, invoice_numbers=["F2", "F9", "F2"])  # fmt: skip
    pay.book(c1, payment_id="bank-2", amount=10_000, received_on=date(2025, 3, 5),
             source=PaymentSource.BANK, invoice_numbers=[])  # fmt: skip
    # an invoice that does not exist is no designation (6:43: a payment without one)
    one, two = (pay.repos.payments.get(c1.client_id, p) for p in ("bank-1", "bank-2"))
    assert one is not None and one.designated == ("F2",)
    assert two is not None and two.designated == ()


def test_a_returned_payment_gives_the_designated_payment_back_its_invoice(world: World) -> None:
    """law5 probe 12: F1 1,000.00 (14-day letter 02-10, costs from 02-27), F2 500.00 due
    02-20. bank-A 1,160.00 received 03-05 on F1; bank-B 1,003.12 received 02-20 designating
    F1 (booked 03-12, restated: bank-A keeps F1, bank-B goes to F2 and over); bank-A comes back
    in full on 03-14. Hand: only bank-B is left: it pays F1 inside the term (interest 02-01 ->
    02-20 3.12 + principal 1,000.00, no costs); F2 500.00 open with interest 02-21 -> 03-14,
    21 d x 6 % x 500 / 365 = 1.7260 -> 1.73; nothing over, no refund due."""
    c1 = _setup(world)
    pay = world.services.payments
    a = world.agency_a
    pay.book(c1, payment_id="bank-A", amount=116_000, received_on=date(2025, 3, 5),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
    pay.book(c1, payment_id="bank-B", amount=100_312, received_on=date(2025, 2, 20),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    pay.reverse(c1, "bank-A", "AC04", on=date(2025, 3, 14))

    f1 = a.call("GET", f"{BASE}/F1/claim", on="2025-03-14").body
    f2 = a.call("GET", f"{BASE}/F2/claim", on="2025-03-14").body
    assert f1["open"]["total"] == "0.00"
    assert (f1["paid"]["interest"], f1["paid"]["principal"], f1["paid"]["costs"]) == (
        "3.12", "1000.00", "0.00",
    )  # fmt: skip
    assert (f2["open"]["principal"], f2["open"]["interest"]) == ("500.00", "1.73")
    b = pay.repos.payments.get(c1.client_id, "bank-B")
    assert b is not None and b.unallocated == 0
    assert sorted((x.invoice_number, x.component, x.amount) for x in b.allocations) == [
        ("F1", "interest", 312), ("F1", "principal", 100_000),
    ]  # fmt: skip
    # the invoices hold the principal the ledger gives them (what other code reads)
    invoices = pay.repos.invoices.get_many(c1.client_id, ["F1", "F2"])
    assert (invoices["F1"].invoice.open_amount, invoices["F2"].invoice.open_amount) == (0, 500_00)
    acts = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert not [x for x in acts if x["kind"] == "overpayment" and x.get("status") == "open"]
    # a redelivery of the return moves nothing more
    pay.reverse(c1, "bank-A", "AC04", on=date(2025, 3, 14))
    again = pay.repos.payments.get(c1.client_id, "bank-B")
    assert again == b
    assert a.call("GET", f"{BASE}/F2/claim", on="2025-03-14").body["open"]["interest"] == "1.73"


def test_an_old_payment_row_without_the_designation_pays_by_6_43_lid_2(world: World) -> None:
    """Probe 12 again, bank-B's row as written before the designation was kept: the return
    replays the debtor's claims from the final facts (ledger14, replayed.py): bank-B alone,
    received 02-20 without a designation, goes by 6:43 lid 2 to the oldest due claim, F1
    (due 01-31; F2 falls due on 02-20 itself), inside its term: interest 02-01 -> 02-20 3.12
    and principal 1,000.00, no costs; F2 500.00 open, nothing over. Before, bank-B's money on
    F2 stayed where the restatement at its booking had put it and only its 506.87 over paid F1
    (storno11: before that, it stayed over while F1 was asked 1,156.74)."""
    c1 = _setup(world)
    pay = world.services.payments
    pay.book(c1, payment_id="bank-A", amount=116_000, received_on=date(2025, 3, 5),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
    pay.book(c1, payment_id="bank-B", amount=100_312, received_on=date(2025, 2, 20),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    read = pay.repos.payments.get_versioned(c1.client_id, "bank-B")
    assert read is not None and read[0].designated == ("F1",)
    row = PaymentRepository.to_row(read[0])
    del row.data["Designated"]
    pay.repos.payments.save_if(PaymentRepository.from_row(row), read[1])
    world.clock.at = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    pay.reverse(c1, "bank-A", "AC04", on=date(2025, 3, 14))
    after = pay.repos.payments.get(c1.client_id, "bank-B")
    assert after is not None and after.designated == ()
    assert [(x.invoice_number, x.component, x.amount) for x in after.allocations] == [
        ("F1", "interest", 312),
        ("F1", "principal", 100_000),
    ]
    assert after.unallocated == 0
    f1 = world.agency_a.call("GET", f"{BASE}/F1/claim", on="2025-03-14").body
    f2 = world.agency_a.call("GET", f"{BASE}/F2/claim", on="2025-03-14").body
    # paid in full inside its term: no costs (6:96 lid 6)
    assert (f1["open"]["total"], f1["paid"]["costs"]) == ("0.00", "0.00")
    assert f2["open"]["principal"] == "500.00"
    acts = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert not [x for x in acts if x["kind"] == "overpayment" and x.get("status") == "open"]


def test_a_credited_invoice_sends_the_money_to_the_other_invoice_the_debtor_named(
    world: World,
) -> None:
    """F1 500.00 due 03-31, F2 500.00 due 04-10, F3 500.00 due 04-20 (nothing due yet: no
    interest, no costs). 400.00 received 03-05 naming F3 and F1: all on F1, the earliest due
    of the named. F1 is credited: the 400.00 goes to F3, the other invoice the debtor named
    (6:43 lid 1), not to F2, the oldest of the rest (where it went without the designation)."""
    world.clock.at = datetime(2025, 3, 5, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", BASE, {"items": [
        invoice_row("F1", "D1", amount="500.00", due_date="2025-03-31"),
        invoice_row("F2", "D1", amount="500.00", due_date="2025-04-10"),
        invoice_row("F3", "D1", amount="500.00", due_date="2025-04-20")]})  # fmt: skip
    access = world.services.access
    assert a.key is not None
    principal = access.authenticate(a.key)
    assert principal is not None
    c1 = access.client_for(principal, "C1")
    pay = world.services.payments
    p = pay.book(c1, payment_id="bank-1", amount=400_00, received_on=date(2025, 3, 5),
                 source=PaymentSource.BANK, invoice_numbers=["F3", "F1"])  # fmt: skip
    assert [(x.invoice_number, x.component, x.amount) for x in p.allocations] == [
        ("F1", "principal", 400_00)
    ]
    world.clock.at = datetime(2025, 3, 6, 10, 0, tzinfo=UTC)
    done = a.call("POST", f"{BASE}/F1/credit")
    assert done.status == 200, done.body
    row = pay.repos.payments.get(c1.client_id, "bank-1")
    assert row is not None and row.unallocated == 0
    assert [(x.invoice_number, x.component, x.amount) for x in row.allocations] == [
        ("F3", "principal", 400_00)
    ]
    f2, f3 = (a.call("GET", f"{BASE}/{n}/claim", on="2025-03-06").body for n in ("F2", "F3"))
    assert (f2["open"]["principal"], f3["open"]["principal"]) == ("500.00", "100.00")
