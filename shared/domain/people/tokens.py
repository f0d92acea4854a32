"""Single-use links in mails: invitations (72 hours), password resets (1 hour), e-mail
verification of a sign-up (24 hours). The link carries a random token; storage keeps a keyed
hash of it, its purpose, its expiry and whether it was used."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Purpose(StrEnum):
    INVITE = "invite"
    RESET = "reset"
    SIGNUP = "signup"


LIFETIME = {
    Purpose.INVITE: timedelta(hours=72),
    Purpose.RESET: timedelta(hours=1),
    Purpose.SIGNUP: timedelta(hours=24),
}


@dataclass(frozen=True)
class LinkToken:
    key: str  # keyed hash of the token
    purpose: Purpose
    subject: str  # user id (invite, reset) or sign-up id
    created_at: datetime
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now - self.created_at < LIFETIME[self.purpose]


def new_token() -> str:
    return secrets.token_urlsafe(32)
