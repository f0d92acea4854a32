"""Clients' repayments of negative settlements on Table Storage.

| table                | PartitionKey | RowKey          | serves                                  |
| SettlementRepayments | client id    | bank reference  | a repayment is recorded once per        |
|                      |              |                 | reference (insert-once); the settlement |
|                      |              |                 | that takes it sets SettledIn (ETag)     |

The client's partition holds its repayments next to its settled payments: a run reads it
once per client; the reference is the idempotency key the API promises.
"""

from __future__ import annotations

from dataclasses import replace

from shared.adapters.tables.codec import need_date, put_date
from shared.adapters.tables.keys import decode, encode
from shared.domain.settlement.repayment import Repayment
from shared.ports.tables import (
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    TableStore,
    TransactionFailed,
    all_rows,
)

REPAYMENTS = "SettlementRepayments"
TABLES = (REPAYMENTS,)
# one row beside the client's repayments (no reference has "~": SEPA's set): every recording
# moves its ETag in the repayment's own transaction, so two recordings checked against the
# same "owed back" cannot both land (session6 finding 2)
TURN = "~recorded"


def _row(r: Repayment, etag: str | None = None) -> Row:
    return Row(encode(r.client_id), encode(r.reference), {
        "AgencyId": r.agency_id, "Reference": r.reference, "Cents": r.amount,
        "ReceivedOn": put_date(r.received_on), "RecordedAt": r.recorded_at,
        "RecordedBy": r.recorded_by, "SettlementId": r.settlement_id,
        "SettledIn": r.settled_in, "Note": r.note,
    }, etag)  # fmt: skip


def _repayment(row: Row) -> Repayment:
    d = row.data
    return Repayment(
        str(d["AgencyId"]), decode(row.pk), str(d.get("Reference") or decode(row.rk)),
        int(d["Cents"]), need_date(d["ReceivedOn"]), d["RecordedAt"], str(d["RecordedBy"]),
        d.get("SettlementId"), d.get("SettledIn"), str(d.get("Note") or ""),
    )  # fmt: skip


class SettlementRepaymentRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def turn(self, client_id: str) -> str | None:
        """The ETag of the client's recording turn (None: nothing recorded in turn yet)."""
        row = self.store.get(REPAYMENTS, encode(client_id), encode(TURN))
        return row.etag if row else None

    def add_in_turn(self, r: Repayment, turn: str | None) -> Repayment | None:
        """Record it if no other recording landed since ``turn`` was read; None when its
        reference is recorded already; PreconditionFailed when another recording came first
        (the caller checks again)."""
        mark = Row(encode(r.client_id), encode(TURN), {"Last": r.reference}, turn)
        ops = [
            Op(OpKind.INSERT, _row(replace(r, settled_in=None))),
            Op(OpKind.REPLACE if turn else OpKind.INSERT, mark),
        ]
        try:
            self.store.transact(REPAYMENTS, ops)
            return r
        except TransactionFailed as exc:
            if exc.index == 0 and isinstance(exc.cause, Conflict):
                return None
            if exc.index == 1 and isinstance(exc.cause, (Conflict, PreconditionFailed)):
                raise PreconditionFailed("another repayment was recorded meanwhile") from exc
            raise

    def get(self, client_id: str, reference: str) -> tuple[Repayment, str | None] | None:
        row = self.store.get(REPAYMENTS, encode(client_id), encode(reference))
        return (_repayment(row), row.etag) if row else None

    def of_client(self, client_id: str) -> list[Repayment]:
        """Every repayment of the client, by the day received and reference."""
        rows = all_rows(self.store, REPAYMENTS, pk=encode(client_id))
        found = (_repayment(r) for r in rows if r.rk != encode(TURN))
        return sorted(found, key=lambda r: (r.received_on, r.reference))

    def take(self, r: Repayment, settlement_id: str) -> bool:
        """The settlement takes the repayment into its figures, once: False when another
        settlement took it (or it changed) since it was read."""
        found = self.get(r.client_id, r.reference)
        if found is None:
            return False
        current, etag = found
        if current.settled_in is not None:
            return current.settled_in == settlement_id
        try:
            self.store.replace(REPAYMENTS, _row(replace(current, settled_in=settlement_id), etag))
            return True
        except PreconditionFailed:
            again = self.get(r.client_id, r.reference)
            return again is not None and again[0].settled_in == settlement_id
