"""A message that names the client's account looked at again when it is handled (outbox31).

A reminder, a 14-day letter or a plan's notice is written into the outbox with the client's
account in its text and QR code, then may wait (contact hours, a provider's back-off, the
mailbox's day, the print batch, a poison replay). The daily run and the plan letters hold a
client with no account of its own (``dunning_account_hold``, heldplan31), but what was written
before went out after another party proved that account, telling debtors to pay into it.

The producer now keeps the account it named on the record (:data:`NAMED_ACCOUNT`; "" names
none) and the messaging service asks :func:`not_own` before it sends: one read of that
account's owner row when the client itself has proven it (the usual answer), the client and
its ``debtor_account`` otherwise (two reads for a client with one account, still pending); a
process trusts a "still its own" for :data:`TRUSTED_FOR` (:class:`OwnAccounts`). A dunning record written before this change carries no
account: it goes only while the client has an account of its own now (what it named is not
known; the hold's own rule). A sandboxed message (the client's test address) is never held.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.adapters.tables.banking_repo import AccountOwner
from shared.clock import amsterdam_date
from shared.domain.messaging import OutboundMessage
from shared.domain.parties import Client
from shared.services.account_ownership import debtor_account
from shared.services.dunning_account_hold import hold_without_account
from shared.services.repositories import Repositories

NAMED_ACCOUNT = "named_account"  # extra: the client's account the message names ("" none)


# how long a process trusts that a client's account is still its own: the morning's deferred
# reminders of one client go out in a burst (contact hours), each read once a half minute, not
# once a message; an account another party proves meanwhile is seen by messages after it
TRUSTED_FOR = timedelta(seconds=30)


@dataclass(frozen=True)
class NotOwn:
    """Why a message must not go: ``account`` is the client's ``debtor_account`` now ("":
    none of its own, the client is held)."""

    client: Client
    account: str
    why: str


class OwnAccounts:
    """:func:`not_own` with its answer "still the client's" kept for :data:`TRUSTED_FOR` per
    client and account named (one per process: the messaging service's)."""

    def __init__(self) -> None:
        self._until: dict[tuple[str, str | None], datetime] = {}
        self._lock = threading.Lock()

    def not_own(
        self, repos: Repositories, message: OutboundMessage, now: datetime, *, dunning: bool
    ) -> NotOwn | None:
        key = (message.client_id, message.extra.get(NAMED_ACCOUNT))
        with self._lock:
            if self._until.get(key, now) > now:
                return None
        found = not_own(repos, message, dunning=dunning)
        with self._lock:
            if found is None:
                self._until[key] = now + TRUSTED_FOR
            else:
                self._until.pop(key, None)
        return found


def not_own(repos: Repositories, message: OutboundMessage, *, dunning: bool) -> NotOwn | None:
    """Why ``message`` must not go out now: the account it names is no longer the one the
    client's debtors pay into (another party proved it, the client's list lost it, or the
    client has none of its own). None: send it. ``dunning``: a dunning run's message,
    checked also when written before the account was kept on it."""
    if message.sandbox_of is not None:
        return None  # to the client's own test address, never a debtor
    named = message.extra.get(NAMED_ACCOUNT)
    if named == "" or (named is None and not dunning):
        return None  # names no account of the client's
    known: dict[str, AccountOwner | None] = {}
    if named:
        owner = known[named] = repos.banking.owner(named)
        if owner is not None and owner.client_id == message.client_id:
            return None  # proven by the client itself: still its own (one read)
    found = repos.clients.get(message.client_id)
    if found is None:
        return None
    client = found[0]
    if client.sandbox:
        return None
    account = debtor_account(repos, client, known)
    if account and (named is None or account == named):
        return None  # a pending account still named, or an old record of a client with one
    if not account:
        why = "the client has no bank account of its own"
    else:
        why = "the account it names is no longer the client's"
    return NotOwn(client, account, why)


def hold_item(repos: Repositories, client_id: str, at: datetime) -> bool:
    """The hold's one ``no_bank_account`` item for a client with no account of its own (as the
    daily run writes it: a second call, a redone follow-up, writes none). False: the client
    has one (again), nothing written."""
    found = repos.clients.get(client_id)
    return found is not None and hold_without_account(repos, found[0], amsterdam_date(at), at)
