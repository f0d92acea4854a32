"""Whoever holds a debtor's portal link (a forwarded mail, a script) cannot write without end:
postponements granted at once are bounded per debtor and day like his requests and messages."""

from __future__ import annotations

from datetime import timedelta

from shared.api.portal_app import PortalApp
from tests.hostile.conftest import record
from tests.unit.payments.conftest import shop  # noqa: F401 - the in-memory app and client C1
from tests.unit.payments.test_portal import enter

MOVES_PER_DAY = 10  # shared.services.portal.MOVES_PER_DAY


def test_postponements_granted_at_once_are_bounded_per_debtor_and_day(shop):  # noqa: F811
    world, _ = shop
    app = PortalApp(world.services)
    browser = enter(world, app)
    store = world.services.repos.store
    log = store._tables["ContactLog"]  # every granted postponement writes a line here
    answers = []
    for i in range(3 * MOVES_PER_DAY):
        until = f"2025-03-{22 + i % 8:02d}"  # inside the client's 14 days: granted at once
        reply = browser.post("/portal/postpone", invoice=["F1"], until=until, reason=f"r{i}")
        record("portal postpone flood", reply.status)
        answers.append(reply.status)
    assert answers[:MOVES_PER_DAY] == [303] * MOVES_PER_DAY
    assert answers[MOVES_PER_DAY:] == [400] * (2 * MOVES_PER_DAY)
    written = len(log)
    assert written <= 2 * MOVES_PER_DAY, written
    refused = browser.post("/portal/postpone", invoice=["F1"], until="2025-03-25", reason="x")
    assert "probeer het morgen opnieuw" in refused.encoded().decode()
    assert len(log) == written
    # the other debtor of the client is his own: not throttled by D1's posts
    other = enter(world, app, "D2")
    ok = other.post("/portal/postpone", invoice=["F9"], until="2025-03-25", reason="x")
    assert ok.status == 303, ok.raw
    world.clock.at += timedelta(days=1)  # and the next day D1 may again
    again = browser.post("/portal/postpone", invoice=["F1"], until="2025-03-26", reason="x")
    assert again.status == 303, again.raw
