"""Lines on the agency's pooled (third-party) account that no client's invoice claims are the
agency's to tie (pooled11): an unmatched return (a storno, an R-transaction), a credit that
came back and a batch credit go on the agency's action list, never on the list of the first
client the account serves, which would show that client another client's debtor."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements.mt940_writer import OutLine
from tests.unit.api.conftest import client_iban, client_row, verify_ibans
from tests.unit.services.test_statement_ingest import statement

POOLED = client_iban("POOL")


@pytest.fixture
def pooled(world):
    """The agency's pooled account serving C2 and C3 (both allow third-party matching)."""
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    register_agency(world.services.repos, Agency("agency-a", "A", POOLED))
    for n in ("C2", "C3"):
        row = client_row(n, allow_third_party_matching=True, charge_interest=False)
        world.agency_a.call("POST", "/v1/clients", {"items": [row]})
        verify_ibans(world.agency_a, n)
    return world


def kinds(world, scope):
    items, _ = world.services.repos.actions.list(scope)
    return [x.kind for x in items]


def client_kinds(world, number):
    """The client's list as the client reads it, with its own key."""
    a = world.agency_a
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": number}).body["key"]
    items = a.as_key(key).call("GET", f"/v1/clients/{number}/actions").body["items"]
    return [x["kind"] for x in items]


def test_an_unmatched_return_on_the_pooled_account_is_the_agencys(pooled):
    back = OutLine(
        date(2025, 3, 4), -3_300, "retour", counterparty_iban="NL02RABO0123456789",
        counterparty_name="Kees Klant", end_to_end_id="E-UNKNOWN", return_reason="MD06",
    )  # fmt: skip
    report = pooled.services.statements.ingest(
        "agency-a/back.sta", statement([back], day=date(2025, 3, 4), account=POOLED)
    )
    assert report.returned == 1
    assert kinds(pooled, "@agency-a").count("unmatched_return") == 1
    assert "unmatched_return" not in client_kinds(pooled, "C2")
    assert "unmatched_return" not in client_kinds(pooled, "C3")


def test_a_returned_credit_on_the_pooled_account_is_the_agencys_with_one_client(world):
    """One client on the account is no reason either: the money is on the agency's account."""
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    register_agency(world.services.repos, Agency("agency-a", "A", POOLED))
    row = client_row("C2", allow_third_party_matching=True, charge_interest=False)
    world.agency_a.call("POST", "/v1/clients", {"items": [row]})
    verify_ibans(world.agency_a, "C2")
    came_back = OutLine(
        date(2025, 3, 4), 2_500, "retour", counterparty_iban="NL02RABO0123456789",
        end_to_end_id="PAYOUT-7", return_reason="AC04",
    )  # fmt: skip
    world.services.statements.ingest(
        "agency-a/back.sta", statement([came_back], day=date(2025, 3, 4), account=POOLED)
    )
    # MT940 writes a credit with a return reason as a reversal of a debit ("RC")
    assert kinds(world, "@agency-a").count("reversal_credit") == 1
    assert "reversal_credit" not in client_kinds(world, "C2")


def test_a_batch_credit_on_the_pooled_account_is_the_agencys(world):
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    register_agency(world.services.repos, Agency("agency-a", "A", POOLED))
    row = client_row("C2", allow_third_party_matching=True, charge_interest=False)
    world.agency_a.call("POST", "/v1/clients", {"items": [row]})
    verify_ibans(world.agency_a, "C2")
    data = (
        "ABNANL2A\n940\nABNANL2A\n:20:ABN AMRO BANK NV\n"
        f":25:{POOLED}\n:28:13901/1\n:60F:C250304EUR0,00\n"
        ":61:2503040304C1620,00N247NONREF\n"
        ":86:/TRTP/SEPA Incasso batch/PREF/109180-911/NRTX/162/PIND/BRUTO\n"
        ":62F:C250304EUR1620,00\n"
    ).encode()
    report = world.services.statements.ingest("agency-a/batch.sta", data)
    assert report.booked == 0
    assert kinds(world, "@agency-a").count("collection_batch") == 1
    assert "collection_batch" not in client_kinds(world, "C2")
