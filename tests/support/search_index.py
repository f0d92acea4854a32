"""A client whose console search index is kept, as its first search leaves it: since perf28 the
import keeps the search keys only for such a client (``SearchIndexRepository.kept``). Tests of
how the import keeps them start from here."""

from __future__ import annotations

from shared.services.console_search import ConsoleSearch


def keep_search(search: ConsoleSearch, client_id: str) -> None:
    """Build the client's search index as its first search would (over what is stored now)."""
    search.ensure_built(client_id)
