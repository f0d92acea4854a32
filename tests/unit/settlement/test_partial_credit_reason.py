"""A partial credit note after the payout: the statement says a credit note moved the money
(law12b #4). Consumer F1 1,000.00 due 1-12-2025, 14-day letter 5-1-2026; on 1-3-2026 the
debtor pays the whole claim, 1,161.40 (costs 150.00, interest 11.40); settled 3-3. On 4-3 a
credit note CN-1 takes 400.00 off: the claim is 600.00 (costs 90.00, interest 6.84), so
464.56 is the debtor's again and the client gives back 404.56 less commission and VAT. The
correction lines said ``reallocated`` (the ledger moved the money on its own), as only a
fully credited invoice counted as credited."""

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.parties import Agency
from shared.domain.records import PaymentSource
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY
from tests.unit.settlement.test_settlement_follows_ledger import _csv


def test_a_partial_credit_notes_corrections_say_credited(world: Any) -> None:
    services, a = world.services, world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]})
    row = invoice_row("F1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01",
                      fourteen_day_letter_on="2026-01-05")  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    cid = services.repos.clients.id_for_number("agency-a", "C1")
    client = services.repos.clients.get(cid)[0]
    services.settlements.store.save_agreement(SettlementAgreement(
        cid, "agency-a", PAYOUT_C1, "C1 BV", frequency=Frequency.DAILY, commission_bp=1000))  # fmt: skip
    world.clock.at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    services.payments.book(client, payment_id="p1", amount=116_140, received_on=date(2026, 3, 1),
                           source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip

    def run(day: int) -> Any:
        world.clock.at = datetime(2026, 3, day, 5, tzinfo=UTC)
        found = services.settlement_runs.run_agency("agency-a", date(2026, 3, day))
        return services.settlements.run("agency-a", found.run_id)[1][0]

    assert run(3).totals.payout == 85_752
    world.clock.at = datetime(2026, 3, 4, 10, tzinfo=UTC)
    note = {"amount": "400.00", "reference": "CN-1", "reason": "partly wrong", "date": "2026-03-04"}
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit", note).status == 200
    assert services.repos.payments.get(cid, "p1").unallocated == 46_456
    rows = [r for r in _csv(world, run(5).csv) if r[0] == "correction"]
    # principal 400.00 and interest 4.56 back from the client, costs 60.00 from the agency
    assert sorted((r[2], r[3], r[6]) for r in rows) == [
        ("p1", "F1", "-4.56"), ("p1", "F1", "-400.00"), ("p1", "F1", "-60.00")]  # fmt: skip
    assert {r[7] for r in rows} == {"credited"}
