"""A debtor's own IBANs (``Debtor.ibans``, imported or sent through the API) are known payers,
exactly as an account learned from a booked payment: they go into the same learned payer
accounts (``LearnedIbans``, with their digest), so the matching index, the rule "known payer"
and its reason treat both alike, as ``inning match`` does with a CSV's debtor IBAN.

An IBAN is learned when a debtor is stored with it (:func:`learn_imported`, before the debtor's
row, so a crash in between learns it again on the retry); debtors stored before this was done
are learned once per client, when the statement matching index is built again for them
(:func:`every_debtor_learning`, ``match_index_repo.VERSION`` 4). An IBAN later removed from a
debtor stays known, as a learned one does: the debtor did pay from it or said so.

Only the client's word stands behind such an IBAN (anyone's IBAN is printed on their
invoices), so it is kept apart from a paid one (``said``) and counts only on the client's own
account. On the agency's pooled account, where every client's money arrives, a client that
stores another client's debtor's IBAN on a debtor of its own must not draw that debtor's
transfers to itself (attack9 F1): there only payers learned from booked payments count, and a
payer known to two clients of the pool (in any way) books nothing by itself."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from shared.domain.parties import Debtor
from shared.services.repositories import Repositories
from shared.services.statement_lookups import every_debtor


def new_ibans(changes: Sequence[tuple[Debtor | None, Debtor]]) -> dict[str, set[str]]:
    """The IBANs each changed debtor has now and did not have before: {IBAN: debtors}."""
    learned: dict[str, set[str]] = {}
    for before, after in changes:
        had = {_compact(i) for i in before.ibans} if before is not None else set()
        for iban in after.ibans:
            if _compact(iban) not in had:
                learned.setdefault(_compact(iban), set()).add(after.number)
    return learned


def learn_imported(
    repos: Repositories, client_id: str, changes: Sequence[tuple[Debtor | None, Debtor]]
) -> None:
    learned = new_ibans(changes)
    if learned:
        repos.banking.learn_ibans(client_id, learned, said=True)


def every_debtor_learning(repos: Repositories, client_id: str) -> Iterator[Debtor]:
    """Every debtor of the client (:func:`every_debtor`), each page's IBANs learned as it is
    read: the one-time catch-up for debtors stored before their IBANs were learned."""
    page: list[Debtor] = []
    for debtor in every_debtor(repos, client_id):
        page.append(debtor)
        if len(page) == 1000:
            learn_imported(repos, client_id, [(None, d) for d in page])
            yield from page
            page = []
    learn_imported(repos, client_id, [(None, d) for d in page])
    yield from page


def _compact(iban: str) -> str:
    return iban.replace(" ", "").upper()
