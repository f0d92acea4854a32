"""A ledger change over more claims than one transaction holds, journaled so that a crash
between its parts is finished rather than left half-booked (ledger-rest6, item 1).

A credit, a return, a restatement or a re-booking can change more claims than one
transaction holds (:data:`~shared.adapters.tables.ledger_repo.CLAIMS_PER_TRANSACTION`). The
change is then written in parts, and the first part's transaction also inserts the change's
*journal*: its mark row (``debtor|w|key``, as :meth:`LedgerRepository.begin_parts` marks a
payment's booking) holding every claim's new events and how many claims are written. Each
later part moves that count on in its own transaction (guarded by the journal's ETag), and
the last part deletes the journal: so the journal exists exactly while the change is half
written, and says which claims are missing. Whoever reads the debtor next (the redelivery,
or another change of the same debtor) writes the missing claims as journaled before it
computes anything over them (:meth:`LedgerService.finish_pending`).

The journal lives in the debtor's range of the ledger partition, so the debtor's one range
read (:meth:`LedgerRepository.for_debtor`) brings it along at no extra request. Its payload
is JSON, compressed and split over string properties of at most :data:`CHUNK` characters
(Table Storage's 64 KiB per property, an entity's 1 MiB in all).
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from shared.adapters.tables.keys import encode
from shared.adapters.tables.ledger_repo import (
    _event_in,
    _event_out,
    parts_rk,
)
from shared.domain.ledger.model import LedgerEvent
from shared.ports.tables import Op, OpKind, Row

CHUNK = 30_000  # characters per property: UTF-16 keeps it under 64 KiB
MAX_CHUNKS = 15  # under the entity's 1 MiB with the other properties
FIELD = "Journal"


class JournalTooLarge(ValueError):
    """A change too large to journal; nothing of it was written."""


@dataclass(frozen=True)
class Journal:
    """A change written in parts: ``claims`` in the order written (debtor, invoice, new
    events), the first ``done`` of them written; what their headers gain (``payments``,
    ``reversed``), the day their summaries are computed on, and the payments whose money
    the change moved (for the follow-ups of a redelivery)."""

    key: str
    debtor: str  # whose range holds the journal
    on: date
    claims: tuple[tuple[str, str, tuple[LedgerEvent, ...]], ...]
    payments: tuple[str, ...] = ()
    reversed: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()
    done: int = 0
    etag: str | None = None

    @property
    def rest(self) -> tuple[tuple[str, str, tuple[LedgerEvent, ...]], ...]:
        return self.claims[self.done :]


def _payload(j: Journal) -> dict[str, Any]:
    return {
        "on": j.on.isoformat(),
        "claims": [[d, n, [_event_out(e) for e in evs]] for d, n, evs in j.claims],
        "payments": list(j.payments),
        "reversed": list(j.reversed),
        "moved": list(j.moved),
    }


def journal_row(client_id: str, j: Journal) -> Row:
    """The journal's row (its ``Events`` empty: :meth:`LedgerRepository.for_debtor` reads a
    mark as an event row of no claim and passes over it)."""
    packed = base64.b64encode(
        zlib.compress(json.dumps(_payload(j), separators=(",", ":")).encode())
    ).decode()
    chunks = [packed[i : i + CHUNK] for i in range(0, len(packed), CHUNK)]
    if len(chunks) > MAX_CHUNKS:
        raise JournalTooLarge(
            f"change {j.key} over {len(j.claims)} claims is too large to write in parts"
        )
    data: dict[str, Any] = {
        "DebtorNumber": j.debtor,
        "InvoiceNumber": j.key,
        "Events": None,
        "Done": j.done,
        "Chunks": len(chunks),
    }
    data.update({f"{FIELD}{i:02d}": c for i, c in enumerate(chunks)})
    return Row(encode(client_id), parts_rk(j.debtor, j.key), data, etag=j.etag)


def journal_from(row: Row) -> Journal | None:
    """The journal a mark row holds (None: a payment's mark, which holds none)."""
    count = row.data.get("Chunks")
    if not count:
        return None
    packed = "".join(str(row.data[f"{FIELD}{i:02d}"]) for i in range(int(count)))
    raw = json.loads(zlib.decompress(base64.b64decode(packed)))
    claims = tuple(
        (str(d), str(n), tuple(_event_in(e) for e in evs)) for d, n, evs in raw["claims"]
    )
    return Journal(
        key=str(row.data["InvoiceNumber"]),
        debtor=str(row.data["DebtorNumber"]),
        on=date.fromisoformat(raw["on"]),
        claims=claims,
        payments=tuple(raw["payments"]),
        reversed=tuple(raw["reversed"]),
        moved=tuple(raw["moved"]),
        done=int(row.data.get("Done", 0)),
        etag=row.etag,
    )


def journal_op(client_id: str, j: Journal, written: int) -> Op:
    """The journal's op in the transaction that writes its claims up to ``written``: inserted
    with the first part, moved on (ETag-guarded) with a middle one, deleted with the last."""
    if written >= len(j.claims):
        return Op(OpKind.DELETE, Row(encode(client_id), parts_rk(j.debtor, j.key), etag=j.etag))
    row = journal_row(client_id, replace(j, done=written))
    return Op(OpKind.REPLACE if j.etag else OpKind.INSERT, row)
