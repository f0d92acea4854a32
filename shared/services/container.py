"""The use cases, wired once (by :mod:`shared.bootstrap`) and handed to entry points."""

from __future__ import annotations

from dataclasses import dataclass

from shared.clock import Clock
from shared.ports.files import FileStore
from shared.services.access import AccessService
from shared.services.actions import ActionService
from shared.services.exports import ExportService
from shared.services.imports import ImportService
from shared.services.invoice_status import InvoiceStatusService
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.statements import StatementService
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

    @classmethod
    def build(
        cls, settings: Settings, clock: Clock, repos: Repositories, files: FileStore
    ) -> Services:
        payments = PaymentService(repos, clock)
        return cls(
            settings=settings,
            clock=clock,
            repos=repos,
            access=AccessService(repos, clock, settings.api_key_pepper.encode()),
            imports=ImportService(repos),
            invoice_status=InvoiceStatusService(repos, clock),
            files=files,
            payments=payments,
            statements=StatementService(repos, files, payments, clock),
            actions=ActionService(repos, payments, clock),
            exports=ExportService(repos),
        )
