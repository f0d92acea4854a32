"""The rows of an invoice upload that change a stored invoice's amount, invoice date or due
date: what each was and what it becomes (newcomer15b #6), for the preview, and for the result
of an upload run as a job (misc16 #2), which keeps them per chunk from before its first write.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from shared.adapters.tables.invoices_repo import StoredInvoice
from shared.services.imports import InvoiceDraft

# the changed invoices a job's result names one by one; the rest are counted (a file that
# moves every due date of 40,000 invoices would otherwise make a page of 40,000 rows)
SHOWN_CHANGES = 200


@dataclass(frozen=True)
class Change:
    """A row that changes a stored invoice's amount, invoice date or due date: what it was,
    what it becomes."""

    index: int
    number: str
    amount_was: int
    amount: int
    due_was: date
    due: date
    dated_was: date
    dated: date


def changes_in(
    stored: Mapping[str, StoredInvoice], rows: Sequence[tuple[int, InvoiceDraft]]
) -> list[Change]:
    """The rows that change an invoice of ``stored`` (the client's invoices by number, as
    they stand before the rows are written)."""
    changes: list[Change] = []
    for index, draft in rows:
        found = stored.get(draft.number)
        if found is None:
            continue
        was = found.invoice
        if (was.invoiced, was.due_date, was.invoice_date) != (
            draft.amount,
            draft.due_date,
            draft.invoice_date,
        ):
            changes.append(Change(index, draft.number, was.invoiced, draft.amount,
                                  was.due_date, draft.due_date,
                                  was.invoice_date, draft.invoice_date))  # fmt: skip
    return changes


def dump_changes(changes: Sequence[Change]) -> bytes:
    return json.dumps([
        [c.index, c.number, c.amount_was, c.amount, c.due_was.isoformat(), c.due.isoformat(),
         c.dated_was.isoformat(), c.dated.isoformat()]
        for c in changes
    ]).encode()  # fmt: skip


def load_changes(data: bytes) -> list[Change]:
    day = date.fromisoformat
    return [
        Change(int(i), str(n), int(aw), int(a), day(dw), day(d), day(tw), day(t))
        for i, n, aw, a, dw, d, tw, t in json.loads(data)
    ]
