"""LedgerRepository.read_client: one query of the client's Ledger partition gives every
debtor's claims as read_debtor gives them one range read each (the open-items report)."""

from __future__ import annotations

from datetime import date

from shared.adapters.tables.ledger_repo import LedgerRepository, named_op
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def test_every_debtors_claims_as_its_own_range_read_gives_them(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    debtors = ["D1", "D|2 é", "~~~~~~~~"]  # an escaped number; one in the digest row's range
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    rows = [debtor_row(d, emails=["x@example.nl"]) for d in debtors]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": rows}).status == 200
    invoices = [invoice_row(f"F{n}", d) for n, d in enumerate(debtors)]
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": invoices}).body["errors"]
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    for n, _ in enumerate(debtors):
        world.services.payments.book(client, payment_id=f"p{n}", amount=2_000,
                                     received_on=date(2025, 2, 1), source=PaymentSource.BANK,
                                     invoice_numbers=[f"F{n}"])  # fmt: skip
    ledger = LedgerRepository(world.store)
    world.store.transact("Ledger", [named_op(client.client_id, "p9", ["F0"])])  # an |n| row
    whole = ledger.read_client(client.client_id)
    assert sorted(whole) == sorted(debtors)
    for d in debtors:
        claims, marks = ledger.read_debtor(client.client_id, d)
        assert claims and whole[d][0] == claims and whole[d][1] == marks
    assert sorted(ledger.read_client(client.client_id, only={"D1", "D9"})) == ["D1"]
