"""attack15c A1/A2: an invoice an agency's case or a running payment plan collects on keeps
its amount, invoice date and due date against every import, an administrator's too (the
client's own admin, a client admin key, the agency): only a credit note tells the agency and
lowers the plan (InvoiceStatusService._followed). The row is refused naming the credit note
route, the rest of the file is imported, and the console's preview and the API say the same.
An administrator's change of an invoice nothing else follows (dunning started, money booked)
stays possible and on the record, the invoice date now with the amount and due date."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from shared.adapters.tables.cases_repo import Case
from shared.domain.people.authorisation import Role
from shared.domain.scopes import agency_scope
from tests.unit.api.conftest import invoice_row
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import text, with_debtors
from tests.unit.console.test_upload_changes_stored import HEADER, _confirm, _preview, _stored


def _world(world):
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    with_debtors(world, "C1", "D-1001")
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F-0001", "D-1001", invoice_date="2026-09-18", due_date="2026-10-18",
                    amount="121.00")]})  # fmt: skip
    assert reply.body["created"] == 1, reply.body


def _handed_over(world, tenants) -> None:
    case = Case("agency-a", f"{tenants.c1}-D-1001-abc", tenants.c1, "D-1001", ("F-0001",),
                datetime(2026, 11, 20, 9, tzinfo=UTC),
                {"debtor": {"number": "D-1001", "name": "D"},
                 "invoices": [{"number": "F-0001", "due_date": "2026-10-18", "open": "121.00"}],
                 "amounts": {"principal": "121.00", "costs": "0.00", "interest": "0.00"}})  # fmt: skip
    assert world.services.repos.cases.add(case)
    found = _stored(world, tenants)
    world.services.repos.invoices.save(replace(found.invoice, dunning_step=2,
        dunning_step_on=date(2026, 11, 1), handed_over_to="agency-a"), found)  # fmt: skip


def _kept(world, tenants) -> tuple[int, date, date]:
    kept = _stored(world, tenants).invoice
    return kept.amount, kept.invoice_date, kept.due_date


AS_SENT = (12100, date(2026, 9, 18), date(2026, 10, 18))


def _refusal(body: str, field: str) -> str:
    found = re.search(rf"<td>{field}</td><td>([^<]*)</td>", body)
    assert found, body[:2000]
    return found.group(1)


def test_a_client_admin_upload_does_not_rewrite_the_agencys_case(world, tenants):
    _world(world)
    _handed_over(world, tenants)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    data = (
        HEADER
        + b"N-1;D-1001;01-11-2026;01-12-2026;10,00\r\nF-0001;D-1001;01-11-2026;01-12-2026;9,00\r\n"
    )
    page = _preview(admin, data, "en")
    body = text(page)
    assert "To be imported: 1" in body and "Rejected: 1" in body, body[:1500]
    said = _refusal(body, "amount")
    assert "handed over as a collection case" in said and "F-0001/credit" in said, said
    done = _confirm(admin, page, "en")
    assert "New: 1" in text(done) and "Updated: 0" in text(done), text(done)[:1500]
    assert _kept(world, tenants) == AS_SENT
    # the API's import gives the same answer, a client admin key's as the agency's own
    made = world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}
    )  # fmt: skip
    key = world.agency_a.as_key(made.body["key"])
    for caller in (key, world.agency_a):
        reply = caller.call("POST", "/v1/clients/C1/invoices", {"items": [
            invoice_row("F-0001", "D-1001", invoice_date="2026-11-01", due_date="2026-12-01",
                        amount="9.00")]})  # fmt: skip
        assert reply.body["updated"] == 0, reply.body
        assert [e["message"] for e in reply.body["errors"]] == [said.replace("&#39;", "'")]
    assert _kept(world, tenants) == AS_SENT
    # an invoice date or a due date alone neither: both are figures the agency collects on
    for row, field in (
        (b"F-0001;D-1001;01-09-2026;18-10-2026;121,00\r\n", "invoice_date"),
        (b"F-0001;D-1001;18-09-2026;01-12-2026;121,00\r\n", "due_date"),
    ):
        page = _preview(admin, HEADER + row, "en")
        assert "credit note" in _refusal(text(page), field), text(page)[:1500]
        _confirm(admin, page, "en")
        assert _kept(world, tenants) == AS_SENT
    assert world.services.repos.actions.list(agency_scope("agency-a"))[0] == []


def _plan(world) -> str:
    a = world.agency_a
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D-1001", "invoices": ["F-0001"], "start": "2026-12-10", "installments": 2,
        "agreed_by_debtor_on": "2026-12-02", "agreed_how": "phone"})  # fmt: skip
    assert made.status in (200, 201), made.body
    plan: str = made.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan}/activate").status == 200
    return plan


def test_no_import_lowers_an_invoice_under_a_running_plan_a_credit_note_does(world, tenants):
    _world(world)
    a = world.agency_a
    plan = _plan(world)
    assert a.call("GET", f"/v1/clients/C1/plans/{plan}").body["total"] == "121.58"
    key = a.as_key(a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body["key"])  # fmt: skip
    for caller in (key, a):  # a client admin key, the agency itself
        reply = caller.call("POST", "/v1/clients/C1/invoices", {"items": [
            invoice_row("F-0001", "D-1001", invoice_date="2026-09-18", due_date="2026-10-18",
                        amount="21.00")]})  # fmt: skip
        assert reply.body["updated"] == 0, reply.body
        (error,) = reply.body["errors"]
        assert error["field"] == "amount" and "held by a payment plan" in error["message"]
        assert "F-0001/credit" in error["message"], error
    assert _kept(world, tenants) == AS_SENT
    assert a.call("GET", f"/v1/clients/C1/plans/{plan}").body["total"] == "121.58"
    # the console's upload by the client's admin: the same answer
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = _preview(admin, HEADER + b"F-0001;D-1001;18-09-2026;18-10-2026;21,00\r\n", "en")
    assert "held by a payment plan" in _refusal(text(page), "amount"), text(page)[:1500]
    # the route the refusal names lowers the plan with the claim
    credit = key.call("POST", "/v1/clients/C1/invoices/F-0001/credit",
                      {"amount": "100.00", "reference": "CN-1"})  # fmt: skip
    assert credit.status == 200, credit.body
    after = a.call("GET", f"/v1/clients/C1/plans/{plan}").body
    assert Decimal(after["total"]) < Decimal("22.00"), after


def test_an_invoice_date_in_collection_is_an_administrators_change_on_the_record(world, tenants):
    _world(world)
    found = _stored(world, tenants)
    world.services.repos.invoices.save(replace(found.invoice, dunning_step=0,
                                               dunning_step_on=date(2026, 11, 1)), found)  # fmt: skip
    row = HEADER + b"F-0001;D-1001;01-09-2026;18-10-2026;121,00\r\n"
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, row, "en")
    said = _refusal(text(page), "invoice_date")
    assert "in collection (dunning started)" in said and "invoice date" in said, said
    _confirm(staff, page, "en")
    assert _kept(world, tenants) == AS_SENT
    # nothing but the client follows it: the administrator's exception stays, on the record
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = _preview(admin, row, "en")
    changes = re.search(r'<table id="pv-changes">.*?</table>', text(page), re.S)
    assert changes and "2026-09-18 → 2026-09-01" in changes.group(0), text(page)[:2000]
    done = _confirm(admin, page, "en")
    assert "Updated: 1" in text(done), text(done)[:1500]
    assert _kept(world, tenants) == (12100, date(2026, 9, 1), date(2026, 10, 18))
    entries, _ = world.services.repos.contacts.for_debtor(tenants.c1, "D-1001")
    assert any("invoice date 2026-09-18 -> 2026-09-01" in e.summary
               and "collection started (dunning started)" in e.summary
               for e in entries), [e.summary for e in entries]  # fmt: skip
