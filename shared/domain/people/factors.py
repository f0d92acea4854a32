"""Second factors: TOTP (RFC 6238 via pyotp), SMS codes and recovery codes.

ASVS 5.0: 6.5.1 each TOTP, SMS and recovery code usable once; 6.5.3 from a CSPRNG; 6.5.4 at
least 20 bits; 6.5.5 SMS codes live at most 10 minutes; 6.6.3 out-of-band codes limited in
tries. One step of clock drift either way is accepted (RFC 6238 section 5.2); the matched
step, not the current one, is remembered, so a code cannot be replayed in the next window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp

ISSUER = "Inning"
TOTP_DRIFT_STEPS = 1
SMS_CODE_LIFETIME = timedelta(minutes=10)
SMS_MAX_TRIES = 5
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed by hand


def new_totp_secret() -> str:
    """160 bits (32 base32 characters), RFC 4226's recommended key length."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """otpauth:// for Microsoft and Google Authenticator (SHA-1, 6 digits, 30 s)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def totp_step(secret: str, code: str, at: datetime, last_step: int) -> int | None:
    """The time step ``code`` belongs to, when it is valid at ``at`` (one step of drift) and
    newer than ``last_step``; None otherwise (wrong, expired or replayed)."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    try:
        step = pyotp.TOTP(secret).verify_and_get_timecode(
            code, for_time=at, valid_window=TOTP_DRIFT_STEPS
        )
    except pyotp.OTPVerificationError:
        return None
    return step if step > last_step else None


def totp_now(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def digest(pepper: bytes, purpose: str, value: str) -> str:
    """A keyed hash: what is stored of codes and tokens (a table leak reveals none)."""
    return hmac.new(pepper, f"{purpose}\n{value}".encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class SmsChallenge:
    """One SMS code sent for one sign-in (or enrolment): stored hashed, tried at most 5 times."""

    challenge_id: str
    code_hash: str
    number: str
    sent_at: datetime
    tries: int = 0
    used: bool = False

    def expired(self, now: datetime) -> bool:
        return now - self.sent_at >= SMS_CODE_LIFETIME

    def usable(self, now: datetime) -> bool:
        return not self.used and self.tries < SMS_MAX_TRIES and not self.expired(now)


def new_sms_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def new_recovery_codes() -> list[str]:
    """Ten codes of 24 characters from a 31-letter alphabet (about 119 bits each: at 112
    bits or more a keyed hash is an acceptable store, ASVS 5.0 6.5.2)."""
    return [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(6))
        for _ in range(RECOVERY_CODES)
    ]


def normal_recovery_code(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
