"""lawyer26 F6's remainder: a consumer the client chose not to tell that his dispute ended is
held (a ``dispute_untold`` item) until a person tells him and resumes the invoice, but the costs
hold of his dispute ended 14 days after the dispute ended, a day nobody told him of.

test_dispute_inside_term_holds_costs's case: consumer D-1, F1 1,000.00, the 14-day letter of
6-12-2026 (costs 150.00 from 24-12), disputed 20-12 inside its term, rejected 10-1-2027 with
``notify_debtor`` false. A person told him and resumed on 1-3-2027. Before: 150.00 costs owed
from 24-1-2027, five weeks before he heard anything. Now the hold runs until the resume and
ends 14 days after it, as a told consumer's ends 14 days after his notice: owed from 15-3."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days
from tests.unit.dunning.test_dispute_inside_term_holds_costs import _claim


def test_the_costs_wait_for_the_day_a_person_tells_him(world: Any) -> None:
    client = _disputed(world)
    assert world.agency_a.call("POST", END, {"notify_debtor": False}).status == 200
    _days(world, client, date(2027, 1, 11), date(2027, 3, 1))
    # untold for seven weeks: nothing owed for a term he never heard of (before: 150.00)
    assert _claim(world, "2027-02-28")["open"]["costs"] == "0.00"
    world.clock.at = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    resumed = world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/resume")
    assert resumed.status == 200, resumed.body
    claim = _claim(world, "2027-03-14")
    assert claim["open"]["costs"] == "0.00"
    assert claim["costs_owed_from"] == "2027-03-15"  # was 2027-01-24
    assert _claim(world, "2027-03-15")["open"]["costs"] == "150.00"
    # a second resume (a retry, a second click) moves nothing
    world.clock.at = datetime(2027, 3, 3, 10, 0, tzinfo=UTC)
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/resume").status == 200
    assert _claim(world, "2027-03-14")["costs_owed_from"] == "2027-03-15"


def test_closing_the_hold_item_tells_him_as_the_resume_does(world: Any) -> None:
    client = _disputed(world)
    a = world.agency_a
    assert a.call("POST", END, {"notify_debtor": False}).status == 200
    (held,) = world.services.repos.actions.list(client.client_id, kind="dispute_untold")[0]
    world.clock.at = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)
    reply = a.call("POST", f"/v1/clients/C1/actions/{held.action_id}/resolve",
                   {"resolution": "gebeld op 1-2, uitkomst verteld"})  # fmt: skip
    assert reply.status == 200, reply.body
    assert _claim(world, "2027-02-14")["costs_owed_from"] == "2027-02-15"  # was 2027-01-24


def test_a_told_consumer_keeps_the_day_his_notice_named(world: Any) -> None:
    _disputed(world)
    assert world.agency_a.call("POST", END, {"message": "geleverd"}).status == 200
    world.clock.at = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/resume").status == 200
    assert _claim(world, "2027-01-23")["costs_owed_from"] == "2027-01-24"
