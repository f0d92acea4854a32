"""A key minted while its person's access was being ended is ended too (sec28).

Ending a person's access (``end-sessions``, ``reset-factor``, deactivation) first writes the
person's row (a new epoch, ``sessions_ended_at``, the status) and then revokes every key
``IssuedBy`` them (:func:`shared.services.access.end_persons_keys`). A mint by their session,
or by a key of theirs, that was authenticated before that row was written and stored its key
after the keys were listed, escaped both: whoever held the taken-over session kept a key that
read every client (200 after the end). The mint therefore looks again once its key is stored:
either the revocation listed the new key, or this look sees the person's row as the ending
wrote it, and the key is revoked here. A role lowered in that instant is seen for a session's
mint (its role is compared), not for a key's (a role change writes no time of its end).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.adapters.tables.people_repo import PeopleRepositories
from shared.domain.access import ApiKey, Principal
from shared.domain.people.accounts import UserStatus
from shared.domain.people.authorisation import UserPrincipal
from shared.ports.tables import PreconditionFailed
from shared.services.people.invited_by import SESSIONS_ENDED
from shared.services.repositories import Repositories


def issuer_ended(people: PeopleRepositories, repos: Repositories, issuer: Principal,
                 now: datetime) -> bool:  # fmt: skip
    """Whether the person behind ``issuer`` lost the access it minted with, by now."""
    if isinstance(issuer, UserPrincipal) and issuer.user_id:
        found = people.users.get(issuer.user_id)
        session = people.sessions.get(issuer.session_id)
        if found is None or session is None:
            return True
        user = found[0]
        return (user.status is UserStatus.DEACTIVATED or user.role is not issuer.role
                or not session.alive(now, user.epoch))  # fmt: skip
    if not issuer.issued_by:
        return False  # an integration's key minted by no person: nobody's access ends it
    parent = repos.api_keys.get(issuer.key_id)
    person = people.users.get(issuer.issued_by)
    if parent is None or not parent[0].usable_at(now):
        return True
    if person is None or person[0].status is UserStatus.DEACTIVATED:
        return True
    stamp = person[0].extra.get(SESSIONS_ENDED, "")
    # the issuing key is older than the end of its person's sessions: it is being revoked
    return bool(stamp) and datetime.fromisoformat(stamp) >= parent[0].created_at


def revoke_if_issuer_ended(people: PeopleRepositories, repos: Repositories, issuer: Principal,
                           key: ApiKey, now: datetime) -> bool:  # fmt: skip
    """Revokes ``key`` (just minted by ``issuer``) when its issuer's access ended meanwhile;
    True when it did (the caller answers 401 and hands out no key text)."""
    if not issuer_ended(people, repos, issuer, now):
        return False
    for _ in range(5):
        found = repos.api_keys.get(key.key_id)
        if found is None or found[0].revoked_at is not None:
            break  # the ending's own pass revoked it meanwhile
        assert found[1] is not None
        try:
            repos.api_keys.save(replace(found[0], revoked_at=now), found[1])
            break
        except PreconditionFailed:
            continue
    return True
