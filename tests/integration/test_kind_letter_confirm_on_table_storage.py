"""failure13 F2 on the table store, in memory and on Azurite alike: a kind letter's
confirmation mark (``q|<item>`` in the client's Invoices partition) round-trips and goes, and
the item's final resolution rewritten under its ETag (``ActionRepository.amend``) leaves the
waiting count where the decision left it and is refused for a stale ETag."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from shared.adapters.tables.invoices_repo import KIND_LETTER_CONFIRMING_ROW
from shared.domain.records import ActionItem, ActionStatus
from shared.ports.tables import PreconditionFailed


def test_the_mark_round_trips_and_goes(repos):  # type: ignore[no-untyped-def]
    client = f"kl-{uuid.uuid4().hex[:8]}"
    mark = {"action": "a1", "actor": "key:k1", "key": "k1", "at": "2026-02-15T09:00:00+00:00"}
    repos.invoices.put_mark(client, KIND_LETTER_CONFIRMING_ROW, "a1", mark)
    [(key, etag, found)] = repos.invoices.marks(client, KIND_LETTER_CONFIRMING_ROW)
    assert key == "a1" and found == mark
    repos.invoices.drop_mark(client, KIND_LETTER_CONFIRMING_ROW, key, etag)
    assert repos.invoices.marks(client, KIND_LETTER_CONFIRMING_ROW) == []
    repos.invoices.drop_mark(client, KIND_LETTER_CONFIRMING_ROW, key, None)  # gone: nothing


def test_the_final_resolution_keeps_the_waiting_count(repos):  # type: ignore[no-untyped-def]
    client = f"kl-{uuid.uuid4().hex[:8]}"
    at = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
    repos.actions.add(ActionItem(client, "a1", "kind_letter_check", "check", at,
                                 debtor_number="D1", invoice_numbers=("F1",)))  # fmt: skip
    assert repos.actions.figures.read(client).waiting_by_kind == {"kind_letter_check": 1}
    item, etag = repos.actions.get(client, "a1")
    decided = replace(item, status=ActionStatus.RESOLVED, resolved_at=at,
                      resolution="being confirmed ...")  # fmt: skip
    repos.actions.save(decided, etag)
    item, etag = repos.actions.get(client, "a1")
    repos.actions.amend(replace(item, resolution="confirmed ..."), etag)
    kept, _ = repos.actions.get(client, "a1")
    assert kept.resolution == "confirmed ..." and kept.status is ActionStatus.RESOLVED
    assert repos.actions.figures.read(client).waiting_by_kind.get("kind_letter_check", 0) == 0
    with pytest.raises(PreconditionFailed):  # the read before the amend is stale
        repos.actions.amend(replace(item, resolution="other"), etag)


def test_a_mark_is_written_only_over_the_one_read(repos):  # type: ignore[no-untyped-def]
    """failure14 F5: a confirm writes its mark over the mark it read alone (none: inserted),
    so a request that loses the item can put back what it replaced and take no other's."""
    client = f"kl-{uuid.uuid4().hex[:8]}"
    row, mine = KIND_LETTER_CONFIRMING_ROW, {"action": "a1", "actor": "key:k1"}
    first = repos.invoices.write_mark(client, row, "a1", mine, None)
    assert first is not None
    theirs = {"action": "a1", "actor": "key:k2"}
    assert repos.invoices.write_mark(client, row, "a1", theirs, None) is None  # one stands
    second = repos.invoices.write_mark(client, row, "a1", theirs, first)
    assert second is not None and second != first
    assert repos.invoices.write_mark(client, row, "a1", mine, first) is None  # read is stale
    [(_, etag, found)] = repos.invoices.marks(client, row)
    assert (etag, found) == (second, theirs)
    repos.invoices.drop_mark(client, row, "a1", first)  # not the one written: it stays
    assert [m for _, _, m in repos.invoices.marks(client, row)] == [theirs]
