"""The kinds of interest a debtor's claims were really charged, for what a page or letter calls
it (misc16 #1; the names: :mod:`shared.domain.interest_words`).

Only a claim under an agreed rate can have been charged another kind than its rule (the
statutory rate on the days it was the higher): for the others the rule is the answer, and
no claim records are read (the ordinary client's letters and pages cost nothing more).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from shared.domain.interest_charged import kinds_of_claims
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimFigures, InterestRule
from shared.domain.parties import Client, Debtor
from shared.services.ledger.service import LedgerService

Kinds = dict[str, tuple[InterestRule, ...]]


def kinds_of(
    ledger: LedgerService,
    client: Client,
    debtor: Debtor,
    claims: Mapping[str, ClaimFigures],
    on: date,
    records: Sequence[ClaimRecord] | None = None,
) -> Kinds:
    """Per claim in ``claims``, the kinds of interest charged for a settlement on ``on``;
    ``records``: the debtor's claim records when the caller has them (else read, and only
    when a claim carries an agreed rate)."""
    out: Kinds = {n: (f.interest_rule,) for n, f in claims.items()}
    agreed = [n for n, f in claims.items() if f.interest_rule is InterestRule.CONTRACTUAL]
    if not agreed:
        return out
    if records is None:
        records = ledger.debtor_claims(client, debtor.number, debtor).records
    out.update(kinds_of_claims(records, agreed, on, ledger.rates()))
    return out


def flat(kinds: Mapping[str, tuple[InterestRule, ...]]) -> tuple[InterestRule, ...]:
    """Every kind of these claims, in claim order (what one total of them is called)."""
    return tuple(k for n in sorted(kinds) for k in kinds[n])
