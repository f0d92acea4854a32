"""Whether a status change's contact-log line is still owed after the change was found made.

:meth:`InvoiceStatusService._change` stores the invoice, then writes the line. A worker cut off
between the two (the invoice's write landed, its answer lost) leaves the change without its
line, and the retry finds the change made: before failure26 F2 it took that for a plain repeat
and the debtor's dossier never said "Invoice F1 disputed". The retry (and only it: the usual
path reads nothing more) reads the debtor's log, newest first, for the line; it is owed when
it is not there since the change was last undone (a dispute resolved, then raised again with
the same words, wants its own line).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from shared.services.repositories import Repositories

RESOLVED = "Dispute on invoice {number} resolved"  # InvoiceStatusService.resolve_dispute's line
DISPUTED = "Invoice {number} disputed: "  # InvoiceStatusService.dispute's line starts so


def newest(
    repos: Repositories, client_id: str, debtor: str, number: str, wanted: Mapping[str, bool]
) -> dict[str, datetime]:
    """When each wanted summary (``True``: exactly; ``False``: as the start of it) was last
    logged about invoice ``number``; one read per 100 lines until all were met."""
    found: dict[str, datetime] = {}
    token: str | None = None
    while True:
        entries, token = repos.contacts.for_debtor(client_id, debtor, continuation=token)
        for entry in entries:
            if number not in entry.invoice_numbers:
                continue
            for text, exact in wanted.items():
                hit = entry.summary == text if exact else entry.summary.startswith(text)
                if hit and text not in found:
                    found[text] = entry.at
        if not token or len(found) == len(wanted):
            return found


def line_owed(repos: Repositories, client_id: str, debtor: str, number: str, summary: str) -> bool:
    """A change found made: whether its line ``summary`` is missing since the change was
    last undone (a dispute's: since the last resolved dispute)."""
    undone = RESOLVED.format(number=number) if summary.startswith(DISPUTED.format(number=number)) else None  # fmt: skip
    wanted = {summary: True, **({undone: True} if undone else {})}
    seen = newest(repos, client_id, debtor, number, wanted)
    logged = seen.get(summary)
    return logged is None or (undone is not None and undone in seen and seen[undone] > logged)


def resolved_line_owed(repos: Repositories, client_id: str, debtor: str, number: str) -> bool:
    """A resolve found the invoice not disputed: its line is owed only when a dispute was
    logged after the last resolved line (a first attempt cut off after its write), not for
    an invoice never disputed or one whose resolve was logged."""
    resolved, disputed = RESOLVED.format(number=number), DISPUTED.format(number=number)
    seen = newest(repos, client_id, debtor, number, {resolved: True, disputed: False})
    return disputed in seen and (resolved not in seen or seen[resolved] < seen[disputed])
