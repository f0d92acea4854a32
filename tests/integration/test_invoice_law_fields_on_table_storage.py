"""An invoice's contract_date and claim_kind (docs/law.md) survive the table store, on the
in-memory store and on Azurite alike; an invoice stored before they existed reads as None."""

from __future__ import annotations

import uuid
from datetime import date

from shared.domain.invoices import Invoice
from shared.domain.law.prescription import ClaimKind


def test_the_fields_round_trip(repos):
    client = f"law-{uuid.uuid4().hex[:8]}"
    given = Invoice(
        client, "F1", "D1", date(2020, 5, 1), date(2020, 5, 31), 12100,
        contract_date=date(2012, 11, 30), claim_kind=ClaimKind.CONSUMER_SALE,
    )  # fmt: skip
    plain = Invoice(client, "F2", "D1", date(2020, 5, 1), date(2020, 5, 31), 5000)
    repos.invoices.save(given, None)
    repos.invoices.save(plain, None)
    read = repos.invoices.get(client, "F1")
    assert read is not None and read.invoice == given
    assert read.invoice.claim_kind is ClaimKind.CONSUMER_SALE
    other = repos.invoices.get(client, "F2")
    assert other is not None and (other.invoice.contract_date, other.invoice.claim_kind) == (
        None,
        None,
    )
