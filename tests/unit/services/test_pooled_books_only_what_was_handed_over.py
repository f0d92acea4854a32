"""The agency's pooled account books only what the agency was given (agency21 N2, N4).

N2: TULP allows no third-party matching; the agency holds its case over TF-101 (debtor T1,
2,420.00). TF-103 (T1, 2,400.00) TULP never handed over. "<code> T1 TF-103" paying 2,400.00
to the agency's account was booked on TF-103, and the settlement then took the agency's
commission on a claim it was never given. The code opens only the case's invoices now; the
line is an agency item that says the money is the client's. A client that allows matching
there keeps its mandate over all its invoices.

N4: a sandbox (not approved) client allowing third-party matching was offered the agency's
money (a payment for another client's debtor became a suggestion on ADVIES, demo data)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shared.api.console.action_text import reason
from shared.domain.statements.client_code import client_code
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_pooled_handed_over_quote import client_of, invoice
from tests.unit.services.test_statement_ingest import paid_line, statement

POOLED = client_iban("POOL")


def _tulp(world, *, opted_in: bool = False):  # type: ignore[no-untyped-def]
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    register_agency(world.services.repos, Agency("agency-a", "Noord Incasso", POOLED))
    a = world.agency_a
    row = client_row("TULP", charge_interest=False, allow_third_party_matching=opted_in)
    a.call("POST", "/v1/clients", {"items": [row]})
    verify_ibans(a, "TULP")
    a.call("POST", "/v1/clients/TULP/debtors",
           {"items": [debtor_row("T1", kind="b2b", name="Hoveniersbedrijf Groen")]})  # fmt: skip
    a.call("POST", "/v1/clients/TULP/invoices", {"items": [
        invoice_row("TF-101", "T1", amount="2420.00"),
        invoice_row("TF-103", "T1", amount="2400.00"),
    ]})  # fmt: skip
    tulp = client_of(world, "TULP")
    repos = world.services.repos
    stored = repos.invoices.get(tulp.client_id, "TF-101")
    debtor = repos.debtors.get(tulp.client_id, "T1")[0]
    world.services.dunning.cases.hand_over(tulp, debtor, [stored.invoice], date(2025, 3, 3),
                                           costs=0, interest=0)  # fmt: skip
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    return tulp


def _pay(world, lines):  # type: ignore[no-untyped-def]
    return world.services.statements.ingest(
        "agency-a/pool.sta",
        statement(lines, opening=0, account=POOLED, sid="S1", day=date(2025, 3, 4)),
    )


def _line(amount, text, e2e="E-1"):  # type: ignore[no-untyped-def]
    return paid_line(amount, text, end_to_end_id=e2e, name="HOVENIERSBEDRIJF GROEN")


def _agency_items(world):  # type: ignore[no-untyped-def]
    items, _ = world.services.repos.actions.list("@agency-a")
    # the client's money (booked24) beside the credits nobody booked
    return [
        x for x in items if x.kind in ("unmatched_credit", "payment_suggestion", "client_money")
    ]


@pytest.mark.parametrize("window", [1, None], ids=["line-by-line", "window"])
def test_a_quote_of_an_invoice_not_handed_over_is_the_agencys_item_not_a_booking(world, window):  # type: ignore[no-untyped-def]
    tulp = _tulp(world)
    if window is not None:
        world.services.statements.window = window
    code = client_code(tulp.client_id)
    report = _pay(world, [_line(240_000, f"{code} T1 TF-103"), _line(242_000, "x", "E-2")])
    assert report.booked == 0
    assert invoice(world, "TULP", "TF-103")["open_amount"] == "2400.00"
    assert world.agency_a.call("GET", "/v1/clients/TULP/payments").body["items"] == []
    [item] = [x for x in _agency_items(world) if x.detail["end_to_end_id"] == "E-1"]
    said = [r for r in item.detail["reasons"] if "not handed over" in r or "hand over" in r]
    assert said == [
        f"not booked: the text names invoice TF-103 of client {code}, which its client did not "
        "hand over to the agency: the money is the client's, not the agency's; pay it on to "
        "the client, or book it once the client hands the invoice over"
    ]
    assert all(s["invoice"] != "TF-103" for s in item.detail["suggestions"])
    assert reason(said[0], "nl").startswith(
        f"niet geboekt: de omschrijving noemt factuur TF-103 van opdrachtgever {code}, die de "
        "opdrachtgever niet aan het bureau overdroeg"
    )


def test_naming_both_books_neither_not_even_the_handed_over_one(world):  # type: ignore[no-untyped-def]
    tulp = _tulp(world)
    report = _pay(world, [_line(482_000, f"{client_code(tulp.client_id)} T1 TF-101 TF-103")])
    assert report.booked == 0
    assert invoice(world, "TULP", "TF-101")["open_amount"] == "2420.00"
    assert invoice(world, "TULP", "TF-103")["open_amount"] == "2400.00"
    [item] = _agency_items(world)  # the agency's list, though TF-101 alone is suggested
    assert any("TF-103" in r and "hand over" in r for r in item.detail["reasons"])


def test_the_cases_own_invoice_still_books(world):  # type: ignore[no-untyped-def]
    tulp = _tulp(world)
    report = _pay(world, [_line(242_000, f"{client_code(tulp.client_id)} T1 TF-101")])
    assert report.booked == 1
    assert invoice(world, "TULP", "TF-101")["open_amount"] == "0.00"
    assert invoice(world, "TULP", "TF-103")["open_amount"] == "2400.00"


def test_a_client_that_opted_in_keeps_its_mandate_over_all_its_invoices(world):  # type: ignore[no-untyped-def]
    tulp = _tulp(world, opted_in=True)
    report = _pay(world, [_line(240_000, f"{client_code(tulp.client_id)} T1 TF-103")])
    assert report.booked == 1
    assert invoice(world, "TULP", "TF-103")["open_amount"] == "0.00"


def test_a_sandbox_client_is_never_offered_the_agencys_money(world):  # type: ignore[no-untyped-def]
    """ADVIES signed itself up (sandbox), allows third-party matching and numbers its
    invoices as BAKKERIJ does: J DE BOER's "factuur F-0001" (121.00) for no client's case was
    a suggestion of ADVIES's demo invoice."""
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    register_agency(world.services.repos, Agency("agency-a", "Noord Incasso", POOLED))
    a = world.agency_a
    row = client_row("ADVIES", charge_interest=False, allow_third_party_matching=True)
    a.call("POST", "/v1/clients", {"items": [row]})
    a.call("POST", "/v1/clients/ADVIES/debtors",
           {"items": [debtor_row("D1", kind="b2b", name="J de Boer")]})  # fmt: skip
    a.call("POST", "/v1/clients/ADVIES/invoices",
           {"items": [invoice_row("F-0001", "D1", amount="121.00")]})  # fmt: skip
    advies = client_of(world, "ADVIES")
    clients = world.services.repos.clients
    found, etag = clients.get(advies.client_id)
    clients.save(replace(found, sandbox=True, sandbox_email="demo@advies.example"), etag)
    line = paid_line(12_100, "factuur F-0001", end_to_end_id="E-1", name="J DE BOER")
    report = _pay(world, [line])
    assert (report.booked, report.suggested, report.unmatched) == (0, 0, 1)
    assert invoice(world, "ADVIES", "F-0001")["open_amount"] == "121.00"
    [item] = _agency_items(world)
    assert item.detail["suggestions"] == []
