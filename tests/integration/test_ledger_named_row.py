"""A booking's designation, written in its own ledger transaction (ledger_repo.named_op): read
by payment while the payment row is missing (banks28 F5), outside every debtor's range, passed
over when the digest of ledger debtors is built from the table, and room for it in a
transaction of the most claims one holds."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from shared.adapters.tables import ledger_digest
from shared.adapters.tables.ledger_repo import (
    CLAIMS_PER_TRANSACTION,
    LEDGER,
    ClaimHeader,
    ClaimWrite,
    LedgerRepository,
    named_op,
)
from shared.domain.ledger.model import Component, EventKind, LedgerEvent


def _claim(client: str, debtor: str, invoice: str) -> ClaimWrite:
    return ClaimWrite(ClaimHeader(client, debtor, invoice), ())


def test_the_designation_is_read_by_payment_and_is_no_debtors_row(repos: Any) -> None:
    client = f"c{uuid.uuid4().hex[:8]}"
    ledger = LedgerRepository(repos.store)
    ledger.write([_claim(client, "D1", "F1")], named_op(client, "pay/1#x", ["F2", "F1"]))
    assert ledger.designated(client, "pay/1#x") == ("F2", "F1")
    assert ledger.designated(client, "other") is None
    assert list(ledger.for_debtor(client, "D1")) == ["F1"]
    # an upsert: a redelivery that finishes the booking writes the same again
    ledger.write([_claim(client, "D1", "F2")], named_op(client, "pay/1#x", ["F2", "F1"]))
    assert ledger.designated(client, "pay/1#x") == ("F2", "F1")


def test_a_digest_built_from_the_rows_passes_over_the_designations(repos: Any) -> None:
    client = f"c{uuid.uuid4().hex[:8]}"
    ops = [*LedgerRepository.write_ops(_claim(client, "D3", "F1")), named_op(client, "P", ["F1"])]
    repos.store.transact(LEDGER, ops)  # no digest yet: the first reader builds it
    digest = LedgerRepository(repos.store).ledger_debtors(client)
    assert digest.usable and ledger_digest.may_have(digest, "D3")
    assert not ledger_digest.may_have(digest, "")  # the designation's key is no debtor's


def test_the_most_claims_of_one_transaction_leave_room_for_it(repos: Any) -> None:
    client = f"c{uuid.uuid4().hex[:8]}"
    ledger = LedgerRepository(repos.store)
    paid = (LedgerEvent(1, EventKind.ALLOCATED, Component.PRINCIPAL, 100, date(2026, 3, 1), "P"),)
    claims = [ClaimWrite(ClaimHeader(client, "D1", f"F{i}", next_seq=2), paid)
              for i in range(CLAIMS_PER_TRANSACTION)]  # fmt: skip
    ledger.write(claims, named_op(client, "P", ["F0"]))  # a header and events a claim, the
    # designation and the digest's row: 100 rows, one transaction
    assert len(ledger.for_debtor(client, "D1")) == CLAIMS_PER_TRANSACTION
    assert ledger.designated(client, "P") == ("F0",)
