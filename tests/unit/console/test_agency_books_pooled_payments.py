"""A payment on the agency's pooled account that two clients could claim waits on the agency's
own list (attack10 F5); the agency's people book it there on the invoices of the client they
name, in the console as with the API's ``POST /v1/actions/{action}/confirm``."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from shared.domain.scopes import agency_scope
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.statements.test_pooled_known_payers import pay, status
from tests.unit.statements.test_pooled_known_payers import pool as pool


def test_agency_staff_book_a_pooled_suggestion_on_the_client_they_name(pool):
    a = pool.agency_a
    a.call("POST", "/v1/clients/C3/debtors", {"items": [debtor_row("Z9", name="Kees Klant BV")]})
    a.call(
        "POST", "/v1/clients/C3/invoices", {"items": [invoice_row("Z-1", "Z9", amount="420.00")]}
    )
    pay(pool, "Bedankt", "S1", 42_000)
    items, _ = pool.services.repos.actions.list(agency_scope("agency-a"))
    [item] = [x for x in items if x.kind == "payment_suggestion"]
    staff = desk_for(pool, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = staff.get(f"/agency-actions/{item.action_id}?lang=en")
    assert page.status == 200 and 'name="for_client"' in page.encoded().decode()
    token = csrf_of(page)
    unknown = staff.post(f"/agency-actions/{item.action_id}",
                         {"csrf": token, "do": "confirm", "for_client": "C2", "other": "Z-1"})  # fmt: skip
    assert unknown.status == 409 and "Onbekende facturen: Z-1" in unknown.encoded().decode()
    done = staff.post(f"/agency-actions/{item.action_id}",
                      {"csrf": token, "do": "confirm", "for_client": "C2", "other": "H-1"})  # fmt: skip
    assert done.status == 303
    assert (status(pool, "C2", "H-1"), status(pool, "C3", "Z-1")) == ("paid", "open")
