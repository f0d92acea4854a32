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
