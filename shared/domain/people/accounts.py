"""A person's account: who they are, where they belong, how they prove it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import phonenumbers

from shared.domain.access import Scope
from shared.domain.parties import NOT_IN_A_NAME
from shared.domain.people.authorisation import Role, Target, UserPrincipal
from shared.domain.reasons import Reason

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KVK = re.compile(r"^\d{8}$")


class UserStatus(StrEnum):
    INVITED = "invited"  # has not set a password and second factor yet
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class Factor(StrEnum):
    TOTP = "totp"
    SMS = "sms"


@dataclass(frozen=True)
class User:
    user_id: str
    email: str  # normalised (lower case): the sign-in name
    agency_id: str
    client_id: str | None  # None: one of the agency's own people
    role: Role
    status: UserStatus
    created_at: datetime
    name: str = ""
    mobile: str | None = None  # E.164
    language: str = "nl"
    password_hash: str | None = None
    factor: Factor | None = None
    totp_secret: str | None = None
    totp_last_step: int = -1  # the last accepted TOTP time step: each code is used once
    recovery_hashes: tuple[str, ...] = ()  # one per unused recovery code
    epoch: int = 0  # sessions of an older epoch are dead (deactivation, factor reset)
    changed_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # secrets as stored that this instance's key does not open (a slot with another pepper, a
    # rotation rolled back), by the row's name for them: written back as they are, so that
    # saving the row for another reason never destroys them; a new factor replaces them
    unopened: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """Has a password and a second factor: may use the application."""
        return (
            self.status is UserStatus.ACTIVE
            and self.password_hash is not None
            and self.factor is not None
        )

    @property
    def pending(self) -> bool:
        """An invitation nobody accepted (no password was ever chosen; deactivated or not):
        not an account, it holds no address against another organisation's invitation or a
        sign-up (attack16b F1; a deactivated one would otherwise hold it for good)."""
        return self.password_hash is None

    @property
    def tenant(self) -> Target:
        return Target(self.agency_id, self.client_id)

    def principal(self, session_id: str) -> UserPrincipal:
        scope = Scope.AGENCY if self.client_id is None else Scope.CLIENT
        return UserPrincipal(
            f"user:{self.user_id}",
            scope,
            self.agency_id,
            self.client_id,
            role=self.role,
            user_id=self.user_id,
            session_id=session_id,
        )


def normalise_email(text: str) -> str:
    return text.strip().lower()


def email_error(text: str) -> str | None:
    if not EMAIL.match(text.strip()) or len(text) > 254:
        return Reason("expected an e-mail address such as name@example.nl", code="email_invalid")
    return None


def role_error(role: Role, client_id: str | None) -> str | None:
    """Agency roles belong to the agency's people, client roles to a client's."""
    if role.agency_level and client_id is not None:
        return Reason(f"{role.value} is a role of the agency's own people, not of a client's",
                      code="role_of_agency", params={"role": role.value})  # fmt: skip
    if role in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF) and client_id is None:
        return Reason(f"{role.value} needs a client", code="role_needs_client",
                      params={"role": role.value})  # fmt: skip
    return None


def normalise_mobile(text: str) -> str:
    """E.164, Dutch numbers accepted without the country code; ValueError otherwise."""
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException:
        raise ValueError("expected a mobile number such as +31612345678") from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValueError("expected a mobile number such as +31612345678")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# a sign-up's company name is written, before anyone verified the address, into the mails
# Inning sends that address (the verification, then the invitation): one line of a name, or a
# stranger writes his own paragraphs and payment link into a mail from Inning's sender
# (attack18 F1). The API's Name rule (NOT_IN_A_NAME), and no link: a scheme, "www." or a host
# with a path ("betalen.example/d/1").
_LINK = re.compile(r"://|\bwww\.|\b[a-z0-9-]+\.[a-z]{2,}/", re.IGNORECASE)


def company_error(text: str) -> str | None:
    """A company name as a sign-up gives it: one line of printable text without a link."""
    if NOT_IN_A_NAME.search(text.strip()) or _LINK.search(text):
        return Reason(
            "the company name is one line of text without a link", code="signup_company_text"
        )
    return None


def kvk_error(text: str) -> str | None:
    """A KvK number is eight digits (Handelsregisterwet; the register's own format)."""
    if KVK.match(text.strip()):
        return None
    return Reason("a KvK number is eight digits", code="kvk_invalid")
