"""A debtor's postponement in the portal only ever adds time (attack15b B1): a pause staff
set that runs past the asked day (until resumed, 60 days) stands, with its day and the day it
was set, the debtor is told so on the page, and the log says what he asked, not "paused until"
his day. A shorter pause is still lengthened to the day he asked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.records import ContactKind
from tests.unit.payments.test_portal import enter
from tests.unit.payments.test_portal import portal as portal


def _staff_pause_then_ask(world, app, staff_body, days=10):  # type: ignore[no-untyped-def]
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/invoices/F1/pause", staff_body).status == 200
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    before = world.services.repos.invoices.get(client_id, "F1").invoice
    world.clock.at = world.clock.now() + timedelta(days=1)  # the debtor asks a day later
    browser = enter(world, app)
    asked = world.clock.now().date() + timedelta(days=days)
    response = browser.post("/portal/postpone", invoice=["F1"], until=asked.isoformat(),
                            reason="salaris")  # fmt: skip
    after = world.services.repos.invoices.get(client_id, "F1").invoice
    return browser, response, before, after, asked, client_id


@pytest.mark.parametrize("days", [None, 60])
def test_a_longer_staff_pause_stands_and_the_debtor_is_told(portal, days):
    world, _, app = portal
    body = {} if days is None else {"until": (world.clock.now().date() + timedelta(days=days)).isoformat()}  # fmt: skip
    browser, response, before, after, asked, client_id = _staff_pause_then_ask(world, app, body)
    assert response.status == 303 and response.headers["Location"].endswith("done=kept")
    # the day staff chose, and the day they chose it: dunning does not restart on the 11th
    assert (after.paused_until, after.paused_on) == (before.paused_until, before.paused_on)
    assert after.paused_until > asked
    nl = browser.page(done="kept")
    assert "gold al een langere pauze: die blijft staan" in nl
    en = browser.page(done="kept", lang="en")
    assert "already on hold for longer: that hold stays" in en
    log, _ = world.services.repos.contacts.for_debtor(client_id, "D1")
    assert not any(f"until {asked}" in e.summary and e.kind is ContactKind.PAUSE for e in log)
    note = [
        e for e in log if e.kind is ContactKind.NOTE and "longer pause of F1 stands" in e.summary
    ]
    assert len(note) == 1 and f"until {asked}: salaris" in note[0].summary


def test_a_shorter_staff_pause_is_lengthened_to_the_day_asked(portal):
    world, _, app = portal
    short = (world.clock.now().date() + timedelta(days=3)).isoformat()
    _, response, before, after, asked, _ = _staff_pause_then_ask(world, app, {"until": short})
    assert response.headers["Location"].endswith("done=postponed")
    assert after.paused_until == asked and after.paused_on == world.clock.now().date()
    assert before.paused_until is not None and before.paused_until < asked
