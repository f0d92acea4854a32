"""The use cases, wired once (by :mod:`shared.bootstrap`) and handed to entry points."""

from __future__ import annotations

from dataclasses import dataclass

from shared.adapters.channels.outbox import OutboxChannel
from shared.adapters.tables.messaging_repo import CounterRepository, OutboxRepository
from shared.clock import Clock
from shared.domain.contact_window import ContactWindow
from shared.domain.messaging import Channel
from shared.domain.portal.tokens import SigningKeys
from shared.ports.channels import ChannelSender
from shared.ports.files import FileStore
from shared.ports.queues import QueueSender
from shared.services.access import AccessService
from shared.services.actions import ActionService
from shared.services.callbacks import CallbackService
from shared.services.dunning import DunningService
from shared.services.exports import ExportService
from shared.services.imports import ImportService
from shared.services.invoice_status import InvoiceStatusService
from shared.services.messaging import MessagingService
from shared.services.online_payments import OnlinePaymentService
from shared.services.payments import PaymentService
from shared.services.portal import PortalLinks, PortalService
from shared.services.repositories import Repositories
from shared.services.statements import StatementService
from shared.services.usage import UsageService
from shared.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    repos: Repositories
    access: AccessService
    imports: ImportService
    invoice_status: InvoiceStatusService
    files: FileStore
    payments: PaymentService
    statements: StatementService
    actions: ActionService
    exports: ExportService
    messaging: MessagingService
    callbacks: CallbackService
    usage: UsageService
    dunning: DunningService
    online_payments: OnlinePaymentService
    portal: PortalService

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
        payments = PaymentService(repos, clock)
        messaging_service = MessagingService(
            repos,
            OutboxRepository(repos.store),
            CounterRepository(repos.store),
            files,
            queues,
            senders,
            OutboxChannel(),
            clock,
            ContactWindow(settings.contact_opens, settings.contact_closes),
        )
        links = PortalLinks(
            CounterRepository(repos.store),
            SigningKeys.parse(settings.portal_keys),
            settings.public_base_url,
            settings.portal_token_days,
            clock,
        )
        dunning = DunningService(
            repos, messaging_service, queues, clock, settings.public_base_url, links.links
        )
        invoice_status = InvoiceStatusService(repos, clock)
        online_payments = OnlinePaymentService(
            repos,
            payments,
            queues,
            clock,
            settings.providers,
            settings.public_base_url,
            allow_simulation=settings.environment == "local",
        )
        messaging = messaging_service
        return cls(
            settings=settings,
            clock=clock,
            repos=repos,
            access=AccessService(repos, clock, settings.api_key_pepper.encode()),
            imports=ImportService(repos, on_invoices_written=dunning.schedule_invoices),
            invoice_status=invoice_status,
            files=files,
            payments=payments,
            statements=StatementService(repos, files, payments, clock),
            actions=ActionService(repos, payments, clock),
            exports=ExportService(repos),
            messaging=messaging,
            usage=UsageService(repos, messaging, settings.prices),
            dunning=dunning,
            online_payments=online_payments,
            portal=PortalService(
                repos, links, dunning, invoice_status, online_payments, files, clock
            ),
            callbacks=CallbackService(
                messaging,
                token=settings.callback_token,
                whatsapp_secret=settings.providers.get("WHATSAPP_APP_SECRET", ""),
                twilio_token=settings.providers.get("TWILIO_AUTH_TOKEN", ""),
                pingen_secret=settings.providers.get("PINGEN_WEBHOOK_SECRET", ""),
            ),
        )
