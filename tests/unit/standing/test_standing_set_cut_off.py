"""A standing set by a person (WSNP of 18-3) cut off at the contact log's write (failure15 F4):
the retry (same body) finds the debtor as asked. Before, the row was saved first and the
retry told nobody: the contact log never said the standing changed and the audit log never
recorded who set it (DEBTOR_STANDING_CHANGED). Both are now written before the row, keyed by
the change: once, cut or not, however often the request is sent."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.people.audit import Event
from tests.unit.dunning.test_daily_run import engine  # noqa: F401

URL = "/v1/clients/C1/debtors/D1/standing"


def _audited(world: Any, client: Any) -> list[Any]:
    audit = world.services.people.kit.people.audit
    return [e for e in audit.between(f"client:{client.client_id}", "0", "z")
            if e.event is Event.DEBTOR_STANDING_CHANGED]  # fmt: skip


@pytest.mark.parametrize("cut", [False, True])
def test_a_standing_set_cut_off_at_the_contact_log_is_logged_and_audited_once(
    engine: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    cut: bool,
) -> None:
    world, client = engine
    a = world.agency_a
    world.clock.at = world.clock.at.replace(year=2025, month=3, day=18)
    body = {"standing": "wsnp", "since": "2025-03-18"}
    if cut:
        contacts = world.services.repos.contacts

        def cut_off(*args: Any, **kw: Any) -> None:  # the worker dies at the contact's write
            raise RuntimeError("cut off")

        with monkeypatch.context() as m:
            m.setattr(contacts, "add_once", cut_off)  # the change's line, written once
            first = a.call("POST", URL, body)
        assert first.status == 500, first.body
    for _ in range(2):  # the retry, and the same request once more
        again = a.call("POST", URL, body)
        assert again.status == 200, again.body
        assert a.call("GET", URL).body["standing"] == "wsnp"
        log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
        told = [e for e in log if e["kind"] == "status" and "wsnp" in e["summary"].lower()]
        audited = _audited(world, client)
        assert (len(told), len(audited)) == (1, 1), (told, audited)
        assert (audited[0].detail["before"], audited[0].detail["after"]) == (
            "normal",
            "wsnp since 2025-03-18",
        )
