"""failure5 finding 5: the prescription watch's warning or hold item survives a run that fails
between the once-mark and the item (the worker dies, or storage times out on the item's
insert). The mark keeps the item's id and time; the retried run, or the next look, inserts
the same item, and a second insert is a no-op. Fixture and dates as
``test_prescription_watch.py::test_a_claim_prescribed_before_import_is_held_until_a_person_decides``."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.services.dunning import DunningRunIncomplete
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_prescription_watch import at, engine, warnings  # noqa: F401


@pytest.mark.parametrize("fault", ["crash", "outage", None], ids=["crash", "outage", "control"])
def test_the_hold_item_survives_a_run_failing_before_it(engine, monkeypatch, fault):  # noqa: F811
    world, client = engine
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "OLD", "D1", invoice_date="2022-06-01", due_date="2022-06-30", amount="1000.00",
        claim_kind="consumer_sale")]}).body["created"] == 1  # fmt: skip
    actions = world.services.repos.actions
    if fault:
        real = actions.add
        failed: list[object] = []

        def fails_once(item):
            if item.kind == "prescription" and not failed:
                failed.append(item)
                if fault == "crash":
                    raise SimulatedCrash("before the prescription item")
                raise ServiceResponseError("injected: read timed out (insert Actions)")
            return real(item)

        monkeypatch.setattr(actions, "add", fails_once)
        services = world.services
        world.clock.at = world.clock.at.replace(year=2025, month=3, day=3)
        services.dunning.fan_out()
        [job] = [json.loads(j.body) for j in services.messaging.queues.take("dunning-run")]
        with pytest.raises((SimulatedCrash, DunningRunIncomplete)):  # an outage: retried
            services.dunning.run_client(job["client_id"], date.fromisoformat(job["date"]))
        assert failed and warnings(world) == []  # the mark is written, the item is not
        # the host runs the message again
        services.dunning.run_client(job["client_id"], date.fromisoformat(job["date"]))
    sent = []
    for n in range(30):  # and a month of daily runs
        sent += at(world, client, date(2025, 3, 3) + timedelta(days=n))
    assert sent == []  # held: no dunning past the date
    # the hold is on the action list exactly once, so a person decides
    assert [w for w, _ in warnings(world)] == ["2024-07-01"]
