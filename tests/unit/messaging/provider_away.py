"""The outbox's retries of a message whose provider stays away, for tests that need it given
up: three hours apart, as the back-off and the day it waits the provider out allow
(shared/services/send_budget.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def retried_until_given_up(world: Any, attempt: Callable[[], T], tries: int = 12) -> list[T]:
    """``attempt`` (a delivery, or running the queued jobs) ``tries`` times, three hours apart."""
    out = []
    for _ in range(tries):
        out.append(attempt())
        world.clock.advance(hours=3)
    return out
