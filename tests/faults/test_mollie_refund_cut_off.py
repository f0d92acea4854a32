"""A Mollie refund, chargeback or failed refund of a booked online payment, the webhook job cut
off after each storage write in turn, the host's retries, poison replayed by an operator, the
queues drained (failure15 F2). The end state is the uncut one: the payment reversed once, the
invoices as open as uncut, the contact log's 'Refund of € 171,85 on an online payment (1 this
year)' once, the debtor's refund counter 1; a failed refund told once on the contact log and
as a refund_failed item. Each telling is keyed and the "told" mark written after it."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from tests.faults.checks import all_actions
from tests.faults.crashes import crash_after_write, cut_then_replayed
from tests.faults.world import build, mollie_debtor, paid_online


def _run(kind: str, crash_at: int | None) -> tuple[dict[str, Any], int]:
    world = build(0, 0.0)
    a = world.api
    client = mollie_debtor(world)
    payment_id = paid_online(world, client)
    world.host.run_until(world.clock.now() + timedelta(hours=1))
    world.clock.at = world.clock.now() + timedelta(days=1)
    world.services.online_payments.settle_simulated(payment_id, kind)
    cut = crash_after_write(world.plan, crash_at)
    cut_then_replayed(world)
    payments = world.services.repos.payments.list(client.client_id)[0]
    contacts = Counter(c.summary for c in world.services.repos.contacts.between(client.client_id)
                       if c.channel == "mollie")  # fmt: skip
    invoices = {
        n: a.call("GET", f"/v1/clients/C1/invoices/{n}").body["status"] for n in ("F1", "F2")
    }
    return {
        "standing": sorted((p.payment_id.split("tr_")[0], p.reversed, p.amount) for p in payments),
        "invoices": invoices,
        "contacts": sorted(contacts.items()),
        "leased": len(world.host.pending),
        "year": {
            k: v
            for k, v in a.call("GET", "/v1/clients/C1/debtors/D1").body.items()
            if k in ("refunds_this_year", "chargebacks_this_year", "refund_warning")
        },
    }, cut.writes


@pytest.mark.parametrize("kind", ["refunded", "charged_back"])
def test_a_refund_or_chargeback_cut_off_after_any_write_ends_as_uncut(kind: str) -> None:
    expected, writes = _run(kind, None)
    assert expected["contacts"], expected
    assert writes > 2
    wrong = {}
    for k in range(1, writes + 1):
        got, _ = _run(kind, k)
        diff = {key: (got[key], expected[key]) for key in expected if got[key] != expected[key]}
        if diff:
            wrong[k] = diff
    assert wrong == {}, (writes, expected, wrong)


def test_a_refund_cut_off_after_any_write_is_counted_in_the_year() -> None:
    """Cut off after any write of the first refund (before: after the 'undo|<payment>|<cents>'
    mark the retry found it told and neither counted the refund in the debtor's year nor
    logged it), a second refund of the same debtor says '(2 this year)' as uncut: the
    refund_threshold item comes on time."""

    def second_refund(crash_at: int | None) -> list[str]:
        world = build(0, 0.0)
        client = mollie_debtor(world)
        for n, invoices in enumerate((("F1",), ("F2",))):
            payment_id = paid_online(world, client, invoices)
            world.host.run_until(world.clock.now() + timedelta(hours=1))
            world.clock.at = world.clock.now() + timedelta(days=1)
            world.services.online_payments.settle_simulated(payment_id, "refunded")
            if n == 0:
                crash_after_write(world.plan, crash_at)
            cut_then_replayed(world, faults=n == 0)
        return sorted(c.summary for c in world.services.repos.contacts.between(client.client_id)
                      if c.summary.startswith("Refund"))  # fmt: skip

    uncut = second_refund(None)
    assert uncut[-1].endswith("(2 this year)"), uncut
    wrong = {k: got for k in range(1, 25) if (got := second_refund(k)) != uncut}
    assert wrong == {}, (uncut, wrong)


def test_a_failed_refund_cut_off_after_any_write_is_told_once() -> None:
    """The refund failed at Mollie (its amount back to 0): the payment counts again, the
    contact log says 'Refund of € 171,85 failed or was canceled at Mollie: ...' and staff get a
    refund_failed item. Cut off after any write (before: after the 'restore|...' mark the retry
    told nobody), the same once."""
    from shared.ports.tables import Row
    from shared.services.online_payments import SIMULATED

    def failed_refund(crash_at: int | None) -> tuple[Any, int]:
        world = build(0, 0.0)
        client = mollie_debtor(world)
        online = world.services.online_payments
        payment_id = paid_online(world, client)
        world.host.run_until(world.clock.now() + timedelta(hours=1))
        world.clock.at = world.clock.now() + timedelta(days=1)
        online.settle_simulated(payment_id, "refunded")
        world.host.run_until(world.clock.now() + timedelta(hours=1))
        world.clock.at = world.clock.now() + timedelta(days=1)
        row = world.store.get(SIMULATED, "sim", payment_id)
        assert row is not None
        world.store.upsert(SIMULATED, Row("sim", payment_id, {**row.data, "Refunded": 0}))
        online.webhook(payment_id)
        cut = crash_after_write(world.plan, crash_at)
        cut_then_replayed(world)
        told = sorted(c.summary for c in world.services.repos.contacts.between(client.client_id)
                      if "failed or was canceled" in c.summary)  # fmt: skip
        items = sorted(x.kind for x in all_actions(world) if x.kind == "refund_failed")
        standing = sorted(p.amount for p in world.services.repos.payments.list(client.client_id)[0]
                          if not p.reversed)  # fmt: skip
        return (told, items, standing), cut.writes

    uncut, writes = failed_refund(None)
    assert uncut[0] and uncut[1] == ["refund_failed"], uncut
    wrong = {k: got for k in range(1, writes + 1) if (got := failed_refund(k)[0]) != uncut}
    assert wrong == {}, (uncut, writes, wrong)
