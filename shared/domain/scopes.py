"""The scopes work is kept under: a client's own id, or an agency's scope for what belongs to
the agency and not to one client (its action list, poison replays, settlement approvals).

One place owns how an agency's scope is spelt, so a writer and a reader of the same partition
(the action list, the records API, the agency's console page) can never disagree on it."""

from __future__ import annotations

AGENCY_MARK = "@"  # what tells an agency's scope from a client's id


def agency_scope(agency_id: str) -> str:
    """The action-list partition for items that belong to an agency, not one client."""
    return f"{AGENCY_MARK}{agency_id}"


def agency_outbox(agency_id: str) -> str:
    """The outbox partition of an agency's own people's mail (an invitation, a password
    reset), beside its clients' partitions; the outbox sweep reads both."""
    return f"{AGENCY_MARK}agency.{agency_id}"


def is_agency_scope(scope: str) -> bool:
    """Whether ``scope`` is an agency's (made by :func:`agency_scope`), not a client's. The
    operator's own list (``PLATFORM_SCOPE``, ``@_platform``) is spelt the same way and counts
    as one: it is no client's either."""
    return scope.startswith(AGENCY_MARK)
