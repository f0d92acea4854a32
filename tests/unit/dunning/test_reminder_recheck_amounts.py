"""A reminder that waited (contact hours) while the debtor paid part of an invoice is not sent
with the amount rendered before the payment: the send-time re-check sees the open amount moved,
closes it unsent and plans the step again with what is open then (failure4 finding 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.messaging import OutboxStatus
from shared.domain.records import PaymentSource
from tests.unit.dunning.test_reminder_recheck import deliver, planned, record  # noqa: F401


def _part_payment(world, client):  # type: ignore[no-untyped-def]
    # Monday 08:00, while the 06:00 reminder waits for 07:00+: 80.00 of F1's 121.00
    world.services.payments.book(
        client, payment_id="ideal-part", amount=8_000, received_on=date(2025, 3, 17),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip


def _sent(world, client):  # type: ignore[no-untyped-def]
    return [m.key for m in world.services.messaging.outbox.list(client.client_id)[0]
            if m.status is OutboxStatus.SENT and m.key.startswith("dun|")]  # fmt: skip


def test_partly_paid_meanwhile_the_reminder_goes_with_what_is_open_then(planned):  # noqa: F811
    world, client, key = planned
    assert "171,00" in (world.services.messaging.content(client.client_id, key).text or "")
    _part_payment(world, client)
    results = deliver(world, client, key)
    # main: {key: "sent"} with "openstaand: € 171,00", EUR 80 more than is open
    assert results.pop(key) == "cancelled"
    [(new_key, result)] = results.items()
    assert result == "sent"
    assert record(world, client, new_key).invoice_numbers == ("F1", "F2")
    text = world.services.messaging.content(client.client_id, new_key).text or ""
    assert "91,12" in text and "171,00" not in text  # F1 41.12 + F2 50.00
    closed = record(world, client, key)
    assert closed.error == (
        "niet verstuurd: F1 openstaand bedrag gewijzigd sinds het plannen; "
        "opnieuw gepland voor F1, F2"
    )
    # the same jobs delivered again send nothing twice; the next run plans nothing again
    assert world.services.messaging.deliver(client.client_id, key) == "done"
    assert world.services.messaging.deliver(client.client_id, new_key) == "done"
    assert _sent(world, client) == [new_key]
    world.clock.at = datetime(2025, 3, 18, 8, 0, tzinfo=UTC)
    world.services.dunning.run_client(client.client_id, date(2025, 3, 18))
    assert not world.services.messaging.queues.take("send-email")


def test_unchanged_amounts_the_reminder_goes_as_rendered(planned):  # noqa: F811
    world, client, key = planned
    assert deliver(world, client, key) == {key: "sent"}
    assert _sent(world, client) == [key]
