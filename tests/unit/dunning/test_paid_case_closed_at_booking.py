"""A case paid in full closes the agency's ``new_case`` item where the money is booked, not
at the next daily run (cases22's left: the Today count and the item stayed until then). Every
booking path tells the payment service the invoices it wrote; a redelivered booking closes nothing
twice, a part payment leaves the item open, and a booking on invoices of no case reads
nothing more for it (tests/unit/services/test_plan_read_once_a_line.py's bound)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.records import ActionStatus, PaymentSource, Receiver
from shared.ports.tables import StorageError
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.dunning.test_new_case_item_follows_case import _case_item

MORE_THAN_ALL = 1_000_000  # over the whole claim: each invoice paid in full, the rest over


def _case(world, client, case_id):  # type: ignore[no-untyped-def]
    [case] = [c for c in world.services.repos.cases.of_client("agency-a", client.client_id)
              if c.case_id == case_id]  # fmt: skip
    return case


def _book(world, client, payment_id, amount, numbers):  # type: ignore[no-untyped-def]
    return world.services.payments.book(
        client, payment_id=payment_id, amount=amount, received_on=date(2025, 5, 1),
        source=PaymentSource.MOLLIE, invoice_numbers=list(numbers),
        received_by=Receiver.THIRD_PARTY, external_id=f"tr_{payment_id}",
    )  # fmt: skip


def test_the_booking_that_pays_the_case_in_full_closes_its_item(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    numbers = _case(world, client, case_id).invoice_numbers
    _book(world, client, "part", 1_000, numbers)  # 10.00: the case still collects
    assert _case_item(world, case_id).status is ActionStatus.OPEN
    _book(world, client, "rest", MORE_THAN_ALL, numbers)
    item = _case_item(world, case_id)  # no daily run in between
    assert item.status is ActionStatus.RESOLVED and item.resolution == "case paid"
    # a redelivery of the booking tells the listeners again: nothing changes
    _book(world, client, "rest", MORE_THAN_ALL, numbers)
    assert _case_item(world, case_id) == item


def test_a_case_paid_one_invoice_at_a_time_closes_with_the_last(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    first, *others = _case(world, client, case_id).invoice_numbers
    assert others, "the case holds two invoices"
    on = date(2025, 5, 1)
    whole = world.services.ledger.claim(client, first, on).open.total  # its costs and interest too
    _book(world, client, "first", whole, [first])
    assert world.services.repos.invoices.get(client.client_id, first).invoice.status.value == "paid"
    assert _case_item(world, case_id).status is ActionStatus.OPEN
    _book(world, client, "others", MORE_THAN_ALL, others)
    assert _case_item(world, case_id).status is ActionStatus.RESOLVED


def test_storage_failing_at_the_item_fails_no_booking(engine, monkeypatch):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    numbers = _case(world, client, case_id).invoice_numbers
    from shared.services import case_items

    def down(*_a, **_k):  # type: ignore[no-untyped-def]
        raise StorageError("table storage unavailable")

    monkeypatch.setattr(case_items, "close_case_item", down)
    paid = _book(world, client, "all", MORE_THAN_ALL, numbers)
    assert paid.allocations  # booked; the item waits for the daily run
    assert _case_item(world, case_id).status is ActionStatus.OPEN


@pytest.mark.parametrize("window", [1, None], ids=["line-by-line", "window"])
def test_bank_lines_paying_the_case_close_it_as_the_statement_is_booked(engine, window):  # noqa: F811
    """The statement path: a window tells the invoices it wrote once; line by line, each
    booking tells its own."""
    from shared.domain.statements.mt940_writer import OutLine, write_mt940
    from tests.unit.api.conftest import client_iban, verify_ibans

    world, client = engine
    if window is not None:
        world.services.statements.window = window
    case_id = handed_over(world, client)
    verify_ibans(world.agency_a, "C1")
    today = world.clock.now().date()
    lines = []
    for number in _case(world, client, case_id).invoice_numbers:
        ref = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}").body
        whole = world.services.ledger.claim(client, number, today).open.total
        lines.append(OutLine(today, whole, f"factuur {number}", "NL02RABO0123456789",
                             "Jan de Vries", f"E2E-{number}", ref["payment_reference"]))  # fmt: skip
    data = write_mt940(client_iban("C1"), lines, opening=0, opening_date=today, statement_id="S1")
    report = world.services.statements.ingest("agency-a/day.sta", data.encode())
    assert report.booked == len(lines), report
    item = _case_item(world, case_id)
    assert item.status is ActionStatus.RESOLVED and item.resolution == "case paid"
