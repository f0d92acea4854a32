"""oncefix17: a contact-log line written once under its key (``ContactLogRepository.add_once``)
on Azurite as in memory: the line and its claim go in one transaction; a writer that passed
the checks beside another (both found nothing) is refused by the claim and writes nothing;
the claim row is in no debtor's log and not in the client's export."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.keys import encode
from shared.domain.records import ContactEntry, ContactKind


def test_a_writer_beside_another_writes_nothing(
    repos: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = f"once-{uuid.uuid4().hex[:8]}"
    first = ContactEntry(client, "D1", "reversed-P1", datetime(2025, 3, 5, 9, tzinfo=UTC),
                         ContactKind.PAYMENT, "Payment of € 300,00 reversed", system=True)  # fmt: skip
    assert repos.contacts.add_once(first) is True
    # the second delivery looked before the first wrote: it found neither claim nor line
    monkeypatch.setattr(repos.store, "get", lambda *a, **k: None)
    monkeypatch.setattr(repos.contacts, "entry", lambda *a, **k: None)
    later = ContactEntry(client, "D1", "reversed-P1", datetime(2025, 3, 5, 9, 0, 1, tzinfo=UTC),
                         ContactKind.PAYMENT, "Payment of € 300,00 reversed", system=True)  # fmt: skip
    assert repos.contacts.add_once(later) is False
    monkeypatch.undo()
    (line,) = repos.contacts.for_debtor(client, "D1")[0]
    assert line.at == first.at
    assert [e.entry_id for e in repos.contacts.between(client)] == ["reversed-P1"]
    claim = repos.store.get(
        schema.CONTACT_LOG, encode(client), schema.contact_once_rk("D1", "reversed-P1")
    )
    assert claim is not None and claim.data["Entry"].startswith("D1|")
