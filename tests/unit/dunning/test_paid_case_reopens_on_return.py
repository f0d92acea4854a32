"""cases26 (money26 F7): a case closed as paid whose money comes back (a bank return, a
chargeback) is open again: its ``new_case`` item waits again and the agency is told, once. A
redelivered return changes nothing more. Case of D1: F1 (121.00) and F2 (50.00), with costs
and interest; the payments are booked on 01-05-2025 and come back on 08-05-2025."""

from __future__ import annotations

from datetime import date

from shared.domain.records import ActionStatus, PaymentSource, Receiver
from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.dunning.test_new_case_item_follows_case import _case_item
from tests.unit.dunning.test_paid_case_closed_at_booking import MORE_THAN_ALL

BACK = date(2025, 5, 8)


def _pay_all(world, client, received_by):  # type: ignore[no-untyped-def]
    world.services.payments.book(
        client, payment_id="all", amount=MORE_THAN_ALL, received_on=date(2025, 5, 1),
        source=PaymentSource.MOLLIE, invoice_numbers=["F1", "F2"], received_by=received_by,
        external_id="tr_all",
    )  # fmt: skip


def _reopened(world):  # type: ignore[no-untyped-def]
    return [i for i in _agency_items(world, "case_invoice_lowered") if "open again" in i["title"]]


def test_a_paid_case_whose_money_comes_back_is_open_again(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    _pay_all(world, client, Receiver.THIRD_PARTY)
    assert _case_item(world, case_id).resolution == "case paid"

    world.services.payments.reverse(client, "all", "MD06 terugboeking", BACK)
    item = _case_item(world, case_id)
    assert item.status is ActionStatus.OPEN and item.resolution is None
    told = _reopened(world)
    assert sorted(n for i in told for n in i["invoice_numbers"]) == ["F1", "F2"]
    assert "came back" in told[0]["title"] and case_id in told[0]["title"]
    assert len(_agency_mail(world, client, "-reopened-")) == 2

    world.services.payments.reverse(client, "all", "MD06 terugboeking", BACK)  # redelivered
    assert _case_item(world, case_id) == item
    assert len(_reopened(world)) == 2 and len(_agency_mail(world, client, "-reopened-")) == 2


def test_the_clients_own_money_back_reopens_the_case_told_once(engine):  # noqa: F811
    """Money the client received itself is told taken back (told24): that is the telling;
    the case's item waits again all the same."""
    world, client = engine
    case_id = handed_over(world, client)
    _pay_all(world, client, Receiver.CLIENT)
    assert _case_item(world, case_id).resolution == "case paid"

    world.services.payments.reverse(client, "all", "MD06 terugboeking", BACK)
    assert _case_item(world, case_id).status is ActionStatus.OPEN
    assert _reopened(world) == []
    taken = [i for i in _agency_items(world, "case_invoice_lowered") if "taken back" in i["title"]]
    assert len(taken) == 2


def test_a_case_the_agency_resolved_itself_is_left_alone(engine):  # noqa: F811
    """Only the closing as paid is undone: a person's own resolution stands."""
    world, client = engine
    case_id = handed_over(world, client)
    item = _case_item(world, case_id)
    assert world.services.repos.actions.resolve_if_open(
        "@agency-a", item.action_id, "handled by phone", item.created_at
    )
    _pay_all(world, client, Receiver.THIRD_PARTY)
    world.services.payments.reverse(client, "all", "MD06 terugboeking", BACK)
    assert _case_item(world, case_id).resolution == "handled by phone"
    assert _reopened(world) == []
