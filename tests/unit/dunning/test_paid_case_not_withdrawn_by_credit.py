"""cases26 (money26 F3): a credit note on an invoice of a case whose other invoices are paid
is not the client withdrawing the case. A part credit note that leaves a paid invoice paid
lowers it; a whole one takes it out of the case. Either way what is left is paid: the case
closes as paid (its ``new_case`` item "case paid", its invoices stay with the agency for the
settlement), and the agency is not told "Client C1 withdrew case ...". Case of D1: F1
(121.00) and F2 (50.00), each with its costs and interest."""

from __future__ import annotations

from shared.domain.records import ActionStatus
from tests.unit.dunning.test_case_follows_credit import _agency_items
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.dunning.test_new_case_item_follows_case import _case_item
from tests.unit.dunning.test_paid_case_closed_at_booking import _book
from tests.unit.dunning.test_paid_case_closed_at_credit import _status, _total


def _both_paid(world, client):  # type: ignore[no-untyped-def]
    _book(world, client, "f1", _total(world, client, "F1"), ["F1"])
    _book(world, client, "f2", _total(world, client, "F2"), ["F2"])
    assert _status(world, client, "F1") == "paid" and _status(world, client, "F2") == "paid"


def _case(world, case_id):  # type: ignore[no-untyped-def]
    return world.services.repos.cases.get("agency-a", case_id)[0]


def _handed(world, client, number):  # type: ignore[no-untyped-def]
    return world.services.repos.invoices.get(client.client_id, number).invoice.handed_over_to


def test_a_part_credit_note_on_a_paid_invoice_leaves_the_case_paid(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    _both_paid(world, client)
    note = {"amount": "20.00", "reference": "CN-7"}
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit", note).status == 200
    assert _status(world, client, "F2") == "paid"

    case = _case(world, case_id)
    assert case.status == "open" and case.withdrawn_reason is None
    assert sorted(case.invoice_numbers) == ["F1", "F2"]
    assert _agency_items(world, "case_withdrawn") == []
    item = _case_item(world, case_id)
    assert item.status is ActionStatus.RESOLVED and item.resolution == "case paid"
    assert _handed(world, client, "F2") == "agency-a"  # the agency settles it as paid
    # the credit note again (a retry): nothing more
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit", note).status == 200
    assert _agency_items(world, "case_withdrawn") == []
    assert _case_item(world, case_id) == item


def test_an_invoice_credited_whole_beside_a_paid_one_closes_the_case_as_paid(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    _book(world, client, "f1", _total(world, client, "F1"), ["F1"])
    assert _status(world, client, "F1") == "paid" and _status(world, client, "F2") != "paid"
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    assert _status(world, client, "F2") == "credited"

    case = _case(world, case_id)
    assert case.status == "open" and case.invoice_numbers == ("F1",)
    assert _agency_items(world, "case_withdrawn") == []
    [left] = _agency_items(world, "case_invoice_left")
    assert "F2" in left["title"]
    item = _case_item(world, case_id)
    assert item.status is ActionStatus.RESOLVED and item.resolution == "case paid"
    assert _handed(world, client, "F2") is None and _handed(world, client, "F1") == "agency-a"
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    assert len(_agency_items(world, "case_invoice_left")) == 1
    assert _case_item(world, case_id) == item
