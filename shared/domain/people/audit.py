"""The security audit log: every sign-in, failure, factor and account change, per tenant.

Append-only: the repository can add and read, nothing else (ASVS 5.0 16.2.1, 16.3.1,
16.3.2, 16.4.2). No secrets and no passwords in it; the address is hashed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.domain.spreadsheet import csv_cell


class Event(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    TOTP_REPLAYED = "totp_replayed"
    LOGOUT = "logout"
    FACTOR_ENROLLED = "factor_enrolled"
    FACTOR_RESET = "factor_reset"
    RECOVERY_CODE_USED = "recovery_code_used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105
    PASSWORD_RESET_REQUESTED = "password_reset_requested"  # noqa: S105
    USER_INVITED = "user_invited"
    INVITATION_ACCEPTED = "invitation_accepted"
    ROLE_CHANGED = "role_changed"
    USER_DEACTIVATED = "user_deactivated"
    SESSIONS_REVOKED = "sessions_revoked"
    CLIENT_ACTIVATED = "client_activated"
    CLIENT_DEACTIVATED = "client_deactivated"
    CLIENT_ONBOARDED = "client_onboarded"
    SIGNUP_APPROVED = "signup_approved"
    BROADCAST_PUBLISHED = "broadcast_published"
    MAILBOX_UNLINKED = "mailbox_unlinked"  # a client's own Office 365 mailbox let go
    # a client's contact e-mail verified as its sending mailbox: by its code, or by agency
    # staff's word (sender33, shared/services/sending_mailbox.py)
    SENDER_VERIFIED = "sender_verified"
    AGREED_COSTS_CHANGED = "agreed_costs_changed"  # a client's agreed B2B collection costs
    # a statutory rate table put in force and the claims it restated (the platform's table:
    # one entry on every agency's log)
    STATUTORY_RATES_CHANGED = "statutory_rates_changed"
    DEBTOR_KIND_CHANGED = "debtor_kind_changed"  # consumer <-> business with open claims
    # a letter sent to a consumer as a business confirmed as a 14-day letter (6:96 lid 6)
    KIND_LETTER_CONFIRMED = "kind_letter_confirmed"
    CLAIM_TERMS_CHANGED = "claim_terms_changed"  # kind/due date after a letter or hold
    ACCOUNT_ASSIGNED = "account_assigned"  # the agency decided whose bank account it is
    LINK_DOMAINS_CHANGED = "link_domains_changed"  # the domains a client's texts may link to
    RECEIPT_REDATED = "receipt_redated"  # a payment to the client booked again on its day
    RECEIPT_REVERSED = "receipt_reversed"  # a payment to the client taken off by a person
    PAYMENT_REVERSED = "payment_reversed"  # a bank payment a return sent back, by a person
    # a booked payment's designation corrected by a person (6:43 lid 1 BW: the payer's holds)
    PAYMENT_REDESIGNATED = "payment_redesignated"
    # a debtor's message marked as his acknowledgement of named invoices (3:318 BW), or not
    ACKNOWLEDGEMENT_MARKED = "acknowledgement_marked"
    ACKNOWLEDGEMENT_UNMARKED = "acknowledgement_unmarked"
    DEBTOR_STANDING_CHANGED = "debtor_standing_changed"  # deceased, bankrupt, WSNP, lifted


@dataclass(frozen=True)
class AuditEvent:
    tenant: str  # "agency:<id>" or "client:<client id>"
    event_id: str  # time-ordered
    at: datetime
    event: Event
    actor: str  # user id, "key:<id>", or "anonymous"
    subject: str = ""  # the user (id) or client the event is about
    source: str = ""
    detail: dict[str, str] = field(default_factory=dict)


def tenant_key(agency_id: str, client_id: str | None) -> str:
    return f"client:{client_id}" if client_id else f"agency:{agency_id}"


COLUMNS = ("at", "event", "actor", "subject", "source", "detail")


def to_csv(events: Iterable[AuditEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in events:
        detail = ";".join(f"{k}={v}" for k, v in sorted(e.detail.items()))
        row = [e.at.isoformat(), e.event.value, e.actor, e.subject, e.source, detail]
        writer.writerow([csv_cell(c) for c in row])  # never a formula in a spreadsheet
    return out.getvalue()
