"""A business client's agreed collection costs changed in the console (attack6 finding 1).

The agency puts its name on the sommatie and answers for the costs it claims (6:96 lid 2 BW,
Gedragscode incasso), so the change is the agency's act (the console guards the form with
MANAGE_CLIENTS, as the API's ``POST /v1/clients``), within the bounds of
:mod:`shared.domain.law.agreed_costs`, and audited (who, before, after).

The ledger reads a claim's terms from the client's settings as they are today, so a change
would re-price every open business claim, also those whose sommatie or 14-day letter already
announced the costs: the debtor would be asked another figure than his letter said. Until a
claim keeps the basis it was announced with, a change is refused while the client has such
claims open (their numbers are named): the agency changes the terms when they are settled,
or before their first notice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from shared.domain.money import format_cents
from shared.domain.parties import Client, DebtorKind
from shared.domain.people.audit import Event
from shared.services.batch import RowError
from shared.services.client_settings import ClientSettings, agreed_costs_setting
from shared.services.errors import Invalid
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories

SHOWN = 5  # invoice numbers named in the refusal


def setting_text(percent: str | None, fixed: int) -> str:
    """The setting as the audit log keeps it."""
    if percent:
        return f"{percent} %"
    return f"{format_cents(fixed)} fixed" if fixed else "staffel"


class AgreedCostsChange:
    def __init__(
        self,
        repos: Repositories,
        settings: ClientSettings,
        ledger: LedgerService,
        audit: Callable[..., None],
    ) -> None:
        self.repos = repos
        self.settings = settings
        self.ledger = ledger
        self.audit = audit

    def apply(self, client: Client, *, basis: str, value: str, actor: str) -> Client:
        percent, fixed = agreed_costs_setting(basis, value)
        before = (client.b2b_costs_percent, client.b2b_costs_fixed)
        if (percent, fixed) == before:
            return client  # nothing changes: no claim is re-priced, nothing to audit
        self._refuse_when_announced(client)
        updated = self.settings.change(
            client.client_id,
            lambda c: replace(c, b2b_costs_percent=percent, b2b_costs_fixed=fixed),
        )
        self.audit(
            Event.AGREED_COSTS_CHANGED,
            agency_id=client.agency_id,
            client_id=client.client_id,
            actor=actor,
            subject=client.client_id,
            before=setting_text(*before),
            after=setting_text(percent, fixed),
        )
        return updated

    def screen_import(
        self, agency_id: str, rows: Sequence[tuple[int, Client, frozenset[str]]]
    ) -> tuple[set[int], list[RowError], list[tuple[Client, Client]]]:
        """The same rule for ``POST /v1/clients`` (the agency's key): a row that changes an
        existing client's agreed costs while a business claim's costs were announced is
        refused; the changes let through, (stored client, row), to be audited once stored
        (:meth:`audit_import`). Returns the indexes refused, their errors and the changes."""
        sent = [(i, c) for i, c, given in rows if "b2b_costs_percent" in given]
        if not sent:
            return set(), [], []
        ids = self.repos.clients.ids_for_numbers(agency_id, [c.number for _, c in sent])
        refused: set[int] = set()
        errors: list[RowError] = []
        changes: list[tuple[Client, Client]] = []
        for index, draft in sent:
            found = self.repos.clients.get(ids[draft.number]) if draft.number in ids else None
            if found is None:
                continue  # a new client: no claims yet
            old = found[0]
            if (draft.b2b_costs_percent, draft.b2b_costs_fixed) == (
                old.b2b_costs_percent,
                old.b2b_costs_fixed,
            ):
                continue
            try:
                self._refuse_when_announced(old)
            except Invalid as exc:
                refused.add(index)
                errors.append(RowError(index, "b2b_collection_costs_rate", str(exc)))
                continue
            changes.append((old, draft))
        return refused, errors, changes

    def audit_import(self, actor: str, changes: Sequence[tuple[Client, Client]]) -> None:
        for old, new in changes:
            self.audit(
                Event.AGREED_COSTS_CHANGED,
                agency_id=old.agency_id,
                client_id=old.client_id,
                actor=actor,
                subject=old.client_id,
                before=setting_text(old.b2b_costs_percent, old.b2b_costs_fixed),
                after=setting_text(new.b2b_costs_percent, new.b2b_costs_fixed),
            )

    def _refuse_when_announced(self, client: Client) -> None:
        announced = self.announced_business_claims(client)
        if announced:
            named = ", ".join(announced[:SHOWN]) + (" ..." if len(announced) > SHOWN else "")
            raise Invalid(
                f"{len(announced)} open business claim(s) ({named}) had their costs announced "
                "in a sommatie or 14-day letter on the current terms; a change would ask "
                "another amount than the letter said. Change the agreed costs once they are "
                f"settled / de incassokosten van {len(announced)} openstaande vordering(en) "
                "zijn al aangekondigd; wijzig de afspraak pas als die zijn afgewikkeld",
                "value",
                code="costs_announced",
                params={"count": len(announced), "claims": named},
            )

    def announced_business_claims(self, client: Client) -> list[str]:
        """Open claims of the client's business debtors whose costs a notice announced (a
        costs term set) and are not fixed in the ledger yet: the claims a change re-prices."""
        found: list[str] = []
        token: str | None = None
        while True:
            debtors, token = self.repos.debtors.list(
                client.client_id, page_size=500, continuation=token
            )
            for debtor in debtors:
                if debtor.kind is not DebtorKind.B2B:
                    continue  # consumers always get the staffel: a change never reaches them
                for figures in self.ledger.debtor_open_claims(client, debtor.number):
                    if figures.costs_owed_from is not None and not figures.costs_fixed:
                        found.append(figures.invoice_number)
            if not token:
                return found
