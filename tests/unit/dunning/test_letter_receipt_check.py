"""attack6 finding 4: "14-day letter received" was accepted for a letter whose sending FAILED
(never posted: no letter exists) and with ``received_on`` the very day it was handed to the
post (costs owed from 18 March, before the letter's own presumed term). Both are refused."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.messaging import OutboxStatus
from tests.unit.api.conftest import World
from tests.unit.dunning import test_letter_received_on as base


def _failed_letter(world: World):
    """As base._returned_letter, but the provider reports the letter failed (never posted)."""
    orig = world.services.messaging.record_status

    def as_failed(provider, pid, status, detail=None):
        return orig(provider, pid, OutboxStatus.FAILED, "print provider refused the PDF")

    world.services.messaging.record_status = as_failed  # type: ignore[method-assign]
    try:
        return base._returned_letter(world)
    finally:
        world.services.messaging.record_status = orig  # type: ignore[method-assign]


def test_a_letter_never_sent_cannot_have_been_received(world: World) -> None:
    a = _failed_letter(world)
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    for body in ({"received_on": "2025-03-05"}, {}):
        reply = a.call("POST", base.URL, body)
        assert reply.status == 422, reply.body
        assert "never sent" in str(reply.body["error"])
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-02").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"


def test_a_posted_letter_is_not_received_before_the_first_delivery_day(world: World) -> None:
    a = base._returned_letter(world)  # posted Mon 2025-03-03: first delivery day Tue 03-04
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    reply = a.call("POST", base.URL, {"received_on": "2025-03-03"})
    assert reply.status == 422, reply.body
    assert "received_on" in str(reply.body["error"])
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body.get("costs_owed_from") is None
    # the first delivery day is possible (the presumption is the second, Wed 03-05)
    reply = a.call("POST", base.URL, {"received_on": "2025-03-04"})
    assert reply.status == 200 and reply.body["costs_term_restored"] == ["F1"], reply.body
