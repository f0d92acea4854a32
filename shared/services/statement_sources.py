"""Who put a statement file into the inbox, read from its blob name.

The name's folders say where the file came from, and so what it may book:

- ``<agency>/console/<client>/<time>-<file>``: uploaded in the console for one client (its
  staff or the agency's people acting for it). It books statements of accounts owned by
  exactly that client; any other account (another client's, the agency's pooled account) is
  refused, or a client's staff could mark another client's invoices paid with a forged file.
- ``<agency>/api/<time>-<file>``: uploaded with an agency key (``POST /v1/statements``). It
  books for any client of the agency, as the agency's own bank files do.
- any other ``<agency>/<...>``: dropped into the container by the bank's delivery (an SFTP or
  EBICS connector holding the storage account's credentials), never through Inning's own
  upload paths. Only these are evidence from the bank, so only they prove a pending IBAN claim
  (a line carrying the claim's code); an uploaded file is written by whoever uploads it.

A console upload for one client is the client's own writing (attack10), so beyond booking its
lines on the client's own account it counts for nothing the bank's word decides:

- its statement's mark is its own (:func:`mark_identity`): it never makes the bank's delivery
  of that statement ``skipped`` (the bank's lines are booked unless the very same transaction
  was, by the line identities);
- a payer's account it teaches is the client's word (``said``), as a debtor IBAN the client
  stores: it counts on the client's own account only, never on the agency's pooled one;
- a line dated before the day it was uploaded is booked on that day, and the agency told:
  the day a debtor paid decides costs and interest owed to the agency (6:96 lid 6, 6:119 BW),
  and only the bank's statement proves it (as the client's accounting sync, law9 F2);
- its returns undo only payments its own uploads booked; a payment the bank's file (or
  Mollie) booked is never reopened on the client's word: a person checks it;
- mirrored, its reversal credits book again only a payment its own uploads booked (as its
  word, never a plan's collection): a return the bank's file made is never undone, nor its
  items resolved, on the client's word (statement_credits_back, attack11 A6).
"""

from __future__ import annotations

from dataclasses import dataclass

CONSOLE = "console"
# an action item's detail: its statement line is of a client's upload; a person's
# confirmation books it as such (ActionService.confirm_payment)
CLIENT_WRITTEN = "client_written"
API = "api"


@dataclass(frozen=True)
class StatementSource:
    agency_id: str
    client_id: str | None  # an upload for this one client: only its own accounts
    uploaded: bool  # through Inning (console or API): never proof of an IBAN claim

    @property
    def client_scoped(self) -> bool:
        return self.client_id is not None

    @property
    def client_written(self) -> bool:
        """Written by the client it was uploaded for (a console upload): not the bank's word."""
        return self.client_id is not None


# the mark of a statement a client uploaded is kept apart from the bank's one of that statement
_CLIENT_MARK = "|client-upload"


def mark_identity(identity: str, source: StatementSource) -> str:
    """The key a statement is marked booked under: its identity, the client's own for a file
    the client wrote (its identity is no proof it is the bank's statement: attack10 F2)."""
    return identity + _CLIENT_MARK if source.client_written else identity


def console_prefix(agency_id: str, client_id: str) -> str:
    return f"{agency_id}/{CONSOLE}/{client_id}/"


def api_prefix(agency_id: str) -> str:
    return f"{agency_id}/{API}/"


def source_of(name: str) -> StatementSource:
    """The uploader's reach; a ``console`` folder without a client is scoped to no client at
    all (an empty id never equals an owner), so it books nothing."""
    parts = name.split("/")
    agency_id = parts[0] if len(parts) > 1 else ""
    folder = parts[1] if len(parts) > 2 else ""
    if folder == CONSOLE:
        client_id = parts[2] if len(parts) > 3 else ""
        return StatementSource(agency_id, client_id, uploaded=True)
    return StatementSource(agency_id, None, uploaded=folder == API)
