"""Messages waiting on a provider that is away: an index the watch reads (twice24).

| table  | PartitionKey | RowKey                   | serves                                  |
| Outbox | ``!waiting`` | client id ``|`` key      | a message a provider failed transiently |
|        |              |                          | (``Since``: its first such failure)     |

A message a provider answers 429, 503 or not at all waits up to a day (failure24 F1); the
watch reads this one partition instead of every client's outbox. A row is written before
the record's save at each transient failure (an upsert: idempotent, and a record from before
the rows gets one at its next failure) and is never taken away by the send: the watch reads
the record of a row older than its threshold and drops the row once the record is final or
no longer waits on a provider, so only an outage's messages are ever read. ``!`` starts no
encoded id here (the encoder writes it only before two hex digits), so no client's
partition is this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.messaging_repo import OUTBOX, OutboxRepository
from shared.domain.messaging import Channel, OutboundMessage
from shared.ports.tables import PreconditionFailed, Row, TableStore, all_rows

WAITING = "!waiting"


@dataclass(frozen=True)
class ProviderWait:
    client_id: str
    key: str
    channel: Channel
    since: datetime
    rk: str
    etag: str | None


class ProviderWaitRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def note(self, message: OutboundMessage, since: datetime) -> None:
        rk = f"{encode(message.client_id)}|{encode(message.key)}"
        data = {"Channel": message.channel.value, "Since": since}
        self.store.upsert(OUTBOX, Row(WAITING, rk, data))

    def waits(self) -> list[ProviderWait]:
        out = []
        for r in all_rows(self.store, OUTBOX, pk=WAITING):
            client, key = r.rk.split("|", 1)
            since = r.data["Since"]
            assert isinstance(since, datetime)
            out.append(ProviderWait(decode(client), decode(key), Channel(str(r.data["Channel"])),
                                    since, r.rk, r.etag))  # fmt: skip
        return out

    def record(self, wait: ProviderWait) -> OutboundMessage | None:
        found = OutboxRepository(self.store).get(wait.client_id, wait.key)
        return found[0] if found else None

    def drop(self, wait: ProviderWait) -> None:
        try:
            self.store.delete(OUTBOX, WAITING, wait.rk, wait.etag)
        except PreconditionFailed:
            return  # failed again meanwhile: the next watch looks again
