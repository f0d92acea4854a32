"""Server-side sessions: an opaque random id in a ``__Host-`` cookie, the state in storage.

ASVS 5.0 7.2.4 (a new id at sign-in and after a factor change), 7.3.1 (idle timeout, 30
minutes), 7.3.2 (absolute lifetime, 12 hours), 7.4.1 (termination ends it server side),
3.3.1 (``__Host-`` prefix, Secure), 3.3.2 (SameSite), 3.3.4 (HttpOnly). Storage keeps a
keyed hash of the id, never the id itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
PENDING = timedelta(minutes=10)  # password given, second factor not yet
TOUCH_EVERY = timedelta(minutes=1)  # last-seen is written at most this often
COOKIE = "__Host-inning_session"


class Stage(StrEnum):
    PASSWORD = "password"  # noqa: S105  first factor done: may only complete the second
    ENROL = "enrol"  # invited user with a password, enrolling a second factor
    FULL = "full"


@dataclass(frozen=True)
class Session:
    key: str  # keyed hash of the cookie's id
    user_id: str
    stage: Stage
    created_at: datetime
    last_seen: datetime
    epoch: int  # the user's epoch when it was made
    csrf: str
    source: str = ""  # hashed address
    agent: str = ""
    sms_challenge: str | None = None
    revoked: bool = False
    # the key of the session that took this one's place (a new id after sign-in or a factor
    # or password change): a sign-out of this cookie ends that one too (sec28)
    renewed_to: str | None = None

    def alive(self, now: datetime, user_epoch: int) -> bool:
        if self.revoked or self.epoch != user_epoch:
            return False
        if self.stage is not Stage.FULL:
            return now - self.created_at < PENDING
        return now - self.last_seen < IDLE and now - self.created_at < ABSOLUTE

    def needs_touch(self, now: datetime) -> bool:
        return now - self.last_seen >= TOUCH_EVERY


def new_session_id() -> str:
    return secrets.token_urlsafe(32)  # 256 bits (ASVS 5.0 7.2.3: at least 128)


def new_csrf() -> str:
    return secrets.token_urlsafe(24)
