"""The day of a payment the client received, which its books do not give (law10 F5).

Consumer F1 1,000.00 due 1-12-2025, 14-day letter 5-1-2026: the term ends 21-1, costs 150.00
owed from 22-1. The debtor pays the client in full on 21-1, inside the term. The client's
nightly sync runs just after midnight: at 21-1 00:30 its books show 1,000.00 open, at 22-1 00:30
nothing. Booked on the sync's day (22-1) the money paid costs 150.00, interest 7.23 and
principal 842.77, leaving 157.23 dunned. The books still showed it open at the sync of 21-1:
the money came that day at the earliest, inside the term, so no costs (6:96 lid 6); 6:119
interest 2-12-2025..20-1-2026 = 30 d x 6 % + 20 d x 4 % on 1,000.00 = 4.93 + 2.19 = 7.12;
principal 992.88 paid, 7.12 open.

When Inning knows no earlier sync, the sync's day is taken and staff book the payment again on
the day the client's books give (``POST .../payments/{id}/received-on``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Action, action_for_request
from shared.domain.records import Receiver
from tests.unit.api.conftest import invoice_row
from tests.unit.payments.test_client_sync_receipts import (
    ROW,
    _claim,
    _handed_over,
    _items,
    _payments,
    _sync,
)

NIGHT_21 = datetime(2026, 1, 20, 23, 30, tzinfo=UTC)  # 21-1 00:30 in Amsterdam
NIGHT_22 = datetime(2026, 1, 21, 23, 30, tzinfo=UTC)  # 22-1 00:30
IN_TERM = {"principal": "992.88", "costs": "0.00", "costs_vat": "0.00", "interest": "7.12"}


def test_the_receipt_is_dated_on_the_last_sync_that_showed_it_open(world):
    client = _handed_over(world)
    _sync(world, "1000.00", NIGHT_21)
    _sync(world, "0.00", NIGHT_22)
    (payment,) = _payments(world, client)
    assert (payment.received_on, payment.received_by) == (date(2026, 1, 21), Receiver.CLIENT)
    claim = _claim(world, "2026-01-22")
    assert claim["paid"] == IN_TERM
    assert claim["open"]["total"] == "7.12"  # was 157.23: costs 150.00 on money paid in time
    (item,) = _items(world, client)
    assert item.detail["date"] == "2026-01-21"


def test_a_night_s_sync_sent_in_several_requests_is_one_sync(world):
    """The connector sends the night's open invoices in requests of 1,000: the second request
    of the 22-1 sync still dates the receipt on the 21-1 sync's day."""
    client = _handed_over(world)
    a = world.agency_a
    other = invoice_row("F2", "D1", amount="50.00", invoice_date="2025-11-01",
                        due_date="2025-12-01")  # fmt: skip
    world.clock.at = NIGHT_21
    assert a.call("POST", "/v1/clients/C1/invoices",
                  {"items": [dict(ROW, open_amount="1000.00"), dict(other, open_amount="50.00")]}
                  ).status == 200  # fmt: skip
    world.clock.at = NIGHT_22
    assert a.call("POST", "/v1/clients/C1/invoices",
                  {"items": [dict(other, open_amount="50.00")]}).status == 200  # fmt: skip
    _sync(world, "0.00", datetime(2026, 1, 21, 23, 40, tzinfo=UTC))
    (payment,) = _payments(world, client)
    assert payment.received_on == date(2026, 1, 21)


def test_without_an_earlier_sync_the_sync_s_day_is_taken(world):
    """The hand-over's push carried no open amount: it says nothing of what was paid."""
    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (payment,) = _payments(world, client)
    assert payment.received_on == date(2026, 1, 22)
    assert _claim(world, "2026-01-22")["paid"]["costs"] == "150.00"


def _received_on(world, payment_id: str, day: str):  # type: ignore[no-untyped-def]
    return world.agency_a.call(
        "POST", f"/v1/clients/C1/payments/{payment_id}/received-on",
        {"received_on": day, "reason": "the client's books: paid on 21-1"},
    )  # fmt: skip


def test_staff_book_the_receipt_again_on_the_day_the_client_s_books_give(world):
    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (first,) = _payments(world, client)
    world.clock.at = datetime(2026, 1, 23, 9, 0, tzinfo=UTC)
    reply = _received_on(world, first.payment_id, "2026-01-21")
    assert reply.status == 200, reply.body
    again_id = reply.body["payment_id"]
    assert (reply.body["received_on"], reply.body["amount"]) == ("2026-01-21", 100_000)
    assert reply.body["received_by"] == "client"
    assert _claim(world, "2026-01-23")["paid"] == IN_TERM
    rows = {p.payment_id: p for p in _payments(world, client)}
    assert rows[first.payment_id].reversed and not rows[again_id].reversed
    # staff did it themselves: no "payment came back" item; the contact log and audit say it
    items = world.services.repos.actions.list(client.client_id)[0]
    assert not [i for i in items if i.kind == "payment_reversed"]
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "D1")
    assert any("booked again as received by the client on 2026-01-21" in e.summary
               for e in entries)  # fmt: skip
    audit = world.services.people.kit.people.audit
    events = [e for e in audit.between(f"client:{client.client_id}", "0", "z")
              if e.event is Event.RECEIPT_REDATED]  # fmt: skip
    assert [(e.subject, e.detail["before"], e.detail["after"]) for e in events] == [
        (first.payment_id, "2026-01-22", "2026-01-21")
    ]
    # the same request again answers the same; the next sync books nothing more
    assert _received_on(world, first.payment_id, "2026-01-21").body["payment_id"] == again_id
    _sync(world, "0.00", datetime(2026, 1, 23, 23, 30, tzinfo=UTC))
    assert len(_payments(world, client)) == 2
    assert _claim(world, "2026-01-24")["open"]["total"] == "7.12"


def test_a_request_cut_off_after_the_reversal_is_finished_by_its_retry(world):
    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (first,) = _payments(world, client)
    payments = world.services.payments
    real = payments.book

    def book(*a, **kw):  # type: ignore[no-untyped-def]
        raise TimeoutError("storage timed out")

    payments.book = book  # type: ignore[method-assign]
    world.clock.at = datetime(2026, 1, 23, 9, 0, tzinfo=UTC)
    assert _received_on(world, first.payment_id, "2026-01-21").status == 503
    payments.book = real  # type: ignore[method-assign]
    reply = _received_on(world, first.payment_id, "2026-01-21")
    assert reply.status == 200 and reply.body["received_on"] == "2026-01-21", reply.body
    assert _claim(world, "2026-01-23")["paid"] == IN_TERM


def test_only_a_receipt_of_the_client_is_dated_here_and_never_in_the_future(world):
    from shared.domain.records import PaymentSource

    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (first,) = _payments(world, client)
    world.clock.at = datetime(2026, 1, 23, 9, 0, tzinfo=UTC)
    future = _received_on(world, first.payment_id, "2026-01-24")
    assert future.status == 422
    assert future.body["error"]["details"][0]["code"] == "received_on_future"
    world.services.payments.book(client, payment_id="bank-1", amount=100,
                                 received_on=date(2026, 1, 23), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    bank = _received_on(world, "bank-1", "2026-01-21")
    assert bank.status == 422
    assert bank.body["error"]["details"][0]["code"] == "not_a_client_receipt"
    assert _received_on(world, "nope", "2026-01-21").status == 404


def test_the_day_of_a_payment_is_an_admin_s_decision():
    path = "/v1/clients/C1/payments/sync-abc/received-on"
    assert action_for_request("POST", path) is Action.MANAGE_SETTLEMENTS


def test_a_day_before_the_invoice_is_refused(world):
    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (first,) = _payments(world, client)
    reply = _received_on(world, first.payment_id, "2025-10-31")  # F1 dated 1-11-2025
    assert reply.status == 422
    assert reply.body["error"]["details"][0]["code"] == "received_on_before_invoice"


def test_an_admin_books_it_on_its_day_from_the_item_in_the_console(world):
    from shared.domain.people.authorisation import Role
    from shared.domain.records import ActionStatus
    from tests.unit.console.conftest import csrf_of, desk_for

    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (item,) = _items(world, client)
    world.clock.at = datetime(2026, 1, 23, 9, 0, tzinfo=UTC)
    url = f"/actions/{item.action_id}?lang=en"
    staff = desk_for(world, Role.CLIENT_STAFF, client.client_id, "s@c1.example")
    assert 'name="received_on"' not in staff.get(url).encoded().decode()  # an admin's act
    refused = staff.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(staff.get(url)), "do": "redate", "received_on": "2026-01-21",
        "reason": "the client's books"})  # fmt: skip
    assert refused.status == 403
    admin = desk_for(world, Role.CLIENT_ADMIN, client.client_id, "a@c1.example")
    page = admin.get(url)
    assert 'name="received_on"' in page.encoded().decode()
    done = admin.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(page), "do": "redate", "received_on": "2026-01-21",
        "reason": "the client's books"})  # fmt: skip
    assert done.status == 303
    assert _claim(world, "2026-01-23")["paid"] == IN_TERM
    resolved = world.services.repos.actions.get(client.client_id, item.action_id)
    assert resolved is not None and resolved[0].status is ActionStatus.RESOLVED
    nl = admin.get(f"/actions/{item.action_id}?lang=nl").encoded().decode()
    assert "opnieuw geboekt als ontvangen door de opdrachtgever op 21-01-2026" in nl
