"""What a dunning message demanded per invoice when it was rendered, so the send-time
re-check can tell a reminder whose amounts moved since (a partial payment, a reversed one)
from one that still says what is open (failure4 finding 3). Kept on the message's extras as
JSON: number -> [open principal in cents, the ids of the payments booked on it]."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from shared.domain.invoices import Invoice

# the extra holding the figures (absent on a message planned before this was recorded: such
# a message is judged by which invoices are due only, as it was)
DEMANDED = "demanded"

CHANGED = "openstaand bedrag gewijzigd"


def _figures(invoice: Invoice) -> list[object]:
    # the payment ids too: a payment that went to interest or costs leaves the principal as it
    # was but changes the claim the text states
    return [invoice.open_amount, sorted({p for p, _ in invoice.payments})]


def demanded(invoices: Iterable[Invoice]) -> str:
    """The figures a message rendered for these invoices stands on (JSON for its extras)."""
    return json.dumps({i.number: _figures(i) for i in invoices}, sort_keys=True)


def changed_since(extras: Mapping[str, str], invoices: Iterable[Invoice]) -> list[str]:
    """The invoices whose figures differ from those the message was rendered with."""
    text = extras.get(DEMANDED)
    if not text:
        return []
    then = json.loads(text)
    return [i.number for i in invoices if i.number in then and then[i.number] != _figures(i)]
