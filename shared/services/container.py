"""The use cases, wired by :mod:`shared.bootstrap` and handed to entry points.

Each service is built on first use and cached, and its module is imported only then: a
trigger pays at cold start for the services it uses, not for every one (a new Flex
Consumption instance pays every import before its first request). To add a service, add a
``cached_property`` that imports its module inside.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from shared.clock import Clock
from shared.domain.messaging import Channel
from shared.ports.channels import ChannelSender
from shared.ports.files import FileStore
from shared.ports.queues import QueueSender
from shared.services.repositories import Repositories
from shared.settings import Settings

if TYPE_CHECKING:
    from shared.adapters.tables.messaging_repo import CounterRepository
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
    from shared.services.poison import PoisonService
    from shared.services.portal import PortalLinks, PortalService
    from shared.services.statements import StatementService
    from shared.services.usage import UsageService


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

        return PaymentService(self.repos, self.clock)

    @cached_property
    def messaging(self) -> MessagingService:
        from shared.adapters.channels.outbox import OutboxChannel
        from shared.adapters.tables.messaging_repo import OutboxRepository
        from shared.domain.contact_window import ContactWindow
        from shared.services.messaging import MessagingService

        return MessagingService(
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

    @cached_property
    def dunning(self) -> DunningService:
        from shared.adapters.template_sandbox import shared_renderer
        from shared.services.dunning import DunningService

        renderer = shared_renderer()
        return DunningService(
            self.repos,
            self.messaging,
            self.queues,
            self.clock,
            self.settings.public_base_url,
            self.portal_links.links,
            renderer=renderer.render,
            validator=renderer.validate,
        )

    @cached_property
    def invoice_status(self) -> InvoiceStatusService:
        from shared.services.invoice_status import InvoiceStatusService

        return InvoiceStatusService(self.repos, self.clock)

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
        )

    @cached_property
    def imports(self) -> ImportService:
        from shared.services.imports import ImportService

        return ImportService(self.repos, on_invoices_written=self.dunning.schedule_invoices)

    @cached_property
    def statements(self) -> StatementService:
        from shared.services.statements import StatementService

        return StatementService(self.repos, self.files, self.payments, self.clock)

    @cached_property
    def actions(self) -> ActionService:
        from shared.services.actions import ActionService

        return ActionService(self.repos, self.payments, self.clock)

    @cached_property
    def exports(self) -> ExportService:
        from shared.services.exports import ExportService

        return ExportService(self.repos)

    @cached_property
    def usage(self) -> UsageService:
        from shared.services.usage import UsageService

        return UsageService(self.repos, self.messaging, self.settings.prices)

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
    def poison(self) -> PoisonService:
        from shared.services.poison import PoisonService

        return PoisonService(self.repos, self.files, self.queues, self.clock)
