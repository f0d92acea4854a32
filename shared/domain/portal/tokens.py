"""Signed, expiring, revocable portal tokens.

A token names one debtor of one client, carries its own expiry and the debtor's *generation*
(bumping it revokes every token issued before), and is signed with HMAC-SHA256 (truncated to 128 bits) under a key id.
Several keys may be valid at once: the first signs, all verify, so a key can be rotated in
while links signed with the old one still work until they expire, and then the old key is
dropped. Nothing secret is in the token; its strength is the signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.parties import Client, Debtor

VERSION = "1"


class TokenError(ValueError):
    """Why a token was refused; never shown in detail to the debtor."""


class TokenExpired(TokenError):
    """A token we signed whose time is up: it still tells whose link it was, so the page can
    name the client and how to get a new link (an old letter is what a debtor has in hand)."""

    def __init__(self, access: PortalAccess) -> None:
        super().__init__("expired")
        self.access = access


@dataclass(frozen=True)
class PortalAccess:
    client_id: str
    debtor_number: str
    generation: int
    expires: datetime
    # the client as read when the token was let in (its sandbox gate): the page it opens does
    # not read it again (one storage request a page); None: not read yet. Not in the token.
    client: Client | None = field(default=None, compare=False, repr=False)
    # the debtor as read then (his standing closes the portal): likewise not read again
    debtor: Debtor | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SigningKeys:
    """Key id to secret; ``current`` signs."""

    keys: dict[str, bytes]
    current: str

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise ValueError("the current signing key must be one of the keys")
        if any(not kid.isalnum() for kid in self.keys):
            raise ValueError("key ids are letters and digits")
        if any(len(secret) < 32 for secret in self.keys.values()):
            raise ValueError("portal signing keys must be at least 32 bytes")

    @classmethod
    def parse(cls, text: str) -> SigningKeys:
        """``kid:secret,kid:secret``; the first signs."""
        pairs = [p.strip().split(":", 1) for p in text.split(",") if p.strip()]
        if not pairs or any(len(p) != 2 for p in pairs):
            raise ValueError("portal keys look like kid1:secret1,kid2:secret2")
        return cls({kid: secret.encode() for kid, secret in pairs}, pairs[0][0])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, body: str) -> bytes:
    return hmac.new(secret, body.encode(), hashlib.sha256).digest()


def _signature(secret: bytes, body: str) -> bytes:
    # 128 bits: beyond guessing, and short enough that a link still fits a text message
    return _mac(secret, body)[:16]


def issue(keys: SigningKeys, access: PortalAccess) -> str:
    fields = [VERSION, keys.current, access.client_id, access.debtor_number,
              str(access.generation), str(int(access.expires.timestamp()))]  # fmt: skip
    body = _b64("\n".join(fields).encode())
    return f"{body}.{_b64(_signature(keys.keys[keys.current], body))}"


def verify(keys: SigningKeys, token: str, now: datetime) -> PortalAccess:
    """The access a token grants, if its signature holds and it has not expired. Whether its
    generation is still current is for the caller, who knows the debtor."""
    if len(token) > 512 or token.count(".") != 1:
        raise TokenError("malformed")
    body, signature = token.split(".")
    try:
        fields = _unb64(body).decode().split("\n")
        given = _unb64(signature)
    except (ValueError, UnicodeDecodeError):
        raise TokenError("malformed") from None
    if len(fields) != 6 or fields[0] != VERSION:
        raise TokenError("unknown version")
    secret = keys.keys.get(fields[1])
    if secret is None:
        raise TokenError("unknown key")
    if not hmac.compare_digest(given, _signature(secret, body)):
        raise TokenError("bad signature")
    try:
        generation, expires = int(fields[4]), int(fields[5])
    except ValueError:
        raise TokenError("malformed") from None
    expiry = datetime.fromtimestamp(expires, tz=now.tzinfo)
    access = PortalAccess(fields[2], fields[3], generation, expiry)
    if now >= expiry:
        raise TokenExpired(access)
    return access


def csrf_token(keys: SigningKeys, session: str) -> str:
    """Bound to the session token: a form from another site cannot know it."""
    return _b64(_mac(keys.keys[keys.current], f"csrf\n{session}"))[:32]


def csrf_ok(keys: SigningKeys, session: str, given: str) -> bool:
    # any valid key: a rotation must not break a form that is open in the debtor's browser
    return any(
        hmac.compare_digest(_b64(_mac(secret, f"csrf\n{session}"))[:32], given)
        for secret in keys.keys.values()
    )
