"""Demo work for the console's action list on `make run`: a bank payment the matcher could not
book on its own (a suggestion to confirm by ticking the invoice) and a task for staff, on the
demo client BAKKERIJ. Fixed ids: seeding twice adds nothing."""

from __future__ import annotations

from shared.clock import amsterdam_date
from shared.domain.records import ActionItem
from shared.ports.tables import Conflict
from shared.services.container import Services
from tools.demo import AGENCY_ID

CLIENT = "BAKKERIJ"


def seed_console(services: Services) -> None:
    client_id = services.repos.clients.id_for_number(AGENCY_ID, CLIENT)
    if client_id is None:
        return
    now = services.clock.now()
    found = services.repos.invoices.get(client_id, "F-0001")
    amount = found.invoice.open_amount if found else 12_100
    items = [
        ActionItem(
            client_id, "demo-suggestion-1", "payment_suggestion",
            "Controleer betaling van J. de Vries", now, debtor_number="D-1001",
            detail={"account": "NL02ABNA0123456789", "line_id": "demo-line-1", "amount": amount,
                    "date": amsterdam_date(now).isoformat(), "payer_iban": "NL20INGB0001234567",
                    "payer_name": "J DE VRIES", "remittance": "factuur 0001",
                    "reasons": ["amount equals the open amount of invoice F-0001",
                                "payer name resembles the debtor"],  # as matching.py writes them
                    "suggestions": [{"invoice": "F-0001", "client_id": None, "amount": amount,
                                     "score": 0.78}]},
        ),
        ActionItem(
            client_id, "demo-task-1", "staff_task", "Bel Bouwbedrijf Van Dam over F-0004", now,
            debtor_number="D-2001", invoice_numbers=("F-0004",),
        ),
    ]  # fmt: skip
    for item in items:
        try:
            services.repos.actions.add(item)
        except Conflict:
            pass  # seeded before
