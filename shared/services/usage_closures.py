"""Which invoices a credit or a withdrawal took out of management just now: only those the
usage meter bills in the month it happens (failure26 F5). An invoice closed in an
earlier month is billed there, not again in the month a later change touches it (ops27 left:
paid in March, credited in April before April was opened, it was billed in April too; a
credited invoice withdrawn, a withdrawal retried, alike).

The status listener of :class:`InvoiceStatusService` is told numbers only, after the change;
the status before is read here, once per credit or withdrawal (a person's act), and kept for
the listener in a context variable (the same call, whatever thread serves it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.parties import Client
from shared.services.invoice_status import InvoiceStatusService
from shared.services.managed_invoices import UNDER_MANAGEMENT

_BEFORE: ContextVar[dict[str, InvoiceStatus] | None] = ContextVar("usage_before", default=None)


class MeteredInvoiceStatus(InvoiceStatusService):
    """The invoice status service, noting each invoice's status before a credit or a
    withdrawal for :func:`left_management`."""

    def credit(self, client: Client, number: str, *args: Any, **kwargs: Any) -> Invoice:
        with self._noted(client, number):
            return super().credit(client, number, *args, **kwargs)

    def credit_part(self, client: Client, number: str, *args: Any, **kwargs: Any) -> Invoice:
        with self._noted(client, number):
            return super().credit_part(client, number, *args, **kwargs)

    def withdraw(self, client: Client, number: str, *args: Any, **kwargs: Any) -> Invoice:
        with self._noted(client, number):
            return super().withdraw(client, number, *args, **kwargs)

    @contextmanager
    def _noted(self, client: Client, number: str) -> Iterator[None]:
        stored = self.repos.invoices.get(client.client_id, number)
        token = _BEFORE.set({number: stored.invoice.status} if stored is not None else {})
        try:
            yield
        finally:
            _BEFORE.reset(token)


def left_management(numbers: list[str]) -> list[str]:
    """Of the invoices a credit or withdrawal changed, those under management before it; all
    of them where the status before was not noted (a path this module does not wrap)."""
    before = _BEFORE.get()
    if before is None:
        return numbers
    return [n for n in numbers if n not in before or before[n] in UNDER_MANAGEMENT]
