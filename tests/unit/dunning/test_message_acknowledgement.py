"""A debtor's written word staff mark as his acknowledgement (ack11 #1; art. 3:318 BW: an
erkenning interrupts, the new period runs from the next day, 3:319). Inning does not read free
text itself: an administrator (``manage_settlements``, as recording an interruption;
attack13b G2) marks the message and names the invoices it acknowledges; it
counts on the day the message was received, for those invoices only. Marking twice counts
once, also twice at once (two tabs); a mark taken back (a mistake) counts no more; both on the
contact log and the audit log.

Hand: business B1, B-1 800.00 and B-2 100.00 both due 2020-06-30: five years (3:307) from
2020-07-01, so 2025-07-01 without an interruption. On 2024-01-15 B1 writes in the portal "ik
weet dat ik B-1 moet betalen, volgende maand": marked for B-1, it prescribes on 2029-01-16
(warned 2028-11-17); B-2, which he did not name, is still warned on 2025-05-02 and held from
2025-07-01."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.people.audit import Event
from shared.domain.portal.tokens import PortalAccess
from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_prescription_acknowledged import _at, _items, b2b  # noqa: F401

WROTE = date(2024, 1, 15)


def _message(world, client, text: str = "ik weet dat ik B-1 moet betalen, volgende maand") -> str:  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2024, 1, 14, 23, 30, tzinfo=UTC)  # 00:30 on the 15th in Amsterdam
    me = PortalAccess(client.client_id, "B1", 0, world.clock.now() + timedelta(days=1))
    world.services.portal.message(me, text)
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "B1")
    (entry,) = [e for e in entries if e.summary.startswith("Message through the portal")]
    world.clock.at = datetime(2024, 1, 17, 9, 0, tzinfo=UTC)  # staff read it two days later
    return str(entry.entry_id)


def _path(message: str) -> str:
    return f"/v1/clients/C1/debtors/B1/messages/{message}/acknowledgement"


@pytest.fixture
def two_claims(b2b):  # noqa: F811
    world, client = b2b
    made = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "B-2", "B1", invoice_date="2020-06-01", due_date="2020-06-30", amount="100.00")]})  # fmt: skip
    assert made.body["created"] == 1, made.body
    return world, client


def _acknowledged(world, client) -> dict[str, set[date]]:  # type: ignore[no-untyped-def]
    watch = world.services.dunning.prescriptions
    found = watch._acknowledgements(client.client_id, "B1", date(2028, 12, 1))
    return {number: days for number, days in found.items() if days}


def _audit(world, client, event: Event) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    audit = world.services.people.kit.people.audit
    return [e.detail for e in audit.between(f"client:{client.client_id}", "0", "z")
            if e.event is event]  # fmt: skip


def test_a_marked_message_interrupts_the_invoices_it_names_and_no_other(two_claims):
    world, client = two_claims
    message = _message(world, client)
    assert _acknowledged(world, client) == {}  # a message alone: Inning does not guess
    marked = world.agency_a.call("PUT", _path(message), {"invoices": ["B-1"]})
    assert marked.status == 200, marked.body
    # the day Inning received it (Amsterdam), not the day staff marked it
    assert marked.body == {"message": message, "received_on": "2024-01-15", "invoices": ["B-1"]}
    assert world.agency_a.call("GET", _path(message)).body == marked.body
    assert _acknowledged(world, client) == {"B-1": {WROTE}}
    for on in (date(2025, 5, 5), date(2025, 7, 2)):
        _at(world, client, on)
    items = _items(world)  # warned and held: B-2 only
    assert len(items) == 2 and all(on == "2025-07-01" and "B-2" in t for on, t in items), items
    _at(world, client, date(2028, 11, 17))
    (b1,) = [(on, t) for on, t in _items(world) if "B-1" in t]
    assert b1[0] == "2029-01-16"
    assert "a message of his marked as one; 15-01-2024" in b1[1]


def test_marking_twice_counts_once_and_taking_it_back_is_audited(two_claims):
    world, client = two_claims
    message = _message(world, client)
    for _ in range(2):
        assert world.agency_a.call("PUT", _path(message), {"invoices": ["B-1"]}).status == 200
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "B1")
    notes = [e.summary for e in entries if "acknowledgement of" in e.summary]
    assert notes == ["Message of 15-01-2024 marked as the debtor's acknowledgement of B-1 "
                     "(prescription)"]  # fmt: skip
    assert [d["named"] for d in _audit(world, client, Event.ACKNOWLEDGEMENT_MARKED)] == ["B-1"]
    # his portal proposal of the same day counts on: taking back the mark takes only its own
    world.services.dunning.prescriptions.decisions.acknowledge(
        client.client_id, "B1", ("B-1",), WROTE
    )
    # the mark named the wrong invoice: given again with B-2 it replaces the first
    again = world.agency_a.call("PUT", _path(message), {"invoices": ["B-2"]})
    assert again.body["invoices"] == ["B-2"]
    assert _acknowledged(world, client) == {"B-1": {WROTE}, "B-2": {WROTE}}
    assert world.agency_a.call("DELETE", _path(message)).status == 204
    assert _acknowledged(world, client) == {"B-1": {WROTE}}  # the proposal's, not the mark's
    assert [d["named"] for d in _audit(world, client, Event.ACKNOWLEDGEMENT_UNMARKED)] == ["B-2"]
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "B1")
    assert any(e.summary.startswith("Message of 15-01-2024 no longer marked") for e in entries)
    assert world.agency_a.call("DELETE", _path(message)).status == 404
    assert world.agency_a.call("GET", _path(message)).status == 404


def test_only_his_own_message_and_his_own_invoices(two_claims):
    world, client = two_claims
    a = world.agency_a
    message = _message(world, client)
    other = a.call("POST", "/v1/clients/C1/debtors", {"items": [
        {"number": "B9", "name": "Ander BV", "kind": "b2b"}]})  # fmt: skip
    assert other.status == 200, other.body
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("X-1", "B9")]})
    refused = a.call("PUT", _path(message), {"invoices": ["B-1", "X-1"]})
    assert refused.status == 422 and "ack_not_debtors_invoice" in str(refused.body)
    assert a.call("PUT", _path(message), {"invoices": ["NOPE"]}).status == 422
    assert a.call("PUT", _path(message), {"invoices": []}).status == 422
    assert a.call("PUT", _path("no-such-entry"), {"invoices": ["B-1"]}).status == 404
    # a note staff wrote is no word of his
    note = a.call("POST", "/v1/clients/C1/debtors/B1/notes",
                  {"text": "Belde: hij erkent de schuld", "channel": "phone"})  # fmt: skip
    assert note.status in (200, 201), note.body
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "B1")
    (staff_note,) = [e for e in entries if "Belde" in e.summary]
    refused = a.call("PUT", _path(staff_note.entry_id), {"invoices": ["B-1"]})
    assert refused.status == 422 and "ack_not_debtors_message" in str(refused.body)
    assert _acknowledged(world, client) == {}


def test_the_clients_staff_neither_mark_a_message_nor_type_an_interruption(two_claims):
    """attack13b G2: a plain client key linked the client's own bookkeeper's e-mail to the
    debtor (filing is the daily work) and marked it as his acknowledgement: prescription of B-1
    restarted on a word he never wrote. Whether a message on his log is his word is a reading
    that restarts prescription: an administrator's, as an interruption on a typed day."""
    world, client = two_claims
    a = world.agency_a
    message = _message(world, client)
    staff = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    assert staff.call("GET", _path(message)).status == 404  # none yet, readable
    assert staff.call("PUT", _path(message), {"invoices": ["B-1"]}).status == 403
    assert _acknowledged(world, client) == {}
    assert a.call("PUT", _path(message), {"invoices": ["B-1"]}).status == 200
    assert staff.call("DELETE", _path(message)).status == 403
    assert _acknowledged(world, client) == {"B-1": {WROTE}}
    typed = staff.call("POST", "/v1/clients/C1/invoices/B-2/prescription",
                       {"interrupted_on": "2024-01-15", "reason": "he called"})  # fmt: skip
    assert typed.status == 403


def test_the_same_mark_given_twice_at_once_is_one_mark_said_once(two_claims):
    """Two tabs give the same mark at the same moment: each finds the message unmarked before
    the other has written anything. One mark, one restart of B-1's prescription, one note on
    the contact log and one audit entry (misc13: two of each before)."""
    world, client = two_claims
    message = _message(world, client)
    service = world.services.message_acknowledgements
    real = service._said
    second: list[int] = []

    def said(client_id: str, entry):  # type: ignore[no-untyped-def]
        found = real(client_id, entry)
        if not second:  # the other tab's request runs between this one's read and its note
            second.append(0)
            world.clock.at += timedelta(milliseconds=300)
            answer = world.agency_a.call("PUT", _path(message), {"invoices": ["B-1"]})
            second[0] = answer.status
            world.clock.at += timedelta(milliseconds=300)
        return found

    service._said = said  # type: ignore[method-assign]
    first = world.agency_a.call("PUT", _path(message), {"invoices": ["B-1"]})
    service._said = real  # type: ignore[method-assign]
    assert (first.status, second) == (200, [200]), first.body
    assert first.body == {"message": message, "received_on": "2024-01-15", "invoices": ["B-1"]}
    assert _acknowledged(world, client) == {"B-1": {WROTE}}
    decided = world.services.dunning.prescriptions.decisions.for_debtor(client.client_id, "B1")
    assert decided["B-1"].messages == ((message, WROTE),)
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "B1")
    assert len([e for e in entries if "acknowledgement of B-1" in e.summary]) == 1
    assert [d["named"] for d in _audit(world, client, Event.ACKNOWLEDGEMENT_MARKED)] == ["B-1"]


def test_a_mark_whose_saying_failed_is_said_by_its_retry(two_claims, monkeypatch):
    """At least once: a request that fails writing the contact log finds on its retry that
    the mark is not there yet, says it and writes it: never a mark nobody was told of."""
    from shared.adapters.tables.records_repo import ContactLogRepository
    from shared.ports.tables import StorageError

    world, client = two_claims
    message = _message(world, client)
    real = ContactLogRepository.add
    cut = {"left": 1}

    def outage(self, entry):  # type: ignore[no-untyped-def]
        if cut["left"]:
            cut["left"] -= 1
            raise StorageError("table storage unavailable")
        return real(self, entry)

    monkeypatch.setattr(ContactLogRepository, "add", outage)
    assert world.agency_a.call("PUT", _path(message), {"invoices": ["B-1"]}).status >= 500
    assert world.agency_a.call("PUT", _path(message), {"invoices": ["B-1"]}).status == 200
    assert _acknowledged(world, client) == {"B-1": {WROTE}}
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "B1")
    assert len([e for e in entries if "acknowledgement of B-1" in e.summary]) == 1
    assert len(_audit(world, client, Event.ACKNOWLEDGEMENT_MARKED)) == 1


def test_a_mark_cut_off_between_its_invoices_is_said_once_by_its_retry(two_claims, monkeypatch):
    """failure11b B3: the mark of B-1 and B-2 stops after B-1's decision row (a storage 500);
    staff repeat it as the answer asks: one note and one audit entry for the one act. A mark
    taken back and given again later is said each time."""
    from shared.adapters.tables.prescription_repo import PrescriptionDecisions
    from shared.ports.tables import StorageError

    world, client = two_claims
    message = _message(world, client)
    real = PrescriptionDecisions.mark_message
    calls = {"n": 0}

    def second_fails(self, *args, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise StorageError("table storage unavailable")
        return real(self, *args, **kw)

    monkeypatch.setattr(PrescriptionDecisions, "mark_message", second_fails)
    both = {"invoices": ["B-1", "B-2"]}
    assert world.agency_a.call("PUT", _path(message), both).status >= 500
    world.clock.at += timedelta(minutes=1)
    assert world.agency_a.call("PUT", _path(message), both).status == 200
    assert _acknowledged(world, client) == {"B-1": {WROTE}, "B-2": {WROTE}}

    def said() -> list[str]:
        entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "B1")
        return [e.summary[:40] for e in entries if "acknowledgement of" in e.summary]

    assert said() == ["Message of 15-01-2024 marked as the debt"]
    assert [d["named"] for d in _audit(world, client, Event.ACKNOWLEDGEMENT_MARKED)] == ["B-1,B-2"]
    world.clock.at += timedelta(minutes=1)
    assert world.agency_a.call("DELETE", _path(message)).status == 204
    world.clock.at += timedelta(minutes=1)
    assert world.agency_a.call("PUT", _path(message), both).status == 200
    assert said() == [
        "Message of 15-01-2024 marked as the debt",
        "Message of 15-01-2024 no longer marked a",
        "Message of 15-01-2024 marked as the debt",
    ]
    assert len(_audit(world, client, Event.ACKNOWLEDGEMENT_MARKED)) == 2
    assert len(_audit(world, client, Event.ACKNOWLEDGEMENT_UNMARKED)) == 1
