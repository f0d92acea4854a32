"""lawyer20 L1: a dispute ended (the API's resolve-dispute; the console's "keep chasing" and the
item's decision go through the same service) resumes the dunning.

Consumer D-1, F1 1,000.00 due 15-11-2026, the starter workflow: reminder, SMS, the 14-day
letter posted 6-12 (costs 150.00 from its term's end). Disputed 20-12, the dispute ended
10-1-2027. Before: the daily run had dropped the disputed invoice from its schedule and the
ended dispute never put it back: nothing happened to F1 up to 30-9-2027 (no call, no
hand-over), the client told "dunning resumes" while its claim lay still and prescription ran.
Now the run goes on where the dispute stopped it, after the day the debtor's notice names
(notice21, lawyer20 L2: the consumer is told first, collection resumes 14 days later): "Bellen"
on 24-1 (its day, 22-12, passed meanwhile), the hand-over 14 days after it, 7-2.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.services.dunning_starter import save_starter
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day


def _days(world: Any, client: Any, first: date, last: date) -> None:
    on = first
    while on <= last:
        world.clock.at = datetime(on.year, on.month, on.day, 6, 0, tzinfo=UTC)
        day(world, client)
        on += timedelta(days=1)


def _disputed_and_ended(world: Any) -> Any:
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D-1", name="Jansen, P.")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, client.client_id)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D-1", amount="1000.00", invoice_date="2026-11-01", due_date="2026-11-15"),
    ]})  # fmt: skip
    _days(world, client, date(2026, 11, 16), date(2026, 12, 20))
    reply = a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "nooit geleverd"})
    assert reply.status == 200, reply.body
    _days(world, client, date(2026, 12, 21), date(2027, 1, 10))
    assert a.call("GET", "/v1/cases").body["items"] == []  # nothing while disputed
    reply = a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute")
    assert reply.status == 200 and reply.body["status"] == "open", reply.body
    return client


def test_an_ended_dispute_resumes_the_workflow_where_it_stopped(world: Any) -> None:
    client = _disputed_and_ended(world)
    _days(world, client, date(2027, 1, 11), date(2027, 2, 15))
    a = world.agency_a
    calls = [
        i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
        if i["kind"] == "staff_task" and str(i["title"]).startswith("Bellen")
    ]  # fmt: skip
    assert [str(c["created_at"])[:10] for c in calls] == ["2027-01-24"], calls
    cases = a.call("GET", "/v1/cases").body["items"]
    assert [(str(c["created_at"])[:10], c["invoice_numbers"]) for c in cases] == [
        ("2027-02-07", ["F1"])
    ], cases


def test_a_retried_end_still_resumes_it(world: Any) -> None:
    """A first call whose answer was lost (its scheduling cut off after the save): the retry,
    refused invoice_not_disputed, still puts the invoice back in the schedule."""
    client = _disputed_and_ended(world)
    world.services.repos.dunning.reschedule(
        client.client_id,
        [
            (k.row_key, None)
            for k in world.services.repos.dunning.due(client.client_id, date(2027, 12, 31))
        ],
    )  # the schedule as a cut-off first attempt left it: F1 nowhere
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute")
    assert reply.status == 422, reply.body
    _days(world, client, date(2027, 1, 11), date(2027, 2, 15))
    cases = world.agency_a.call("GET", "/v1/cases").body["items"]
    assert [str(c["created_at"])[:10] for c in cases] == ["2027-02-07"], cases
