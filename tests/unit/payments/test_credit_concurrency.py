"""Two credit notes on one debtor at once (a client's integration posting credit notes in
parallel, or two staff members): the second credit runs whole between the first's read of the
ledger and its writes of invoices and payment row. Each follow-up checks the ledger still says
what it wrote and goes again from the ledger if not, so the invoices and the payment row end as
the ledger holds them (failure4 finding 2, its probe 2). Also: a credit that died half-way is
finished by its retry, and a payment booked on the debtor during a credit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import shared.services.ledger.credit as credit_module
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def _setup(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="121.00", due_date="2025-03-10"),
        invoice_row("F2", "D1", amount="50.00", due_date="2025-03-01"),
        invoice_row("F3", "D1", amount="150.00", due_date="2025-03-05"),
    ]})  # fmt: skip
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    world.services.payments.book(
        client, payment_id="bank-P", amount=10_000, received_on=date(2025, 3, 15),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    return client


def _state(world, client):
    repos = world.services.repos
    inv = {
        n: (s.invoice.status.value, s.invoice.paid, s.invoice.payments)
        for n in ("F1", "F2", "F3")
        if (s := repos.invoices.get(client.client_id, n)) is not None
    }
    ledger = world.services.ledger.open_claims(client, ["F1", "F2", "F3"], date(2025, 3, 20))
    paid = {n: f.paid.principal for n, f in ledger.items()}
    payment = repos.payments.get(client.client_id, "bank-P")
    return inv, paid, (payment.allocations, payment.unallocated)


@pytest.mark.parametrize("interleave", [False, True])
def test_two_credits_of_one_debtor_at_once(world, monkeypatch, interleave):
    client = _setup(world)
    status = world.services.invoice_status
    real_held = credit_module._held
    fired: list[int] = []

    def held_then_other_credit(records, payment_id):
        out = real_held(records, payment_id)  # credit F1 has read the ledger (after its release)
        if interleave and not fired:
            fired.append(1)
            status.credit(client, "F2", "staff B")  # runs whole, meanwhile
        return out

    monkeypatch.setattr(credit_module, "_held", held_then_other_credit)
    if not interleave:  # the control: F2 first, then F1 (F1's 100.00 goes to F3)
        status.credit(client, "F2", "staff B")
    status.credit(client, "F1", "staff A")
    inv, paid, payment = _state(world, client)
    # rule: the invoices and the payment row hold what the ledger holds
    assert {n: v[1] for n, v in inv.items()} == paid, "invoice rows disagree with the ledger"
    held = {a.invoice_number: a.amount for a in payment[0]}
    assert held == {n: p for n, p in paid.items() if p}, "payment row disagrees with the ledger"


def test_a_credit_that_died_halfway_is_finished_by_its_retry(world, monkeypatch):
    """Checked sound: the host dies after the ledger's release and F2's invoice write, before
    F3's and the payment row; the integration retries the credit (as the 5xx asks)."""
    client = _setup(world)
    real = credit_module._set_principal
    calls = []

    def dies_second_time(ledger, client_, number, payment_id, principal):
        calls.append(number)
        if len(calls) == 2:
            raise ConnectionError("storage went away")
        return real(ledger, client_, number, payment_id, principal)

    monkeypatch.setattr(credit_module, "_set_principal", dies_second_time)
    with pytest.raises(ConnectionError):
        world.services.invoice_status.credit(client, "F1", "staff A")
    monkeypatch.setattr(credit_module, "_set_principal", real)
    world.services.invoice_status.credit(client, "F1", "staff A")
    inv, paid, payment = _state(world, client)
    assert {n: v[1] for n, v in inv.items()} == paid
    held = {a.invoice_number: a.amount for a in payment[0]}
    assert held == {n: p for n, p in paid.items() if p}


def test_a_payment_booked_on_the_debtor_during_the_credit(world, monkeypatch):
    """Checked sound: payment Q (100.00 on F3) is booked between the credit's ledger read and
    its invoice writes."""
    client = _setup(world)
    real_held = credit_module._held
    fired: list[int] = []

    def held_then_payment(records, payment_id):
        out = real_held(records, payment_id)
        if not fired:
            fired.append(1)
            world.services.payments.book(
                client, payment_id="bank-Q", amount=10_000, received_on=date(2025, 3, 20),
                source=PaymentSource.BANK, invoice_numbers=["F3"],
            )  # fmt: skip
        return out

    monkeypatch.setattr(credit_module, "_held", held_then_payment)
    world.services.invoice_status.credit(client, "F1", "staff A")
    inv, paid, _payment = _state(world, client)
    assert {n: v[1] for n, v in inv.items()} == paid
