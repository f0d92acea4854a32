"""Secrets a row must give back (a person's TOTP seed) sealed with a key outside Table
Storage: AES-256-GCM under a key derived from the API-key pepper (Key Vault), bound to the
row it belongs to. A copy of the table (a nightly backup, a leaked SAS, a support reader)
then yields no second factor (attack11 A5; OWASP MFA cheat sheet: TOTP seeds encrypted at
rest). Keyed hashes cannot serve here: the seed itself computes the codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger("inning.people")

SEALED = "s1:"  # the version, so a later scheme can read the rows of this one


class Seal:
    def __init__(self, pepper: bytes, purpose: str) -> None:
        key = hmac.new(pepper, f"seal\n{purpose}".encode(), hashlib.sha256).digest()
        self._aead = AESGCM(key)

    def close(self, secret: str, bound_to: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, secret.encode(), bound_to.encode())
        return SEALED + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str, bound_to: str) -> str | None:
        """The secret; a value written before sealing is given as it is (sealed on the row's
        next write); None when it was sealed under another key (the pepper rotated) or for
        another row: no factor that could be used here, yet still the person's factor
        wherever the right key is (the repository writes such a value back as it read it)."""
        if not stored.startswith(SEALED):
            return stored
        raw = base64.urlsafe_b64decode(stored[len(SEALED) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], bound_to.encode()).decode()
        except (InvalidTag, ValueError):
            log.warning("a sealed secret does not open under the current key")
            return None
