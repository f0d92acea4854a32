"""A handed-over debtor pays the agency's third-party account quoting what the portal and the
case ask ("<client code> K101 24-0502"), for a client that never set
``allow_third_party_matching`` (an onboarded client has it off, and README names it nowhere).
newcomer19 F10: the line was unmatched, "no client allows matching", and every payment to
the agency had to be booked by hand. A client whose code a line quotes while the agency holds
a case of its is matched there now; a client without a case is not, and the item says what to
do."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shared.domain.statements.client_code import client_code
from shared.services.statements import NO_CLIENT_MATCHES
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_pooled_handed_over_quote import client_of, invoice
from tests.unit.services.test_statement_ingest import paid_line, statement

POOLED = client_iban("POOL")


def _tech(world, *, handed_over: bool):  # type: ignore[no-untyped-def]
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    register_agency(world.services.repos, Agency("agency-a", "Noord Incasso", POOLED))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("TECH", charge_interest=False)]})
    verify_ibans(a, "TECH")
    a.call("POST", "/v1/clients/TECH/debtors", {"items": [debtor_row("K101", kind="b2b", name="Café 't Hoekje")]})  # fmt: skip
    a.call("POST", "/v1/clients/TECH/invoices",
           {"items": [invoice_row("24-0502", "K101", amount="121.00")]})  # fmt: skip
    tech = client_of(world, "TECH")
    assert not tech.allow_third_party_matching
    if handed_over:
        repos = world.services.repos
        stored = repos.invoices.get(tech.client_id, "24-0502")
        debtor = repos.debtors.get(tech.client_id, "K101")[0]
        world.services.dunning.cases.hand_over(tech, debtor, [stored.invoice], date(2025, 3, 3),
                                               costs=0, interest=0)  # fmt: skip
        repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    return tech


def _pay(world, text):  # type: ignore[no-untyped-def]
    line = paid_line(12_100, text, end_to_end_id="E-1", name="CAFE T HOEKJE")
    return world.services.statements.ingest(
        "agency-a/pool.sta",
        statement([line], opening=0, account=POOLED, sid="S1", day=date(2025, 3, 4)),
    )


def test_the_cases_quote_books_on_the_agency_account_without_the_opt_in(world):  # type: ignore[no-untyped-def]
    tech = _tech(world, handed_over=True)
    [case] = world.agency_a.call("GET", "/v1/cases").body["items"]
    assert case["transfer_quote"] == f"{client_code(tech.client_id)} K101 24-0502"
    report = _pay(world, case["transfer_quote"])
    # TECH's invoice is a candidate now (it was an unmatched line on the agency's list), and
    # the number quoted exactly counts as the invoice's number (newcomer19 F11: on the pooled
    # account only as its tail, "0502 is the tail of invoice cl…\x1f24-0502", a suggestion)
    assert (report.booked, report.suggested, report.unmatched) == (1, 0, 0)
    [paid] = world.agency_a.call("GET", "/v1/clients/TECH/payments").body["items"]
    assert paid["amount"] == 12100 and paid["booked_to"] == ["24-0502"]
    assert invoice(world, "TECH", "24-0502")["open_amount"] == "0.00"


def test_without_a_case_the_code_alone_matches_nothing_and_the_item_says_what_to_do(world):  # type: ignore[no-untyped-def]
    tech = _tech(world, handed_over=False)
    report = _pay(world, f"{client_code(tech.client_id)} K101 24-0502")
    assert report.booked == 0
    assert invoice(world, "TECH", "24-0502")["open_amount"] == "121.00"
    items, _ = world.services.repos.actions.list("@agency-a")
    [item] = [x for x in items if x.kind == "unmatched_credit"]
    assert item.detail["reasons"] == [NO_CLIENT_MATCHES]
    assert "allow_third_party_matching" in NO_CLIENT_MATCHES


def _with_bakery(world):  # type: ignore[no-untyped-def]
    tech = _tech(world, handed_over=True)
    a = world.agency_a
    a.call("POST", "/v1/clients/TECH/debtors",
           {"items": [debtor_row("K102", kind="b2b", name="Bakkerij Smit")]})  # fmt: skip
    a.call("POST", "/v1/clients/TECH/invoices",
           {"items": [invoice_row("24-0777", "K102", amount="80.00")]})  # fmt: skip
    return tech


def _file(world, lines):  # type: ignore[no-untyped-def]
    return world.services.statements.ingest(
        "agency-a/pool.sta",
        statement(lines, opening=0, account=POOLED, sid="S1", day=date(2025, 3, 4)),
    )


def _bakery_line():  # type: ignore[no-untyped-def]
    return paid_line(8_000, "factuur 24-0777", end_to_end_id="E-2", name="BAKKERIJ SMIT")


@pytest.mark.parametrize("window", [None, 1])  # the statement's windows, or line by line
def test_a_line_without_the_code_is_not_matched_because_another_line_quoted_it(world, window):  # type: ignore[no-untyped-def]
    """attack20 F2: the client was let in for the whole file when one line quoted its code:
    the bakery's 80.00 "factuur 24-0777" (no code, an invoice TECH collects itself) was
    unmatched alone, and booked on TECH from the agency's account when the case's payment
    stood in the same file. It stays the agency's to look at either way."""
    _with_bakery(world)
    if window is not None:
        world.services.statements.window = window
    [case] = world.agency_a.call("GET", "/v1/cases").body["items"]
    quote = paid_line(12_100, case["transfer_quote"], end_to_end_id="E-1", name="CAFE T HOEKJE")
    report = _file(world, [quote, _bakery_line()])
    assert (report.booked, report.suggested, report.unmatched) == (1, 0, 1)
    assert invoice(world, "TECH", "24-0777")["open_amount"] == "80.00"
    [paid] = world.agency_a.call("GET", "/v1/clients/TECH/payments").body["items"]
    assert paid["booked_to"] == ["24-0502"]


def test_the_bakerys_line_alone_is_unmatched_as_before(world):  # type: ignore[no-untyped-def]
    _with_bakery(world)
    report = _file(world, [_bakery_line()])
    assert (report.booked, report.suggested, report.unmatched) == (0, 0, 1)
    assert invoice(world, "TECH", "24-0777")["open_amount"] == "80.00"
