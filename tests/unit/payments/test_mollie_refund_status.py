# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""A refund that fails or is canceled and a chargeback the bank reverses, against the Mollie
stand-in over HTTP (refund statuses and ``reversedAt`` as Mollie documents them): the booking
follows the refunds and chargebacks lists, not the payment's totals (newcomer4 finding 8,
failure4 finding 2)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.parties import Client
from tests.support.mollie_stand_in import MollieWorld
from tests.unit.payments.test_mollie_partial_refunds import _live
from tests.unit.plans.test_plan_mollie import mollie, the_client, webhook, world  # noqa: F401


def _paid(world: Any, mollie: MollieWorld) -> tuple[Client, str, int]:
    client = the_client(world)
    started = world.services.online_payments.start(client, "D1", ["F1"], "https://x/return")
    mollie.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id) == ["paid"]
    [(_, amount)] = _live(world, client)
    return client, str(started.payment_id), amount


@pytest.mark.parametrize("status", ["failed", "canceled"])
def test_a_refund_that_fails_or_is_canceled_counts_again(world: Any, mollie: MollieWorld,
                                                         status: str) -> None:  # fmt: skip
    client, pid, amount = _paid(world, mollie)
    mollie.refund(pid, "20.00")
    assert webhook(world, pid) == ["refund"]
    assert _live(world, client) == [(f"mollie-{pid}-r2000", amount - 2000)]
    [refund] = mollie.refunds[pid]
    mollie.refund_status(pid, refund["id"], status)
    # main: "a view older than what is booked; nothing changes", 20.00 asked again for good
    assert webhook(world, pid, times=2) == ["refund_failed", "paid"]  # the redelivery: as is
    assert [a for _, a in _live(world, client)] == [amount]
    items = world.services.repos.actions.list(client.client_id)[0]
    assert [i.kind for i in items if i.kind == "refund_failed"] == ["refund_failed"]  # told once
    log = [e.summary for e in world.services.repos.contacts.for_debtor(client.client_id, "D1")[0]]
    assert len([s for s in log if "failed or was canceled" in s]) == 1


def test_a_refund_that_went_through_stays_refunded(world: Any, mollie: MollieWorld) -> None:
    client, pid, amount = _paid(world, mollie)
    mollie.refund(pid, "20.00")
    assert webhook(world, pid) == ["refund"]
    [refund] = mollie.refunds[pid]
    mollie.refund_status(pid, refund["id"], "processing")
    mollie.refund_status(pid, refund["id"], "refunded")
    assert webhook(world, pid) == ["refund"]
    assert _live(world, client) == [(f"mollie-{pid}-r2000", amount - 2000)]
    with pytest.raises(ValueError):  # a refund on its way can no longer be canceled
        mollie.refund_status(pid, refund["id"], "canceled")


def test_a_chargeback_reversed_by_the_bank_counts_again_by_its_reversed_at(
    world: Any, mollie: MollieWorld
) -> None:
    client, pid, amount = _paid(world, mollie)
    mollie.chargeback(pid)
    assert webhook(world, pid) == ["chargeback"]
    assert _live(world, client) == []
    [chargeback] = mollie.chargebacks[pid]
    mollie.reverse_chargeback(pid, chargeback["id"])
    # the payment's amountChargedBack is left as it was: the list's reversedAt decides
    assert webhook(world, pid, times=2) == ["paid", "paid"]
    assert [a for _, a in _live(world, client)] == [amount]
    with pytest.raises(ValueError):
        mollie.reverse_chargeback(pid, chargeback["id"])
