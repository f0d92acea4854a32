"""The client's statement matching index, built the first time something reads it.

Since perf27 an invoice's writers keep the index only for a client that has one
(:meth:`shared.adapters.tables.match_index_repo.MatchIndexRepository.kept`): a client none of
whose statements or replies was matched has none, and its imports write three rows fewer an
open invoice. Every reader of the index (a statement, a reply quoting a betalingskenmerk)
asks for it here first: a statement builds it in its own blob handler (it books on it), a
reply asks for it on the ``match-index-build`` queue and does not wait (ops28,
:func:`request_match_index`).
"""

from __future__ import annotations

import json
import logging
import time
from functools import partial

from shared.ports.queues import QueueSender
from shared.services.known_payers import every_debtor_learning
from shared.services.repositories import Repositories

log = logging.getLogger(__name__)


def ensure_match_index(repos: Repositories, client_id: str) -> bool:
    """Build the client's index unless it is built (one point read the first time a worker
    meets the client, none after). True when it built. Every debtor read for a build also has
    its own IBANs learned as known payers (index version 4)."""
    invoices = repos.invoices
    load = partial(invoices.indexed_invoices, client_id)
    debtors = partial(every_debtor_learning, repos, client_id)
    built = invoices.match_index.ensure_built(client_id, load, debtors)
    if built:
        log.info("matching index built for client %s", client_id)
    return built


BUILD_QUEUE = "match-index-build"  # one message per client whose index a reader asked for
# a worker that asked for a client's build asks again no sooner than this (the builder's
# message may be lost to a poison queue: then a later reply asks anew)
ASK_AGAIN_SECONDS = 600


def request_match_index(
    repos: Repositories, queues: QueueSender, client_id: str, asked: dict[str, float]
) -> bool:
    """Whether the client's index answers lookups now; when it is not current, its build is
    asked for on :data:`BUILD_QUEUE` rather than run here (ops28). The first reply quoting a
    kenmerk of a client of 200,000 invoices built it inside the mailbox reader: minutes of
    reads in a timer that reads every mailbox every 2 minutes. One point read until built,
    none after; one message per client per :data:`ASK_AGAIN_SECONDS` per ``asked`` (the
    caller's: client -> monotonic time it last asked)."""
    readable, current = repos.invoices.match_index.readable(client_id)
    if current:
        return True
    now = time.monotonic()
    if now - asked.get(client_id, -ASK_AGAIN_SECONDS) >= ASK_AGAIN_SECONDS:
        queues.send(BUILD_QUEUE, json.dumps({"client_id": client_id}))
        asked[client_id] = now
        log.info("matching index of client %s asked for on %s", client_id, BUILD_QUEUE)
    return readable


# a message that finds another build begun waits for it this often, this long, before it
# takes the build over (a build whose worker died leaves its "begun" mark behind)
BUSY_DELAY_SECONDS = 300
BUSY_WAITS = 3


def build_from_message(repos: Repositories, queues: QueueSender, body: str | bytes) -> bool:
    """The :data:`BUILD_QUEUE` handler's work: build the client's index unless built.
    Idempotent (at-least-once): a second message finds the marker and reads one row. One that
    finds a build begun (two workers' replies each asked) does not build beside it: it puts
    itself back, :data:`BUSY_DELAY_SECONDS` later, up to :data:`BUSY_WAITS` times, then builds
    over it (that worker died; builds over one another end the same: the begun mark is an
    insert, the rows upserts brought to the stored invoices, the marker last). A client that
    is gone (deleted since) builds nothing."""
    job = json.loads(body)
    client_id = str(job["client_id"])
    if repos.clients.get(client_id) is None:
        log.warning("matching index asked for client %s, which does not exist", client_id)
        return False
    waited = int(job.get("waited", 0))
    readable, current = repos.invoices.match_index.readable(client_id)
    if not readable and not current and waited < BUSY_WAITS and _begun(repos, client_id):
        again = json.dumps({"client_id": client_id, "waited": waited + 1})
        queues.send(BUILD_QUEUE, again, delay_seconds=BUSY_DELAY_SECONDS)
        log.info("matching index of client %s being built: asked again later", client_id)
        return False
    return ensure_match_index(repos, client_id)


def _begun(repos: Repositories, client_id: str) -> bool:
    from shared.adapters.tables.keys import encode
    from shared.adapters.tables.match_index_repo import BUILDING, BUILT, MATCH_INDEX

    marker = repos.store.get(MATCH_INDEX, encode(client_id), BUILT)
    return marker is not None and int(marker.data.get("Version") or 0) == BUILDING
