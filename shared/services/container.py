"""The use cases, wired by :mod:`shared.bootstrap` and handed to entry points.

Each service is built on first use and cached, and its module is imported only then: a
trigger pays at cold start for the services it uses, not for every one (a new Flex
Consumption instance pays every import before its first request). To add a service, add a
``cached_property`` that imports its module inside.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from shared.clock import Clock
from shared.domain.access import Scope
from shared.domain.messaging import Channel
from shared.ports.channels import ChannelSender
from shared.ports.files import FileStore
from shared.ports.queues import QueueSender
from shared.services.repositories import Repositories
from shared.settings import Settings

if TYPE_CHECKING:
    from shared.adapters.tables.cases_repo import Case
    from shared.adapters.tables.linked_accounts_repo import LinkedAccountRepository
    from shared.adapters.tables.messaging_repo import CounterRepository
    from shared.domain.invoices import Invoice
    from shared.domain.parties import Client
    from shared.domain.records import Payment
    from shared.ports.secrets import SecretStore
    from shared.ports.tables import TableStore
    from shared.services.access import AccessService
    from shared.services.action_desk import ActionDesk
    from shared.services.actions import ActionService
    from shared.services.agreed_costs_change import AgreedCostsChange
    from shared.services.calendar_watch import HolidayTableWatch
    from shared.services.callbacks import CallbackService
    from shared.services.cases import CaseService
    from shared.services.client_settings import ClientSettings
    from shared.services.console_figures import ConsoleFigures
    from shared.services.console_jobs import ConsoleJobs
    from shared.services.console_search import ConsoleSearch
    from shared.services.conversations.by_hand import ByHandService
    from shared.services.debtor_kind import DebtorKindChanges
    from shared.services.debtor_standing import DebtorStandingService
    from shared.services.dispute_ending import DisputeEndingService
    from shared.services.dossier import DossierService
    from shared.services.due_date_restatement import DueDateRestatements
    from shared.services.dunning import DunningService
    from shared.services.dunning_setup import DunningSetup
    from shared.services.exports import ExportService
    from shared.services.house_style import HouseStyleImages
    from shared.services.imports import ImportService
    from shared.services.inbound.filing import MailFiling
    from shared.services.inbound.linking import InboundMail
    from shared.services.inbound.reader import InboxReader
    from shared.services.invoice_pdfs import InvoicePdfs
    from shared.services.invoice_status import InvoiceStatusService
    from shared.services.ledger.redesignation import Redesignation
    from shared.services.ledger.service import LedgerService
    from shared.services.linking.mollie_accounts import MollieAccounts
    from shared.services.linking.mollie_retention import MollieCredentialRetention
    from shared.services.linking.office365 import Office365Linking
    from shared.services.managed_invoices import ManagedInvoiceMeter
    from shared.services.message_acknowledgements import MessageAcknowledgements
    from shared.services.messaging import MessagingService
    from shared.services.mollie_reconcile import MollieReconciliation
    from shared.services.online_payments import OnlinePaymentService
    from shared.services.outbox_sweep import OutboxSweep
    from shared.services.payment_overview import PaymentOverview
    from shared.services.payments import PaymentService, Replacement
    from shared.services.people.facade import People
    from shared.services.plans.self_service import PortalPlanDesk
    from shared.services.plans.service import PlanService
    from shared.services.plans.status_reports import StatusReports
    from shared.services.poison import PoisonService
    from shared.services.portal import PortalLinks, PortalService
    from shared.services.rate_restatement import RateRestatement
    from shared.services.rates import StatutoryRates
    from shared.services.reports.open_items import OpenItemsService
    from shared.services.reports.service import ReportService
    from shared.services.request_decisions import RequestDecisionService
    from shared.services.sending_mailbox import SendingMailbox
    from shared.services.sent_letters import SentLetters
    from shared.services.settlement.repayments import SettlementRepayments
    from shared.services.settlement.runs import SettlementRunner
    from shared.services.settlement.service import SettlementService
    from shared.services.statement_returns import ReturnedPayments
    from shared.services.statements import StatementService
    from shared.services.timeline_authors import TimelineAuthors
    from shared.services.usage import UsageService
    from shared.services.wki_registration_watch import WkiRegistrationWatch


class Services:
    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        repos: Repositories,
        files: FileStore,
        queues: QueueSender,
        senders: dict[Channel, ChannelSender],
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.repos = repos
        self.files = files
        self.queues = queues
        self.senders = senders

    @classmethod
    def build(
        cls,
        settings: Settings,
        clock: Clock,
        repos: Repositories,
        files: FileStore,
        queues: QueueSender,
        senders: dict[Channel, ChannelSender],
    ) -> Services:
        return cls(settings, clock, repos, files, queues, senders)

    # -- adapters shared by several services ----------------------------------------------
    @cached_property
    def counters(self) -> CounterRepository:
        from shared.adapters.tables.messaging_repo import CounterRepository

        return CounterRepository(self.repos.store)

    @cached_property
    def portal_links(self) -> PortalLinks:
        from shared.domain.portal.tokens import SigningKeys
        from shared.services.portal import PortalLinks

        s = self.settings
        return PortalLinks(
            self.counters,
            SigningKeys.parse(s.portal_keys),
            s.public_base_url,
            s.portal_token_days,
            self.clock,
        )

    # -- use cases ---------------------------------------------------------------------------
    @cached_property
    def access(self) -> AccessService:
        from shared.services.access import AccessService

        return AccessService(self.repos, self.clock, self.settings.api_key_pepper.encode())

    @cached_property
    def payments(self) -> PaymentService:
        from shared.services.payments import PaymentService

        payments = PaymentService(
            self.repos, self.clock, rates=lambda: self.statutory_rates.table()
        )
        # payment plans take in every booking and reversal, whichever path booked it
        payments.plan_listener = lambda client, numbers: self.plans.payments_changed(
            client, numbers
        )
        # a running plan over the principal only is the client's agreement to that order
        payments.principal_first = lambda client, numbers, plans=None: self.plans.principal_first(
            client, numbers, plans
        )
        # a restatement (a costs term cleared, a new kind, a rate table) lowers or raises
        # claims a running plan holds: the plan follows, as after a credit note (law11 #2)
        payments.ledger.restated_listener = lambda client, numbers: self.plans.claims_restated(
            client, numbers
        )
        payments.deceased_return = lambda client, number, reason, source: (
            self.debtor_standing.propose_deceased(client, number, reason, source)
        )
        # money received under a ruling and booked after it ended is the estate's: the
        # ruling's filing item follows it (standing15 #3)
        payments.listeners.append(
            lambda client, numbers: self.debtor_standing.money_booked(client, numbers)
        )
        payments.written_listener = self._booked_on_invoices
        # money a credit or restatement moved onto an invoice that paid it: billed this month
        # when the month is not opened yet, as at a booking (failure26 F5)
        payments.ledger.closed_listener = lambda client, numbers: self.managed_invoices.closed_now(
            client.client_id, numbers
        )
        payments.taken_back_listener = lambda client, payment: self.cases.receipt_taken_back_told(
            client, payment
        )
        payments.corrected_listener = lambda client, payment, replacement: self._receipt_corrected(
            client, payment, replacement
        )
        payments.reversed_listener = lambda client, numbers, on: self._money_taken_back(
            client, numbers, on
        )
        return payments

    def _booked_on_invoices(
        self, client: Client, invoices: list[Invoice], payments: list[Payment]
    ) -> None:
        """A booking wrote these invoices: the agency of a case told of money the client
        received itself on one (told24; every booking path, not only a sync's receipt), then a
        case paid in full has its new_case item closed (booked24), and a dispute item of an
        invoice paid in full (money26). The case service is built only when the booking may
        have something to tell (``may_tell``: nearly never for a statement line)."""
        from shared.services.case_money import may_tell
        from shared.services.paid_items import close_paid_items_told

        if may_tell(invoices, payments):
            self.cases.money_told(client, invoices, payments)
        close_paid_items_told(self.repos, client, invoices, self.clock.now(), self.payments.ledger)
        # an invoice paid before its month was opened is billed in it (failure26 F5)
        self.managed_invoices.closed(client.client_id, invoices)

    def _receipt_corrected(
        self, client: Client, payment: Payment, replacement: Replacement
    ) -> None:
        from shared.services.case_corrections import receipt_corrected_told

        receipt_corrected_told(self.cases, client, payment, replacement)

    def _money_taken_back(self, client: Client, numbers: list[str], on: date) -> None:
        """A payment came back on ``on`` (a bank return, a chargeback, a refund): the ruling's
        filing item follows it, the invoices it reopened go back in the next daily run, which
        had dropped them when they were paid (lawyer20 L3: a payment in full returned, and the
        dunning never resumed), and a consumer's dispute it had ended holds the costs until
        14 days after ``on`` (review26 F6). An invoice it had paid in full while disputed is
        disputed again: its hold runs again, its item waits, its agency is told (takeback27)."""
        from shared.domain.invoices import InvoiceStatus
        from shared.services.dispute_costs_paid import resume_after_take_back

        self.debtor_standing.money_taken_back(client, numbers)
        stored = self.repos.invoices.get_many(client.client_id, numbers)
        for s in stored.values():
            resume_after_take_back(self.payments.ledger, client.client_id, s.invoice, on)
            if s.invoice.status is InvoiceStatus.DISPUTED:  # what the payment ended runs again
                self.invoice_status.dispute_revived(client, s.invoice, on)
        self.dunning.schedule_invoices(client.client_id, [s.invoice for s in stored.values()])

    @cached_property
    def ledger(self) -> LedgerService:
        return self.payments.ledger  # one ledger service: the one payments book through

    @cached_property
    def redesignation(self) -> Redesignation:
        """A booked payment's designation corrected by a person (law13 F5)."""
        from shared.services.ledger.redesignation import Redesignation

        service = Redesignation(
            lambda: self.ledger, lambda *a, **kw: self.people.kit.audit(*a, **kw)
        )
        service.resume_dunning = self.dunning.schedule_invoices
        return service

    @cached_property
    def messaging(self) -> MessagingService:
        from shared.adapters.channels.outbox import OutboxChannel
        from shared.adapters.tables.messaging_repo import OutboxRepository
        from shared.domain.contact_window import ContactWindow
        from shared.services.dunning_fallback import fall_back
        from shared.services.messaging import MessagingService

        service = MessagingService(
            self.repos,
            OutboxRepository(self.repos.store),
            self.counters,
            self.files,
            self.queues,
            self.senders,
            OutboxChannel(),
            self.clock,
            ContactWindow(self.settings.contact_opens, self.settings.contact_closes),
        )
        # a reminder closed unsent for paid invoices is planned again for those still due
        service.replan = lambda message, numbers: self.dunning.replan(message, numbers)
        # a 14-day letter sent later than planned: its date and term from the day it goes out
        service.redate = lambda message, day: self.dunning.redate(message, day)
        # a robocall that did not reach the debtor: the step by its fallback channel
        service.not_reached = lambda message: fall_back(self.dunning, message)
        service.restate_terms = lambda client_id, numbers: self.ledger.restate_terms(
            client_id, numbers
        )  # a 14-day letter undelivered after money fixed its costs (law5 finding 3)
        return service

    @cached_property
    def message_acknowledgements(self) -> MessageAcknowledgements:
        from shared.services.message_acknowledgements import MessageAcknowledgements

        return MessageAcknowledgements(
            self.repos, self.clock, lambda *a, **kw: self.people.kit.audit(*a, **kw)
        )

    @cached_property
    def dunning(self) -> DunningService:
        from shared.adapters.template_sandbox import shared_renderer
        from shared.services.dunning import DunningService

        renderer = shared_renderer()
        service = DunningService(
            self.repos,
            self.messaging,
            self.queues,
            self.clock,
            self.settings.public_base_url,
            self.portal_links.links,
            rates=lambda: self.statutory_rates.table(),
            renderer=renderer.render,
            validator=renderer.validate,
            cases=self.cases,
        )
        service.left_over = self._left_over
        service.plans_handed_over = lambda client, debtor_number: self.plans.end_handed_over(
            client, debtor_number
        )
        return service

    @cached_property
    def cases(self) -> CaseService:
        """The agency's cases (hand-over, withdrawal, what the agency is told), the dunning
        service's own: built without it, so a booking that tells the agency of money the
        client received on a case does not load the letters, fpdf and the portal for it."""
        from shared.services.cases import CaseService
        from shared.services.ledger.service import LedgerService

        cases = CaseService(self.repos, self.messaging, self.clock)
        # the dunning service's kind of ledger (no listeners): a withdrawn business case
        # keeps its hand-over as its sommatie day
        cases.ledger = LedgerService(
            self.repos, self.clock, rates=lambda: self.statutory_rates.table()
        )
        cases.plans_withdrawn = self._agency_plans_withdrawn
        return cases

    def _agency_plans_withdrawn(self, client: Client, case: Case) -> list[str]:
        from shared.services.plans.agency_plans import AgencyPlans

        return AgencyPlans(self.repos, self.plans).end_for_case(client, case)

    def _left_over(self, client: Client) -> None:
        """What an import, a sync or a debtor push stored but a failure kept from being
        finished: its changes of claim terms recorded, the receipts the client's books reported
        booked whole, its moved due dates and corrected kinds restated, a debtor's standing a
        request left midway finished and a ruling's filing item brought to the money received
        since, a payment's corrected designation re-booked, the statement lines a confirm claimed and never booked booked (failure12 F1)."""
        self.imports.terms.record_left_over(client)
        self.imports.receipts.finish_left(client)  # receipts the client's books reported
        self.due_date_restatements.finish_left_over(client)
        self.debtor_kind_changes.finish_left_over(client)
        # a kind letter's confirmation decided and cut off before its letters were confirmed
        self.debtor_kind_changes.finish_confirms(client)
        # once: those an earlier version left "confirmed" with no mark (standing14 #4)
        self.debtor_kind_changes.finish_old_confirms(client)
        # once: standings stored before the agency's flag and the marks (standing14 #2)
        self.debtor_standing.adopt_old_standings(client)
        # once: the claims of rulings that ended before their h| rows (standing15 #3)
        self.debtor_standing.note_old_ended_rulings(client)
        # standings a request left unfinished; the filing items of rulings that hold
        self.debtor_standing.finish_left_over(client)
        # payment designations a person's correction wrote and did not re-book (failure13b G2)
        self.redesignation.finish_left_over(client)
        # statement lines a person's confirm claimed for the client and never booked
        self.actions.claims.sweep(client.client_id)

    @cached_property
    def due_date_restatements(self) -> DueDateRestatements:
        from shared.services.due_date_restatement import DueDateRestatements

        return DueDateRestatements(self.repos, self.ledger, self.clock)

    @cached_property
    def invoice_status(self) -> InvoiceStatusService:
        from shared.services.usage_closures import MeteredInvoiceStatus

        # it notes an invoice's status before a credit or withdrawal for the usage meter
        service = MeteredInvoiceStatus(self.repos, self.clock, self.ledger)
        # a credited or withdrawn invoice's plan and agency case follow at once
        service.plan_listener = lambda client, numbers: self._status_changed(client, numbers)
        service.case_listener = lambda client, invoice, why, author: self.cases.invoice_left(
            client, invoice, why, author
        )
        service.resume_dunning = self.dunning.schedule_invoices
        service.plan_dispute_listener = lambda client, numbers: self.plans.disputes_changed(
            client, numbers
        )
        service.dispute_listener = lambda client, number, reason, retry: self.cases.dispute_told(
            client, number, reason, retry=retry
        )
        service.revived_listener = lambda client, number, reason, on: self.cases.dispute_told(
            client, number, reason, again=f"taken-back-{on}"
        )
        return service

    def _status_changed(self, client: Client, numbers: list[str]) -> None:
        """Invoices credited or withdrawn: their plan follows, and the usage meter bills them
        in this month when it was not opened yet (failure26 F5)."""
        from shared.services.usage_closures import left_management

        self.plans.basis_changed(client, numbers)
        # only those open a moment ago: one closed in an earlier month was billed there
        self.managed_invoices.closed_now(client.client_id, left_management(numbers))

    @cached_property
    def online_payments(self) -> OnlinePaymentService:
        from shared.services.online_payments import OnlinePaymentService

        return OnlinePaymentService(
            self.repos,
            self.payments,
            self.queues,
            self.clock,
            self.settings.providers,
            self.settings.public_base_url,
            allow_simulation=self.settings.environment == "local",
            # a test-mode payment is money only in local development (attack16 F5)
            books_test_payments=self.settings.environment == "local",
            linked_is_test=lambda client: self.mollie_accounts.is_test_link(client),
            client_account=lambda client: self.mollie_accounts.provider_for(client),
            # a payment is read with the account it was made with (kept after a relink/unlink)
            account_of=lambda client: self.mollie_accounts.account_of(client),
            linked_provider=lambda client, account: self.mollie_accounts.provider_for_account(
                client, account
            ),
            # a Mollie payment of a payment plan (first or recurring) is the plan's to handle
            plan_payment=lambda client, plan_id, payment: self.plans.mollie_outcome(
                client, plan_id, payment
            ),
            reconcile_after=timedelta(minutes=self.settings.payment_reconcile_minutes),
        )

    @cached_property
    def mollie_reconciliation(self) -> MollieReconciliation:
        from shared.services.mollie_reconcile import MollieReconciliation, ReconcileRules

        rules = ReconcileRules(
            after=timedelta(minutes=self.settings.payment_reconcile_minutes),
            batch=self.settings.payment_reconcile_batch,
        )
        return MollieReconciliation(self.repos.store, self.online_payments, self.clock, rules)

    @cached_property
    def outbox_sweep(self) -> OutboxSweep:
        from shared.services.outbox_sweep import OutboxSweep, SweepRules

        rules = SweepRules(
            grace=timedelta(minutes=self.settings.outbox_sweep_minutes),
            give_up_after=self.settings.outbox_sweep_give_up,
        )
        return OutboxSweep(self.repos, self.messaging, self.clock, rules)

    @cached_property
    def imports(self) -> ImportService:
        from shared.services.imports import ImportService

        def written(client: Client, invoices: list[Invoice]) -> None:
            shards = max(1, client.dunning_shards)
            self.dunning.schedule_invoices(client.client_id, invoices, shards=shards)
            self.managed_invoices.record(client.client_id, invoices)  # the usage meter's index

        from shared.services.claim_terms_changes import ClaimTermChanges
        from shared.services.client_receipts import ClientReceipts

        # the client's receipts a sync reports, booked through the one payment service (whose
        # booking tells the agency of a handed-over invoice: _booked_on_invoices)
        receipts = ClientReceipts(
            self.repos,
            self.clock,
            lambda: self.payments,
            lambda *a, **kw: self.people.kit.audit(*a, **kw),
        )
        return ImportService(
            self.repos,
            on_invoices_written=written,
            on_debtors_stored=lambda c, debtors: self.console_search.index_debtors(c, debtors),
            on_invoices_stored=lambda c, invoices, marks: self.console_search.index_invoices(
                c, invoices, marks
            ),
            terms=ClaimTermChanges(
                self.repos, self.clock, lambda *a, **kw: self.people.kit.audit(*a, **kw)
            ),
            receipts=receipts,
            due_dates=self.due_date_restatements,
            # a debtor's standing holds the claims pushed after it was set as those before
            on_claims_of=lambda c, invoices, debtors: self.debtor_standing.follow_claims(
                c, invoices, debtors
            ),
            # both lazy indexes' markers in one read of the console's partition (perf31)
            index_marks=lambda c: self.console_search.marks(c),
        )

    @cached_property
    def statements(self) -> StatementService:
        from shared.services.statement_credits_back import note_collection_restored
        from shared.services.statement_lookups import ledger_totals
        from shared.services.statement_references import quoted_invoice
        from shared.services.statements import StatementService

        statements = StatementService(
            self.repos,
            self.files,
            self.payments,
            self.clock,
            open_totals=ledger_totals(self.ledger),
        )
        # a plan's direct debit that comes back, before or after it was booked
        statements.plan_returns = lambda client, e2e, reason: (
            self.plans.debit_came_back(client, e2e, reason) is not None
        )
        # an unmatched credit quoting a closed invoice's reference says which invoice
        statements.quoted_invoice = lambda client_id, reference, built=None: quoted_invoice(
            self.console_search, client_id, reference, built
        )
        # a batch credit naming one of the client's own direct-debit files
        statements.collection_file = lambda client, message_id, sequence: (
            self.plans.desk.collections_of_file(client.client_id, message_id, sequence)
            if self.plans.desk is not None
            else []
        )
        # a credit of one of the client's plans' collections on its own (no batch booking)
        statements.own_collection = lambda client, e2e: (
            self.plans.desk is not None
            and self.plans.desk.plan_of(client.client_id, e2e) is not None
        )
        # a plan's collection whose return the bank reversed: told on the plan's timeline
        statements.plan_restored = lambda client, e2e, why: note_collection_restored(
            self.plans, client, e2e, why
        )
        return statements

    @cached_property
    def actions(self) -> ActionService:
        from shared.services.actions import ActionService
        from shared.services.ruling_decisions import RulingDecisions

        rulings = RulingDecisions(self.repos, lambda: self.debtor_standing)
        service = ActionService(self.repos, self.payments, self.clock, rulings)
        service.untold_closing = lambda item, author: self.dispute_ending.resume_held(item, author)
        return service

    @cached_property
    def returns(self) -> ReturnedPayments:
        """A person reversing the bank payment a return without end-to-end id sent back."""
        from shared.services.statement_returns import ReturnedPayments

        return ReturnedPayments(
            self.repos, self.payments, self.clock,
            lambda *a, **kw: self.people.kit.audit(*a, **kw),
        )  # fmt: skip

    @cached_property
    def exports(self) -> ExportService:
        from shared.services.exports import ExportService

        return ExportService(self.repos)

    @cached_property
    def sent_letters(self) -> SentLetters:
        from shared.services.sent_letters import SentLetters

        return SentLetters(self.repos, self.messaging)

    @cached_property
    def usage(self) -> UsageService:
        from shared.services.usage import UsageService

        return UsageService(self.repos, self.messaging, self.settings.prices, self.managed_invoices)

    @cached_property
    def portal(self) -> PortalService:
        from shared.services.portal import PortalService

        return PortalService(
            self.repos,
            self.portal_links,
            self.dunning,
            self.invoice_status,
            self.online_payments,
            self.files,
            self.clock,
        )

    @cached_property
    def callbacks(self) -> CallbackService:
        from shared.services.callbacks import CallbackService

        p = self.settings.providers
        return CallbackService(
            self.messaging,
            token=self.settings.callback_token,
            whatsapp_secret=p.get("WHATSAPP_APP_SECRET", ""),
            twilio_token=p.get("TWILIO_AUTH_TOKEN", ""),
            pingen_secret=p.get("PINGEN_WEBHOOK_SECRET", ""),
        )

    @cached_property
    def plans(self) -> PlanService:
        from shared.adapters.tables.plans_repo import PlanRepository
        from shared.services.plans.money import LedgerMoney
        from shared.services.plans.service import PlanService

        plans = PlanService(
            self.repos,
            PlanRepository(self.repos.store),
            LedgerMoney(self.ledger),
            self.messaging,
            self.queues,
            self.clock,
            resume_dunning=self.dunning.schedule_invoices,
            payments=self.payments,
            files=self.files,
        )
        from shared.services.plans.mollie_collection import MollieCollections

        plans.deceased_return = lambda client, number, reason, source: (
            self.debtor_standing.propose_deceased(client, number, reason, source)
        )
        plans.portal_link = self.portal_links.portal_link  # the plan letters' link (texts26 N3)
        # direct debits collected through Mollie use the client's Mollie account
        plans.mollie = MollieCollections(
            self.repos.store,
            lambda client: self.online_payments.provider_for(client),
            self.settings.public_base_url,
            # a plan's Mollie customer and mandate live in the account that made them
            choose=lambda client: self.online_payments.choose(client),
            provider_of=lambda client, account: self.online_payments.provider_of(client, account),
        )
        return plans

    @cached_property
    def statutory_rates(self) -> StatutoryRates:
        from shared.services.rates import StatutoryRates

        return StatutoryRates(
            self.files,
            self.repos,
            self.clock,
            restate=lambda before, after, version, author, at: self.rate_restatement.queue(
                before, after, version, author, at
            ),
        )

    @cached_property
    def rate_restatement(self) -> RateRestatement:
        from shared.services.rate_restatement import RateRestatement

        return RateRestatement(
            self.repos,
            self.ledger,
            self.queues,
            lambda *a, **kw: self.people.kit.audit(*a, **kw),
            fresh=lambda version: self.statutory_rates.at_least(version),
        )

    @cached_property
    def people(self) -> People:
        from shared.services.people.facade import People

        s = self.settings
        return People(
            self.repos,
            self.counters,
            self.messaging,
            self.imports,
            self.clock,
            s.api_key_pepper.encode(),
            s.public_base_url,
            s.signup_agency,
        )

    # -- a client's own provider accounts (shared/services/linking/) -----------------------
    @cached_property
    def linked_accounts(self) -> LinkedAccountRepository:
        from shared.adapters.tables.linked_accounts_repo import LinkedAccountRepository

        return LinkedAccountRepository(self.repos.store)

    @cached_property
    def secrets(self) -> SecretStore:
        from shared.bootstrap import secret_store

        store: SecretStore = secret_store(self.settings, self.repos.store)
        return store

    @cached_property
    def mollie_accounts(self) -> MollieAccounts:
        from shared.adapters.mollie_connect import MollieOAuth
        from shared.services.linking.mollie_accounts import LazySecrets, MollieAccounts

        p = self.settings.providers
        api_url = p.get("MOLLIE_API_URL", "https://api.mollie.com/v2")
        oauth = None
        if p.get("MOLLIE_CONNECT_CLIENT_ID") and p.get("MOLLIE_CONNECT_CLIENT_SECRET"):
            oauth = MollieOAuth(
                p["MOLLIE_CONNECT_CLIENT_ID"],
                p["MOLLIE_CONNECT_CLIENT_SECRET"],
                authorize_url=p.get("MOLLIE_OAUTH_URL", "https://my.mollie.com/oauth2/authorize"),
                api_url=api_url.removesuffix("/").removesuffix("/v2"),
            )
        return MollieAccounts(
            self.repos,
            self.linked_accounts,
            LazySecrets(lambda: self.secrets),
            self.clock,
            public_base_url=self.settings.public_base_url,
            oauth=oauth,
            api_url=api_url,
            # a test account takes no money: only locally may a live client link one (attack16 F5)
            allow_test_links=self.settings.environment == "local",
        )

    @cached_property
    def office365(self) -> Office365Linking:
        from shared.adapters.identity.microsoft_signin import MicrosoftSignIn
        from shared.services.linking.office365 import Office365Linking

        p = self.settings.providers
        email = self.senders.get(Channel.EMAIL)
        return Office365Linking(
            self.repos,
            self.linked_accounts,
            self.clock,
            app_client_id=p.get("GRAPH_CLIENT_ID", ""),
            public_base_url=self.settings.public_base_url,
            authority_host=p.get("GRAPH_AUTHORITY_HOST", "https://login.microsoftonline.com"),
            prove_consent=getattr(email, "prove_consent", None),
            forget=getattr(email, "forget", None),
            drop_tenant=getattr(email, "drop_tenant", None),
            reset_inbox=self._reset_inbox,
            audit=lambda *a, **kw: self.people.kit.audit(*a, **kw),
            # the administrator's sign-in after consent (needs the app registration's secret)
            signin=MicrosoftSignIn(
                client_id=p["GRAPH_CLIENT_ID"],
                client_secret=p["GRAPH_CLIENT_SECRET"],
                authority_host=p.get("GRAPH_AUTHORITY_HOST", "https://login.microsoftonline.com"),
                graph_url=p.get("GRAPH_URL", "https://graph.microsoft.com/v1.0"),
            )
            if p.get("GRAPH_CLIENT_ID") and p.get("GRAPH_CLIENT_SECRET")
            else None,
        )

    def _reset_inbox(self, mailbox: str) -> None:
        from shared.adapters.tables.inbound_repo import MailboxStateRepository

        MailboxStateRepository(self.repos.store).forget(mailbox)

    @cached_property
    def settlements(self) -> SettlementService:
        from shared.adapters.tables.settlement_repo import SettlementRepository
        from shared.services.settlement.service import SettlementService

        return SettlementService(
            self.repos, SettlementRepository(self.repos.store), self.files, self.clock
        )

    @cached_property
    def settlement_repayments(self) -> SettlementRepayments:
        from shared.adapters.tables.settlement_repayments_repo import (
            SettlementRepaymentRepository,
        )
        from shared.services.settlement.repayments import SettlementRepayments

        return SettlementRepayments(
            self.repos,
            self.settlements.store,
            SettlementRepaymentRepository(self.repos.store),
            self.clock,
        )

    @cached_property
    def settlement_runs(self) -> SettlementRunner:
        from shared.services.settlement.runs import SettlementRunner

        return SettlementRunner(
            self.repos, self.settlements.store, self.files, self.queues, self.clock
        )

    @cached_property
    def managed_invoices(self) -> ManagedInvoiceMeter:
        from shared.adapters.tables.usage_repo import ManagedInvoiceRepository
        from shared.services.managed_invoices import ManagedInvoiceMeter

        return ManagedInvoiceMeter(
            self.repos, ManagedInvoiceRepository(self.repos.store), self.queues, self.clock
        )

    @cached_property
    def health_stores(self) -> tuple[TableStore, FileStore, QueueSender]:
        """(store, files, queues) for /api/v1/health: one attempt each, seconds not minutes."""
        from shared.adapters.health_probes import bounded

        return bounded(self.repos.store, self.files, self.queues)

    @cached_property
    def poison(self) -> PoisonService:
        from shared.services.poison import PoisonService

        return PoisonService(
            self.repos, self.files, self.queues, self.clock,
            platform_list=lambda: bool(self.settings.operator_agency),
        )  # fmt: skip

    @cached_property
    def by_hand(self) -> ByHandService:
        """Messages by hand, quick texts, approved WhatsApp templates (the console's too)."""
        from shared.services.conversations.by_hand import ByHandService

        return ByHandService(
            self.repos,
            self.messaging,
            self.dunning,
            self.clock,
            self.portal_links.portal_link,
            self.settings.public_base_url,
        )

    # -- debtors' answers by e-mail (shared/services/inbound/) ---------------------------
    @cached_property
    def inbound_filing(self) -> MailFiling:
        from shared.adapters.tables.inbound_repo import InboundMailRepository
        from shared.services.inbound.candidates import CandidateFinder
        from shared.services.inbound.filing import MailFiling

        finder = CandidateFinder(self.repos, self.messaging.outbox, self.clock, self.queues)
        return MailFiling(
            self.repos, InboundMailRepository(self.repos.store), finder, self.messaging, self.clock
        )

    @cached_property
    def inbound_mail(self) -> InboundMail:
        from shared.services.inbound.linking import InboundMail

        f = self.inbound_filing
        return InboundMail(
            self.repos, f.mail, f, self.messaging, self.dunning, self.files, self.clock
        )

    @cached_property
    def inbox_reader(self) -> InboxReader:
        from shared.adapters.channels.graph_inbox import inbox_for
        from shared.services.inbound.reader import InboxReader

        sender = self.senders.get(Channel.EMAIL)
        return InboxReader(
            self.repos,
            self.files,
            self.inbound_filing,
            lambda mailbox: inbox_for(sender, mailbox),
            self.clock,
            operator_agency=self.settings.operator_agency,
        )

    # -- the console's long work and reports (shared/services/console_jobs.py, reports/) ---
    @cached_property
    def console_jobs(self) -> ConsoleJobs:
        from shared.adapters.tables.console_jobs_repo import JobRepository
        from shared.services.console_jobs import ConsoleJobs, JobWork
        from shared.services.invoice_upload import InvoiceImportWork
        from shared.services.reports.service import ReportWork

        def invoice_import() -> JobWork:
            from shared.api.console.report_words import report_words

            return InvoiceImportWork(self.imports, self.repos, report_words)

        def report() -> JobWork:
            # the file speaks the language the job recorded, in the console's own words
            from shared.api.console.report_words import report_words

            return ReportWork(self.reports, self.repos, report_words)

        works = {"invoice-import": invoice_import, "report": report}
        return ConsoleJobs(
            JobRepository(self.repos.store), self.files, self.queues, self.clock, works
        )

    @cached_property
    def open_items(self) -> OpenItemsService:
        from shared.services.reports.open_items import OpenItemsService

        return OpenItemsService(self.repos, self.ledger)

    @cached_property
    def reports(self) -> ReportService:
        from shared.services.reports.service import ReportService

        return ReportService(self.repos, self.usage, self.files)

    @cached_property
    def payment_overview(self) -> PaymentOverview:
        from shared.services.payment_overview import PaymentOverview

        return PaymentOverview(self.repos, self.counters, self.files, self.clock)

    @cached_property
    def console_figures(self) -> ConsoleFigures:
        from shared.services.console_figures import ConsoleFigures

        return ConsoleFigures(self.repos, self.clock)

    @cached_property
    def action_desk(self) -> ActionDesk:
        from shared.services.action_desk import ActionDesk

        return ActionDesk(self.repos, self.people.kit.people.users)

    @cached_property
    def dossier(self) -> DossierService:
        from shared.services.dossier import DossierService

        return DossierService(self.repos, self.ledger, self.plans, self.portal_links, self.clock)

    @cached_property
    def portal_plans(self) -> PortalPlanDesk:
        from shared.services.plans.self_service import PortalPlanDesk

        return PortalPlanDesk(self.portal, self.plans, self.clock)

    @cached_property
    def plan_status_reports(self) -> StatusReports:
        from shared.services.plans.status_reports import StatusReports

        return StatusReports(self.plans, self.clock)

    @cached_property
    def console_search(self) -> ConsoleSearch:
        from shared.adapters.tables.search_repo import SearchIndexRepository
        from shared.services.console_search import ConsoleSearch

        return ConsoleSearch(self.repos, SearchIndexRepository(self.repos.store))

    @cached_property
    def invoice_pdfs(self) -> InvoicePdfs:
        from shared.services.invoice_pdfs import InvoicePdfs

        return InvoicePdfs(self.repos, self.files)

    @cached_property
    def dunning_setup(self) -> DunningSetup:
        from shared.services.dunning_setup import DunningSetup

        return DunningSetup(self.repos, self.dunning, self.clock)

    @cached_property
    def client_settings(self) -> ClientSettings:
        from shared.services.client_settings import ClientSettings

        return ClientSettings(
            self.repos, own_links=(self.settings.public_base_url,),
            sender_changed=lambda client: self.sending_mailbox.send_code(client),
            clock=self.clock,
        )  # fmt: skip

    @cached_property
    def sending_mailbox(self) -> SendingMailbox:
        from shared.services.sending_mailbox import SendingMailbox

        return SendingMailbox(
            self.repos, self.messaging.enqueue, self.clock, self.people.kit.hashed,
            lambda *a, **kw: self.people.kit.audit(*a, **kw), self.client_settings.change,
        )  # fmt: skip

    @cached_property
    def agreed_costs_change(self) -> AgreedCostsChange:
        from shared.services.agreed_costs_change import AgreedCostsChange

        return AgreedCostsChange(
            self.repos,
            self.client_settings,
            self.ledger,
            lambda *a, **kw: self.people.kit.audit(*a, **kw),
        )

    @cached_property
    def debtor_standing(self) -> DebtorStandingService:
        from shared.services.debtor_standing import DebtorStandingService

        return DebtorStandingService(
            self.repos,
            self.ledger,
            self.clock,
            lambda *a, **kw: self.people.kit.audit(*a, **kw),
            lambda: self.plans,
            # late, as the pause below: a statement booking builds this service (money booked
            # under a ruling), and the dunning service's modules (letters, PDF, portal) cost a
            # fresh worker 0.3 s of CPU to load, a quarter of a 200-line file's (perf20)
            lambda client_id, invoices: self.dunning.schedule_invoices(client_id, invoices),
            lambda client, number, author: self.dunning.change_invoice(
                client, number, author=author
            ),
            agency_author=self._agency_author,
        )

    def _agency_author(self, agency_id: str, author: str) -> bool:
        """Whether ``author`` (a key id or ``user:<id>``, as the contact log names who did a
        thing) is one of the agency's own keys or people."""
        if author.startswith("user:"):
            found_user = self.people.kit.people.users.get(author.removeprefix("user:"))
            return found_user is not None and (
                found_user[0].agency_id == agency_id and found_user[0].client_id is None
            )
        found_key = self.repos.api_keys.get(author)
        return found_key is not None and (
            found_key[0].agency_id == agency_id and found_key[0].scope is Scope.AGENCY
        )

    @cached_property
    def debtor_kind_changes(self) -> DebtorKindChanges:
        from shared.services.debtor_kind import DebtorKindChanges

        return DebtorKindChanges(
            self.repos,
            self.ledger,
            self.clock,
            lambda *a, **kw: self.people.kit.audit(*a, **kw),
            standing=lambda client, debtor: self.debtor_standing.follow_kind(client, debtor),
            schedule=lambda client_id, invoices: self.dunning.schedule_invoices(
                client_id, invoices
            ),
            confirmer=self._may_confirm_letter,
        )

    def _may_confirm_letter(self, client: Client, author: str) -> bool:
        """Whether ``author`` (a key id or ``user:<id>``, as a resolution names who decided)
        is a key or person of the client's reach holding MANAGE_SETTLEMENTS, the right the
        confirm of a kind letter needs (attack14b K1)."""
        from shared.domain.access import Principal
        from shared.domain.people.authorisation import Action, Target, may

        principal: Principal
        if author.startswith("user:"):
            found_user = self.people.kit.people.users.get(author.removeprefix("user:"))
            if found_user is None:
                return False
            principal = found_user[0].principal("")
        else:
            found_key = self.repos.api_keys.get(author)
            if found_key is None:
                return False
            key = found_key[0]
            principal = Principal(key.key_id, key.scope, key.agency_id, key.client_id,
                                  admin=key.admin)  # fmt: skip
        target = Target(client.agency_id, client.client_id)
        return may(principal, Action.MANAGE_SETTLEMENTS, target)

    @cached_property
    def house_style_images(self) -> HouseStyleImages:
        from shared.services.house_style import HouseStyleImages

        return HouseStyleImages(self.files, self.client_settings, self.settings.public_base_url)

    @cached_property
    def holiday_table(self) -> HolidayTableWatch:
        from shared.services.calendar_watch import HolidayTableWatch

        return HolidayTableWatch(self.repos, self.clock)

    @cached_property
    def wki_registration(self) -> WkiRegistrationWatch:
        from shared.services.wki_registration_watch import WkiRegistrationWatch

        return WkiRegistrationWatch(self.repos, self.clock)

    @cached_property
    def mollie_retention(self) -> MollieCredentialRetention:
        from shared.services.linking.mollie_retention import MollieCredentialRetention

        # the kept credentials of replaced or unlinked Mollie accounts, deleted after their
        # retention (timer ``prune_mollie_credentials``, ``inning mollie prune``)
        accounts = self.mollie_accounts
        return MollieCredentialRetention(
            accounts.links, self.repos.store, accounts.secrets, self.clock
        )

    @cached_property
    def request_decisions(self) -> RequestDecisionService:
        """Grant or refuse a debtor's postponement request, end a dispute, approve or refuse a
        debtor's plan proposal (the console)."""
        from shared.services.request_decisions import RequestDecisionService

        service = RequestDecisionService(
            self.repos, self.actions, self.dunning, self.invoice_status, self.by_hand,
            self.plans, self.clock,
        )  # fmt: skip
        service.dispute_ending = self.dispute_ending
        return service

    @cached_property
    def dispute_ending(self) -> DisputeEndingService:
        """A dispute ended and collection going on: the debtor told first, or held (lawyer20 L2)."""
        from shared.services.dispute_ending import DisputeEndingService

        return DisputeEndingService(
            self.repos, self.invoice_status, self.dunning, self.by_hand, self.clock
        )

    @cached_property
    def timeline_authors(self) -> TimelineAuthors:
        """Who did what on the dossier's timeline: plan agreements, API keys by label."""
        from shared.services.timeline_authors import TimelineAuthors

        return TimelineAuthors(self.repos, self.plans)
