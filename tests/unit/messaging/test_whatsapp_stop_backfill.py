"""letters8: a debtor who sent WhatsApp STOP before STOP dates were kept (attack7 #3) has no
``whatsapp_stopped_on``, so the client's next push of ``whatsapp_consent: true`` gave his
consent back. ``inning backfill whatsapp-stop`` finds his STOP on the contact log (as the code
of the time wrote it), records its day and withdraws the consent again; a START after the STOP
keeps the consent; a second run changes nothing; a push afterwards keeps the STOP."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.domain.records import ContactEntry, ContactKind
from shared.services.operations.whatsapp_stop_backfill import WhatsappStopBackfill
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.messaging.test_delivery import env  # noqa: F401

DEBTORS = "/v1/clients/C1/debtors"
ROW = {"kind": "b2c", "name": "Jan", "whatsapp_consent": True}
STOPPED = datetime(2025, 11, 3, 23, 30, tzinfo=UTC)  # 00:30 in Amsterdam, Tue 4-11-2025


def _row(number: str, mobile: str) -> dict[str, object]:
    return {**ROW, "number": number, "mobile": mobile}


def _said(repos, client_id: str, number: str, at: datetime, text: str, kind=ContactKind.MESSAGE):
    repos.contacts.add(ContactEntry(client_id, number, f"{int(at.timestamp() * 1000):012x}{number}{kind.value}",
                                    at, kind, text, channel="whatsapp"))  # fmt: skip


def _old_stop(repos, client_id: str, number: str, at: datetime, *, had_consent: bool = True):
    """A STOP as the code before attack7 #3 handled it: filed, the consent withdrawn with a
    note when there was one, and no day kept."""
    _said(repos, client_id, number, at, "WhatsApp received: STOP")
    if had_consent:
        _said(repos, client_id, number, at,
              "WhatsApp opt-out received (STOP): no more WhatsApp messages", ContactKind.NOTE)  # fmt: skip
    debtor, etag = repos.debtors.get(client_id, number)
    repos.debtors.save(replace(debtor, whatsapp_consent=False), etag)


def _debtor(repos, client_id: str, number: str):
    return repos.debtors.get(client_id, number)[0]


def test_a_stop_from_before_is_recorded_once_and_outlives_the_push(env) -> None:  # noqa: F811
    there, client, _, _, _ = env
    a, repos, cid = there.agency_a, there.services.repos, client.client_id
    rows = [_row("D1", "+31612345678"), _row("D2", "+31611111111"),
            _row("D3", "+31622222222"), {**_row("D4", "+31633333333"), "whatsapp_consent": False}]  # fmt: skip
    assert a.call("POST", DEBTORS, {"items": rows}).status == 200
    _old_stop(repos, cid, "D1", STOPPED)
    _old_stop(repos, cid, "D2", STOPPED)  # ... and later his START (a reply then)
    _said(repos, cid, "D2", datetime(2025, 11, 20, 9, 0, tzinfo=UTC), "WhatsApp received: Start")
    _old_stop(repos, cid, "D4", STOPPED, had_consent=False)  # no consent to withdraw then
    for number in ("D1", "D2"):  # the CRM's nightly push gave it back, before the upgrade
        debtor, etag = repos.debtors.get(cid, number)
        repos.debtors.save(replace(debtor, whatsapp_consent=True), etag)

    done = WhatsappStopBackfill(repos, there.services.clock).run(cid)
    assert (done.read, done.recorded, done.withdrawn) == (4, ["D1", "D4"], ["D1"])
    d1 = _debtor(repos, cid, "D1")
    assert d1.whatsapp_stopped_on == date(2025, 11, 4) and not d1.whatsapp_consent
    assert _debtor(repos, cid, "D4").whatsapp_stopped_on == date(2025, 11, 4)
    assert _debtor(repos, cid, "D2").whatsapp_stopped_on is None  # his START stands
    assert _debtor(repos, cid, "D2").whatsapp_consent
    assert _debtor(repos, cid, "D3").whatsapp_stopped_on is None  # never sent STOP
    entries, _ = repos.contacts.for_debtor(cid, "D1")
    assert [e.summary for e in entries if e.summary.startswith("WhatsApp consent withdrawn")] == [
        "WhatsApp consent withdrawn again: the debtor sent STOP on 04-11-2025; it stays "
        "withdrawn until he sends START"
    ]

    again = WhatsappStopBackfill(repos, there.services.clock).run(cid)
    assert (again.read, again.recorded, again.withdrawn) == (2, [], [])  # D2, D3 only
    # the push now keeps his STOP (attack7 #3's rule, now that it has a day)
    reply = a.call("POST", DEBTORS, {"items": rows[:1]}).body
    assert [n["field"] for n in reply["notes"]] == ["whatsapp_consent"]
    assert not _debtor(repos, cid, "D1").whatsapp_consent


def test_a_push_before_the_backfill_finds_the_stop_on_the_log(env) -> None:  # noqa: F811
    # the backfill has not run yet: the push that would give consent back reads his log
    there, client, _, _, _ = env
    a, repos, cid = there.agency_a, there.services.repos, client.client_id
    rows = [_row("D1", "+31612345678"), _row("D2", "+31611111111")]
    assert a.call("POST", DEBTORS, {"items": rows}).status == 200
    _old_stop(repos, cid, "D1", STOPPED)
    d2, etag = repos.debtors.get(cid, "D2")  # consent withdrawn by the client, no STOP
    repos.debtors.save(replace(d2, whatsapp_consent=False), etag)
    reply = a.call("POST", DEBTORS, {"items": rows}).body
    assert [(n["index"], n["field"]) for n in reply["notes"]] == [(0, "whatsapp_consent")]
    d1 = _debtor(repos, cid, "D1")
    assert not d1.whatsapp_consent and d1.whatsapp_stopped_on == date(2025, 11, 4)
    assert _debtor(repos, cid, "D2").whatsapp_consent  # the client's own consent, as pushed
