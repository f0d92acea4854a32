"""cm18 F12: a client's upload that lowers an invoice's open amount books the difference as
paid to the client (before the hand-over: off the principal, no payment row). It said so
nowhere: not in the preview, not in the result, not in the contact log.

Hand: F-1003 1,000.00 of business debtor D-1001, due 18-10-2026, nothing paid, no costs owed.
The client's books say 800.00 open: 200.00 counts as received by the client. The console
preview and the API's dry run list it (1,000.00 -> 800.00, 200.00), the booking writes one
system line in the debtor's contact log, however often the same file comes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text

HEADER = b"Factuurnummer;Debiteur;Factuurdatum;Vervaldatum;Bedrag;Openstaand\r\n"
ROW = invoice_row("F-1003", "D-1001", invoice_date="2026-09-18", due_date="2026-10-18",
                  amount="1000.00")  # fmt: skip
LINE = "client reported € 200,00 received directly"


def _world(world):
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    a = world.agency_a
    reply = a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D-1001", kind="b2b")]})
    assert reply.status == 200 and not reply.body["errors"], reply.body
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": [ROW]})
    assert reply.body["created"] == 1, reply.body
    return a


def _paid(world, tenants) -> int:
    found = world.services.repos.invoices.get(tenants.c1, "F-1003")
    assert found is not None
    return int(found.invoice.paid)


def _lines(a) -> list[str]:
    items = a.call("GET", "/v1/clients/C1/debtors/D-1001/contacts").body["items"]
    return [str(i["summary"]) for i in items if LINE in str(i["summary"])]


def test_the_api_s_dry_run_and_import_say_what_counts_as_received(world, tenants):
    a = _world(world)
    lowered = {"items": [dict(ROW, open_amount="800.00")]}
    dry = a.call("POST", "/v1/clients/C1/invoices", lowered, dry_run="true")
    assert dry.status == 200 and dry.body["dry_run"] is True, dry.body
    assert dry.body["updated"] == 1 and not dry.body["errors"], dry.body
    [note] = dry.body["notes"]
    assert note["field"] == "open_amount", note
    assert (
        "from EUR 1,000.00 to EUR 800.00: EUR 200.00 counts as received by you" in note["message"]
    )
    assert _paid(world, tenants) == 0 and _lines(a) == []  # nothing written
    done = a.call("POST", "/v1/clients/C1/invoices", lowered)
    assert done.body["updated"] == 1 and "dry_run" not in done.body, done.body
    assert [n["field"] for n in done.body["notes"]] == ["open_amount"], done.body
    assert _paid(world, tenants) == 20_000
    [line] = _lines(a)
    assert "F-1003" in line and "open € 1.000,00 -> € 800,00" in line, line
    again = a.call("POST", "/v1/clients/C1/invoices", lowered)
    assert again.body["unchanged"] == 1 and again.body["notes"] == [], again.body
    assert len(_lines(a)) == 1


def test_the_console_preview_lists_the_invoice_and_the_amount_received(world, tenants):
    _world(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    data = HEADER + b"F-1003;D-1001;18-09-2026;18-10-2026;1.000,00;800,00\r\n"
    token = csrf_of(staff.get("/upload?lang=nl"))
    page = post_files(staff, "/upload?lang=nl", {"csrf": token, "do": "preview"},
                      {"file": ("open.csv", data)})  # fmt: skip
    body = text(page)
    assert page.status == 200, body[:600]
    assert "Verlagen het openstaande bedrag van een factuur: 1" in body
    table = re.search(r'<table id="pv-lowered">.*?</table>', body, re.S)
    assert table, body[:3000]
    cells = re.sub(r"<[^>]+>", "|", table.group(0))
    assert "F-1003" in cells and "1.000,00" in cells and "800,00" in cells, cells
    assert "200,00 geldt als door u ontvangen" in cells, cells
    assert _paid(world, tenants) == 0  # a preview books nothing


def test_the_contact_log_line_in_the_page_s_language():
    from shared.api.console.contact_text import summary

    line = (
        "Invoice F-1003: the client reported € 200,00 received directly (open € 1.000,00 -> "
        "€ 800,00 in its books); booked as paid to the client"
    )
    assert summary(line, "nl") == (
        "Factuur F-1003: de opdrachtgever meldt € 200,00 rechtstreeks ontvangen (openstaand "
        "€ 1.000,00 -> € 800,00 in haar administratie); geboekt als betaald aan de opdrachtgever"
    )
    assert summary(line, "en") == (
        "Invoice F-1003: the client reported EUR 200.00 received directly (open EUR 1,000.00 -> "
        "EUR 800.00 in its books); booked as paid to the client"
    )


def test_a_preview_asked_in_other_words_is_refused_and_writes_nothing(world, tenants):
    """attack20 F6: ?dry_run=1 (or True, yes, TRUE) answered 200 and wrote: the lowered open
    amount booked 200.00 as received by the client and a line on the debtor's log, from a
    request its sender meant as a preview."""
    a = _world(world)
    lowered = {"items": [dict(ROW, open_amount="800.00")]}
    for word in ("1", "True", "yes", "TRUE", ""):
        refused = a.call("POST", "/v1/clients/C1/invoices", lowered, dry_run=word)
        assert refused.status == 400, (word, refused.body)
        assert "dry_run must be true or false" in str(refused.body), refused.body
    assert _paid(world, tenants) == 0 and _lines(a) == []
    done = a.call("POST", "/v1/clients/C1/invoices", lowered, dry_run="false")
    assert done.status == 200 and done.body["updated"] == 1, done.body
    assert _paid(world, tenants) == 20_000


def test_the_line_of_a_request_cut_off_before_it_is_written_by_the_retry(world, tenants):
    """failure20 L1: a 503 on the contact-log line (after F-1003 was written 800.00 open and
    200.00 booked as received by the client) answered the request 503; the client's retry
    found nothing lowered any more ("unchanged"), and the line never came."""
    from azure.core.exceptions import HttpResponseError

    a = _world(world)
    contacts = world.services.repos.contacts
    real = contacts.add
    left = {"n": 1}

    def add(entry, *args, **kw):
        if LINE in entry.summary and left["n"]:
            left["n"] -= 1
            raise HttpResponseError("injected: 503 ServerBusy")
        return real(entry, *args, **kw)

    contacts.add = add
    lowered = {"items": [dict(ROW, open_amount="800.00")]}
    assert a.call("POST", "/v1/clients/C1/invoices", lowered).status == 503
    assert _paid(world, tenants) == 20_000 and _lines(a) == []
    again = a.call("POST", "/v1/clients/C1/invoices", lowered)
    assert again.status == 200 and again.body["unchanged"] == 1, again.body
    [line] = _lines(a)
    assert "open € 1.000,00 -> € 800,00" in line, line
    assert a.call("POST", "/v1/clients/C1/invoices", lowered).status == 200
    assert len(_lines(a)) == 1


def test_the_line_of_a_request_that_died_before_it_comes_with_the_next_sync(world, tenants):
    """The worker died after the invoice's write (nothing after it ran); the client's books
    sync the next day with another invoice: the line is written then, once."""
    from tests.support.faults import SimulatedCrash

    a = _world(world)
    contacts = world.services.repos.contacts
    real = contacts.add
    left = {"n": 1}

    def add(entry, *args, **kw):
        if LINE in entry.summary and left["n"]:
            left["n"] -= 1
            raise SimulatedCrash("the worker died before the line")
        return real(entry, *args, **kw)

    contacts.add = add
    with pytest.raises(SimulatedCrash):
        a.call("POST", "/v1/clients/C1/invoices", {"items": [dict(ROW, open_amount="800.00")]})
    assert _paid(world, tenants) == 20_000 and _lines(a) == []
    world.clock.advance(days=1)
    other = invoice_row("F-1004", "D-1001", invoice_date="2026-11-02", due_date="2026-12-02",
                        amount="50.00")  # fmt: skip
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": [dict(other, open_amount="50.00")]})
    assert reply.status == 200 and reply.body["created"] == 1, reply.body
    [line] = _lines(a)
    assert "F-1003" in line and "open € 1.000,00 -> € 800,00" in line, line
