"""newcomer7 finding 2: a debtor with a few hundred open invoices at one step could never be
dunned: the message's bookkeeping (``Extra``: where each invoice stood) and its invoice list
went into one string property, over Table Storage's 64 KiB, and the client's run failed every
day into poison. Such values now spread over numbered properties, on Azurite as in the fake
(which now refuses an oversized property as Table Storage does); templates alike (text and
HTML may hold 120,000 characters)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from shared.adapters.tables import messaging_repo
from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.domain.dunning.templates import MessageTemplate
from shared.domain.messaging import Channel, OutboundMessage
from shared.domain.records import ContactEntry, ContactKind
from shared.ports.tables import Row
from shared.services.repositories import Repositories

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_a_message_for_700_invoices_is_stored_and_read_whole(repos: Repositories) -> None:
    numbers = tuple(f"2025-INV-{n:06d}" for n in range(700))
    before = {n: ["herinnering", "2025-02-01", "2025-03-20"] for n in numbers}
    extra = {"before": json.dumps(before), "planned_on": "2025-03-03"}
    assert len(extra["before"]) > 40_000  # over one property's 32,768 characters
    message = OutboundMessage("c1", "dun|D1|2", Channel.EMAIL, "D1", "d1@example.nl", NOW,
                              invoice_numbers=numbers, extra=extra)  # fmt: skip
    outbox = OutboxRepository(repos.store)
    outbox.store.ensure_tables(messaging_repo.TABLES)
    assert outbox.add(message)
    found = outbox.get("c1", "dun|D1|2")
    assert found is not None
    stored = found[0]
    # the pending row's mark rides in extra until the record turns final (sweep19)
    assert stored.invoice_numbers == numbers
    assert stored.extra == {**extra, messaging_repo.PENDING_ROW: "yes"}
    entry = ContactEntry("c1", "D1", "e1", NOW, ContactKind.MESSAGE, "Reminder", invoice_numbers=numbers * 3)  # fmt: skip
    repos.contacts.add(entry)
    (read,) = [e for e in repos.contacts.for_debtor("c1", "D1")[0] if e.entry_id == "e1"]
    assert read.invoice_numbers == numbers * 3


def test_a_template_of_the_largest_size_allowed_is_kept(repos: Repositories) -> None:
    big = MessageTemplate("nl", "Herinnering", "t" * 20_000, "<p>" + "h" * 99_990 + "</p>")
    repos.dunning.save_template("c1", "groot", big)
    assert repos.dunning.templates("c1")["groot"] == big
    small = replace(big, html=None)  # saved again smaller: no part of the old one lingers
    repos.dunning.save_template("c1", "groot", small)
    assert repos.dunning.templates("c1")["groot"] == small


def test_a_template_full_of_emoji_is_kept(repos: Repositories) -> None:
    """failure8 finding 9: parts were cut every 30,000 characters, and 30,000 emoji are
    120 KB of UTF-16: the template passed validation, then the store refused it (500)."""
    text = "Beste {{ debtor.name }} \U0001f600\n" + "\U0001f64f" * 19_000
    big = MessageTemplate(
        "nl", "Herinnering \U0001f600", text, "<p>" + "\U0001f600" * 40_000 + "</p>"
    )
    repos.dunning.save_template("c1", "emoji", big)
    assert repos.dunning.templates("c1")["emoji"] == big


def test_the_fake_refuses_a_property_table_storage_refuses(repos: Repositories) -> None:
    repos.store.ensure_tables(["Probe"])
    with pytest.raises(Exception, match=r"(?i)PropertyValueTooLarge|too large|64"):
        repos.store.upsert("Probe", Row("p", "r", {"Text": "x" * 40_000}))
