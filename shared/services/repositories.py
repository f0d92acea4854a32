"""All repositories over one TableStore, handed to the services as one object."""

from __future__ import annotations

from dataclasses import dataclass

from shared.adapters.tables import (
    banking_repo,
    cases_repo,
    dunning_repo,
    messaging_repo,
    people_repo,
    plans_repo,
)
from shared.adapters.tables.banking_repo import BankingRepository
from shared.adapters.tables.cases_repo import CaseRepository
from shared.adapters.tables.dunning_repo import DunningRepository
from shared.adapters.tables.inbound_repo import TABLES as INBOUND_TABLES
from shared.adapters.tables.invoices_repo import InvoiceRepository
from shared.adapters.tables.keys_repo import ApiKeyRepository
from shared.adapters.tables.parties_repo import (
    AgencyRepository,
    ClientRepository,
    DebtorRepository,
)
from shared.adapters.tables.records_repo import (
    ActionRepository,
    ContactLogRepository,
    PaymentRepository,
)
from shared.adapters.tables.schema import ALL_TABLES
from shared.adapters.tables.settlement_repo import TABLES as SETTLEMENT_TABLES
from shared.adapters.tables.usage_repo import TABLES as USAGE_TABLES
from shared.ports.tables import TableStore


@dataclass(frozen=True)
class Repositories:
    store: TableStore
    agencies: AgencyRepository
    clients: ClientRepository
    debtors: DebtorRepository
    invoices: InvoiceRepository
    payments: PaymentRepository
    contacts: ContactLogRepository
    actions: ActionRepository
    api_keys: ApiKeyRepository
    banking: BankingRepository
    dunning: DunningRepository
    cases: CaseRepository

    @classmethod
    def over(cls, store: TableStore) -> Repositories:
        return cls(
            store=store,
            agencies=AgencyRepository(store),
            clients=ClientRepository(store),
            debtors=DebtorRepository(store),
            invoices=InvoiceRepository(store),
            payments=PaymentRepository(store),
            contacts=ContactLogRepository(store),
            actions=ActionRepository(store),
            api_keys=ApiKeyRepository(store),
            banking=BankingRepository(store),
            dunning=DunningRepository(store),
            cases=CaseRepository(store),
        )

    def ensure_tables(self) -> None:
        self.store.ensure_tables(
            (
                *ALL_TABLES,
                *banking_repo.TABLES,
                *messaging_repo.TABLES,
                *dunning_repo.TABLES,
                *cases_repo.TABLES,
                *people_repo.TABLES,
                "MolliePayments",  # shared.services.online_payments
                "SimulatedPayments",
                "PortalAccess",  # shared.services.portal
                "PortalThrottle",
                "PortalReturns",
                *plans_repo.TABLES,
                "SddCollections",  # shared.services.plans.direct_debit
                "SddPending",
                "LinkedAccounts",  # shared.adapters.tables.linked_accounts_repo
                "Ledger",  # shared.adapters.tables.ledger_repo
                *SETTLEMENT_TABLES,
                *USAGE_TABLES,
                "QueueFailures",  # shared.services.poison
                "Conversations",  # shared.adapters.tables.conversations_repo
                *INBOUND_TABLES,  # shared.adapters.tables.inbound_repo
                "ConsoleJobs",  # shared.adapters.tables.console_jobs_repo
                "StatementReports",  # shared.services.payment_overview
                "PortfolioFigures",  # shared.adapters.tables.figures_repo (the Today page)
                "ConsoleSearch",  # shared.adapters.tables.search_repo
                "MolliePlanCollections",  # shared.services.plans.mollie_collection
                "PaymentsByDay",  # shared.adapters.tables.payment_days_repo
                "RatesRestated",  # shared.services.rates (the table the claims were restated to)
            )
        )
