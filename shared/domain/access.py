"""Who is calling the integration API, and what they may reach.

An API key belongs to an agency (reaching all of its clients) or to one client. The key text
is ``inn_<key id>_<secret>``; only an HMAC of the secret is stored, and it is compared in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

KEY_PATTERN = re.compile(r"^inn_(?P<key_id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})$")


class Scope(StrEnum):
    AGENCY = "agency"
    CLIENT = "client"


@dataclass(frozen=True)
class Principal:
    key_id: str
    scope: Scope
    agency_id: str
    client_id: str | None = None
    admin: bool = False  # a client key with the admin flag (see is_admin)
    # set while the key is in a rotation's grace period (or was issued with a lifetime): such
    # a key may use the API but not extend its own reach in time (no minting, no rotating)
    expires_at: datetime | None = None
    # the person a key is (``ApiKey.issued_by``): what this key mints is theirs too, or a
    # key minted by their key outlived their deactivation (attack26 F1)
    issued_by: str = ""

    @property
    def is_admin(self) -> bool:
        """May do what only administrators may (the contact-log export, managing admin
        keys): every agency key, and client keys issued with the admin flag. Until people
        and roles exist, this is the whole of the rule."""
        return self.scope is Scope.AGENCY or self.admin

    def may_reach(self, agency_id: str, client_id: str) -> bool:
        if self.scope is Scope.CLIENT:
            return self.client_id == client_id
        return self.agency_id == agency_id


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    secret_hash: str
    scope: Scope
    agency_id: str
    client_id: str | None
    label: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    admin: bool = False
    # the person who minted it with their session (a user id; "" for one minted by a key or
    # the CLI): it ends with that person's deactivation or role change (attack24 F11)
    issued_by: str = ""

    def usable_at(self, now: datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        return self.expires_at is None or now < self.expires_at

    def principal(self) -> Principal:
        return Principal(
            self.key_id, self.scope, self.agency_id, self.client_id, admin=self.admin,
            expires_at=self.expires_at, issued_by=self.issued_by,
        )  # fmt: skip


def hash_secret(secret: str, pepper: bytes) -> str:
    return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()


def new_key_text() -> tuple[str, str, str]:
    """(key id, secret, full key text)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return key_id, secret, f"inn_{key_id}_{secret}"


def split_key(text: str) -> tuple[str, str] | None:
    match = KEY_PATTERN.match(text.strip())
    return (match["key_id"], match["secret"]) if match else None


def secret_matches(secret: str, stored_hash: str, pepper: bytes) -> bool:
    return hmac.compare_digest(hash_secret(secret, pepper), stored_hash)
