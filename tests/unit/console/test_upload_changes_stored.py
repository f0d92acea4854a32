"""newcomer15b #6: an upload row with the number of a stored invoice is a change of that
invoice, not a new one. The preview shows it apart (was -> becomes: amount and due date) and
the result names what was changed; on an invoice in collection (dunning started, money
booked, a case, a plan) a staff upload and a staff key's API import both refuse the amount
or due date change, one rule in the import service, and write the rest of the file."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors

HEADER = b"Factuurnummer;Debiteur;Factuurdatum;Vervaldatum;Bedrag\r\n"


def _preview(browser, data: bytes, lang: str = "nl"):
    token = csrf_of(browser.get(f"/upload?lang={lang}"))
    return post_files(browser, f"/upload?lang={lang}", {"csrf": token, "do": "preview"},
                      {"file": ("facturen.csv", data)})  # fmt: skip


def _confirm(browser, page, lang: str = "nl"):
    token = re.search(r'name="upload" value="([^"]+)"', text(page))
    assert token, text(page)[:600]
    return browser.post(f"/upload?lang={lang}",
                        {"csrf": csrf_of(page), "do": "confirm", "upload": token.group(1)})  # fmt: skip


def _stored(world, tenants, number: str = "F-0001"):
    found = world.services.repos.invoices.get(tenants.c1, number)
    assert found is not None
    return found


def _world(world):
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    with_debtors(world, "C1", "D-1001")
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F-0001", "D-1001", invoice_date="2026-09-18", due_date="2026-10-18",
                    amount="121.00")]})  # fmt: skip
    assert reply.body["created"] == 1, reply.body


def test_the_preview_shows_a_change_of_a_stored_invoice_before_and_after(world, tenants):
    _world(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    data = (
        HEADER
        + b"N-1;D-1001;01-11-2026;01-12-2026;1.250,50\r\nF-0001;D-1001;01-11-2026;01-12-2026;99,00\r\n"
    )
    page = _preview(staff, data)
    body = text(page)
    assert page.status == 200, body[:600]
    assert "Nieuwe facturen: 1" in body and "Wijzigen een factuur die al in Inning staat: 1" in body
    row = re.search(r'<table id="pv-changes">.*?</table>', body, re.S)
    assert row, body[:2000]
    assert "F-0001" in row.group(0) and "€ 121,00 → € 99,00" in row.group(0)
    assert "18-10-2026 → 01-12-2026" in row.group(0) and "N-1" not in row.group(0)
    done = _confirm(staff, page)
    assert "Gewijzigde facturen: F-0001" in text(done), text(done)[:1500]
    assert _stored(world, tenants).invoice.amount == 9900  # not in collection: the books' word


def test_an_invoice_in_collection_is_not_rewritten_by_staff_upload_nor_staff_key(world, tenants):
    _world(world)
    found = _stored(world, tenants)
    world.services.repos.invoices.save(replace(found.invoice, dunning_step=0,
                                               dunning_step_on=date(2026, 11, 1)), found)  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    data = (
        HEADER
        + b"N-1;D-1001;01-11-2026;01-12-2026;10,00\r\nF-0001;D-1001;01-11-2026;01-12-2026;99,00\r\n"
    )
    page = _preview(staff, data, "en")
    body = text(page)
    assert "To be imported: 1" in body and "Rejected: 1" in body, body[:1500]
    assert re.search(
        r"<td>amount</td><td>[^<]*in collection \(dunning started\)[^<]*credit note", body
    )
    done = _confirm(staff, page, "en")
    assert "New: 1" in text(done) and "Updated: 0" in text(done), text(done)[:1500]
    kept = _stored(world, tenants).invoice
    assert (kept.amount, kept.due_date) == (12100, date(2026, 10, 18))
    # the API's import follows the same rule for a client-scoped (staff) key
    key = world.agency_a.as_key(world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])  # fmt: skip
    reply = key.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F-0001", "D-1001", invoice_date="2026-09-18", due_date="2026-12-01",
                    amount="121.00")]})  # fmt: skip
    assert reply.body["errors"] and "in collection" in str(reply.body["errors"]), reply.body
    assert _stored(world, tenants).invoice.due_date == date(2026, 10, 18)
    # an administrator's import changes it, on the debtor's contact log
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F-0001", "D-1001", invoice_date="2026-09-18", due_date="2026-10-18",
                    amount="99.00")]})  # fmt: skip
    assert reply.body["updated"] == 1, reply.body
    entries, _ = world.services.repos.contacts.for_debtor(tenants.c1, "D-1001")
    assert any("amount 12100 -> 9900" in e.summary and "collection started" in e.summary
               for e in entries), [e.summary for e in entries]  # fmt: skip
