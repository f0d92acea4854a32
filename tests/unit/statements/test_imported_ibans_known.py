"""A debtor's own IBANs (imported or sent through the API) are known payers, as an account
learned from a booked payment is and as ``inning match`` takes a CSV's debtor IBAN (review
newcomer8 #3): a payment from it of exactly the open amount of the debtor's one open invoice is
booked by the rule "known payer", with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from shared.adapters.tables.banking_repo import LEARNED_IBANS
from shared.adapters.tables.match_index_repo import BUILT, MATCH_INDEX
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.ports.tables import Row, all_rows
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

ACCOUNT = client_iban("C1")
OWN = "NL97ABNA0479445079"  # the debtor's account as imported


@pytest.fixture
def setup(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    verify_ibans(a, "C1")
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row("W1", name="S.R.M.F. Willems", ibans=[OWN])]},
    )
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("2019-001", "W1", amount="75.00")]},
    )
    return world


def transfer(world, name="day.sta"):
    # the payer's bank writes another name and no invoice number: only the account tells
    line = OutLine(
        date(2025, 3, 3), 7_500, "Bedankt", counterparty_iban=OWN, counterparty_name="Bunq user"
    )
    data = write_mt940(ACCOUNT, [line], opening=0, opening_date=date(2025, 3, 3), statement_id="S1")
    return world.services.statements.ingest(f"agency-a/{name}", data.encode())


def test_a_payment_from_the_debtors_own_iban_is_booked_as_a_known_payer(setup):
    report = transfer(setup)
    assert (report.booked, report.suggested) == (1, 0)
    got = setup.agency_a.call("GET", "/v1/clients/C1/invoices/2019-001").body
    assert got["status"] == "paid"


def test_its_reason_names_the_known_account(setup):
    setup.agency_a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", auto_book=False, charge_interest=False)]}
    )
    transfer(setup)
    (item,) = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert f"payer account {OWN} is known for this debtor" in item["detail"]["reasons"]


def test_debtors_stored_before_are_learned_once_when_the_index_is_built_again(setup):
    """Debtors stored before their IBANs were learned (a deploy): their rows in LearnedIbans
    absent, the index of the version before: the first statement learns them."""
    other = OutLine(date(2025, 3, 2), 1_234, "iets", counterparty_iban="NL02RABO0123456789")
    data = write_mt940(
        ACCOUNT, [other], opening=0, opening_date=date(2025, 3, 2), statement_id="S0"
    )
    setup.services.statements.ingest("agency-a/before.sta", data.encode())  # the index built
    store = setup.services.repos.store
    learned = list(all_rows(store, LEARNED_IBANS))
    assert any(OWN in row.rk for row in learned)  # learned when the debtor was stored
    for row in learned:
        store.delete(LEARNED_IBANS, row.pk, row.rk)
    (marker,) = [r for r in all_rows(store, MATCH_INDEX) if r.rk == BUILT]
    store.upsert(MATCH_INDEX, Row(marker.pk, marker.rk, {**marker.data, "Version": 3}))
    # the deploy that brings a new version starts new processes: none remembers the index
    # built (match_index_repo keeps what it saw built for the process's life)
    setup.services.repos.invoices.match_index._built.clear()
    report = transfer(setup)
    assert report.booked == 1


def test_an_iban_added_to_a_known_debtor_later_is_known_at_once(setup):
    assert transfer(setup).booked == 1  # the index is built (and the first IBAN learned)
    second = "NL20INGB0001234567"
    a = setup.agency_a
    row = debtor_row("W1", name="S.R.M.F. Willems", ibans=[OWN, second])
    a.call("POST", "/v1/clients/C1/debtors", {"items": [row]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("2019-002", "W1", amount="40.00")]},
    )
    line = OutLine(
        date(2025, 3, 4), 4_000, "Bedankt", counterparty_iban=second, counterparty_name="X"
    )
    data = write_mt940(
        ACCOUNT, [line], opening=7_500, opening_date=date(2025, 3, 4), statement_id="S2"
    )
    report = setup.services.statements.ingest("agency-a/day2.sta", data.encode())
    assert report.booked == 1
    assert a.call("GET", "/v1/clients/C1/invoices/2019-002").body["status"] == "paid"
