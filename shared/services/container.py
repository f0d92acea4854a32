"""The use cases, wired once (by :mod:`shared.bootstrap`) and handed to entry points."""

from __future__ import annotations

from dataclasses import dataclass

from shared.clock import Clock
from shared.services.access import AccessService
from shared.services.imports import ImportService
from shared.services.invoice_status import InvoiceStatusService
from shared.services.repositories import Repositories
from shared.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    repos: Repositories
    access: AccessService
    imports: ImportService
    invoice_status: InvoiceStatusService

    @classmethod
    def build(cls, settings: Settings, clock: Clock, repos: Repositories) -> Services:
        return cls(
            settings=settings,
            clock=clock,
            repos=repos,
            access=AccessService(repos, clock, settings.api_key_pepper.encode()),
            imports=ImportService(repos),
            invoice_status=InvoiceStatusService(repos, clock),
        )
