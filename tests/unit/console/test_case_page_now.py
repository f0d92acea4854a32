"""A case its debtor paid in full read "lopend" with the amounts of the hand-over and nothing
said it was done (agency21 F5: V1's 1,863.61 paid on the agency's account, the case page still
"Open € 1.815,00"). The case page now shows each invoice as it stands beside the snapshot, and
says when nothing of the case is open any more."""

from __future__ import annotations

from datetime import date

from shared.domain.people.authorisation import Role
from shared.domain.records import PaymentSource
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_console_claim_work import seed
from tests.unit.console.test_console_plans_cases import hand_over


def test_the_case_page_shows_the_invoices_now_and_a_case_paid_in_full(world, tenants):
    seed(world)
    case = hand_over(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    path = f"/cases/{case.case_id}?client={tenants.c1}"
    text = agency.get(path).encoded().decode()
    assert '<th scope="col">Nu</th>' in text and "<td>open</td>" in text
    assert 'id="case-settled"' not in text
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.payments.book(client, payment_id="p1", amount=20_000,
                                 received_on=date(2025, 3, 3), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    text = agency.get(path).encoded().decode()
    assert "<td>betaald</td>" in text
    assert "Niets meer open: alle facturen van de zaak zijn betaald" in text
    assert "€ 121,00" in text  # the snapshot stays as handed over
