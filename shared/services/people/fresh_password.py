"""After an administrator resets a person's second factor, their password no longer signs in
until they set a new one through the link mailed to them (people27 F7).

A reset is what an admin does for an account taken over: the attacker knows the password, and
with the factor cleared whoever signs in first enrolled the new one, so the admin's remedy let
the attacker in. The reset now marks the row (``User.extra``) and mails a password-reset link;
the sign-in refuses the old password while the mark stands, and setting a password through a
reset link clears it. Only whoever reads the person's mailbox continues. Rows without the mark
sign in as before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.domain.people.accounts import User

# User.extra: when the reset asked for a new password
FRESH_PASSWORD = "fresh_password_since"  # noqa: S105 - a row key, no password


def required(user: User) -> bool:
    return FRESH_PASSWORD in user.extra


def require(user: User, at: datetime) -> User:
    return replace(user, extra={**user.extra, FRESH_PASSWORD: at.isoformat()})


def cleared(user: User) -> User:
    return replace(user, extra={k: v for k, v in user.extra.items() if k != FRESH_PASSWORD})
