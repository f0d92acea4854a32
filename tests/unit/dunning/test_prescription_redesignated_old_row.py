"""failure14b Q7: attack14 A3 on a payment row stored before designations and first bookings
were kept (no Designated, no BookedTo, no DebtorPaid: read as debtor_paid None, "where the money
is now"). A person's correction saves Designated but, with nothing to fall back on, DebtorPaid
None; every read after takes the correction's designation as the debtor's act.

Story of tests/unit/dunning/test_prescription_redesignated.py::test_a_held_claim_is_not_released_
by_a_correction (consumer D1, F1 500.00 consumer_sale due 10-3-2025, prescribes 11-3-2027; F2
100.00 due 1-12-2026; 100.00 received 15-1-2027 on F2; on 3-4-2027 the watch holds F1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.tables import schema
from shared.adapters.tables.keys import encode
from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.domain.records import PaymentSource
from shared.services.prescription_watch import PrescriptionWatch
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world


def test_a_held_claim_is_not_released_by_a_correction_of_an_old_row() -> None:
    world: Any = make_world()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    for number, day, due, amount in (("F1", "2025-02-01", "2025-03-10", "500.00"),
                                     ("F2", "2026-11-01", "2026-12-01", "100.00")):  # fmt: skip
        world.clock.at = datetime.fromisoformat(day).replace(hour=8, tzinfo=UTC)
        row = invoice_row(number, "D1", invoice_date=day, due_date=due, amount=amount,
                          claim_kind="consumer_sale")  # fmt: skip
        assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body["created"] == 1
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=10_000, received_on=date(2027, 1, 15),
        source=PaymentSource.BANK, invoice_numbers=["F2"],
    )  # fmt: skip
    repos = world.services.repos
    # as a version before designations and first bookings were kept stored it
    store: Any = repos.store  # the memory fake's rows, written as an older version did
    row = store.get(schema.PAYMENTS, encode(client.client_id), "bank-1")
    assert row is not None
    gone = ("Designated", "BookedTo", "DebtorPaid")
    store.upsert(schema.PAYMENTS, type(row)(row.pk, row.rk, {
        k: v for k, v in row.data.items() if k not in gone}))  # fmt: skip
    before = repos.payments.get(client.client_id, "bank-1")
    assert before is not None and before.debtor_paid is None
    watch = PrescriptionWatch(repos, OutboxRepository(repos.store), world.clock)
    world.clock.at = datetime(2027, 4, 3, 9, 0, tzinfo=UTC)

    def held() -> set[str]:
        found = repos.debtors.get(client.client_id, "D1")
        assert found is not None
        debtor = found[0]
        invoices = repos.invoices.for_debtor(client.client_id, "D1")
        return set(watch.held(client.client_id, debtor, invoices, date(2027, 4, 3)))

    assert "F1" in held()
    world.services.redesignation.redesignate(
        client, "bank-1", ["F1"], "staff-u1", "de debiteur bedoelde F1"
    )
    stored = repos.payments.get(client.client_id, "bank-1")
    assert stored is not None
    assert (stored.designated, stored.booked_to) == (("F1",), ("F1",))
    # what the debtor's own act paid stays where his money went: staff's correction is no
    # acknowledgement of F1 (art. 3:318 BW)
    assert stored.debtor_paid == ("F2",)
    assert "F1" in held()
