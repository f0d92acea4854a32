"""How far ahead a client's go-live day (``Client.dunning_starts_on``) may lie (small33).

Unbounded, a typo (2062 for 2026) stored a client whose dunning waits for decades with
nothing saying so but readiness; the days the preview and the claim routes look ahead are
bounded alike (``MAX_DAYS_AHEAD``). Every path that sets the day asks this: ``POST
/v1/clients`` (per row), ``POST /v1/onboarding/clients`` and the console's Settings."""

from __future__ import annotations

from datetime import date, timedelta

from shared.services.errors import Invalid
from shared.services.reports.open_items import MAX_DAYS_AHEAD


def too_far_message(today: date) -> str:
    latest = today + timedelta(days=MAX_DAYS_AHEAD)
    return f"the go-live day is at most {MAX_DAYS_AHEAD} days ahead ({latest.isoformat()})"


def require_go_live_day(day: date | None, today: date) -> None:
    """Refuses a go-live day more than ``MAX_DAYS_AHEAD`` days after ``today`` (Amsterdam).
    A day past is allowed: it means live, as before."""
    if day is not None and day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise Invalid(too_far_message(today), "dunning_starts_on",
                      code="dunning_starts_on_too_far", params={"days": MAX_DAYS_AHEAD})  # fmt: skip
