"""One-off after the upgrade that copies the matching index's marker (perf31, index version 6):
``inning backfill match-copies``.

Since that upgrade an import learns whether a client's statement matching index is kept from a
copy of its marker in the client's ``ConsoleSearch`` partition, and the index's readers trust
an index only beside its copy. An index built before has none: without this backfill each is
built again whole at its client's next statement (about 3,300 requests and a few minutes per
100,000 open invoices; replies quoting a kenmerk wait for that build).

For each client whose index is complete in all but the copy (version 5, or version 6 whose
copy a restore lost) the rows are compared with what a build would write now
(:meth:`shared.adapters.tables.match_index_repo.MatchIndexRepository.adopt`): the same, the copy
is written and the index marked current; different (an import of the new version that found
no copy wrote no rows), it is left to the full build at the next statement, and said so.

Idempotent and resumable: each client is done on its own, a current index is one point read
and one of its copy; run it again after a stop, or for a client that was busy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from shared.adapters.tables.match_index_repo import (
    ADOPTED,
    BUSY,
    CURRENT,
    DIFFERS,
    EARLIER,
    NO_INDEX,
    UNFINISHED,
)
from shared.services.repositories import Repositories
from shared.services.statement_lookups import every_debtor

# what follows at the client's next statement, by outcome
THEN = {
    ADOPTED: "trusted as it is",
    CURRENT: "trusted as it is",
    DIFFERS: "built again whole",
    EARLIER: "built again whole",
    NO_INDEX: "built when first needed",
    UNFINISHED: "built again whole",
    BUSY: "run the command again",
}


@dataclass(frozen=True)
class MatchCopy:
    """What the backfill did for one client (:class:`Adopted`'s counts for an index that
    differs from a build)."""

    client_id: str
    outcome: str
    missing: int = 0
    stale: int = 0
    changed: int = 0

    @property
    def then(self) -> str:
        return THEN[self.outcome]

    def as_dict(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "outcome": self.outcome,
            "missing": self.missing,
            "stale": self.stale,
            "changed": self.changed,
            "next_statement": self.then,
        }


def copy_match_marker(repos: Repositories, client_id: str) -> MatchCopy:
    """Copy the client's index marker where its rows are what a build would write now."""
    invoices = repos.invoices
    done = invoices.match_index.adopt(
        client_id,
        partial(invoices.indexed_invoices, client_id),
        partial(every_debtor, repos, client_id),
    )
    return MatchCopy(client_id, done.outcome, done.missing, done.stale, done.changed)
