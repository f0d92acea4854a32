"""The one place that answers "may this principal do this action to that resource".

A principal is an API key or a signed-in person (:class:`UserPrincipal`); both carry the tenant
they belong to (an agency, or one client of an agency). An agency key acts as the agency's
administrator; a client key as its client's staff, or its administrator when it was issued
with the admin flag (an integration that uploads invoices must not be able to invite an
administrator or change where the money goes). Permissions follow the data: an agency's people reach that agency and all of its
clients, a client's people only that client. Everything not granted below is denied.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.domain.access import Principal, Scope


class Role(StrEnum):
    AGENCY_ADMIN = "agency_admin"
    AGENCY_STAFF = "agency_staff"
    CLIENT_ADMIN = "client_admin"
    CLIENT_STAFF = "client_staff"
    READ_ONLY = "read_only"

    @property
    def agency_level(self) -> bool:
        return self in (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)

    @property
    def admin(self) -> bool:
        return self in (Role.AGENCY_ADMIN, Role.CLIENT_ADMIN)


class Action(StrEnum):
    READ = "read"  # clients, debtors, invoices, cases, records, reports
    WRITE = "write"  # import, dispute, pause, book, notes, workflows: the daily work
    MANAGE_USERS = "manage_users"  # invite, change role, deactivate, reset a factor
    MANAGE_KEYS = "manage_keys"  # API keys
    MANAGE_BANK_ACCOUNTS = "manage_bank_accounts"  # a client's IBANs
    MANAGE_SETTLEMENTS = "manage_settlements"  # paying collected money out
    MANAGE_CLIENTS = "manage_clients"  # onboard, activate, deactivate, approve sandbox
    READ_AUDIT = "read_audit"  # the security audit log
    PUBLISH_BROADCAST = "publish_broadcast"  # messages to every user of the agency
    # taking booked money off by hand: a payment the client's sync reported (the bank's line
    # of the client's own account was the same money, the client says it never came), or the
    # bank payment a return without an end-to-end id sent back: the agency's staff, who work
    # the action list that asks it, and the client's admin, not its daily staff or keys
    REVERSE_RECEIPTS = "reverse_receipts"


@dataclass(frozen=True)
class UserPrincipal(Principal):
    """A person signed in through a session: an API principal with a role."""

    role: Role = Role.READ_ONLY
    user_id: str = ""
    session_id: str = ""


@dataclass(frozen=True)
class Target:
    """What an action is done to: an agency-level resource (``client_id`` None) or one client's."""

    agency_id: str
    client_id: str | None = None


# Which role may do which action, and at which level. "agency" = on the agency itself and on
# each of its clients; "client" = on its own client only. The README's table is this table.
GRANTS: dict[Role, frozenset[Action]] = {
    Role.AGENCY_ADMIN: frozenset(Action),
    Role.AGENCY_STAFF: frozenset({Action.READ, Action.WRITE, Action.REVERSE_RECEIPTS}),
    Role.CLIENT_ADMIN: frozenset(
        {
            Action.READ,
            Action.WRITE,
            Action.MANAGE_USERS,
            Action.MANAGE_KEYS,
            Action.MANAGE_BANK_ACCOUNTS,
            Action.MANAGE_SETTLEMENTS,
            Action.READ_AUDIT,
            Action.REVERSE_RECEIPTS,
        }
    ),
    Role.CLIENT_STAFF: frozenset({Action.READ, Action.WRITE}),
    Role.READ_ONLY: frozenset({Action.READ}),
}

# actions that exist only at the agency level: a client's people never reach them, even on
# their own client (a client does not onboard, activate or broadcast to itself)
AGENCY_ONLY = frozenset({Action.MANAGE_CLIENTS, Action.PUBLISH_BROADCAST})


def role_of(principal: Principal) -> Role:
    """A person's role; a key's follows its scope and its admin flag."""
    if isinstance(principal, UserPrincipal):
        return principal.role
    if principal.scope is Scope.AGENCY:
        return Role.AGENCY_ADMIN
    return Role.CLIENT_ADMIN if principal.admin else Role.CLIENT_STAFF


def reaches(principal: Principal, target: Target) -> bool:
    """Tenant isolation: the agency must match; a client principal only reaches its client."""
    if principal.agency_id != target.agency_id:
        return False
    if principal.scope is Scope.CLIENT:
        return target.client_id is not None and target.client_id == principal.client_id
    return True


def permits(principal: Principal, action: Action) -> bool:
    """The role part alone: may this principal ever do ``action`` (somewhere in its reach)?"""
    role = role_of(principal)
    if action in AGENCY_ONLY and principal.scope is not Scope.AGENCY:
        return False
    return action in GRANTS[role]


def may(principal: Principal, action: Action, target: Target) -> bool:
    """The whole decision: the role grants the action and the target is in reach."""
    return permits(principal, action) and reaches(principal, target)


def action_for_request(method: str, path: str) -> Action:
    """The action an integration-API request performs, decided from its method and path (so
    every route, present and future, is covered: an unknown write is a WRITE, never free)."""
    method = method.upper()
    parts = [p for p in path.split("/") if p]
    if parts[1:2] == ["keys"]:
        return Action.MANAGE_KEYS
    settlement = (
        parts[1:2] == ["settlements"]
        or "settlement-agreement" in parts
        or parts[1:2] == ["settlement-defaults"]  # the agency's defaults for its agreements
        or "settlement-repayments" in parts  # money a client paid back: finance/admin
        or parts[3:4] == ["settlements"]  # a client's own statements: commission, payouts
    )
    if settlement:
        return Action.MANAGE_SETTLEMENTS  # paying collected money out: admins, reads too
    if "ibans" in parts:
        return Action.MANAGE_BANK_ACCOUNTS  # the proof codes are shown too: admins only
    writes = method not in ("GET", "HEAD")
    if writes and "links" in parts:
        return Action.MANAGE_BANK_ACCOUNTS  # where debtors' money goes (a client's Mollie)
    if writes and len(parts) == 4 and parts[1] == "clients" and parts[3] == "contact":
        # where the client's letters come back and debtors reach it: its own admin's, as its
        # mailbox link is (newcomer20 F5), never its daily staff's; the agency's admin as before
        return Action.MANAGE_BANK_ACCOUNTS
    if writes and parts[-3:-2] == ["payments"] and parts[-1:] == ["designation"]:
        return Action.REVERSE_RECEIPTS  # booked money moved to other claims by a person
    if writes and parts[-1:] in (["waive"], ["write-off"], ["plan-rules"], ["received-on"]):
        # letting money go, or the terms of collecting it; a payment's day decides the
        # costs and interest it pays (a client's receipt booked again on its day)
        return Action.MANAGE_SETTLEMENTS
    if writes and parts[-3:-2] == ["payments"] and parts[-1:] == ["reverse"]:
        return Action.REVERSE_RECEIPTS  # a client's receipt taken off by a person
    if writes and parts[-3:-2] == ["actions"] and parts[-1:] == ["reverse-payment"]:
        # undoing a booked bank payment a return names is the same kind of act as taking a
        # client's receipt off: booked money reversed, claims reopened, the settlement charged
        # back (misc13: it was the daily work's `write`, so client staff could do it)
        return Action.REVERSE_RECEIPTS
    if writes and parts[-1:] in (["fourteen-day-letter-received"], ["letter-qualified"]):
        # makes a consumer owe the collection costs again on a letter the provider reported
        # returned: the creditor must prove receipt (3:37 lid 3 BW, HR 25-11-2016), so the
        # assertion is an admin's, as letting costs go is (waive) and not the daily work; so
        # is confirming a letter sent as a business met 6:96 lid 6 for a consumer (law11b F5)
        return Action.MANAGE_SETTLEMENTS
    if writes and parts[-1:] in (["prescription"], ["acknowledgement"]):
        # releasing a claim that may have prescribed, or recording an interruption that
        # restarts prescription, is a legal decision (3:322, 3:317/3:318 BW): an admin's, as
        # the 14-day letter's receipt, never an integration's daily work (attack6 finding 6).
        # So is marking a message as the debtor's acknowledgement: what is on his log is the
        # daily work's to file (an e-mail linked by hand, a WhatsApp number two debtors share),
        # so "it is on his log" does not make it his word (attack13b G2)
        return Action.MANAGE_SETTLEMENTS
    if writes and parts[-1:] == ["standing"]:
        # a debtor deceased, bankrupt or in the WSNP: dunning stops and a ruling stops the
        # interest (art. 128 Fw); lifting it resumes both. A legal decision that lets money
        # go, as a prescription release: an admin's
        return Action.MANAGE_SETTLEMENTS
    if writes and (parts[1:2] == ["statutory-rates"] or "replay" in parts):
        return Action.MANAGE_CLIENTS  # platform-wide data, or replaying another's failure
    if method in ("GET", "HEAD"):
        return Action.READ
    if parts == ["v1", "clients"]:
        return Action.MANAGE_CLIENTS
    return Action.WRITE


def table() -> list[tuple[Action, dict[Role, bool]]]:
    """Role x action, as the README shows it (at the role's own level)."""
    rows = []
    for action in Action:
        row = {}
        for role in Role:
            row[role] = action in GRANTS[role] and not (
                action in AGENCY_ONLY and not role.agency_level
            )
        rows.append((action, row))
    return rows
