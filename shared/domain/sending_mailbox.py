"""Which mailbox a client's mail goes from (sender33).

The agency's Graph app may send as any mailbox of its tenant (``/users/{mailbox}/sendMail``),
so the address a client's admin types as its contact e-mail must not become the From of the
client's mail until its holder proved it is theirs: a client's admin set it to another
client's mailbox, or the agency director's, and Inning sent dunning mail as that mailbox
(attack32b). The rule:

- a contact address is *verified* when nobody changed it since the agency set it (a client
  created by the agency, and every address stored before sender33: live clients keep
  sending), when a one-time code mailed to it came back, when agency staff marked it verified
  (audited), or when it is the mailbox the client linked through Microsoft's admin consent;
- a changed address is unverified until then: the client's mail goes from the agency's own
  mailbox with the client's address as Reply-To (never lost, never held);
- a code is random, 6 digits, kept only as a keyed hash, lives 24 hours, is used once, and
  dies after 5 wrong tries; at most 5 codes a day per client are mailed.

Pure: time and the hash come in as arguments."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from shared.domain.reasons import Reason

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(hours=24)
MAX_ATTEMPTS = 5  # wrong codes before the code dies (a new one must be asked)
MAX_CODES_A_DAY = 5  # codes mailed per client per day: 25 guesses a day in a million

# what a code is hashed under (``digest(pepper, PURPOSE, ...)``): one client's code and address
PURPOSE = "sender-code"


@dataclass(frozen=True)
class SenderCheck:
    """An unverified contact address and the code that proves it (None: no code mailed)."""

    address: str  # lower case, as it was when the check began
    code_hash: str | None = None
    expires_at: datetime | None = None
    attempts: int = 0  # wrong codes given for this code
    day: date | None = None  # the day codes were last mailed (the client's local day)
    codes_that_day: int = 0


class CodeRefused(Exception):
    """Why a code was not accepted (``reason``: the sentence and its code)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason = reason


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def hashed_value(client_id: str, address: str, code: str) -> str:
    """What is hashed: the code bound to its client and address, so that client A's code is
    nothing for client B, nor for another address of A's."""
    return f"{client_id}\n{address.strip().lower()}\n{code.strip()}"


def is_verified(contact_email: str | None, check: SenderCheck | None) -> bool:
    """Whether ``contact_email`` may be the From of the client's mail (None: nothing to send
    from). A check that names another address than the stored one (the address changed by a
    door that kept the old check) leaves it unverified: the safe side."""
    return bool(contact_email) and check is None


def for_address(check: SenderCheck | None, address: str) -> SenderCheck:
    """The check of a newly given ``address``, no code yet; the day's count of codes mailed
    goes on from the check it replaces, so that changing the address back and forth mails no
    more codes a day (each one 5 more guesses)."""
    fresh = SenderCheck(address.strip().lower())
    if check is None:
        return fresh
    return replace(fresh, day=check.day, codes_that_day=check.codes_that_day)


def may_mail_code(check: SenderCheck, today: date) -> bool:
    return check.day != today or check.codes_that_day < MAX_CODES_A_DAY


def with_code(check: SenderCheck, code_hash: str, now: datetime, today: date) -> SenderCheck:
    """The check with a fresh code (its tries counted afresh), counted against the day."""
    sent = check.codes_that_day + 1 if check.day == today else 1
    return replace(check, code_hash=code_hash, expires_at=now + CODE_LIFETIME, attempts=0,
                   day=today, codes_that_day=sent)  # fmt: skip


def check_code(
    check: SenderCheck,
    contact_email: str | None,
    given_hash: str,
    now: datetime,
    same: Callable[[str, str], bool],
) -> None:
    """Raises :class:`CodeRefused` unless ``given_hash`` is the live code's for the stored
    address (``same``: a constant-time comparison)."""
    if (contact_email or "").strip().lower() != check.address:
        raise CodeRefused(Reason(
            "the contact e-mail changed since the code was mailed: ask a new one",
            code="sender_code_stale",
        ))  # fmt: skip
    if check.code_hash is None or check.expires_at is None or check.attempts >= MAX_ATTEMPTS:
        raise CodeRefused(Reason(
            "no code is waiting (none mailed, or too many wrong tries): ask a new one",
            code="sender_code_none",
        ))  # fmt: skip
    if now >= check.expires_at:
        raise CodeRefused(Reason("the code has expired: ask a new one",
                                 code="sender_code_expired"))  # fmt: skip
    if not same(given_hash, check.code_hash):
        raise CodeRefused(Reason("the code is not right", code="sender_code_wrong"))


def after_wrong(check: SenderCheck) -> SenderCheck:
    """A wrong code counted; the last allowed try voids the code (a new one must be asked)."""
    attempts = check.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        return replace(check, attempts=attempts, code_hash=None, expires_at=None)
    return replace(check, attempts=attempts)


@dataclass(frozen=True)
class MailFrom:
    sender: str | None
    reply_to: str | None
    as_agency: bool  # the agency's mailbox stands in for an unverified address


def mail_from(
    wanted: str,
    reply_to: str | None,
    *,
    contact_email: str | None,
    check: SenderCheck | None,
    linked_mailbox: str | None,
    agency_mailbox: str | None,
) -> MailFrom:
    """The From of a client's mail that asked for ``wanted``: as asked when it is the client's
    verified address, the mailbox it linked, or the agency's own; otherwise the agency's
    mailbox, replies still going where the caller meant them to (``reply_to`` or ``wanted``)."""
    asked = wanted.strip().lower()
    own = {
        (contact_email or "").lower() if is_verified(contact_email, check) else "",
        (linked_mailbox or "").lower(),
        (agency_mailbox or "").lower(),
    } - {""}
    if asked in own:
        return MailFrom(wanted, reply_to, False)
    return MailFrom(agency_mailbox or None, reply_to or wanted, True)
