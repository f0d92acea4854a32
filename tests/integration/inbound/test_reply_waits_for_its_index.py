"""ops28: a reply quoting a betalingskenmerk of a client whose statement matching index was
never built (perf27 keeps one only once something reads it) built it inside the mailbox reader:
at 200,000 open invoices minutes of reads in the timer that files every mailbox every 2
minutes. Now the reader asks for the build on the ``match-index-build`` queue and files the
reply on a later run, once the index is there; the mailbox is not counted as failing meanwhile,
and a reply that waited :data:`INDEX_WAIT` is filed without that lookup. Nothing is lost."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.tables.inbound_repo import INBOUND_MAILBOXES
from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import BUILT, MATCH_INDEX, VERSION
from shared.domain.inbound.text import split_reply
from shared.ports.tables import Row
from shared.services.inbound.candidates import CandidateFinder, IndexPending
from shared.services.inbound.reader import INDEX_WAIT
from shared.services.match_index_ready import BUILD_QUEUE, BUSY_WAITS
from shared.services.queue_jobs import build_match_index
from tests.integration.inbound.test_inbound_mail_graph import MAILBOX, Setup, setup  # noqa: F401
from tests.unit.api.conftest import invoice_row
from tests.unit.inbound.fixtures import graph_message


def _kenmerk(s: Setup, number: str) -> str:
    body = s.agency.call("GET", f"/v1/clients/C1/invoices/{number}").body
    return str(body["payment_reference"])


def _deliver_quoting(s, kenmerk):
    """From an address on no debtor's file, naming only F-2002's kenmerk: the kenmerk is the
    one piece of evidence."""
    received = (s.services.clock.now() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    message = graph_message("two_debtors", invoice=kenmerk, other_invoice="van vorige maand")
    s.graph.deliver(MAILBOX, {**message, "receivedDateTime": received})


def _marker(s: Setup) -> Row | None:
    return s.services.repos.store.get(MATCH_INDEX, encode(s.client_id), BUILT)


def _data(s: Setup) -> dict[str, Any]:
    marker = _marker(s)
    assert marker is not None
    return dict(marker.data)


def _failing_runs(s: Setup) -> object:
    return s.services.repos.store.get(INBOUND_MAILBOXES, "failures", encode(MAILBOX.lower()))


def _mail(s: Setup) -> list[dict[str, Any]]:
    return list(s.agency.call("GET", "/v1/clients/C1/inbound-mail").body["items"])


def test_a_reply_asks_for_the_index_and_is_filed_once_it_is_built(setup):  # noqa: F811
    s = setup
    reader = s.reader()
    reader.run()  # the watch begins
    s.services.clock.advance(minutes=2)
    _deliver_quoting(s, _kenmerk(s, "F-2002"))
    s.services.clock.advance(minutes=2)
    report = reader.run()
    # not built in the reader: asked for, once, and the reply waits (not a mailbox failure)
    assert _marker(s) is None
    assert (report.filed, report.waiting, report.failed) == (0, 1, {})
    asked = [json.loads(m.body) for m in s.services.queues.sent if m.queue == BUILD_QUEUE]
    assert asked == [{"client_id": s.client_id}]
    assert _mail(s) == []
    assert _failing_runs(s) is None  # the mailbox is not counted as failing
    # a second run before the build: still waiting, no second message from this worker
    s.services.clock.advance(minutes=2)
    assert reader.run().waiting == 1
    assert len([m for m in s.services.queues.sent if m.queue == BUILD_QUEUE]) == 1
    # the queue's handler builds it (twice delivered: the second finds it built)
    for message in s.services.queues.take(BUILD_QUEUE) * 2:
        build_match_index(s.services, message.body.encode())
    assert _data(s)["Version"] == VERSION
    s.services.clock.advance(minutes=2)
    report = reader.run()
    assert (report.filed, report.waiting, report.failed) == (1, 0, {})
    mail = _mail(s)
    assert len(mail) == 1
    assert [c["debtor"] for c in mail[0]["candidates"]] == ["D2"]
    assert s.services.queues.depth(BUILD_QUEUE) == 0


def test_a_reply_whose_index_never_comes_is_filed_without_it_after_the_wait(setup):  # noqa: F811
    """The build's message lost to its poison queue: the reply is not held for ever, nor set
    aside as unreadable; filed with the evidence there is (here none: a stranger's item)."""
    s = setup
    reader = s.reader()
    reader.run()
    s.services.clock.advance(minutes=2)
    _deliver_quoting(s, _kenmerk(s, "F-2002"))
    s.services.clock.advance(minutes=2)
    for _ in range(5):  # more runs than a failing message gets before it is set aside
        assert reader.run().waiting == 1
        s.services.clock.advance(minutes=2)
    s.services.queues.take(BUILD_QUEUE)  # poisoned, never built
    s.services.clock.advance(seconds=INDEX_WAIT.total_seconds())
    report = reader.run()
    assert (report.filed, report.waiting, report.failed) == (1, 0, {})
    assert _marker(s) is None  # still not built in the reader
    kinds = {a.kind for a in s.actions()}
    assert not kinds & {"inbound_mail_unreadable", "inbound_mailbox_unreadable"}, kinds
    assert _failing_runs(s) is None


def test_two_replies_and_an_import_racing_the_build_end_in_one_whole_index(setup, monkeypatch):  # noqa: F811
    """Two workers each file a reply quoting a kenmerk (two build messages); an invoice is
    imported while the first build reads; the second message finds the build begun and is put
    back (not a second build of 200,000 invoices beside it), and one that waited its last time
    builds over the first (a worker that died leaves "begun" behind).
    Every open invoice is indexed once, and a reply quoting the new invoice's kenmerk finds it."""
    s = setup
    client = s.services.repos.clients.get(s.client_id)[0]
    text = split_reply(f"Betaald: {_kenmerk(s, 'F-1001')}\n")
    for _ in range(2):  # two workers: each asks once
        worker = CandidateFinder(s.services.repos, s.services.messaging.outbox, s.services.clock,
                                 s.services.queues)  # fmt: skip
        for _ in range(3):
            with pytest.raises(IndexPending):
                worker.hits([client], "iemand@example.nl", {}, text, "betaling")
    messages = s.services.queues.take(BUILD_QUEUE)
    assert len(messages) == 2
    invoices = s.services.repos.invoices
    real = invoices.open_invoices
    raced: list[int] = []
    put_back: list[str] = []

    def reading_while_others_write(client_id):
        if not raced:
            raced.append(1)
            reply = s.agency.call("POST", "/v1/clients/C1/invoices",
                                  {"items": [invoice_row("F-3003", "D2", amount="42.00")]})  # fmt: skip
            assert reply.status == 200 and reply.body["created"] == 1, reply.body
            # the second worker's message finds the build begun: put back for 5 minutes
            build_match_index(s.services, messages[1].body.encode())
            [again] = s.services.queues.take(BUILD_QUEUE)
            assert (json.loads(again.body)["waited"], again.delay_seconds) == (1, 300)
            put_back.append(again.body)
            # one that waited its last time takes the build over (as if this one had died)
            last = {"client_id": s.client_id, "waited": BUSY_WAITS}
            build_match_index(s.services, json.dumps(last).encode())
            assert s.services.queues.depth(BUILD_QUEUE) == 0
        return real(client_id)

    monkeypatch.setattr(invoices, "open_invoices", reading_while_others_write)
    build_match_index(s.services, messages[0].body.encode())
    assert _data(s)["Version"] == VERSION
    index = s.services.repos.invoices.match_index
    for number, debtor in (("F-1001", "D1"), ("F-2002", "D2"), ("F-3003", "D2")):
        found = index.by_reference(s.client_id, _kenmerk(s, number))
        assert [(f.number, f.debtor) for f in found] == [(number, debtor)], number
    worker = CandidateFinder(s.services.repos, s.services.messaging.outbox, s.services.clock,
                             s.services.queues)  # fmt: skip
    hits = worker.hits([client], "x@example.nl", {}, split_reply(_kenmerk(s, "F-3003")), "")
    assert {(h.debtor_number, h.invoice_number) for h in hits} == {("D2", "F-3003")}
    build_match_index(s.services, put_back[0].encode())  # 5 minutes on: built, nothing to do
    assert s.services.queues.depth(BUILD_QUEUE) == 0  # built: nobody asks again
