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

from collections.abc import Callable
from dataclasses import replace

from shared.domain.money import format_cents
from shared.domain.parties import Client, DebtorKind
from shared.domain.people.audit import Event
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
        announced = self.announced_business_claims(client)
        if announced:
            named = ", ".join(announced[:SHOWN]) + (" ..." if len(announced) > SHOWN else "")
            raise Invalid(
                f"{len(announced)} open business claim(s) ({named}) had their costs announced "
                "in a sommatie or 14-day letter on the current terms; a change would ask "
                "another amount than the letter said. Change the agreed costs once they are "
                "settled / de incassokosten van {n} openstaande vordering(en) zijn al "
                "aangekondigd; wijzig de afspraak pas als die zijn afgewikkeld".replace(
                    "{n}", str(len(announced))
                ),
                "value",
            )
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
