"""money26: money a credit note or a corrected designation moves onto a case's last open
invoice pays the case in full as a booking does (booked24), so the agency's ``new_case`` item
is closed then, once, and not only at the next daily run (the Today count and the item stayed
until then). Case of D1: F1 (121.00) and F2 (50.00), each with its costs and interest; F4
(121.00), D1's later invoice, is not in it."""

from __future__ import annotations

from datetime import date

from shared.domain.records import ActionStatus
from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.dunning.test_new_case_item_follows_case import _case_item
from tests.unit.dunning.test_paid_case_closed_at_booking import _book, _case

ON = date(2025, 5, 1)  # the payments' day (as _book books them)


def _total(world, client, number):  # type: ignore[no-untyped-def]
    return world.services.ledger.claim(client, number, ON).open.total


def _status(world, client, number):  # type: ignore[no-untyped-def]
    return world.services.repos.invoices.get(client.client_id, number).invoice.status.value


def _f1_paid_and_f2s_money_on_f4(world, client):  # type: ignore[no-untyped-def]
    """F1 paid in full; a payment of F2's whole claim on F4, a later invoice of D1 the case
    does not hold; the case's item waits."""
    row = invoice_row("F4", "D1", invoice_date="2025-04-20", due_date="2025-05-20")
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    _book(world, client, "f1", _total(world, client, "F1"), ["F1"])
    _book(world, client, "meant-f2", _total(world, client, "F2"), ["F4"])
    assert _status(world, client, "F1") == "paid" and _status(world, client, "F2") != "paid"


def test_a_credit_note_moving_money_onto_the_last_invoice_closes_the_case(engine):  # noqa: F811
    """F4 credited: the money on it goes by 6:43 to D1's open claim F2, which is paid now,
    and with it the case."""
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    assert sorted(_case(world, client, case_id).invoice_numbers) == ["F1", "F2"]
    _f1_paid_and_f2s_money_on_f4(world, client)
    assert _case_item(world, case_id).status is ActionStatus.OPEN

    assert a.call("POST", "/v1/clients/C1/invoices/F4/credit").status == 200
    assert _status(world, client, "F2") == "paid"
    item = _case_item(world, case_id)  # no daily run in between
    assert item.status is ActionStatus.RESOLVED and item.resolution == "case paid"
    assert world.services.repos.cases.get("agency-a", case_id)[0].status == "open"
    # the credit again (a retry) finds the item resolved and changes nothing
    assert a.call("POST", "/v1/clients/C1/invoices/F4/credit").status == 200
    assert _case_item(world, case_id) == item


def test_a_designation_corrected_onto_the_last_invoice_closes_the_case(engine):  # noqa: F811
    """Staff correct the designation of the money on F4 to F2 (the payer misread): F2 is
    paid, and with it the case."""
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    _f1_paid_and_f2s_money_on_f4(world, client)
    assert _case_item(world, case_id).status is ActionStatus.OPEN

    body = {"invoices": ["F2"], "reason": "the payer meant invoice F2", "payer_word": "misread"}
    reply = a.call("PUT", "/v1/clients/C1/payments/meant-f2/designation", body)
    assert reply.status == 200, reply.body
    assert _status(world, client, "F2") == "paid"
    item = _case_item(world, case_id)
    assert item.status is ActionStatus.RESOLVED and item.resolution == "case paid"
    again = a.call("PUT", "/v1/clients/C1/payments/meant-f2/designation", body)
    assert again.status == 200, again.body
    assert _case_item(world, case_id) == item
