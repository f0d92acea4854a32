"""How long a message waits out a provider that is away before the outbox gives up on it.

A transient failure (429, 503, a refused connection) puts the message back with a back-off
that doubles from a minute up to an hour. Counted in attempts alone, six of them gave up 31
minutes after the first: a provider away for an hour (Graph, CM and Pingen have such
incidents) failed for good every message of its first half hour, each with an item for a
person to resend by hand (failure24 F1). A message now gives up only when it has had its
attempts *and* the provider has been away for it ``PROVIDER_AWAY``: the time from its first
transient failure is kept on the record (``FAILING_SINCE``). A person's own sign-in mail or
code keeps the attempts alone: a code is worth nothing hours later. The same day bounds the
questions put to a provider that can confirm a send after a lost answer (Graph's Sent Items)
while the question itself fails (failure24 F4).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.domain.messaging import OutboundMessage

MAX_ATTEMPTS = 6
PROVIDER_AWAY = timedelta(hours=24)
FAILING_SINCE = "failing_since"  # extra on a record: its first transient failure (ISO time)
ACCOUNT = "account"  # extra on a person's own sign-in mail or code (no waiting)


def failing_since(message: OutboundMessage, now: datetime) -> datetime:
    """When the provider first failed this message (``now`` at its first failure)."""
    kept = message.extra.get(FAILING_SINCE)
    return datetime.fromisoformat(kept) if kept else now


def gives_up(message: OutboundMessage, now: datetime) -> bool:
    """Whether a transient failure now ends the message's tries."""
    if message.attempts < MAX_ATTEMPTS:
        return False
    if ACCOUNT in message.extra:
        return True
    return not still_away(failing_since(message, now), now)


def still_away(since: datetime, now: datetime) -> bool:
    """Whether a provider failing since ``since`` is still waited for."""
    return now - since < PROVIDER_AWAY
