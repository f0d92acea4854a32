"""On the agency's pooled account only payers learned from booked payments are known payers
(attack9 F1): a client that stores another client's debtor's IBAN on a debtor of its own
(anyone's IBAN is printed on their invoices) does not draw that person's transfers to its own
invoice, and a payer known to two clients of the pool books nothing by itself."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.parties import Agency
from shared.domain.statements.mt940_writer import OutLine
from shared.services.onboarding import register_agency
from shared.services.statements import StatementService
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_statement_ingest import statement

KEES = "NL97ABNA0479445079"  # C2's debtor's own account, printed on every invoice he sends
POOL = client_iban("POOL")


@pytest.fixture
def pool(world):
    register_agency(world.services.repos, Agency("agency-a", "A", POOL))
    a = world.agency_a
    for n in ("C2", "C3"):
        row = client_row(n, allow_third_party_matching=True, charge_interest=False)
        a.call("POST", "/v1/clients", {"items": [row]})
        verify_ibans(a, n)
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("Y1", name="Kees Klant BV")]})
    a.call(
        "POST", "/v1/clients/C2/invoices", {"items": [invoice_row("H-1", "Y1", amount="420.00")]}
    )
    return world


def c3_stores_kees_iban(world):
    """C3, with its own client key, stores a 'debtor' with Kees's IBAN and a 420.00 invoice."""
    a = world.agency_a
    c3 = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C3"}).body["key"])
    assert c3.call("POST", "/v1/clients/C3/debtors",
                   {"items": [debtor_row("Z9", name="Some Name", ibans=[KEES])]}).status < 300  # fmt: skip
    assert c3.call("POST", "/v1/clients/C3/invoices",
                   {"items": [invoice_row("Z-1", "Z9", amount="420.00")]}).status < 300  # fmt: skip


def pay(world, text, sid="S1", amount=42_000, *, window=True):
    line = OutLine(date(2025, 3, 3), amount, text, counterparty_iban=KEES,
                   counterparty_name="KEES KLANT BV")  # fmt: skip
    s = world.services
    service = s.statements if window else StatementService(
        s.repos, s.files, s.payments, s.clock, open_totals=s.statements.open_totals, window=1
    )  # fmt: skip
    return service.ingest(f"agency-a/{sid}.sta", statement([line], account=POOL, sid=sid))


def status(world, client, number):
    return world.agency_a.call("GET", f"/v1/clients/{client}/invoices/{number}").body["status"]


@pytest.mark.parametrize("window", [True, False], ids=["window", "one-line"])
@pytest.mark.parametrize("text", ["Bedankt", "Kees Klant"])
def test_an_iban_a_client_only_stored_does_not_draw_a_pooled_transfer(pool, text, window):
    c3_stores_kees_iban(pool)
    report = pay(pool, text, window=window)
    assert (report.booked, report.suggested) == (0, 1)
    assert status(pool, "C3", "Z-1") == "open"
    assert pool.agency_a.call("GET", "/v1/clients/C3/payments").body["items"] == []


@pytest.mark.parametrize("window", [True, False], ids=["window", "one-line"])
def test_a_payer_known_to_two_clients_of_the_pool_is_a_suggestion(pool, window):
    a = pool.agency_a
    # Kees paid H-1 quoting its reference: C2 now knows his account from a booked payment
    ref = a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    assert pay(pool, ref, "S1").booked == 1
    a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("H-2", "Y1", amount="99.00")]})
    c3_stores_kees_iban(pool)
    c3 = a.call("POST", "/v1/clients/C3/invoices",
                {"items": [invoice_row("Z-2", "Z9", amount="99.00")]})  # fmt: skip
    assert c3.status < 300
    report = pay(pool, "Bedankt", "S2", 9_900, window=window)
    assert (report.booked, report.suggested) == (0, 1)
    assert (status(pool, "C2", "H-2"), status(pool, "C3", "Z-2")) == ("open", "open")
    items = a.call("GET", "/v1/clients/C2/actions").body["items"]
    reasons = [r for x in items for r in x.get("detail", {}).get("reasons", [])]
    assert "not booked: the payer's account is known to more than one client here" in reasons


def test_a_payer_only_one_client_of_the_pool_paid_from_still_books(pool):
    a = pool.agency_a
    ref = a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    assert pay(pool, ref, "S1").booked == 1
    a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("H-2", "Y1", amount="99.00")]})
    assert pay(pool, "Bedankt", "S2", 9_900).booked == 1
    assert status(pool, "C2", "H-2") == "paid"


def test_a_reference_books_though_another_client_stored_the_payers_iban(pool):
    c3_stores_kees_iban(pool)
    ref = pool.agency_a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    assert pay(pool, ref).booked == 1
    assert (status(pool, "C2", "H-1"), status(pool, "C3", "Z-1")) == ("paid", "open")
