"""The client's statement matching index, built the first time something reads it.

Since perf27 an invoice's writers keep the index only for a client that has one
(:meth:`shared.adapters.tables.match_index_repo.MatchIndexRepository.kept`): a client none of
whose statements or replies was matched has none, and its imports write three rows fewer an
open invoice. Every reader of the index (a statement, a reply quoting a betalingskenmerk)
asks for it here first: built once, in the queue handler that needs it, where no one waits.
"""

from __future__ import annotations

import logging
from functools import partial

from shared.services.known_payers import every_debtor_learning
from shared.services.repositories import Repositories

log = logging.getLogger(__name__)


def ensure_match_index(repos: Repositories, client_id: str) -> bool:
    """Build the client's index unless it is built (one point read the first time a worker
    meets the client, none after). True when it built. Every debtor read for a build also has
    its own IBANs learned as known payers (index version 4)."""
    invoices = repos.invoices
    load = partial(invoices.open_invoices, client_id)
    debtors = partial(every_debtor_learning, repos, client_id)
    built = invoices.match_index.ensure_built(client_id, load, debtors)
    if built:
        log.info("matching index built for client %s", client_id)
    return built
