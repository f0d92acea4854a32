"""A plan's direct debit that comes back late: an MD06 storno of an earlier collection after a
later one was collected, and an AM04 return known after the installment's grace (law14b B, C).

The plans fixture (no interest): D1 F1 200.00 + F2 100.00; a direct-debit plan 3 x 100.00 on
26-1, 26-2 and 26-3-2026, grace 7 days, tolerance 5.00. The collection that came back is the
installment that failed: it shows failed and unpaid (the others keep their own collections),
staff get a ``plan_debit_failed`` item and can retry it, the debtor is told what to pay by
when, and the plan can lapse only after the grace that runs from the day the return was
known. A retry on a plan that lapsed is refused (409 ``plan_cannot_retry``), not a 200 that
collects nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.services.plans.direct_debit import CONTAINER
from tests.unit.plans.test_plan_service import BASE, run_day, status
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _actions, _running_direct_debit, report


def _days(world, first: date, last: date) -> list[tuple[date, list[str]]]:
    out = []
    day = first
    while day <= last:
        out.append((day, run_day(world, day)))
        day += timedelta(days=1)
    return out


def _return(world, plan_id: str, n: int, code: str, on: date) -> str:
    """The bank's answer on collection ``n`` (0-based), read ``on`` that day at 09:00."""
    a = world.agency_a
    e2e: str = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][n]["end_to_end_id"]
    world.clock.at = datetime(on.year, on.month, on.day, 9, 0, tzinfo=UTC)
    names = sorted(world.services.files.names(CONTAINER))
    message_id = names[n].rsplit("-", 1)[-1].removesuffix(".xml")
    got = a.call("POST", "/v1/clients/C1/direct-debits/status-reports",
                 raw=report(message_id, (e2e, "RJCT", code)))  # fmt: skip
    assert got.status == 200 and got.body["rejected"] == 1, got.body
    return e2e


def _lapsed_on(days: list[tuple[date, list[str]]], plan_id: str) -> list[date]:
    # the debtor's notice of a lapse, keyed per lapse (lapsefix14): ``…|lapsed-<lapse>``
    told = f"plan|{plan_id}|lapsed"
    return [d for d, keys in days
            if any(k.startswith(told) and not k.endswith("-client") for k in keys)]  # fmt: skip


def _told(world, client, plan_id: str, e2e: str) -> str:
    key = f"plan|{plan_id}|debit-failed|{e2e}"
    text: str = world.services.messaging.content(client.client_id, key).text
    return text


def test_md06_of_collection_1_after_collection_2_fails_installment_1(plans):
    """By hand: collections 1 (26-1) and 2 (26-2) booked: 200.00 paid, installments 1 and 2
    paid. 18-3 collection 1 comes back MD06 (within 8 weeks of 26-1): 100.00 stands, and
    it is collection 2's, so installment 2 stays paid and installment 1 is unpaid (failed,
    0.00 of 100.00); before, the 100.00 was moved onto installment 1 and the storno read
    as a surplus ("other money had paid the installment"). The debtor is told to pay
    100.00 by 18-3 + 7 = 25-3; staff get the item and retry installment 1 (200): the run of
    19-3 files collection attempt 2 of 100.00 for 19-3 + 5 days = 24-3 (a Tuesday). Retrying installment 2 is refused: it did not fail. Collected: 300.00, completed,
    nothing lapses (before: lapsed 21-3)."""
    world, client = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    _days(world, date(2026, 1, 21), date(2026, 3, 1))
    assert status(world, plan_id) == (
        "active",
        [("paid", "100.00"), ("paid", "100.00"), ("open", "0.00")],
    )
    e2e = _return(world, plan_id, 0, "MD06", date(2026, 3, 18))
    assert status(world, plan_id)[1][:2] == [("failed", "0.00"), ("paid", "100.00")]
    (item,) = _actions(world, "plan_debit_failed")
    assert item["detail"]["installment"] == 1
    text = _told(world, client, plan_id, e2e)
    assert "100,00" in text and "25-03-2026" in text and "26-01-2026" in text
    timeline = a.call("GET", f"{BASE}/{plan_id}").body["timeline"]
    assert not any("other money had paid" in t["text"] for t in timeline)
    refused = a.call("POST", f"{BASE}/{plan_id}/installments/2/retry")
    assert refused.status == 409
    assert refused.body["error"]["details"][0]["code"] == "installment_not_failed"
    again = a.call("POST", f"{BASE}/{plan_id}/installments/1/retry")
    assert again.status == 200, again.body
    days = _days(world, date(2026, 3, 19), date(2026, 4, 30))
    debits = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"]
    assert [(d["installment"], d["attempt"], d["collection_date"], d["state"], d["amount"])
            for d in debits] == [
        (1, 1, "2026-01-26", "returned", "100.00"), (2, 1, "2026-02-26", "collected", "100.00"),
        (1, 2, "2026-03-24", "collected", "100.00"), (3, 1, "2026-03-26", "collected", "100.00"),
    ]  # fmt: skip
    assert status(world, plan_id)[0] == "completed"
    assert _lapsed_on(days, plan_id) == []


def test_md06_without_a_retry_lapses_only_after_the_grace_from_the_return(plans):
    """By hand: as above, nothing retried and nothing paid. 18-3 to 25-3 is the grace the
    debtor was given: due past the grace on 25-3 is installment 2 only (26-2 + 7 = 5-3;
    installment 1 counts from 18-3), 100.00, paid 100.00: no arrears, no lapse (before:
    lapsed 21-3). 26-3 collection 3 brings 100.00 (paid 200.00, installment 3 paid by its
    own collection). 3-4 is the first day past installment 3's grace (26-3 + 7): due past
    the grace 300.00, paid 200.00, 100.00 behind > 5.00 (the breach rule is cumulative):
    lapsed 3-4."""
    world, _ = plans
    plan_id = _running_direct_debit(world)
    _days(world, date(2026, 1, 21), date(2026, 3, 1))
    _return(world, plan_id, 0, "MD06", date(2026, 3, 18))
    days = _days(world, date(2026, 3, 19), date(2026, 4, 10))
    assert _lapsed_on(days, plan_id) == [date(2026, 4, 3)]


def test_md06_after_completion_fails_installment_2_and_lapses_from_the_return(plans):
    """By hand: all three collected (300.00), completed. 10-4 collection 2 (26-2) comes back
    MD06: 200.00 stands, collections 1 and 3's: installment 2 failed (0.00), 1 and 3 paid;
    the plan reopens (before: installment 3 "overdue 0.00", no item, every retry 409, 29
    days of nothing and lapsed 9-5). The debtor is told to pay 100.00 by 17-4. Nothing
    paid or retried: on 18-4 due past the grace 300.00, paid 200.00, 100.00 behind > 5.00:
    lapsed 18-4, and a retry then is refused with 409 ``plan_cannot_retry``."""
    world, client = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    _days(world, date(2026, 1, 21), date(2026, 4, 1))
    assert status(world, plan_id)[0] == "completed"
    e2e = _return(world, plan_id, 1, "MD06", date(2026, 4, 10))
    assert status(world, plan_id)[1] == [("paid", "100.00"), ("failed", "0.00"), ("paid", "100.00")]
    (item,) = _actions(world, "plan_debit_failed")
    assert item["detail"]["installment"] == 2
    text = _told(world, client, plan_id, e2e)
    assert "100,00" in text and "17-04-2026" in text
    days = _days(world, date(2026, 4, 11), date(2026, 4, 30))
    assert _lapsed_on(days, plan_id) == [date(2026, 4, 18)]
    refused = a.call("POST", f"{BASE}/{plan_id}/installments/2/retry")
    assert refused.status == 409
    assert refused.body["error"]["details"][0]["code"] == "plan_cannot_retry"


def test_am04_known_after_the_grace_gives_the_debtor_the_grace_from_then(plans):
    """By hand: collection 1 of 100.00 booked 26-1; its grace ends 2-2 (26-1 + 7). The
    R-transaction AM04 (insufficient funds) is read 3-2 (the SEPA return window: 5
    interbank business days after 26-1 is 2-2). The debtor is told at once: 100.00 by
    3-2 + 7 = 10-2 (before: nothing, and the plan lapsed 4-2). Nothing paid: on 11-2
    installment 1 is past its grace (100.00 due, 0.00 paid, > 5.00): lapsed 11-2, not
    before. Staff's retry after the lapse answers 409 ``plan_cannot_retry`` (before: 200
    with the cancelled plan, collecting nothing)."""
    world, client = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    _days(world, date(2026, 1, 21), date(2026, 1, 26))
    e2e = _return(world, plan_id, 0, "AM04", date(2026, 2, 3))
    text = _told(world, client, plan_id, e2e)
    assert "100,00" in text and "10-02-2026" in text
    days = _days(world, date(2026, 2, 4), date(2026, 2, 20))
    assert _lapsed_on(days, plan_id) == [date(2026, 2, 11)]
    refused = a.call("POST", f"{BASE}/{plan_id}/installments/1/retry")
    assert refused.status == 409
    assert refused.body["error"]["details"][0]["code"] == "plan_cannot_retry"
    assert [d["state"] for d in a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"]] == [
        "returned"
    ]
