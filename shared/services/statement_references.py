"""The invoice a payer's structured reference names when no open invoice has it.

The matching index holds open invoices only, so a betalingskenmerk of an invoice that is paid,
credited or withdrawn finds nothing there, and the line goes on the action list as unknown
money. Yet that is the commonest unmatched credit: a debtor paying the same invoice twice. The
console's search index keeps every invoice's reference (paid ones too): one small range read
says which invoice it is, for the credit manager to refund or book it knowingly.
"""

from __future__ import annotations

import re

from shared.domain.invoices import CLOSED, Invoice
from shared.domain.money import format_eur_nl
from shared.domain.scopes import is_agency_scope
from shared.domain.search.keys import InvoiceBy
from shared.services.console_search import ConsoleSearch


def quoted_invoice(
    search: ConsoleSearch,
    client_id: str,
    reference: str,
    built: dict[str, bool] | None = None,
) -> Invoice | None:
    """The one invoice of the client whose reference is ``reference``; None when the search
    index of the client is not built yet (no build is started from a statement line) or the
    reference is no invoice's, or more than one's.

    ``built``: whether each client's index is built, as read for an earlier line of the same
    window (a read a line otherwise: 0.07 a line of a 20-line file). An index built meanwhile
    is used from the next window on, as a line read before the build would not have used it."""
    if built is None:
        ready = search.index.is_built(client_id)
    else:
        if client_id not in built:
            built[client_id] = search.index.is_built(client_id)
        ready = built[client_id]
    if not ready:
        return None
    found = search.invoices(client_id, reference, InvoiceBy.REFERENCE, page_size=2, token=None)
    if len(found.items) != 1:
        return None
    # the search finds by prefix; a payer's reference names an invoice only when it is its own
    invoice = found.items[0]
    return invoice if _bare(invoice.payment_reference) == _bare(reference) else None


def _bare(reference: str | None) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", reference or "").upper()


def quoted_reason(invoice: Invoice, reference: str) -> str | None:
    """What the item says of a reference that names a closed invoice (open ones are in the
    matching index and are matched, not noted)."""
    if invoice.status not in CLOSED:
        return None
    return (
        f"reference {reference} is that of invoice {invoice.number} "
        f"({invoice.status.value}, {format_eur_nl(invoice.paid)} of "
        f"{format_eur_nl(invoice.amount)} paid): a second payment?"
    )


def quoted_number_reason(invoice: Invoice) -> str:
    """What the item says of a description that names a closed invoice by its number."""
    return (
        f"the description names invoice {invoice.number} of debtor {invoice.debtor_number} "
        f"({invoice.status.value}, {format_eur_nl(invoice.paid)} of "
        f"{format_eur_nl(invoice.amount)} paid): his overpayment or a second payment?"
    )


def quoted_debtor(detail: dict[str, object], target: str) -> str | None:
    """The debtor an item on a client's own list is filed under: the one whose closed invoice
    the line quotes (his overpayment, shown on his page); else the one debtor whose invoices
    all its suggestions are (his money, most likely: newcomer27 F5); none when they are
    several debtors'. On the agency's list none: the debtor number is a client's, and the
    item names the client beside it."""
    if is_agency_scope(target):
        return None
    debtor = detail.get("quoted_debtor")
    if isinstance(debtor, str):
        return debtor
    return _sole_debtor(detail.get("suggestions"))


def _sole_debtor(suggestions: object) -> str | None:
    """The debtor of every suggestion, when they name one and the same (a suggestion without
    one, as items made before suggestions carried it, names none)."""
    if not isinstance(suggestions, list) or not suggestions:
        return None
    debtors = {s.get("debtor") if isinstance(s, dict) else None for s in suggestions}
    if len(debtors) != 1:
        return None
    debtor = debtors.pop()
    return debtor if isinstance(debtor, str) and debtor else None
