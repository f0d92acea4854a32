"""What a dunning message demanded per invoice when it was rendered, so the send-time
re-check can tell a reminder whose amounts moved since (a partial payment, a reversed one)
from one that still says what is open (failure4 finding 3). Kept on the message's extras as
JSON: number -> [open principal in cents, the ids of the payments booked on it, the day the
collection costs are owed from, the ledger claim's next event number] (failure5 finding 4:
the last two, so a payment that went only to interest or costs, and a costs term taken off
after the 14-day letter did not arrive, are seen too; a message rendered before they were
recorded is judged by the figures it has)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from shared.adapters.tables.keys import encode
from shared.adapters.tables.ledger_repo import LEDGER, header_rk
from shared.domain.invoices import Invoice
from shared.ports.tables import TableStore

# the extra holding the figures (absent on a message planned before this was recorded: such
# a message is judged by which invoices are due only, as it was)
DEMANDED = "demanded"

# why a waiting reminder is rendered again (the contact log's words): its open amount moved (a
# payment, a reversal, a credit, money to interest or costs), or only the day the collection
# costs are owed moved (a 14-day letter sent meanwhile set it, or one that did not arrive had
# it taken off): "open amount changed" would tell staff of money that never moved (dunning16 F5)
CHANGED = "openstaand bedrag gewijzigd"
COSTS_TERM_CHANGED = "termijn voor de incassokosten gewijzigd"


def _figures(invoice: Invoice, seq: int, costs_owed_from: date | None) -> list[object]:
    # The invoice row has the principal and the payments that reached it. A payment that went
    # only to interest or costs (art. 6:44 BW) is on the ledger claim alone: every booking on
    # the claim (a payment on any component, a reversal, a credit note, a restatement) adds
    # events, interest accruing adds none, so the claim's next event number tells one. The
    # costs term: taken off when the 14-day letter did not arrive (art. 6:96 lid 6 BW).
    return [
        invoice.open_amount,
        sorted({p for p, _ in invoice.payments}),
        costs_owed_from.isoformat() if costs_owed_from else None,
        seq,
    ]


def ledger_marks(
    store: TableStore, client_id: str, debtor_number: str, numbers: Sequence[str]
) -> dict[str, int]:
    """Per invoice, its ledger claim's next event number (1: no event stored, as a claim
    without a header row has none): one batched read of the claims' header rows."""
    keys = {n: header_rk(debtor_number, n) for n in numbers}
    rows = store.get_many(LEDGER, encode(client_id), list(keys.values()))
    return {n: int(rows[rk].data.get("NextSeq", 1)) if rk in rows else 1 for n, rk in keys.items()}


def demanded(
    invoices: Sequence[Invoice],
    store: TableStore,
    client_id: str,
    debtor_number: str,
    costs_owed_from: date | None = None,
) -> str:
    """The figures a message rendered for these invoices stands on (JSON for its extras).
    ``costs_owed_from``: the costs term the step starts (a 14-day letter: written on the
    invoices after the message), else each invoice's own."""
    seqs = ledger_marks(store, client_id, debtor_number, [i.number for i in invoices])
    return json.dumps(
        {i.number: _figures(i, seqs[i.number], costs_owed_from or i.costs_owed_from)
         for i in invoices},
        sort_keys=True,
    )  # fmt: skip


def changed_since(
    extras: Mapping[str, str],
    invoices: Iterable[Invoice],
    store: TableStore,
    client_id: str,
    debtor_number: str,
) -> dict[str, str]:
    """The invoices whose figures differ from those the message was rendered with (as many
    figures as it recorded), each with what changed (``CHANGED``, ``COSTS_TERM_CHANGED``)."""
    text = extras.get(DEMANDED)
    if not text:
        return {}
    then = json.loads(text)
    judged = [i for i in invoices if i.number in then]
    if not judged:
        return {}
    seqs = ledger_marks(store, client_id, debtor_number, [i.number for i in judged])
    moved: dict[str, str] = {}
    for i in judged:
        was = then[i.number]
        now = _figures(i, seqs[i.number], i.costs_owed_from)[: len(was)]
        if was != now:
            moved[i.number] = _what_changed(was, now)
    return moved


def _what_changed(was: Sequence[object], now: Sequence[object]) -> str:
    """``CHANGED`` when the open principal or the payments on it moved; ``COSTS_TERM_CHANGED``
    when the costs day moved and they did not (a costs term is booked on the claim, so its
    next event number moves with it: that alone is no payment)."""
    if list(was[:2]) != list(now[:2]):
        return CHANGED
    if len(was) > 2 and was[2] != now[2]:
        return COSTS_TERM_CHANGED
    return CHANGED
