"""A second step whose code was accepted, and the sign-in cut after it.

Accepting a TOTP or recovery code is a write (the code is spent, RFC 6238 §5.2, ASVS 5.0
6.5.1); the new session, the audit and the mail come after it. A storage 503 in between
(throttling beyond the client's retries: the page says "try again") left the code spent and
the person not signed in: the same form again was refused, a recovery code was lost for good,
and the code his app still showed was "already used" and counted as a failed attempt
(failure24 F3). The write that spends the code now also names the password-stage session it
was entered in; that session, still alive, completes its sign-in without a code. No other
session can: the code stays spent everywhere else.
"""

from __future__ import annotations

from shared.domain.people.accounts import User

FACTOR_PASSED = "factor_passed"  # User.extra: "<session key>|<how>" of the last accepted code


def mark(extra: dict[str, str], session_key: str, how: str) -> dict[str, str]:
    """``extra`` with the mark of a code accepted in this session (nothing without a key)."""
    return {**extra, FACTOR_PASSED: f"{session_key}|{how}"} if session_key else extra


def passed_here(user: User, session_key: str) -> str | None:
    """How this session's second step was passed already (``totp``, ``recovery``), if so."""
    key, _, how = user.extra.get(FACTOR_PASSED, "").partition("|")
    return how if key and how and key == session_key else None
