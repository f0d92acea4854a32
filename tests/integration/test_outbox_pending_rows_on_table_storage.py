"""sweep19: an outbox record's pending row on Azurite as in memory. Written with a record not
yet final, in one transaction; taken away by the save that makes it final; a final record
whose row is gone already saved alone (the transaction's second operation refused, not the
record's); a record made not final again has a row again; none of them in the outbox list."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.adapters.tables.messaging_repo import (
    OUTBOX,
    PENDING_PREFIX,
    PENDING_ROW,
    OutboxRepository,
)
from shared.domain.messaging import Channel, OutboundMessage, OutboxStatus
from shared.ports.tables import PreconditionFailed

AT = datetime(2025, 3, 4, 9, tzinfo=UTC)
STALE_ETAG = "W/\"datetime'2020-01-01T00%3A00%3A00.0000000Z'\""


def _row(repos: Any, client: str, key: str) -> Any:
    return repos.store.get(OUTBOX, encode(client), PENDING_PREFIX + encode(key))


def test_a_records_pending_row_comes_and_goes_with_it(repos: Any) -> None:
    outbox = OutboxRepository(repos.store)
    client, key = f"out-{uuid.uuid4().hex[:8]}", "dun|D1|wf|0|x"
    assert outbox.add(OutboundMessage(client, key, Channel.SMS, "D1", "+31612345678", AT))
    assert _row(repos, client, key) is not None
    record, etag = outbox.get(client, key)  # type: ignore[misc]
    assert record.extra[PENDING_ROW] == "yes"
    with pytest.raises(PreconditionFailed):  # another worker saved it: the record's refusal
        outbox.save(replace(record, status=OutboxStatus.SENT), STALE_ETAG)
    assert record.extra[PENDING_ROW] == "yes"
    sent = replace(record, status=OutboxStatus.SENT, updated_at=AT)
    etag = outbox.save(sent, etag)
    assert _row(repos, client, key) is None and PENDING_ROW not in sent.extra
    stored, _ = outbox.get(client, key)  # type: ignore[misc]
    assert PENDING_ROW not in stored.extra
    # a copy read before the final save, still marked: its row is gone, the record is saved
    stale = replace(record, status=OutboxStatus.DELIVERED, extra={**record.extra})
    etag = outbox.save(stale, etag)
    assert outbox.get(client, key)[0].status is OutboxStatus.DELIVERED  # type: ignore[index]
    # sent again after a check: a row again
    again = replace(outbox.get(client, key)[0], status=OutboxStatus.PENDING)  # type: ignore[index]
    outbox.save(again, etag)
    assert _row(repos, client, key) is not None
    records, _ = outbox.list(client)
    assert [m.key for m in records] == [key]


def test_the_sweeps_reads_of_a_partition(repos: Any) -> None:
    """The pending rows and the read mark in one range read; the records from before the
    rows read page by page (none of the ``~`` rows among them) and given a row."""
    outbox = OutboxRepository(repos.store)
    client = f"out-{uuid.uuid4().hex[:8]}"
    keys = [f"dun|D{n}|wf|0|x" for n in range(5)]
    for key in keys:
        outbox.add(OutboundMessage(client, key, Channel.EMAIL, "D1", "d@example.nl", AT))
    old = keys[0]  # as the version before wrote it: no row
    repos.store.delete(OUTBOX, encode(client), PENDING_PREFIX + encode(old))
    mark, rows = outbox.own_rows(client, 1000)
    assert mark is None and sorted(r.key for r in rows) == keys[1:]
    assert rows[0].channel is Channel.EMAIL and rows[0].since == AT and rows[0].bound
    seen: list[str] = []
    records, page = outbox.older_page(client, None, 2)
    while True:
        seen += [m.key for m, _ in records]
        outbox.index_older(client, records)
        if page is None:
            break
        records, page = outbox.older_page(client, page, 2)
    assert seen == sorted(keys)
    outbox.mark_indexed(client, mark, None)
    mark, rows = outbox.own_rows(client, 1000)
    assert mark is not None and mark.done
    assert sorted(r.key for r in rows) == keys
