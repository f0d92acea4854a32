"""A bank line on the client's own account that is the money a receipt of the client's sync
reported takes that receipt's place instead of booking it again (failure11 F5).

The law10 F5 case of test_client_receipt_day.py with the client's own account verified (Inning
reads its statements; lines booked as received by the client). The debtor pays 1,000.00 into
it on 21-1 quoting F1's reference; the client's 22-1 00:30 sync reports F1 paid (receipt
``sync-…`` 1,000.00 dated 21-1); the bank's statement of 21-1 comes at 08:00. Before: both stood,
2,000.00 booked, a 992.88 "overpayment" item inviting a refund of money paid once. Now the
bank's booking stands alone, dated by the bank: in term, 992.88 principal and 7.12 interest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.api.console.action_text import title
from shared.domain.records import ActionStatus
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.unit.api.conftest import client_iban, verify_ibans
from tests.unit.payments.test_client_receipt_day import IN_TERM, NIGHT_21, NIGHT_22
from tests.unit.payments.test_client_sync_receipts import _claim, _handed_over, _payments, _sync

MORNING_22 = datetime(2026, 1, 22, 7, 0, tzinfo=UTC)


def _own_statement(world, amount: int = 100_000, day: date = date(2026, 1, 21)):  # type: ignore[no-untyped-def]
    ref = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    line = OutLine(day, amount, "", counterparty_iban="NL97ABNA0479445079",
                   counterparty_name="D1", reference=ref, end_to_end_id="E-21")  # fmt: skip
    data = write_mt940(client_iban("C1"), [line], opening=0, opening_date=day,
                       statement_id="S21")  # fmt: skip
    return world.services.statements.ingest("agency-a/own-21.sta", data.encode())


def _synced_paid(world):  # type: ignore[no-untyped-def]
    client = _handed_over(world)
    verify_ibans(world.agency_a, "C1")
    _sync(world, "1000.00", NIGHT_21)
    _sync(world, "0.00", NIGHT_22)
    (receipt,) = _payments(world, client)
    world.clock.at = MORNING_22
    return client, receipt


def _standing(world, client):  # type: ignore[no-untyped-def]
    return [p for p in _payments(world, client) if not p.reversed]


def _kinds(world, client):  # type: ignore[no-untyped-def]
    return sorted(i.kind for i in world.services.repos.actions.list(client.client_id)[0])


def test_the_bank_line_takes_the_place_of_the_sync_s_receipt(world):  # type: ignore[no-untyped-def]
    client, receipt = _synced_paid(world)
    assert _own_statement(world).booked == 1
    (standing,) = _standing(world, client)
    assert standing.payment_id.startswith("bank-") and standing.amount == 100_000
    assert standing.received_on == date(2026, 1, 21)
    rows = {p.payment_id: p for p in _payments(world, client)}
    assert rows[receipt.payment_id].reversed  # the receipt's place taken
    assert _claim(world, "2026-01-22")["paid"] == IN_TERM
    assert "overpayment" not in _kinds(world, client)
    assert "payment_reversed" not in _kinds(world, client)  # nothing came back
    # the statement again, and the client's next sync, book nothing more
    _own_statement(world)
    _sync(world, "0.00", datetime(2026, 1, 22, 23, 30, tzinfo=UTC))
    assert [p.payment_id for p in _standing(world, client)] == [standing.payment_id]
    assert _claim(world, "2026-01-23")["paid"] == IN_TERM


def test_money_not_clearly_the_same_goes_to_a_person(world):  # type: ignore[no-untyped-def]
    """400.00 on 21-1 beside the sync's 1,000.00: booked (the bank's word), and an item asks
    whether the client's receipt is the same money; never a silent double."""
    client, receipt = _synced_paid(world)
    _own_statement(world, amount=40_000)
    items = world.services.repos.actions.list(client.client_id)[0]
    (asked,) = [i for i in items if i.detail.get("bank_payment_id")]
    assert asked.detail["payment_id"] == receipt.payment_id
    assert asked.detail["bank_amount"] == 40_000
    assert "if it is the same money, reverse the client's receipt" in asked.title
    assert title(asked.title, "nl").startswith(
        "Het afschrift van de eigen rekening van de opdrachtgever boekt € 400,00 op 21-01-2026"
    )
    _own_statement(world, amount=40_000)  # redelivered: one item still
    items = world.services.repos.actions.list(client.client_id)[0]
    assert len([i for i in items if i.detail.get("bank_payment_id")]) == 1


def test_the_receipt_s_own_item_is_answered_by_the_bank_line(world):  # type: ignore[no-untyped-def]
    """receipts11 F5's leftover: the item that asked a person to check the receipt's day and
    amount is resolved when the bank's line takes the receipt's place (the bank proves both)."""
    client, receipt = _synced_paid(world)
    (asked,) = world.services.repos.actions.list(client.client_id, kind="client_receipt")[0]
    assert asked.detail["payment_id"] == receipt.payment_id
    _own_statement(world)
    (item,) = world.services.repos.actions.list(client.client_id, kind="client_receipt")[0]
    assert item.status is ActionStatus.RESOLVED
    assert item.resolution is not None and item.resolution.startswith(
        "the bank's statement of the client's own account books this money"
    )
