"""disputes27: the agency of a case is told of a dispute and of its end once per event, not once
per Amsterdam day. A dispute cut off before midnight (after the agency was told, before the
invoice's write) and sent again after it told the agency twice, under the second day's key:
two "Stop collecting" items and mails for one dispute; so did a ``resolve-dispute`` whose answer
was lost, asked again after midnight (two "may be collected again"). A second dispute after an
end, on the same day and with the same words, is news of its own (it was not told at all: its
day's key was the first dispute's)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.adapters.tables import schema
from tests.support.faults import SimulatedCrash
from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401

AMS = ZoneInfo("Europe/Amsterdam")
WHY = {"reason": "nooit geleverd"}
DISPUTE = "/v1/clients/C1/invoices/F1/dispute"
END = "/v1/clients/C1/invoices/F1/resolve-dispute"


def _at(world: Any, days: int, clock: time) -> None:
    """``clock`` o'clock in Amsterdam, ``days`` after the day the world is at."""
    day = world.clock.at.astimezone(AMS).date() + timedelta(days=days)
    world.clock.at = datetime.combine(day, clock, AMS).astimezone(UTC)


def _cut_before_the_invoice_write(world: Any) -> None:
    store = world.services.repos.store
    real = store.transact

    def cut(table: str, ops: Any, *a: Any, **kw: Any) -> Any:
        if table == schema.INVOICES:
            raise SimulatedCrash("the worker died before the invoice's write")
        return real(table, ops, *a, **kw)

    store.transact = cut
    try:
        world.agency_a.call("POST", DISPUTE, WHY)
        raise AssertionError("not cut off")
    except SimulatedCrash:
        pass
    finally:
        store.transact = real


def test_a_dispute_sent_again_after_midnight_is_told_once(engine: Any) -> None:  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    _at(world, 1, time(23, 59))
    _cut_before_the_invoice_write(world)
    _at(world, 1, time(0, 1))  # the next Amsterdam day
    assert world.agency_a.call("POST", DISPUTE, WHY).status == 200

    assert len(_agency_items(world, "case_invoice_disputed")) == 1  # was 2
    assert len(_agency_mail(world, client, f"case-{case_id}-disputed-")) == 1


def test_an_end_asked_again_after_midnight_is_told_once(engine: Any) -> None:  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    a = world.agency_a
    _at(world, 1, time(10, 0))
    assert a.call("POST", DISPUTE, WHY).status == 200
    _at(world, 0, time(23, 59))
    assert a.call("POST", END).status == 200
    _at(world, 1, time(0, 1))
    assert a.call("POST", END).status == 422  # its answer lost: asked again

    assert len(_agency_items(world, "case_invoice_dispute_ended")) == 1  # was 2
    assert len(_agency_mail(world, client, f"case-{case_id}-dispute-ended-")) == 1


def test_a_second_dispute_on_the_day_is_news_of_its_own(engine: Any) -> None:  # noqa: F811
    world, client = engine
    a = world.agency_a
    handed_over(world, client)
    _at(world, 1, time(10, 0))
    assert a.call("POST", DISPUTE, WHY).status == 200
    assert a.call("POST", END).status == 200
    assert a.call("POST", DISPUTE, WHY).status == 200  # the same words, the same day
    assert a.call("POST", END).status == 200

    assert len(_agency_items(world, "case_invoice_disputed")) == 2  # was 1
    assert len(_agency_items(world, "case_invoice_dispute_ended")) == 2  # was 1


def test_the_clients_item_and_costs_hold_are_the_disputes_own(engine: Any) -> None:  # noqa: F811
    world, client = engine
    handed_over(world, client)
    _at(world, 1, time(23, 59))
    _cut_before_the_invoice_write(world)
    _at(world, 1, time(0, 1))
    assert world.agency_a.call("POST", DISPUTE, WHY).status == 200

    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert len([i for i in items if i["kind"] == "dispute"]) == 1  # was 2, one a day
    header = world.services.payments.ledger.ledger.header(client.client_id, "D1", "F1")
    holds = [ref for ref, _, _ in header.costs_held if ref.startswith("dispute|")]
    assert len(holds) == 1  # the consumer's hold from the day raised; was one a day
