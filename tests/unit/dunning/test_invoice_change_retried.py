"""A person's change to an invoice sent again: the answer lost (the caller's timeout), or the
request cut off after the invoice's save and retried (failure15 F8, F9). The retry finishes
what the cut left and adds nothing twice: one contact entry per pause or promise, one
dispute item per dispute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def _said(world: Any, word: str) -> list[str]:
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    return [e["summary"] for e in log if word in e["summary"]]


def test_a_pause_cut_off_at_the_contact_log_is_logged_by_the_retry_once(
    engine: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cut off after the invoice was saved paused, at the contact log's write: the retry used
    to find the invoice as asked ('recorded and told already') and never log the pause."""
    world, _client = engine
    a = world.agency_a
    contacts = world.services.repos.contacts

    def cut_off(*args: Any, **kw: Any) -> None:  # the worker dies at the contact log's write
        raise RuntimeError("cut off")

    with monkeypatch.context() as m:
        m.setattr(contacts, "add_once", cut_off)  # the pause's line, written once
        first = a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2025-06-01"})
    assert first.status == 500, first.body
    for _ in range(2):  # the retry, and a second click later: logged once
        again = a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2025-06-01"})
        assert again.status == 200, again.body
        assert _said(world, "paused") == ["Invoice F1 paused until 2025-06-01"]
        world.clock.at += timedelta(minutes=5)


def test_a_promise_and_a_pause_of_one_invoice_are_each_logged(engine: Any) -> None:  # noqa: F811
    """The keys of the entries are the arrangements': a promise made on a paused invoice is
    logged beside the pause, and a new day of pause is logged again."""
    world, _client = engine
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2025-06-01"}).status == 200
    today = world.services.dunning.clock.now().date()
    until = (today + timedelta(days=7)).isoformat()
    reply = a.call("POST", "/v1/clients/C1/invoices/F1/promise", {"until": until})
    assert reply.status == 200, reply.body
    assert a.call("POST", "/v1/clients/C1/invoices/F1/promise", {"until": until}).status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2025-07-01"}).status == 200
    assert sorted(_said(world, "paused")) == [
        "Invoice F1 paused until 2025-06-01",
        "Invoice F1 paused until 2025-07-01",
    ]
    assert _said(world, "Promise") == [f"Promise to pay invoice F1 by {until}"]


def test_a_dispute_sent_again_is_one_item(engine: Any) -> None:  # noqa: F811
    """The same dispute sent again 30 s later (the caller's retry after its timeout) used to
    add a second 'dispute' item under a fresh time-ordered id: 2 items for 1 dispute."""
    world, _client = engine
    a = world.agency_a
    body = {"reason": "goods never arrived"}
    first = a.call("POST", "/v1/clients/C1/invoices/F1/dispute", body)
    assert first.status == 200, first.body
    world.clock.at += timedelta(seconds=30)
    again = a.call("POST", "/v1/clients/C1/invoices/F1/dispute", body)
    assert again.status == 200, again.body
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    disputes = [i for i in items if i["kind"] == "dispute"]
    assert (len(disputes), len(_said(world, "disputed"))) == (1, 1), (disputes,)


def test_a_pause_or_promise_made_again_the_same_day_after_a_resume_is_logged_again(
    engine: Any,  # noqa: F811
) -> None:
    """codereview15b F1: paused until 2025-06-01, resumed, paused again until 2025-06-01 the
    same day: the second pause made the first one's key and was never logged (the log read
    'paused, resumed' of a paused invoice). The same for a promise; a retry still logs once."""
    world, _client = engine
    a = world.agency_a
    today = world.services.dunning.clock.now().date()
    until = (today + timedelta(days=7)).isoformat()
    for path, body in (
        ("pause", {"until": "2025-06-01"}),
        ("resume", {}),
        ("pause", {"until": "2025-06-01"}),
        ("pause", {"until": "2025-06-01"}),  # the retry of the second pause
        ("resume", {}),
        ("promise", {"until": until}),
        ("resume", {}),
        ("promise", {"until": until}),
        ("promise", {"until": until}),  # the retry of the second promise
    ):
        reply = a.call("POST", f"/v1/clients/C1/invoices/F1/{path}", body)
        assert reply.status == 200, (path, reply.body)
        world.clock.at += timedelta(minutes=1)
    assert _said(world, "paused") == ["Invoice F1 paused until 2025-06-01"] * 2
    assert _said(world, "Promise") == [f"Promise to pay invoice F1 by {until}"] * 2
    assert len(_said(world, "resumed")) == 3
    invoice = a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert invoice["promise_until"] == until, invoice


def test_a_dispute_raised_again_the_same_day_after_it_was_resolved_has_an_open_item(
    engine: Any,  # noqa: F811
) -> None:
    """codereview15b F2: disputed, item resolved, dispute resolved, disputed again the same day
    with the same words: the second dispute's item clashed with the resolved one and was
    dropped (1 item, 0 open: the invoice disputed, dunning stopped, nobody asked to handle it).
    Its retry still adds nothing."""
    world, _client = engine
    a = world.agency_a
    body = {"reason": "goods never arrived"}

    def disputes() -> list[dict[str, Any]]:
        items = a.call("GET", "/v1/clients/C1/actions").body["items"]
        return [i for i in items if i["kind"] == "dispute"]

    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", body).status == 200
    [first] = disputes()
    done = a.call("POST", f"/v1/clients/C1/actions/{first['action_id']}/resolve",
                  {"resolution": "sorted"})  # fmt: skip
    assert done.status == 200, done.body
    assert a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute", {}).status == 200
    for _ in range(2):  # the new dispute, and its retry
        world.clock.at += timedelta(minutes=10)
        assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", body).status == 200
    states = sorted(i["status"] for i in disputes())
    assert states == ["open", "resolved"], disputes()
