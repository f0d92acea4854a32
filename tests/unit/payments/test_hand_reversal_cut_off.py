"""A person's reversal of a client's receipt reverses what stands of its money and is on the
audit log once, after the reversal (failure12b A, B)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.records import ActionStatus
from tests.support.faults import FaultPlan, Rule, SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.payments.test_client_receipt_part_taken_back import (
    DAY_23,
    _paid_in_full,
    _row,
    _standing,
)
from tests.unit.payments.test_client_receipt_reversed_by_hand import _asked, _audited, _reverse
from tests.unit.payments.test_client_receipt_reversed_by_hand import _standing as _booked
from tests.unit.payments.test_client_sync_receipts import _payments

_WRITES = ("insert", "upsert", "replace", "delete", "transact")
LATER = datetime(2026, 1, 23, 12, 0, tzinfo=UTC)


def test_a_hand_reversal_during_a_cut_off_part_take_back_reverses_the_rest(world) -> None:
    """The 23-1 sync decides 800.00 of the 1,000.00 receipt taken back, reverses it, and the
    booking of the 200.00 rest times out; staff then reverse the 1,000.00 receipt by hand.
    Before: the rest was booked and stood, the reply said "reversed", nothing was audited."""
    client = _paid_in_full(world)
    (first,) = _payments(world, client)
    payments = world.services.payments
    real = payments.book
    payments.book = lambda *a, **k: (_ for _ in ()).throw(TimeoutError("storage timed out"))
    world.clock.at = DAY_23
    cut = world.agency_a.call(
        "POST", "/v1/clients/C1/invoices", {"items": [{**_row(), "open_amount": "800.00"}]}
    )
    assert cut.status == 503
    payments.book = real
    world.clock.at = LATER
    r = world.agency_a.call(
        "POST",
        f"/v1/clients/C1/payments/{first.payment_id}/reverse",
        {"reason": "the client says this money never came"},
    )
    assert r.status == 200 and r.body["reversed"] is True
    assert _standing(world, client) == []
    (audited,) = _audited(world, client)
    assert audited.subject == first.payment_id


def test_a_hand_reversal_cut_off_before_it_reverses_is_audited_once(world) -> None:
    """The payments' reverse times out once (503); the person presses again (200)."""
    client, receipt, asked, _ = _asked(world)
    payments = world.services.payments
    real = payments.reverse
    calls = {"n": 0}

    def reverse(*a, **k):
        calls["n"] += 1
        if calls["n"] == 1:
            raise TimeoutError("storage timed out")
        return real(*a, **k)

    payments.reverse = reverse
    first = _reverse(world, receipt.payment_id, action=asked.action_id)
    assert first.status == 503
    assert _audited(world, client) == [], "audited a reversal that did not happen"
    again = _reverse(world, receipt.payment_id, action=asked.action_id)
    assert again.status == 200
    assert _booked(world, client) == [("bank-", 40_000)]
    assert len(_audited(world, client)) == 1


@pytest.mark.parametrize("kind", ["crash_after", "timeout_after", "http500", "race"])
def test_a_hand_reversal_cut_off_anywhere_then_repeated(kind: str) -> None:
    k = 0
    while _cut_at(k := k + 1, kind):  # every write of the reversal in turn
        pass
    assert k > 3, "the reversal's writes were not counted"


def _cut_at(k: int, kind: str) -> bool:
    """The hand reversal cut at its k-th write, then repeated: False when it makes fewer."""
    plan = FaultPlan()
    plan.enabled = False
    world = make_world(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), plan)
    client, receipt, asked, own = _asked(world)
    writes = {"n": 0}

    def match(op: str, target: str) -> bool:
        if op in _WRITES:
            writes["n"] += 1
            return writes["n"] == k
        return False

    plan.rules = [Rule(match, kind)]
    plan.enabled = True
    try:
        _reverse(world, receipt.payment_id, action=asked.action_id)
    except (SimulatedCrash, Exception):  # a crash: the host dies with the request
        pass
    plan.enabled = False
    if k > writes["n"]:
        return False
    again = _reverse(world, receipt.payment_id, action=asked.action_id)
    found = [
        world.services.repos.actions.get(client.client_id, a)
        for a in (asked.action_id, own.action_id)
    ]
    states = [f[0].status for f in found if f is not None]
    assert again.status == 200
    assert _booked(world, client) == [("bank-", 40_000)]
    assert states == [ActionStatus.RESOLVED] * 2
    assert len(_audited(world, client)) == 1, k
    return True
