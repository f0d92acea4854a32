"""A discount's contact-log line stands at the time it was given (newcomer19 F9): D-2 disputed
T-103 at 04:37 UTC, the agency let half go at 04:40, and the dossier's timeline and the
Reports contact-log CSV read the discount at 01:00 (its day's midnight UTC, as the entry is
keyed by the day so a retry writes it once), before the dispute it settled. The key stays the
day's; the time shown is the real one, Europe/Amsterdam."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for

DECEMBER = {"start": "2026-12-01", "end": "2026-12-31"}
DISCOUNT = {"amount": "1250.00", "reference": "CN-1", "kind": "discount", "reason": "verwelkt"}


def _disputed_then_discounted(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D-2", kind="b2b")]})
    row = invoice_row("T-103", "D-2", amount="2500.00", invoice_date="2026-10-02",
                      due_date="2026-11-01")  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body.get("errors")
    world.clock.at = datetime(2026, 12, 3, 4, 37, tzinfo=UTC)
    disputed = a.call("POST", "/v1/clients/C1/invoices/T-103/dispute", {"reason": "verwelkt"})
    assert disputed.status == 200, disputed.body
    world.clock.at = datetime(2026, 12, 3, 4, 40, tzinfo=UTC)
    credited = a.call("POST", "/v1/clients/C1/invoices/T-103/credit", DISCOUNT)
    assert credited.status == 200, credited.body
    return world.services.repos.clients.id_for_number("agency-a", "C1")


def _log(world):  # type: ignore[no-untyped-def]
    path = "/v1/clients/C1/debtors/D-2/contacts"
    return world.agency_a.call("GET", path).body["items"]


def _discount_entries(items):  # type: ignore[no-untyped-def]
    return [e for e in items if e["summary"].startswith("Discount CN-1")]


def test_the_discount_stands_at_its_time_after_the_dispute_and_once(world):  # type: ignore[no-untyped-def]
    _disputed_then_discounted(world)
    items = _log(world)
    [discount] = _discount_entries(items)
    assert discount["at"].startswith("2026-12-03T04:40"), discount["at"]
    [dispute] = [e for e in items if "disputed" in e["summary"]]
    # the log reads newest first: the discount after (above) the dispute it settled
    assert items.index(discount) < items.index(dispute)
    # the same note again later (a retry) writes no second line, and moves none
    world.clock.at = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    again = world.agency_a.call("POST", "/v1/clients/C1/invoices/T-103/credit", DISCOUNT)
    assert again.status == 200, again.body
    assert _discount_entries(_log(world)) == [discount]


def test_the_contact_log_report_shows_the_discounts_amsterdam_time(world):  # type: ignore[no-untyped-def]
    client_id = _disputed_then_discounted(world)
    staff = desk_for(world, Role.CLIENT_STAFF, client_id, "s@c1.example")
    token = csrf_of(staff.get("/reports?lang=nl"))
    form = {"csrf": token, "do": "report", "kind": "contact_log", "format": "csv", **DECEMBER}
    answer = staff.post("/reports?lang=nl", form)
    assert answer.status == 200
    _, *rows = csv.reader(io.StringIO(answer.encoded().decode("utf-8-sig")))
    lines = [(r[2], r[6]) for r in rows if r[3] == "D-2"]
    [discount] = [n for n, (_, words) in enumerate(lines) if words.startswith("Korting CN-1")]
    [dispute] = [n for n, (_, words) in enumerate(lines) if "betwist" in words]
    assert lines[discount][0] == "05:40" and lines[dispute][0] == "05:37", lines
    assert dispute < discount, lines  # in the order it happened
