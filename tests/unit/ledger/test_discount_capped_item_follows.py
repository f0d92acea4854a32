"""The ``discount_capped`` item follows the discount when the payment that capped it comes
back (ledfix17, law17b F5).

law16b F3's case: discount K-1 125.00 on F1 of 1-6-2025 booked first, bank-1 1,150.00 received
1-5 booked on 10-6: K-1 lets go only the 14.63 then open, and staff get an item saying
"€ 110,37 of it was paid already, not refunded". On 20-6 bank-1 comes back: the ledger gives
the discount back (the invoice's note is 125.00 again), and the item no longer holds: it is
resolved, saying so (it stayed open)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def test_the_item_is_resolved_when_the_capping_payment_comes_back(world) -> None:  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    row = invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10")
    a.call("POST", BASE, {"items": [row]})
    body = {"amount": "125.00", "reference": "K-1", "date": "2025-06-01", "reason": "korting",
            "kind": "discount"}  # fmt: skip
    assert a.call("POST", f"{BASE}/F1/credit", body).status == 200
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    world.clock.at = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)
    world.services.payments.book(c1, payment_id="bank-1", amount=115_000,
                                 received_on=date(2025, 5, 1), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip

    def capped() -> list[tuple[str, str]]:
        items = a.call("GET", "/v1/clients/C1/actions").body["items"]
        return [(x["status"], x.get("resolution") or "") for x in items
                if x["kind"] == "discount_capped"]  # fmt: skip

    assert [s for s, _ in capped()] == ["open"]
    world.clock.at = datetime(2025, 6, 20, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(c1, "bank-1", "storno", date(2025, 6, 20))
    inv = world.services.repos.invoices.get(c1.client_id, "F1").invoice
    assert inv.credit_notes == (("K-1", 12_500),)
    [(status, resolution)] = capped()
    assert status == "resolved"  # was open
    assert resolution.startswith("given back: the discount lets go its whole € 125,00 again")
