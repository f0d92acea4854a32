"""Times on the console as a Dutch credit manager's clock reads them."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.clock import AMSTERDAM


def local_time(at: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored instant (UTC) in Europe/Amsterdam time: the exports are in Amsterdam time and
    contact hours are judged by it (debtor6 #10: the screen said 05:25 for what the
    contact-log CSV said 06:25)."""
    if at is None:
        return ""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(AMSTERDAM).strftime(fmt)
