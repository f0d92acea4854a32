"""A case's transfer quote books the case's invoices on the agency's account, whatever its
debtor number's digits (newcomer26 F6). The quote is "<client code> <debtor> <invoices>"; the
debtor number K061 was read as "061, the tail of invoice 2026-0061", another debtor's invoice
the client never handed over, so the debtor's exact payment of his case became "client's money
on the agency's account" and waited for a person."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.parties import Agency
from shared.domain.statements.client_code import client_code
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_pooled_handed_over_quote import client_of, invoice
from tests.unit.services.test_statement_ingest import paid_line, statement

POOLED = client_iban("POOL")


def _case_of_k061(world):  # type: ignore[no-untyped-def]
    register_agency(world.services.repos, Agency("agency-a", "Incasso A", POOLED))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C3", charge_interest=False)]})
    verify_ibans(a, "C3")
    a.call("POST", "/v1/clients/C3/debtors", {"items": [
        debtor_row("K061", name="Wielerclub Noord BV"), debtor_row("K013", name="J. Klant13")]})  # fmt: skip
    a.call("POST", "/v1/clients/C3/invoices", {"items": [
        invoice_row("2026-0301", "K061", amount="121.00"),
        invoice_row("2026-0061", "K013", amount="80.00")]})  # fmt: skip
    repos = world.services.repos
    c3 = client_of(world, "C3")
    stored = repos.invoices.get(c3.client_id, "2026-0301")
    debtor = repos.debtors.get(c3.client_id, "K061")[0]
    world.services.dunning.cases.hand_over(c3, debtor, [stored.invoice], date(2025, 3, 3),
                                           costs=0, interest=0)  # fmt: skip
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    return c3


def test_the_quote_of_debtor_k061_books_the_case_not_the_clients_money(world):  # type: ignore[no-untyped-def]
    c3 = _case_of_k061(world)
    quote = f"{client_code(c3.client_id)} K061 2026-0301"
    line = paid_line(12_100, quote, end_to_end_id="E-1", name="Wielerclub Noord BV")
    report = world.services.statements.ingest(
        "agency-a/pool.sta",
        statement([line], opening=105_000, account=POOLED, sid="S1", day=date(2025, 3, 4)),
    )
    assert report.booked == 1
    assert invoice(world, "C3", "2026-0301")["open_amount"] == "0.00"
    assert invoice(world, "C3", "2026-0061")["open_amount"] == "80.00"
    items, _ = world.services.repos.actions.list("@agency-a")
    assert not [x for x in items if x.kind == "client_money"]
