"""ack11: what marking a debtor's message as his acknowledgement stores survives the table
store, in memory and on Azurite alike: the message is found on his log by its id (a filter on
the id within his range), a claim's decision keeps the marked messages with their days beside
what it had, and a mark taken back leaves the rest; a decision row from before has none."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.prescription_repo import PrescriptionDecisions
from shared.domain.records import ContactEntry, ContactKind


def test_a_message_is_found_by_its_id_and_its_mark_round_trips(repos):
    client = f"ack-{uuid.uuid4().hex[:8]}"
    at = datetime(2024, 1, 14, 23, 30, tzinfo=UTC)
    for n, debtor in enumerate(("D1", "D1", "D2")):
        repos.contacts.add(ContactEntry(
            client, debtor, f"e{n}", at.replace(minute=n), ContactKind.MESSAGE,
            f"WhatsApp received: bericht {n}", channel="whatsapp",
        ))  # fmt: skip
    found = repos.contacts.entry(client, "D1", "e1")
    assert found is not None and found.summary == "WhatsApp received: bericht 1"
    assert repos.contacts.entry(client, "D1", "e2") is None  # D2's: not on D1's log
    decisions = PrescriptionDecisions(repos.store)
    decisions.acknowledge(client, "D1", ("F1",), date(2024, 1, 15))
    assert decisions.mark_message(client, "D1", "F1", "e1", date(2024, 1, 15))
    assert not decisions.mark_message(client, "D1", "F1", "e1", date(2024, 1, 15))  # once
    assert decisions.mark_message(client, "D1", "F1", "e0", date(2024, 1, 10))
    kept = decisions.for_debtor(client, "D1")["F1"]
    assert kept.messages == (("e0", date(2024, 1, 10)), ("e1", date(2024, 1, 15)))
    assert kept.acknowledged == (date(2024, 1, 15),)
    assert decisions.mark_message(client, "D1", "F1", "e1", None)
    kept = decisions.for_debtor(client, "D1")["F1"]
    assert kept.messages == (("e0", date(2024, 1, 10)),)
    assert kept.acknowledged == (date(2024, 1, 15),)  # his other act of that day stays
    decisions.record(client, "D1", "F2", interrupted_on=date(2024, 2, 1), release_on=None,
                     by="user:x", at=at)  # fmt: skip
    assert decisions.for_debtor(client, "D1")["F2"].messages == ()


def test_one_note_is_chosen_for_a_change_of_a_mark_and_written_once(repos):
    """misc13: two requests giving the same change at once each propose a note; the first
    claim stands, the second gets it back, and the note written again is refused by the table
    as there already (the service lets that pass): one note, on Azurite as in memory. Beside
    the decisions, the claim row is never read as one."""
    from shared.ports.tables import Conflict

    client = f"ack-{uuid.uuid4().hex[:8]}"
    decisions = PrescriptionDecisions(repos.store)
    first = ("e1.0.abcd1234", datetime(2024, 1, 17, 9, 0, tzinfo=UTC))
    later = ("e1.0.abcd1234", datetime(2024, 1, 17, 9, 0, 1, tzinfo=UTC))
    assert decisions.change_of_mark(client, "D1", "e1", "abcd1234", first) == first
    assert decisions.change_of_mark(client, "D1", "e1", "abcd1234", later) == first
    other = ("e1.1.ffff0000", datetime(2024, 1, 18, 9, 0, tzinfo=UTC))
    assert decisions.change_of_mark(client, "D1", "e1", "ffff0000", other) == other
    assert decisions.for_debtor(client, "D1") == {}
    note = ContactEntry(client, "D1", first[0], first[1], ContactKind.NOTE, "marked",
                        system=True)  # fmt: skip
    repos.contacts.add(note)
    with pytest.raises(Conflict):
        repos.contacts.add(note)  # the same note again: there already
    entries, _ = repos.contacts.for_debtor(client, "D1")
    assert [e.entry_id for e in entries] == [first[0]]
