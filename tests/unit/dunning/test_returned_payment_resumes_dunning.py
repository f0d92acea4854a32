"""lawyer20 L3: a payment in full that came back (a bank return; a chargeback or refund goes
through the same ``PaymentService.reverse``) puts the invoice it reopened back in the dunning.

Consumer D-1, F1 1,000.00 due 15-11-2026, the starter workflow. 1,001.00 received 20-11 pays
it (the daily run drops it: paid); the bank returns it 1-12 (AC04), F1 is open again. Before:
nothing more happened to F1 up to 1-3-2027, no reminder, no 14-day letter, no hand-over (the
run never looked at it again). Now the run takes it up the next morning: the reminder (its day,
22-11, passed meanwhile) on 2-12, then the SMS and the 14-day letter a week apart each.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.records import PaymentSource
from shared.services.dunning_starter import save_starter
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days


def test_a_returned_payment_in_full_resumes_the_dunning(world: Any) -> None:
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D-1", name="Jansen, P.")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, client.client_id)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D-1", amount="1000.00", invoice_date="2026-11-01", due_date="2026-11-15"),
    ]})  # fmt: skip
    _days(world, client, date(2026, 11, 16), date(2026, 11, 19))
    world.clock.at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="p1", amount=1001_00, received_on=date(2026, 11, 20),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    _days(world, client, date(2026, 11, 21), date(2026, 11, 30))
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"
    world.clock.at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p1", "bank return (AC04)", date(2026, 12, 1))
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "open"
    _days(world, client, date(2026, 12, 2), date(2026, 12, 20))
    outbox = world.services.messaging.outbox.with_prefix(client.client_id, "dun|")
    steps = sorted((m.created_at.date(), m.channel.value) for m, _ in outbox)
    assert steps == [
        (date(2026, 12, 2), "email"), (date(2026, 12, 9), "sms"), (date(2026, 12, 16), "letter"),
    ], steps  # fmt: skip


def test_a_payment_moved_off_a_paid_invoice_resumes_its_dunning(world: Any) -> None:
    """lawyer20 L7: 1,001.00 received 20-11 pays F1 (due 15-11); on 1-12 a person moves it to
    F2 (1,000.00 due 30-6-2027) on the payer's word. F1 is open again; before, nothing more
    happened to it up to 1-3-2027; now the reminder 2-12, the SMS 9-12, the letter 16-12."""
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D-1", name="Jansen, P.")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, client.client_id)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D-1", amount="1000.00", invoice_date="2026-11-01", due_date="2026-11-15"),
        invoice_row("F2", "D-1", amount="1000.00", invoice_date="2026-11-01", due_date="2027-06-30"),
    ]})  # fmt: skip
    _days(world, client, date(2026, 11, 16), date(2026, 11, 19))
    world.clock.at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="p1", amount=1001_00, received_on=date(2026, 11, 20),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    _days(world, client, date(2026, 11, 21), date(2026, 11, 30))
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"
    world.clock.at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    world.services.redesignation.redesignate(
        client, "p1", ["F2"], "user:u1", "the payer meant F2 (his e-mail of 30-11)",
        payer_word="asked",
    )  # fmt: skip
    assert a.call("GET", "/v1/clients/C1/invoices/F2").body["status"] == "paid"
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] != "paid"
    _days(world, client, date(2026, 12, 2), date(2026, 12, 20))
    outbox = world.services.messaging.outbox.with_prefix(client.client_id, "dun|")
    steps = sorted((m.created_at.date(), m.channel.value) for m, _ in outbox)
    assert steps == [
        (date(2026, 12, 2), "email"), (date(2026, 12, 9), "sms"), (date(2026, 12, 16), "letter"),
    ], steps  # fmt: skip
