"""Issuing, rotating, revoking and checking API keys; resolving a principal's client.

A client key is the client's access as its people's sessions are: once the agency deactivates
the client, every request with its keys is refused (403 ``client_inactive``), as its people can
no longer sign in (attack16 F3: a deactivated client's key still read its debtors, added
invoices and mailed a debtor). Activating the client again makes its keys work again."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime, timedelta

from shared.clock import Clock
from shared.domain.access import (
    ApiKey,
    Principal,
    Scope,
    hash_secret,
    new_key_text,
    secret_matches,
    split_key,
)
from shared.domain.parties import Client
from shared.ports.tables import PreconditionFailed
from shared.services.errors import Forbidden, NotFound, NotPermitted
from shared.services.repositories import Repositories

DEFAULT_ROTATION_GRACE = timedelta(hours=24)


# The client this request's principal was found to reach (the router's check before the
# handler): the handler's client_for read ClientNumbers again, 3 reads per {client} request
# where 2 did (review27 F5). Held with the principal object itself: a principal is made per
# request, so another request (another thread or task has its own context anyway) never
# matches it.
_REACHED: ContextVar[tuple[Principal, str, str] | None] = ContextVar("reached", default=None)


class AccessService:
    def __init__(self, repos: Repositories, clock: Clock, pepper: bytes) -> None:
        self.repos = repos
        self.clock = clock
        self.pepper = pepper

    def authenticate(self, key_text: str) -> Principal | None:
        parts = split_key(key_text)
        if parts is None:
            return None
        key_id, secret = parts
        found = self.repos.api_keys.get(key_id)
        if found is None:
            # compare anyway so that unknown ids cost the same time as wrong secrets
            secret_matches(secret, "0" * 64, self.pepper)
            return None
        key, _ = found
        if not secret_matches(secret, key.secret_hash, self.pepper):
            return None
        if not key.usable_at(self.clock.now()):
            return None
        if key.scope is Scope.CLIENT and key.client_id is not None:
            self._client_active(key.client_id)
        return key.principal()

    def _client_active(self, client_id: str) -> None:
        """A client key of a deactivated client is refused with the reason (the key is
        genuine: its holder learns nothing it did not know); a client gone is the routes' 404."""
        found = self.repos.clients.get(client_id)
        client = found[0] if found is not None else None
        if client is not None and not client.active:
            raise NotPermitted(
                f"client {client.number} is inactive: its keys are refused until the agency "
                "activates it again", field="client", code="client_inactive",
                params={"client": client.number},
            )  # fmt: skip

    def issue(
        self,
        *,
        scope: Scope,
        agency_id: str,
        client_id: str | None = None,
        label: str = "",
        admin: bool = False,
        issuer: Principal | None = None,
        issued_by: str = "",
    ) -> tuple[ApiKey, str]:
        """A new key; one minted by another key never outlives it (``issuer.expires_at``),
        one minted by a person's session, or by a key that is a person's, is theirs
        (``issued_by``), ended with their access (:func:`end_persons_keys`)."""
        if (scope is Scope.CLIENT) != (client_id is not None):
            raise ValueError("a client key needs a client id; an agency key must not have one")
        if issuer is not None:
            self._may_extend(issuer)
        key_id, secret, text = new_key_text()
        key = ApiKey(
            key_id=key_id,
            secret_hash=hash_secret(secret, self.pepper),
            scope=scope,
            agency_id=agency_id,
            client_id=client_id,
            label=label,
            created_at=self.clock.now(),
            admin=admin and scope is Scope.CLIENT,  # an agency key is an admin anyway
            expires_at=issuer.expires_at if issuer is not None else None,
            issued_by=issued_by or _person_of(issuer),
        )
        self.repos.api_keys.add(key)
        return key, text

    def _own_key(self, principal: Principal, key_id: str) -> tuple[ApiKey, str]:
        found = self.repos.api_keys.get(key_id)
        if found is None:
            raise NotFound("no such key")
        key, etag = found
        if key.agency_id != principal.agency_id or (
            principal.scope is Scope.CLIENT and key.client_id != principal.client_id
        ):
            raise NotFound("no such key")
        if key.admin and not principal.is_admin:
            # rotating an admin key hands out its successor: not for a key without the flag
            raise NotFound("no such key")
        assert etag is not None
        return key, etag

    def rotate(
        self, principal: Principal, key_id: str, grace: timedelta = DEFAULT_ROTATION_GRACE
    ) -> tuple[ApiKey, str]:
        """A new key for the same owner; the old one keeps working for ``grace``."""
        self._may_extend(principal)
        old, etag = self._own_key(principal, key_id)
        if old.revoked_at is not None:
            raise Forbidden("a revoked key cannot be rotated")
        if old.expires_at is not None:
            # rotating it again would hand out a second successor; one rotation per key
            raise Forbidden("this key was already rotated; rotate its successor instead")
        new, text = self.issue(
            scope=old.scope,
            agency_id=old.agency_id,
            client_id=old.client_id,
            label=old.label,
            admin=old.admin,
            # the successor's text goes to whoever rotates: a person rotating (with a session
            # or a key of theirs) holds it, so it is theirs, or the integration's key a
            # leaver rotated outlived them (attack26 F2); a key of nobody's keeps the owner's
            issued_by=_person_of(principal) or old.issued_by,
        )
        expires = self.clock.now() + grace
        if old.expires_at is None or old.expires_at > expires:
            self.repos.api_keys.save(replace(old, expires_at=expires), etag)
        return new, text

    @staticmethod
    def _may_extend(principal: Principal) -> None:
        """A key that is running out (rotated, in its grace period) cannot create successors.

        Otherwise a leaked key that was rotated away could mint itself a key that never expires
        and survives its own revocation.
        """
        if principal.expires_at is not None:
            raise Forbidden(
                "a key with an expiry (rotated, in its grace period) cannot create or rotate keys"
            )

    def revoke(self, principal: Principal, key_id: str) -> ApiKey:
        key, etag = self._own_key(principal, key_id)
        revoked = replace(key, revoked_at=self.clock.now())
        self.repos.api_keys.save(revoked, etag)
        return revoked

    def list_keys(self, principal: Principal) -> list[ApiKey]:
        keys = self.repos.api_keys.for_agency(principal.agency_id)
        if principal.scope is Scope.CLIENT:
            keys = [k for k in keys if k.client_id == principal.client_id]
        return keys

    def refuse_unreachable_client(self, principal: Principal, client_number: str) -> str:
        """The id of the client the number names, if this principal may reach it; 404
        otherwise (one read: the router checks it before a route reads its body)."""
        client_id = self.repos.clients.id_for_number(principal.agency_id, client_number)
        if client_id is None or not principal.may_reach(principal.agency_id, client_id):
            raise NotFound(f"client {client_number} not found")
        _REACHED.set((principal, client_number, client_id))
        return client_id

    def client_for(self, principal: Principal, client_number: str) -> Client:
        """The client a request names, if this principal may reach it; 404 otherwise.

        The number is looked up in the principal's own agency partition, so another agency's
        client is not even found; a client key additionally must name itself.
        """
        reached = _REACHED.get()
        if reached is not None and reached[0] is principal and reached[1] == client_number:
            client_id = reached[2]  # the router checked this request's client (review27 F5)
        else:
            client_id = self.refuse_unreachable_client(principal, client_number)
        found = self.repos.clients.get(client_id)
        if found is None:
            raise NotFound(f"client {client_number} not found")
        return found[0]


def _person_of(issuer: Principal | None) -> str:
    """The person behind whoever mints a key: a signed-in person, or the person whose key it
    is (a key of a key minted by a person outlived their deactivation: attack26 F1)."""
    if issuer is None:
        return ""
    return getattr(issuer, "user_id", "") or issuer.issued_by


def end_persons_keys(repos: Repositories, now: datetime, user_id: str) -> int:
    """Revokes every key a person minted with their session: deactivated or given another
    role, their sessions end, and so must what they minted (attack24 F11: a departed admin's
    agency key kept the agency's every client). How many were revoked."""
    if not user_id:
        return 0
    ended = 0
    for key, etag in repos.api_keys.issued_by(user_id):
        for _ in range(5):
            if key.revoked_at is not None and key.revoked_at <= now:
                break
            assert etag is not None
            try:
                repos.api_keys.save(replace(key, revoked_at=now), etag)
                ended += 1
                break
            except PreconditionFailed:  # rotated or revoked meanwhile: read it again
                found = repos.api_keys.get(key.key_id)
                if found is None:
                    break
                key, etag = found
    return ended
