"""Who an invitation is from, and whether they may still invite there (attack26 F5).

A person's sessions and keys end with their access (deactivated, or another role: attack24
F11, attack26 F1/F2); an invitation they sent did not. A leaving agency admin invited a
private address as agency admin, and whoever held that link came in for 72 hours after the
leaver was gone. The invitation row now names the person who invited (``User.extra``), and the
acceptance asks whether that person may still invite into its organisation. One made by a key,
the operator's command line or onboarding names no person and stands; one made before this
names nobody and stands too.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from shared.adapters.tables.people_repo import UserRepository
from shared.domain.people.accounts import User, UserStatus
from shared.domain.people.authorisation import Action, may

INVITED_BY = "invited_by"  # User.extra: the user id of the person who invited
# User.extra of the inviter: when an administrator (or the operator) last ended all their
# sessions, or they recovered the account themselves (a new password, their other sessions
# ended: attack31 F2), as for an account taken over: what was invited before is not theirs
SESSIONS_ENDED = "sessions_ended_at"
_PERSON = re.compile(r"u[0-9a-f]{16}")  # a person's user id (random_id("u"))


def mark(actor: str) -> dict[str, str]:
    """The extra of an invitation ``actor`` makes: a person's id (not ``key:…``, ``cli`` or
    ``self-signup``: those are no person whose access can end)."""
    return {INVITED_BY: actor} if _PERSON.fullmatch(actor) else {}


def ended(user: User, at: datetime) -> User:
    """``user`` with their sessions ended at ``at`` (:data:`SESSIONS_ENDED`)."""
    return replace(user, extra={**user.extra, SESSIONS_ENDED: at.isoformat()})


def still_may(users: UserRepository, invitation: User, sent_at: datetime | None = None) -> bool:
    """Whether the person who made ``invitation`` may still invite into its organisation;
    ``sent_at``: when its link was made, refused when the inviter's sessions were ended after
    it (people27 F1: whoever held their session could invite a private address as admin)."""
    inviter = invitation.extra.get(INVITED_BY, "")
    if not inviter:
        return True
    found = users.get(inviter)
    if found is None or found[0].status is UserStatus.DEACTIVATED:
        return False
    stamp = found[0].extra.get(SESSIONS_ENDED, "")
    if sent_at is not None and stamp and datetime.fromisoformat(stamp) >= sent_at:
        return False
    return may(found[0].principal(""), Action.MANAGE_USERS, invitation.tenant)
