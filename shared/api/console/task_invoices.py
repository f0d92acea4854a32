"""What became of a staff task's invoices since the workflow made it.

A workflow's staff task ("Bellen: debiteur D-3") stays on the action list until a person
resolves it; meanwhile its invoices may have been paid, credited, withdrawn or handed over to
the agency. The list and the item say so, read from the invoices as they are now, so nobody
calls a debtor who paid (cm18 F6: D-3 paid all of F-1004 on 27-03, its tasks "SMS" and
"Bellen" stood on the list unchanged). Nothing is resolved by reading a page: the person
closes the task, now knowing why."""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.invoices import CLOSED, Invoice
from shared.domain.records import ActionItem, ActionStatus
from shared.services.repositories import Repositories

TASK = "staff_task"
HANDED_OVER = "handed_over"  # the invoice's state word when an agency collects it

WORDS = {
    "paid": ("betaald", "paid"),
    "credited": ("gecrediteerd", "credited"),
    "withdrawn": ("ingetrokken", "withdrawn"),
    HANDED_OVER: ("overgedragen aan het incassobureau", "handed over to the collection agency"),
}


def done_with(
    repos: Repositories, client_id: str, items: Iterable[ActionItem]
) -> dict[str, dict[str, str]]:
    """Action id -> {invoice: state} for each open staff task of ``items`` none of whose
    invoices is the client's to chase any more (closed, or handed over); a task with one
    invoice still open (or disputed, or not found) is left out. One read for all of them."""
    tasks = [
        i
        for i in items
        if i.kind == TASK and i.invoice_numbers and i.status is not ActionStatus.RESOLVED
    ]
    numbers = sorted({n for task in tasks for n in task.invoice_numbers})
    if not numbers:
        return {}
    stored = repos.invoices.get_many(client_id, numbers)
    out: dict[str, dict[str, str]] = {}
    for task in tasks:
        states = {
            n: _state(stored[n].invoice) if n in stored else None for n in task.invoice_numbers
        }
        if all(states.values()):
            out[task.action_id] = {n: str(s) for n, s in states.items()}
    return out


def _state(invoice: Invoice) -> str | None:
    if invoice.handed_over_to:
        return HANDED_OVER
    return invoice.status.value if invoice.status in CLOSED else None


def state_word(state: str, lang: str) -> str:
    nl, en = WORDS.get(state, (state, state))
    return nl if lang == "nl" else en
