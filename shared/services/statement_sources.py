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
"""

from __future__ import annotations

from dataclasses import dataclass

CONSOLE = "console"
API = "api"


@dataclass(frozen=True)
class StatementSource:
    agency_id: str
    client_id: str | None  # an upload for this one client: only its own accounts
    uploaded: bool  # through Inning (console or API): never proof of an IBAN claim

    @property
    def client_scoped(self) -> bool:
        return self.client_id is not None


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
