"""A debtor's pause (or resume) whose save was applied and its answer lost: azure-core retries
the PUT and meets the save itself, 412, read as another request's. The change was made and
the request answered 200, but its contact-log line ("Paused: ...") was never written: the
dossier showed no reason why the debtor was no longer dunned (failure20 D1)."""

from __future__ import annotations

from typing import Any

from shared.ports.tables import PreconditionFailed
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.dunning.test_pause_keeps_spacing import _client


def _refuse_own_save_once(w: Any) -> dict[str, int]:
    store = w.services.repos.debtors.store
    real = store.replace
    left = {"n": 1}

    def replace(table: str, row: Any, *args: Any, **kw: Any) -> Any:
        done = real(table, row, *args, **kw)
        if table == "Debtors" and left["n"]:
            left["n"] -= 1
            raise PreconditionFailed("412: the retried PUT met its own write")
        return done

    store.replace = replace
    return left


def _lines(a: Any, word: str) -> list[str]:
    items = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    return [str(i["summary"]) for i in items if word in str(i["summary"])]


def test_a_pause_whose_save_met_itself_is_on_the_contact_log_once(world):  # noqa: F811
    a, _ = _client(world)
    left = _refuse_own_save_once(world)
    reply = a.call("POST", "/v1/clients/C1/debtors/D1/pause", {"reason": "belt terug"})
    assert reply.status == 200 and left["n"] == 0
    assert a.call("GET", "/v1/clients/C1/debtors/D1").body["paused"] is True
    assert _lines(a, "Paused") == ["Paused: belt terug"]
    # the request again (the client's retry): the pause stands, nothing told twice
    assert a.call("POST", "/v1/clients/C1/debtors/D1/pause", {"reason": "belt terug"}).status == 200
    assert _lines(a, "Paused") == ["Paused: belt terug"]
    _refuse_own_save_once(world)
    assert a.call("POST", "/v1/clients/C1/debtors/D1/resume").status == 200
    assert _lines(a, "Resumed") == ["Resumed"]


def _crash_before_the_line_once(w: Any) -> dict[str, int]:
    """The request dies after the debtor's save, before its contact-log line is written."""
    contacts = w.services.repos.contacts
    left = {"n": 1}

    def dying(real: Any) -> Any:
        def write(entry: Any) -> Any:
            if left["n"]:
                left["n"] -= 1
                raise RuntimeError("injected: the worker died before the line")
            return real(entry)

        return write

    contacts.add, contacts.add_once = dying(contacts.add), dying(contacts.add_once)
    return left


def test_a_pause_cut_before_its_line_is_told_by_the_retry_once(world):  # noqa: F811
    """failure21: a crash (no 412) between the save and the line left the pause standing with
    no line; the retry found the pause made ("told once") and wrote none."""
    a, client = _client(world)
    left = _crash_before_the_line_once(world)
    reply = a.call("POST", "/v1/clients/C1/debtors/D1/pause", {"reason": "belt terug"})
    assert reply.status >= 500 and left["n"] == 0
    assert a.call("GET", "/v1/clients/C1/debtors/D1").body["paused"] is True
    assert _lines(a, "Paused") == []
    for _ in range(2):  # the client's retry, then once more: one line
        assert (
            a.call("POST", "/v1/clients/C1/debtors/D1/pause", {"reason": "belt terug"}).status
            == 200
        )
        assert _lines(a, "Paused") == ["Paused: belt terug"]
    _crash_before_the_line_once(world)
    assert a.call("POST", "/v1/clients/C1/debtors/D1/resume").status >= 500
    assert a.call("POST", "/v1/clients/C1/debtors/D1/resume").status == 200
    assert _lines(a, "Resumed") == ["Resumed"]
    assert world.services.repos.debtors.get(client.client_id, "D1")[0].pending_line is None


def test_a_pause_cut_before_its_line_and_never_retried_is_told_by_the_run(world):  # noqa: F811
    """Nobody sends the request again: the daily run's look at the debtor writes the line."""
    from tests.unit.dunning.test_daily_run import simulate

    a, client = _client(world)
    _crash_before_the_line_once(world)
    assert a.call("POST", "/v1/clients/C1/debtors/D1/pause", {"reason": "belt terug"}).status >= 500
    assert _lines(a, "Paused") == []
    simulate(world, client, 20)
    assert _lines(a, "Paused") == ["Paused: belt terug"]
    assert world.services.repos.debtors.get(client.client_id, "D1")[0].pending_line is None
