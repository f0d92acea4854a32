"""A dunning step's message waiting in the outbox goes out only on or after the client's
go-live day (golive33).

The run holds a client before its ``dunning_starts_on`` (onboard32), but a message the run
wrote before the day was set (or moved later) waited in the outbox (contact hours, the
mailbox's day, a provider's back-off, a poison replay) and went out all the same. The
messaging service asks :meth:`GoLiveDays.waits_until` before it sends a dunning step's message
(``MessagingService._dunning``: a ``dun|`` key with its debtor and invoices, the run's own and
a robocall's fallback). Not held: a person's own message (``by_hand``), portal, payment-plan,
account and notification mails: they are no step of the workflow, and a person or a debtor
asked for them. A sandboxed client's are held too: its run holds alike, and a step taken
in a test before the day would count as taken on the day it goes live.

Held by closing it unsent, as a message whose account is no longer the client's
(``named_account``): its status ``failed``, the reason its error and on the debtor's contact
log, ``cancelled`` with no invoice re-planned, so its invoices go back to where they stood
before the run advanced them (``DunningService.replan`` -> ``_rewind``) with a schedule row
for the day it was closed. The run holds that row until the go-live day and plans the step
then, under a new key (the closed one is never sent): the step goes once, on or after the
day, and the steps after it count from then. Kept waiting instead, the message would go out
weeks late with its figures of the day it was written, and the next step would follow it
at the workflow's spacing from that day (days after it, or at once). A redelivered job finds
the record final and redoes only its follow-ups that are missing (each keyed by the message).

Cost: one read of the client per process and client every :data:`TRUSTED_FOR`.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

from shared.clock import amsterdam_date
from shared.services.repositories import Repositories

BEFORE_GO_LIVE = "before_go_live"  # ``not_sent`` of a dunning message held for the day
# how long a process trusts the go-live day it read: a morning's messages of one client go
# out in a burst; a day set meanwhile is seen by the messages after it
TRUSTED_FOR = timedelta(seconds=30)


class GoLiveDays:
    """The clients' go-live days as a process last read them (one per messaging service)."""

    def __init__(self) -> None:
        self._read: dict[str, tuple[datetime, date | None]] = {}
        self._lock = threading.Lock()

    def waits_until(self, repos: Repositories, client_id: str, now: datetime) -> date | None:
        """The client's go-live day when ``now`` (its Amsterdam day) is before it; else None."""
        with self._lock:
            read = self._read.get(client_id)
        if read is None or not read[0] <= now < read[0] + TRUSTED_FOR:
            found = repos.clients.get(client_id)
            day = found[0].dunning_starts_on if found is not None else None
            read = (now, day)
            with self._lock:
                self._read[client_id] = read
        day = read[1]
        return day if day is not None and amsterdam_date(now) < day else None


def held_reason(day: date) -> str:
    """The error of a message held for the go-live day (as the debtor's contact log says it)."""
    return (
        f"niet verstuurd: de incasso van de opdrachtgever begint op {day:%d-%m-%Y}; "
        "de stap volgt op of na die dag"
    )
