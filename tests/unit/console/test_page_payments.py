"""The payments page: a statement file goes where the statement trigger reads, and after the
trigger the page shows what became of it (booked, or quarantined with the report); payments
per day, paged; refunds and chargebacks per debtor with the client's threshold in red."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pytest

from shared.domain.people.authorisation import Role
from shared.services.statements import INBOX
from tests.unit.api.conftest import invoice_row, verify_ibans
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors
from tests.unit.services.test_statement_ingest import paid_line, statement


def _trigger(world, name: str) -> None:
    """What functions/statements.py does for a new blob."""
    data = world.services.files.get(INBOX, name)
    report = world.services.statements.ingest(name, data)
    world.services.payment_overview.remember(report)


def _upload(browser, data: bytes, name: str):
    token = csrf_of(browser.get("/payments?lang=en"))
    return post_files(browser, "/payments?lang=en", {"csrf": token}, {"file": (name, data)})


def test_a_statement_is_booked_by_the_normal_pipeline_and_shown(world, tenants):
    verify_ibans(world.agency_a, "C1")
    with_debtors(world, "C1", "D1")
    world.agency_a.call(
        "POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-0001", "D1", amount="121.00")]}
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    data = statement(
        [paid_line(12100, "F-0001")],
        account=world.services.repos.clients.get(tenants.c1)[0].ibans[0],
    )
    done = _upload(staff, data, "day1.sta")
    assert done.status == 303 and "done=pay_uploaded" in done.headers["Location"]
    (name,) = world.services.files.names(INBOX, f"agency-a/console/{tenants.c1}/")
    waiting = text(staff.get("/payments?lang=en"))
    assert "day1.sta" in waiting and "Being processed" in waiting
    _trigger(world, name)
    shown = text(staff.get("/payments?lang=en"))
    # the claim has accrued interest since its due date, so the pipeline suggests, not books
    assert re.search(
        r'day1\.sta</td><td>Processed</td><td class="num">0</td><td class="num">1</td>', shown
    )
    suggestions = world.services.repos.actions.list(tenants.c1)[0]
    assert [a.kind for a in suggestions] == ["payment_suggestion"]


def test_a_bad_file_shows_quarantined_with_its_report(world, tenants):
    staff = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    assert _upload(staff, b"this is no statement", "junk.txt").status == 303
    (name,) = world.services.files.names(INBOX, f"agency-a/console/{tenants.c1}/")
    _trigger(world, name)
    shown = text(staff.get("/payments?lang=en"))
    assert "Refused (quarantine)" in shown and "junk.txt" in shown


def test_refunds_over_the_threshold_are_red(world, tenants):
    from shared.adapters.tables.keys import encode
    from shared.adapters.tables.messaging_repo import USAGE

    counters = world.services.counters
    year = world.services.clock.now().year
    for _ in range(3):  # the client's threshold is 2: three refunds is over it
        counters.increment(USAGE, tenants.c1, f"refunds|{year}|{encode('D1')}")
    counters.increment(USAGE, tenants.c1, f"refunds|{year}|{encode('D2')}")
    counters.increment(USAGE, tenants.c1, f"chargebacks|{year}|{encode('D2')}")
    counters.increment(USAGE, tenants.c1, f"refunds|{year - 1}|{encode('D3')}")  # last year
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    shown = text(reader.get("/payments?lang=en"))
    assert re.search(r'<th scope="row">D1</th><td class="num red">3', shown)
    assert re.search(r'<th scope="row">D2</th><td class="num">1</td><td class="num">1</td>', shown)
    assert '<th scope="row">D3</th>' not in shown and "more than 2 refunds" in shown


def test_payments_per_day_are_paged(world, tenants):
    from shared.domain.records import Payment, PaymentSource

    for n in range(20):
        world.services.repos.payments.add(Payment(tenants.c1, f"p{n:03d}", "D1", 100 + n,
                                                  date(2025, 1, 1 + n), PaymentSource.MANUAL))  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    first = text(staff.get("/payments?lang=en"))
    assert "2025-01-20" in first and "2025-01-07" in first and "2025-01-06" not in first
    after = re.search(r'href="/api/console/payments\?lang=en&amp;after=([^"]+)">Next', first)
    assert after, first
    second = text(staff.get(f"/payments?lang=en&after={unquote(after.group(1))}"))
    assert "2025-01-06" in second and "2025-01-20" not in second and "Newest days" in second
    assert "Next</a>" not in second
    # a day busier than a page continues on the next one, marked as such
    for n in range(120):
        world.services.repos.payments.add(Payment(tenants.c1, f"q{n:03d}", "D2", 100,
                                                  date(2025, 2, 1), PaymentSource.BANK))  # fmt: skip
    busy = text(staff.get("/payments?lang=en"))
    assert "2025-02-01 <span" in busy and "more on the next page" in busy
    assert busy.count(" · bank") == 100 and "2025-01-20" not in busy
    # an edited token starts again from the newest day instead of failing
    assert "2025-02-01" in text(staff.get("/payments?lang=en&after=junk"))


@pytest.mark.parametrize("role", [Role.READ_ONLY])
def test_reading_roles_cannot_upload(world, tenants, role):
    reader = desk_for(world, role, tenants.c1, "r@c1.example")
    assert reader.get("/payments").status == 200
    assert _upload(reader, b"x", "a.sta").status == 403
    assert world.services.files.names(INBOX, "agency-a/") == []


def test_client_people_upload_for_their_own_client_only(world, tenants):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/payments"))
    refused = post_files(
        staff,
        f"/payments?client={tenants.c2}",
        {"csrf": token, "client": tenants.c2},
        {"file": ("a.sta", b"x")},
    )
    assert refused.status == 404  # another client is refused, never swapped for one's own
    assert world.services.files.names(INBOX, f"agency-a/console/{tenants.c2}/") == []
    post_files(staff, "/payments", {"csrf": token}, {"file": ("a.sta", b"x")})
    assert len(world.services.files.names(INBOX, f"agency-a/console/{tenants.c1}/")) == 1
