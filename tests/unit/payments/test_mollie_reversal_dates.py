# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""A refund or chargeback is dated the day Mollie says (its ``createdAt``, in Europe/Amsterdam),
not the day the webhook is handled: against the Mollie stand-in over HTTP (its refunds and
chargebacks lists as Mollie documents them). A webhook handled late, or twice, books once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.clock import amsterdam_date
from tests.unit.plans.test_plan_mollie import mollie, the_client, webhook, world  # noqa: F401


def _paid(world, mollie) -> str:
    client = the_client(world)
    started = world.services.online_payments.start(client, "D1", ["F1"], "https://x/return")
    mollie.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id) == ["paid"]
    return str(started.payment_id)


def _payments(world, payment_id: str):
    client = the_client(world)
    booked = world.services.repos.payments.get(client.client_id, f"mollie-{payment_id}")
    derived = world.services.repos.payments.derived(client.client_id, f"mollie-{payment_id}")
    return booked, derived


def test_a_partial_refund_handled_days_later_is_dated_mollies_amsterdam_day(world, mollie) -> None:
    payment_id = _paid(world, mollie)
    # 23:30 UTC on 31 January is 00:30 on 1 February in Amsterdam (CET)
    mollie.refund(payment_id, "50.00", at="2026-01-31T23:30:00.0Z")
    world.clock.at = datetime(2026, 2, 4, 10, 0, tzinfo=UTC)  # the webhook, days late
    assert amsterdam_date(world.clock.now()) == date(2026, 2, 4)
    assert webhook(world, payment_id, times=2) == ["refund", "refund"]
    booked, derived = _payments(world, payment_id)
    assert booked.reversed and booked.reversed_on == date(2026, 2, 1)
    [net] = [p for p in derived if not p.reversed]
    # what stands of the payment reached the client when the payment did (law8 F3)
    assert net.amount == booked.amount - 5000 and net.received_on == booked.received_on
    assert len(derived) == 1  # handled twice, booked once
    # the ledger's reversal is dated that day too (never before the claim's latest event)
    events = [e for r in world.services.ledger.debtor_claims(the_client(world), "D1").records
              for e in r.events if e.payment_id == f"mollie-{payment_id}" and e.kind.value == "reversal"]  # fmt: skip
    assert events and {e.on for e in events} == {date(2026, 2, 1)}
    # the rest refunded later, in summer time: 22:30 UTC on 31 March is 1 April in Amsterdam
    mollie.refund(payment_id, at="2026-03-31T22:30:00.0Z")
    world.clock.at = datetime(2026, 4, 3, 8, 0, tzinfo=UTC)
    assert webhook(world, payment_id) == ["refund"]
    _, derived = _payments(world, payment_id)
    assert all(p.reversed for p in derived)
    assert {p.reversed_on for p in derived} == {date(2026, 4, 1)}


def test_a_chargeback_is_dated_by_its_created_at(world, mollie) -> None:
    payment_id = _paid(world, mollie)
    mollie.chargeback(payment_id, at="2026-01-20T07:15:00.0Z")
    world.clock.at = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)  # handled in another month
    assert webhook(world, payment_id, times=2) == ["chargeback", "chargeback"]
    booked, derived = _payments(world, payment_id)
    assert booked.reversed and booked.reversed_on == date(2026, 1, 20)
    assert derived == []  # nothing stands of it
    # the client's export puts the reversal in January (Mollie's day), not February
    exports = world.services.exports
    january = exports.items(the_client(world), date(2026, 1, 1), date(2026, 1, 31))
    assert -sum(i.amount for i in january if i.reversal) == booked.amount
    february = exports.items(the_client(world), date(2026, 2, 1), date(2026, 2, 28))
    assert not [i for i in february if i.reversal]


def test_the_adapter_reads_mollies_documented_created_at() -> None:
    from shared.adapters.mollie import _chargeback, _when
    from tests.support.mollie_stand_in import fixture

    refunds = fixture("refunds_list.json")["_embedded"]["refunds"]
    assert _when(refunds[0]["createdAt"]) == datetime.fromisoformat(refunds[0]["createdAt"])
    single = fixture("payment_chargeback_single.json")
    got = _chargeback(single, 3507)
    assert got.created_at == datetime(2018, 3, 14, 17, 0, 52, tzinfo=UTC) and got.reversed
    # the Refunds API's webhook example writes an offset instead of "Z"
    assert _when("2024-03-20T09:13:37+00:00") == datetime(2024, 3, 20, 9, 13, 37, tzinfo=UTC)
    assert _when("not a date") is None and _when(None) is None


def test_every_page_of_a_payments_refunds_is_read(world, mollie) -> None:
    """Mollie pages a payment's refunds (at most 250 a page, ``_links.next``): a refund on the
    second page is money that went back too. 260 refunds of 1 cent each on a paid payment."""
    import httpx

    from shared.adapters.mollie import MollieClient

    payment_id = _paid(world, mollie)
    for n in range(260):
        mollie.refund(payment_id, "0.01", at=f"2026-01-20T{n // 60:02d}:{n % 60:02d}:00.0Z")
    mollie.server.received.clear()  # type: ignore[union-attr]
    client = MollieClient(mollie.api_key, base_url=mollie.url, http=httpx.Client())
    refunds = client.refunds(payment_id)
    assert len(refunds) == 260 and sum(r.amount for r in refunds) == 260
    assert len({r.refund_id for r in refunds}) == 260
    asked = [r.query for r in mollie.server.received]  # type: ignore[union-attr]
    assert [q.get("limit") for q in asked] == [["250"], ["250"]]
    assert "from" not in asked[0] and asked[1]["from"] == [refunds[250].refund_id]
    # the webhook books the whole refunded amount, not the first page's 2.50
    assert webhook(world, payment_id) == ["refund"]
    booked, derived = _payments(world, payment_id)
    [net] = [p for p in derived if not p.reversed]
    assert net.amount == booked.amount - 260
