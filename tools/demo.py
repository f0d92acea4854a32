"""Demo data for `make run`: one agency, two clients, debtors and invoices in several states.

Seeded once; the demo API keys are written to ``.data/demo-keys.json`` (git-ignored) because
Inning stores only their hashes and could not show them again.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from shared.domain.access import Scope
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.domain.parties import Address, Agency, Client, Debtor, DebtorKind, HouseStyle, Language
from shared.services.container import Services
from shared.services.dunning_starter import STARTER_TEMPLATES, save_starter
from shared.services.imports import InvoiceDraft
from shared.services.onboarding import register_agency

AGENCY_ID = "demo-agency"


def _debtors() -> list[Debtor]:
    return [
        Debtor(
            "",
            "D-1001",
            DebtorKind.B2C,
            "J. de Vries",
            ("j.devries@example.nl",),
            "+31612345678",
            True,
            Address("Kerkstraat 12", "3511 LK", "Utrecht"),
        ),
        Debtor(
            "",
            "D-1002",
            DebtorKind.B2C,
            "A. Jansen",
            ("a.jansen@example.nl",),
            None,
            False,
            Address("Lindelaan 4", "9712 AB", "Groningen"),
            Language.NL,
            "particulier",
        ),
        Debtor(
            "",
            "D-2001",
            DebtorKind.B2B,
            "Bouwbedrijf Van Dam B.V.",
            ("administratie@vandam.example",),
            "+31687654321",
            False,
            Address("Industrieweg 7", "5652 AD", "Eindhoven"),
            Language.NL,
            "zakelijk",
            "12345678",
        ),
        Debtor(
            "",
            "D-2002",
            DebtorKind.B2B,
            "Northwind Trading Ltd",
            ("ap@northwind.example",),
            None,
            False,
            Address("Keizersgracht 100", "1015 CS", "Amsterdam"),
            Language.EN,
            "zakelijk",
            "87654321",
        ),
    ]


def _invoices(today: date) -> list[InvoiceDraft]:
    def inv(
        no: str, debtor: str, days_overdue: int, cents: int, open_: int | None = None
    ) -> InvoiceDraft:
        due = today - timedelta(days=days_overdue)
        return InvoiceDraft(no, debtor, due - timedelta(days=30), due, cents, open_)

    return [
        inv("F-0001", "D-1001", 45, 12_100),
        inv("F-0002", "D-1001", 10, 4_995),
        inv("F-0003", "D-1002", 75, 36_300, open_=16_300),
        inv("F-0004", "D-2001", 20, 250_100),
        inv("F-0005", "D-2001", -5, 75_000),
        inv("F-0006", "D-2002", 35, 1_815_000),
        inv("F-0007", "D-1002", 5, 2_500, open_=0),
    ]


def _confirm_accounts(services: Services) -> None:
    from shared.services.account_ownership import AccountOwnership

    ownership = AccountOwnership(services.repos)
    for client in services.repos.clients.all():
        for item in ownership.status(client.agency_id, client.client_id, client.ibans):
            if item["status"] == "pending":
                ownership.confirm(str(item["iban"]), client.agency_id, client.client_id,
                                  str(item["code"]), services.clock.now())  # fmt: skip


def seed(services: Services, data_dir: Path, today: date) -> dict[str, str]:
    """Create the demo world unless it exists; return the demo API keys."""
    keys_file = data_dir / "demo-keys.json"
    if services.repos.agencies.get(AGENCY_ID) is not None and keys_file.exists():
        loaded: dict[str, str] = json.loads(keys_file.read_text())
        return loaded
    register_agency(
        services.repos,
        Agency(AGENCY_ID, "Demo Incasso B.V.", "NL91ABNA0417164300", "zaken@demo-incasso.example"),
    )
    clients = [
        Client(
            "",
            "",
            "BAKKERIJ",
            "Bakkerij De Korenbloem",
            vat_deductible=True,
            ibans=("NL02ABNA0123456789",),
            contact_email="info@korenbloem.example",
            house_style=HouseStyle(primary_color="#8b4513", accent_color="#f5deb3"),
            onboarded_on=today,
        ),
        Client(
            "",
            "",
            "ADVIES",
            "Advieskantoor Meijer",
            vat_deductible=False,
            ibans=("NL18RABO0123459876",),
            language=Language.NL,
            sandbox=True,
            sandbox_email="sandbox@meijer.example",
            allow_third_party_matching=True,
            onboarded_on=today,
        ),
    ]
    services.imports.upsert_clients(AGENCY_ID, list(enumerate(clients)))
    _confirm_accounts(services)  # the demo clients prove their accounts, as each client would
    keys = {}
    _, keys["agency"] = services.access.issue(scope=Scope.AGENCY, agency_id=AGENCY_ID, label="demo")
    for number in ("BAKKERIJ", "ADVIES"):
        client = services.access.client_for(
            services.access.authenticate(keys["agency"]),  # type: ignore[arg-type]
            number,
        )
        services.imports.upsert_debtors(client, list(enumerate(_debtors())))
        services.imports.upsert_invoices(client, list(enumerate(_invoices(today))))
        _, keys[number] = services.access.issue(
            scope=Scope.CLIENT, agency_id=AGENCY_ID, client_id=client.client_id, label="demo"
        )
    bakkerij = services.access.client_for(
        services.access.authenticate(keys["agency"]),  # type: ignore[arg-type]
        "BAKKERIJ",
    )
    services.invoice_status.dispute(bakkerij, "F-0004", "Werk niet volgens offerte", "demo")
    services.invoice_status.credit(bakkerij, "F-0005", "demo")
    for number in ("BAKKERIJ", "ADVIES"):
        client = services.access.client_for(
            services.access.authenticate(keys["agency"]),  # type: ignore[arg-type]
            number,
        )
        _demo_workflow(services, client)
    _demo_reminder(services, bakkerij)
    data_dir.mkdir(parents=True, exist_ok=True)
    keys_file.write_text(json.dumps(keys, indent=2))
    return keys


# the demo's templates are the starter set every new agency gets (shared/services/dunning_starter.py)
DEMO_TEMPLATES = STARTER_TEMPLATES


def _demo_workflow(services: Services, client: Client) -> None:
    save_starter(services.repos, client.client_id)


def _demo_reminder(services: Services, client: Client) -> None:
    """One reminder through the real messaging path, so the outbox page has something to show
    (it waits for the contact hours like any other)."""
    now = services.clock.now()
    message = OutboundMessage(
        client.client_id, "demo-reminder-D-1001", Channel.EMAIL, "D-1001", "j.devries@example.nl", now,
        sender=client.contact_email, invoice_numbers=("F-0001", "F-0002"),
    )  # fmt: skip
    text = (
        "Beste J. de Vries,\n\nVolgens onze administratie staan de facturen F-0001 en F-0002 nog open "
        "(samen € 170,95). Wilt u dit bedrag binnen 7 dagen betalen?\n\nMet vriendelijke groet,\n"
        "Bakkerij De Korenbloem"
    )
    services.messaging.enqueue(
        message, MessageContent(subject="Herinnering: openstaande facturen", text=text)
    )
