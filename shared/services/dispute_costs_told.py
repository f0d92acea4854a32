"""The costs hold of a consumer's dispute kept until he is told it ended (lawyer26 F6's
remainder; shared.domain.law.dispute_costs): the untold path reopens the hold the dispute's end
closed, and a person's resume (his word that the debtor knows) ends it :data:`RESUMES_AFTER`
days from that day. Both idempotent: a retry finds the hold as it left it."""

from __future__ import annotations

from datetime import date

from shared.domain.law.dispute_costs import after_dispute, ended_on, is_dispute_hold, while_disputed
from shared.services.ledger.service import LedgerService


def hold_until_told(
    ledger: LedgerService, client_id: str, debtor: str, number: str, ended: date
) -> int:
    """The dispute that ended on ``ended`` untold: its hold runs on without end; how many holds
    were reopened (holds of disputes that ended on other days stay as they are)."""
    header = ledger.ledger.header(client_id, debtor, number)
    reopened = 0
    for ref, raised_on, end in header.costs_held if header is not None else ():
        if is_dispute_hold(ref) and ended_on(raised_on, end) == ended:
            ledger.set_costs_hold(client_id, debtor, number, ref, while_disputed(raised_on))
            reopened += 1
    return reopened


def end_when_told(
    ledger: LedgerService, client_id: str, debtor: str, number: str, told: date
) -> int:
    """Invoice ``number`` resumed by a person on ``told``, its dispute over: a hold still
    running (kept until he was told) ends :data:`RESUMES_AFTER` days from ``told``; how many."""
    header = ledger.ledger.header(client_id, debtor, number)
    ended = 0
    for ref, raised_on, end in header.costs_held if header is not None else ():
        if is_dispute_hold(ref) and end is None:
            ledger.set_costs_hold(client_id, debtor, number, ref, after_dispute(raised_on, told))
            ended += 1
    return ended
