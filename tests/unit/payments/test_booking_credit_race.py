"""The one-line booking path (PaymentService.book) when an invoice is credited between the
ledger's booking and the invoice's write: the booking is undone (the ledger and every invoice
that took a share), the payment is on the action list for a person, as the statement window
does; a redelivery books nothing again, and one after a crash mid-way finishes the undoing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.records import PaymentSource
from shared.services.statements_redo import UNDONE
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


@pytest.fixture
def race(world):
    """C1 with D1's invoices F1 (121.00) and F2 (50.00); ``credit_after_ledger(n)``: staff
    credit invoice n right after the next booking's ledger write (before the invoices')."""
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date="2025-03-01"),
        invoice_row("F2", "D1", amount="50.00", due_date="2025-03-01"),
    ]})  # fmt: skip
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    payments = world.services.payments
    real_book = payments.ledger.book
    pending: list[str] = []

    def book_then_staff_credit(*args, **kwargs):
        booked = real_book(*args, **kwargs)
        while pending:  # staff's credit note lands between the ledger and the invoice write
            world.services.invoice_status.credit(client, pending.pop(), "staff")
        return booked

    payments.ledger.book = book_then_staff_credit
    return world, client, pending.append


def _book(world, client, payment_id: str, amount: int, numbers: list[str]):
    return world.services.payments.book(
        client, payment_id=payment_id, amount=amount, received_on=date(2025, 3, 20),
        source=PaymentSource.BANK, invoice_numbers=numbers,
    )  # fmt: skip


def _state(world, client):
    repos = world.services.repos
    invoices = {
        n: (s.invoice.status.value, s.invoice.paid, s.invoice.payments)
        for n in ("F1", "F2")
        if (s := repos.invoices.get(client.client_id, n)) is not None
    }
    ledger = world.services.ledger.open_claims(client, ["F1", "F2"], date(2025, 3, 20))
    paid = {n: f.paid.total for n, f in ledger.items()}
    actions = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return invoices, paid, actions


def test_a_credit_between_the_ledger_and_the_invoice_undoes_the_booking(race):
    world, client, credit_after_ledger = race
    credit_after_ledger("F2")
    payment = _book(world, client, "bank-1", 5_000, ["F2"])
    assert payment.reversed  # not kept allocated to an invoice that refuses it
    invoices, paid, actions = _state(world, client)
    assert invoices["F2"] == ("credited", 0, ())
    assert paid == {"F1": 0, "F2": 0}  # the ledger agrees with the invoice: nothing paid
    undone = [a for a in actions if a["kind"] == "payment_reversed"]
    assert len(undone) == 1 and undone[0]["detail"]["reason"] == UNDONE
    assert undone[0]["detail"]["payment_id"] == "bank-1"
    assert not [a for a in actions if a["kind"] == "overpayment"]
    contacts = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert not [c for c in contacts if "received" in c["summary"]]
    # a redelivery finds it undone: books nothing again, lists nothing again
    again = _book(world, client, "bank-1", 5_000, ["F2"])
    assert again.reversed and _state(world, client) == (invoices, paid, actions)


def test_a_payment_over_two_invoices_is_undone_whole_when_one_refuses(race):
    world, client, credit_after_ledger = race
    credit_after_ledger("F2")
    payment = _book(world, client, "bank-2", 17_100, ["F1", "F2"])
    assert payment.reversed
    invoices, paid, _ = _state(world, client)
    # F1 took its share before F2 refused: reopened, as the statement window does
    assert invoices == {"F1": ("open", 0, ()), "F2": ("credited", 0, ())}
    assert paid == {"F1": 0, "F2": 0}


def test_a_delivery_that_died_before_undoing_is_finished_by_the_next(race):
    world, client, credit_after_ledger = race
    credit_after_ledger("F2")
    payments = world.services.payments
    real_reverse = payments.reverse

    def crash(*args, **kwargs):
        raise RuntimeError("host died")

    payments.reverse = crash
    with pytest.raises(RuntimeError):
        _book(world, client, "bank-3", 5_000, ["F2"])
    payments.reverse = real_reverse
    left = world.services.repos.payments.get(client.client_id, "bank-3")
    assert left is not None and not left.reversed  # the payment row, allocated to F2
    payment = _book(world, client, "bank-3", 5_000, ["F2"])
    assert payment.reversed
    invoices, paid, actions = _state(world, client)
    assert invoices["F2"] == ("credited", 0, ()) and paid["F2"] == 0
    assert len([a for a in actions if a["kind"] == "payment_reversed"]) == 1


def test_without_a_credit_the_booking_stands(race):
    world, client, _ = race
    payment = _book(world, client, "bank-4", 5_000, ["F2"])
    assert not payment.reversed
    invoices, paid, actions = _state(world, client)
    assert invoices["F2"] == ("paid", 5_000, (("bank-4", 5_000),)) and paid["F2"] == 5_000
    assert not [a for a in actions if a["kind"] == "payment_reversed"]


def test_a_statement_line_whose_booking_is_undone_is_listed_not_booked(race):
    """The same race on a bank statement line booked on the one-line path: the line is not
    counted as booked nor settled as booked; it is listed for a person with the reason."""
    from shared.domain.statements.mt940_writer import OutLine, write_mt940
    from shared.services.statements import StatementService
    from tests.unit.api.conftest import client_iban, verify_ibans

    world, client, credit_after_ledger = race
    verify_ibans(world.agency_a, "C1")
    s = world.services
    one_line = StatementService(
        s.repos, s.files, s.payments, s.clock, open_totals=s.statements.open_totals, window=1
    )
    ref = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    line = OutLine(date(2025, 3, 20), 12_100, "", reference=ref, end_to_end_id="E1")
    data = write_mt940(
        client_iban("C1"), [line], opening=0, opening_date=date(2025, 3, 20), statement_id="S1"
    ).encode()
    credit_after_ledger("F1")
    report = one_line.ingest("agency-a/race.sta", data)
    assert report.booked == 0 and report.unmatched == 1
    invoices, paid, actions = _state(world, client)
    assert invoices["F1"][0] == "credited" and paid["F1"] == 0
    items = [x for x in actions if x["kind"] == "unmatched_credit"]
    assert items and UNDONE in str(items[0])
