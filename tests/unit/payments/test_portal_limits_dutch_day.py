"""The portal's per-day limits (payments, moves, requests, messages) count the debtor's day,
Europe/Amsterdam, not UTC's: at 00:30 Dutch time he is in a new day (UTC still says
yesterday, 23:30 in winter and 22:30 in summer), and at 23:30 Dutch time he is still in the
day whose limit he spent in the morning (UTC already says tomorrow). Both at the winter
(UTC+1) and the summer (UTC+2) offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.services.errors import Invalid
from shared.services.portal import (
    MESSAGES_PER_DAY,
    MOVES_PER_DAY,
    PAYMENTS_PER_DAY,
    REQUESTS_PER_DAY,
)
from tests.unit.payments.conftest import shop  # noqa: F401

LIMITS = {
    "payments_per_day": ("count_payment", PAYMENTS_PER_DAY),
    "moves_per_day": ("count_move", MOVES_PER_DAY),
    "requests_per_day": ("count_request", REQUESTS_PER_DAY),
}


def _access(world):
    portal = world.services.portal
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    return portal.links.check(portal.links.token(client_id, "D1"))


def _spend(portal, access, count: str, limit: int) -> None:
    for _ in range(limit):
        getattr(portal, count)(access)


def _refused(portal, access, count: str, code: str) -> bool:
    try:
        getattr(portal, count)(access)
    except Invalid as exc:
        assert exc.code == code
        return True
    return False


# a Dutch day boundary: 00:00 Amsterdam is 23:00 UTC in winter (CET), 22:00 UTC in summer (CEST)
BOUNDARIES = {
    "winter": datetime(2025, 1, 15, 23, 0, tzinfo=UTC),
    "summer": datetime(2025, 7, 15, 22, 0, tzinfo=UTC),
}


@pytest.mark.parametrize("season", sorted(BOUNDARIES))
@pytest.mark.parametrize("code", sorted(LIMITS))
def test_a_limit_spent_before_dutch_midnight_is_new_at_half_past_midnight(shop, season, code):  # noqa: F811
    world, _ = shop
    portal = world.services.portal
    count, limit = LIMITS[code]
    midnight = BOUNDARIES[season]
    world.clock.at = midnight - timedelta(hours=12)  # the Dutch morning (UTC: the same day)
    access = _access(world)
    _spend(portal, access, count, limit)
    world.clock.at = midnight - timedelta(minutes=30)  # 23:30 Dutch time: still that day
    assert _refused(portal, access, count, code)
    # 00:30 Dutch time: a new day, though UTC (22:30 or 23:30) still says the old one
    world.clock.at = midnight + timedelta(minutes=30)
    assert (world.clock.now().date(), world.clock.now().hour) == (
        midnight.date(),
        midnight.hour,
    )
    assert not _refused(portal, access, count, code)


@pytest.mark.parametrize("season", sorted(BOUNDARIES))
def test_a_day_spent_late_in_the_dutch_evening_is_not_new_when_utc_turns(shop, season):  # noqa: F811
    """Spent at 00:30 Dutch time (UTC: yesterday), still spent at 01:30 Dutch time when UTC's
    date has turned too in winter: the same Dutch day, one limit."""
    world, _ = shop
    portal = world.services.portal
    midnight = BOUNDARIES[season]
    world.clock.at = midnight + timedelta(minutes=30)
    access = _access(world)
    _spend(portal, access, "count_payment", PAYMENTS_PER_DAY)
    world.clock.at = midnight + timedelta(hours=2, minutes=30)  # UTC's date turned as well
    assert world.clock.now().date() > midnight.date()
    assert _refused(portal, access, "count_payment", "payments_per_day")


def test_messages_count_the_dutch_day(shop):  # noqa: F811
    world, _ = shop
    portal = world.services.portal
    midnight = BOUNDARIES["summer"]
    world.clock.at = midnight - timedelta(hours=3)
    access = _access(world)
    for i in range(MESSAGES_PER_DAY):
        portal.message(access, f"bericht {i}")
    with pytest.raises(Invalid) as refused:
        portal.message(access, "nog een")
    assert refused.value.code == "messages_per_day"
    world.clock.at = midnight + timedelta(minutes=30)  # 00:30 in Amsterdam, 22:30 UTC
    portal.message(access, "de volgende dag")
