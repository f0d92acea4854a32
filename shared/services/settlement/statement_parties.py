"""The debtor and the payment reference of each line of a settlement statement (agency21 N1),
from the payments the run has read already and one batch read of the client's debtors: no
read per line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shared.domain.records import Payment
from shared.domain.settlement.line_parties import LineParty, line_parties
from shared.domain.settlement.statement import SettlementLine
from shared.services.repositories import Repositories


def parties_of(
    repos: Repositories,
    client_id: str,
    lines: Sequence[SettlementLine],
    payments: Mapping[str, Payment],
    early: Sequence[Payment] = (),
) -> dict[str, LineParty]:
    """Each line's payment's party by payment id, and each of ``early``'s (received before
    the agreement, listed apart); a payment the run did not read (none: the lines are the
    client's payments) names nobody."""
    named = {x.payment_id: payments[x.payment_id] for x in lines if x.payment_id in payments}
    named.update({p.payment_id: p for p in early})
    numbers = sorted({p.debtor_number for p in named.values() if p.debtor_number})
    found = repos.debtors.get_many(client_id, numbers) if numbers else {}
    return line_parties(named, {n: d.name for n, (d, _) in found.items()})
