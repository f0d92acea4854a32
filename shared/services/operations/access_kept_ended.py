"""A restore never gives back access that was ended since the backup (review27 F3).

Restoring the ``parties`` set made ``ApiKeys`` as it was that night, so a key revoked since
(``DELETE /v1/keys``, or with its person's sessions: attack24 F11, attack26 L3) answered 200
again; restoring ``people`` gave a deactivated person their status back, and a person whose
sessions an administrator ended, or whose factor was reset, as for an account taken over,
their old password, second factor and epoch (every old session alive again) and no
``sessions_ended_at`` (the invitations they sent accepted again, people27). Like money that
left (``NEVER_ROLLED_BACK``), an ending is a fact no restore undoes: each restored row keeps
what ended later than the backup in the row as it is now.

- ``ApiKeys``: the earlier ``RevokedAt`` of the two (a key revoked since stays revoked).
- ``Clients``: a client deactivated since stays inactive (its keys refused).
- ``Users``: a status ``deactivated`` now stays; a role lowered since stays lowered; when the epoch moved on since (deactivation,
  ended sessions, a factor reset, a new password or factor: each ends every session), the
  sign-in columns are today's, not the night's; ``sessions_ended_at`` is the later one.

A row written since the backup is still deleted (a key minted since is gone with it), and a
row the tables lack now (a restore into a new account) comes back as the backup holds it:
there is nothing later to keep; docs/operations.md section 7 says what to check then."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.adapters.tables.backup import Later
from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.people_repo import SEED_COLUMN, USERS
from shared.adapters.tables.schema import API_KEYS, CLIENTS
from shared.domain.people.accounts import UserStatus
from shared.domain.people.authorisation import Role
from shared.services.people.invited_by import SESSIONS_ENDED

# what a person signs in with, and the epoch every session of theirs carries
SIGN_IN_COLUMNS = (
    "PasswordHash", "Factor", SEED_COLUMN, "TotpLastStep", "RecoveryHashes", "Epoch",
    "ChangedAt",
)  # fmt: skip


def _int(value: Any) -> int:
    """An Int32/Int64 property as read (an Int64 may come as an EntityProperty)."""
    return int(getattr(value, "value", value) or 0)


def _rank(role: Any) -> int:
    """How much a role may do: its admin above its staff above read-only (a person is an
    agency's or a client's for good, so only roles of one side are compared)."""
    return {
        Role.AGENCY_ADMIN.value: 2, Role.CLIENT_ADMIN.value: 2, Role.AGENCY_STAFF.value: 1,
        Role.CLIENT_STAFF.value: 1,
    }.get(str(role), 0)  # fmt: skip


def client_deactivated(now: Mapping[str, Any], restored: dict[str, Any]) -> dict[str, Any]:
    """The backup's client row, inactive when the client was deactivated since (its keys
    refused: ``POST /v1/clients/{client}/deactivate``)."""
    if now.get("Active") is False and restored.get("Active", True) is not False:
        return {**restored, "Active": False}
    return restored


def key_revoked(now: Mapping[str, Any], restored: dict[str, Any]) -> dict[str, Any]:
    """The backup's key row with the revocation the row now holds, when earlier or new."""
    revoked = now.get("RevokedAt")
    if revoked is None:
        return restored
    if restored.get("RevokedAt") is not None and restored["RevokedAt"] <= revoked:
        return restored
    return {**restored, "RevokedAt": revoked}


def person_ended(now: Mapping[str, Any], restored: dict[str, Any]) -> dict[str, Any]:
    """The backup's person row with what ended since kept from the row now."""
    entity = dict(restored)
    if _int(now.get("Epoch")) > _int(restored.get("Epoch")):
        for column in SIGN_IN_COLUMNS:
            if now.get(column) is not None:
                entity[column] = now[column]
            else:
                entity.pop(column, None)
    if now.get("Status") == UserStatus.DEACTIVATED.value:
        entity["Status"] = UserStatus.DEACTIVATED.value
    if _rank(now.get("Role")) < _rank(restored.get("Role")):  # a role lowered since
        entity["Role"] = now["Role"]
    ended_now = dict(get_json(now.get("Extra"), {})).get(SESSIONS_ENDED, "")
    extra = dict(get_json(restored.get("Extra"), {}))
    ended_then = extra.get(SESSIONS_ENDED, "")
    if ended_now and (
        not ended_then or datetime.fromisoformat(ended_now) > datetime.fromisoformat(ended_then)
    ):
        entity["Extra"] = put_json({**extra, SESSIONS_ENDED: ended_now})
    return entity


def keep_ended(counted: Counter[str]) -> dict[str, Later]:
    """The restore's ``keep_later`` for the tables that hold access; ``counted`` gets, per
    table, how many restored rows kept an ending of since the backup (for the operator)."""

    def counting(table: str, keep: Later) -> Later:
        def later(now: Mapping[str, Any], restored: dict[str, Any]) -> dict[str, Any]:
            entity = keep(now, restored)
            if entity != restored:
                counted[table] += 1
            return entity

        return later

    return {
        API_KEYS: counting(API_KEYS, key_revoked), CLIENTS: counting(CLIENTS, client_deactivated),
        USERS: counting(USERS, person_ended),
    }  # fmt: skip
