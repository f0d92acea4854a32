"""failure3 finding 1 (its probe 1): a reminder the Saturday run queued waits for Monday 07:00 (no contact on
Sunday... or the run's day is a Sunday); the debtor pays the invoice in full meanwhile (an iDEAL
payment on Sunday). Monday the reminder went out anyway, with the amount it rendered; now it is closed unsent."""

from __future__ import annotations

from datetime import timedelta

from shared.domain.records import PaymentSource
from tests.faults.world import build, portfolio


def test_reminder_for_an_invoice_paid_while_it_waited():
    world = build(0, 0.0)
    portfolio(world, debtors=3)
    svc = world.services
    cid = svc.repos.clients.ids_for_numbers("agency-a", ["C1"])["C1"]
    found_client = svc.repos.clients.get(cid)
    assert found_client is not None
    client = found_client[0]
    start = world.clock.now()
    found = None
    for n in range(60):
        world.clock.at = start.replace(hour=6, minute=0) + timedelta(days=n)
        world.host.timer(svc.dunning.fan_out)
        world.host.run_until(world.clock.now() + timedelta(minutes=10))
        waiting = [
            m
            for m, _ in svc.messaging.outbox.with_prefix(cid, "dun|")
            if m.status.value == "pending"
        ]
        if waiting:
            found = waiting[0]
            break
        world.host.run_until(world.clock.now().replace(hour=22))
    assert found is not None, "no reminder ever waited"
    day = world.clock.now()
    print(
        "run on", day.date(), day.strftime("%A"), "queued", found.key, "for", found.invoice_numbers
    )
    sent_before = len(world.channel.sends)
    # meanwhile the debtor pays every invoice of the reminder in full (with its interest and
    # costs: 50 euros more than the principal; what is left over stays unallocated)
    for number in found.invoice_numbers:
        stored = svc.repos.invoices.get(cid, number)
        assert stored is not None
        inv = stored.invoice
        svc.payments.book(
            client,
            payment_id=f"ideal-{number}",
            amount=inv.open_amount + 5_000,
            received_on=day.date(),
            source=PaymentSource.BANK,
            invoice_numbers=[number],
        )
        paid = svc.repos.invoices.get(cid, number)
        assert paid is not None
        print(number, "now", paid.invoice.status.value)
    world.host.run_until(day + timedelta(days=2))
    after = [s for s in world.channel.sends[sent_before:] if s[1] == found.key]
    print("sent after the payment:", after)
    record = svc.messaging.outbox.get(cid, found.key)
    assert record is not None
    m = record[0]
    print("record:", m.status.value, m.updated_at)
    assert not after, "the reminder went out for invoices paid in full while it waited"
