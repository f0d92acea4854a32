"""Metering for billing: per client and month, what was sent per channel and the invoices
under management, priced from the settings' price table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shared.domain.money import Cents, cents_from_decimal, format_cents
from shared.domain.parties import Client
from shared.domain.spreadsheet import csv_cell
from shared.services.managed_invoices import ManagedInvoiceMeter
from shared.services.messaging import MessagingService
from shared.services.repositories import Repositories

ITEMS = ("email", "sms", "whatsapp", "letter", "robocall", "invoice")


@dataclass(frozen=True)
class UsageLine:
    item: str
    count: int
    unit_price: Decimal
    amount: Cents


class UsageService:
    def __init__(
        self,
        repos: Repositories,
        messaging: MessagingService,
        prices: dict[str, str],
        managed: ManagedInvoiceMeter,
    ) -> None:
        self.repos = repos
        self.messaging = messaging
        self.prices = {k: Decimal(v) for k, v in prices.items()}
        self.managed = managed

    def month(self, client: Client, month: str) -> list[UsageLine]:
        counts = self.messaging.usage(client.client_id, month)
        # every invoice under management at any moment of the month, paid or credited in it
        # included (see shared.services.managed_invoices for what this reads)
        counts["invoice"] = self.managed.count(client.client_id, month)
        lines = []
        for item in ITEMS:
            count = counts.get(item, 0)
            price = self.prices.get(item, Decimal(0))
            amount = cents_from_decimal(
                (price * count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            )
            lines.append(UsageLine(item, count, price, amount))
        return lines

    def csv(self, client: Client, month: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["client", "month", "item", "count", "unit_price", "amount"])
        lines = self.month(client, month)
        for line in lines:
            writer.writerow(
                [
                    csv_cell(client.number),  # any printable text: never a formula
                    month,
                    line.item,
                    line.count,
                    f"{line.unit_price:.2f}",
                    format_cents(line.amount),
                ]
            )
        writer.writerow(
            [
                csv_cell(client.number),
                month,
                "total",
                "",
                "",
                format_cents(sum(x.amount for x in lines)),
            ]
        )
        return out.getvalue()
