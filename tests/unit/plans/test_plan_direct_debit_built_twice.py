# ruff: noqa: F811  (the fixtures are imported from the plans' own tests)
"""twice24: the installment timer fired twice at once (two instances, or run by hand per the
runbook while it ran) built one client's direct-debit file for one day twice: each build
claimed part of the day's collections under a file name of its own. Two plans of client C1
(D1 300.00 and D2 50.00 in two installments from 26-1-2026): two pain.008 files for 26-1 and
two upload items, where one is made. Builds take turns on a client's date now; one cut off
leaves its lease to run out."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.ports.tables import Row
from shared.services.plans.direct_debit import BUILD_LEASE, BUILDING, CONTAINER, PENDING
from tests.unit.plans.test_plan_service import BASE, plans, run_day  # noqa: F401

MANDATES = {
    "D1": {"mandate_id": "MND-D1-1", "signed_on": "2026-01-05",
           "iban": "NL91 ABNA 0417 1643 00", "name": "Debtor D1"},
    "D2": {"mandate_id": "MND-D2-1", "signed_on": "2026-01-05",
           "iban": "NL91 ABNA 0417 1643 00", "name": "Debtor D2"},
}  # fmt: skip


def _two_plans_filed(world) -> None:
    a = world.agency_a
    a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"})
    for debtor, invoices in (("D1", ["F1", "F2"]), ("D2", ["F3"])):
        made = a.call("POST", BASE, {"debtor": debtor, "invoices": invoices, "start": "2026-01-26",
                                     "installments": 2, "method": "direct_debit"})  # fmt: skip
        plan_id = made.body["plan_id"]
        assert a.call("PUT", f"{BASE}/{plan_id}/mandate", MANDATES[debtor]).status == 200
        assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    run_day(world, date(2026, 1, 21))  # both collections of 26-1 filed, no file yet


def _upload_items(world) -> list[dict[str, Any]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] == "direct_debit_file"]


def test_two_builds_at_once_make_one_file_of_the_day(plans):
    world, _ = plans
    _two_plans_filed(world)
    world.clock.at = datetime(2026, 1, 24, 6, 30, tzinfo=UTC)
    desk = world.services.plans.desk
    real = desk.store.replace
    second: list[list[str]] = []

    def claim(table: str, row: Row) -> Row:
        stored: Row = real(table, row)
        if row.data.get("File") and not second:  # the first build's first claim: the other runs
            second.append(desk.build_files(date(2026, 1, 24)))
        return stored

    desk.store.replace = claim  # type: ignore[method-assign]
    try:
        first = desk.build_files(date(2026, 1, 24))
    finally:
        desk.store.replace = real  # type: ignore[method-assign]
    names = world.services.files.names(CONTAINER)
    assert len(names) == 1  # was 2: one collection in each
    assert second == [[]] and first == list(names)
    assert [x["detail"]["collections"] for x in _upload_items(world)] == [2]


def test_a_build_cut_off_is_taken_over_once_its_lease_ran_out(plans):
    world, _ = plans
    _two_plans_filed(world)
    world.clock.at = datetime(2026, 1, 24, 6, 30, tzinfo=UTC)
    desk = world.services.plans.desk
    pending = next(iter(desk.store.query(PENDING, pk="pending").rows))
    cut = (world.clock.at + BUILD_LEASE).isoformat()
    desk.store.insert(PENDING, Row(BUILDING, pending.rk, {"Until": cut}))  # a builder died
    assert desk.build_files(date(2026, 1, 24)) == []  # its lease still stands
    assert world.services.files.names(CONTAINER) == []
    world.clock.at += BUILD_LEASE + timedelta(seconds=1)
    built = desk.build_files(date(2026, 1, 24))
    assert len(built) == 1 and world.services.files.names(CONTAINER) == built
    assert [x["detail"]["collections"] for x in _upload_items(world)] == [2]
    assert desk.store.get(PENDING, BUILDING, pending.rk) is None  # released


def test_the_timer_run_again_an_hour_later_makes_no_second_file(plans):
    world, _ = plans
    _two_plans_filed(world)
    run_day(world, date(2026, 1, 24))
    world.clock.at = datetime(2026, 1, 24, 7, 30, tzinfo=UTC)  # runbook section 8, by hand
    services = world.services
    services.plans.fan_out()
    for job in services.messaging.queues.take("installments"):
        body = json.loads(job.body)
        services.plans.process(body["client_id"], body["plan_id"],
                               date.fromisoformat(body["on"]), date.fromisoformat(body["row_on"]))  # fmt: skip
    assert len(services.files.names(CONTAINER)) == 1
    assert len(_upload_items(world)) == 1
