"""Staff granting a debtor's postponement request follow the portal's rule (attack15b B2):
a postponement only adds time. A longer pause set since the request stands (and the item's
resolution says so); a request decided after its day is refused 422 ``pause_until_past`` as
the API's pause is, with nothing written and the item free for another decision."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.records import ActionStatus
from shared.services.errors import Invalid
from shared.services.request_decisions import CLAIM
from tests.unit.people.conftest import tenants as tenants
from tests.unit.services.test_request_decisions import seed


def _grant(world, tenants, item):  # type: ignore[no-untyped-def]
    client = world.services.repos.clients.get(tenants.c1)[0]
    return world.services.request_decisions.grant_postponement(client, item.action_id, "user:u1", None)  # fmt: skip


def _f1(world, tenants):  # type: ignore[no-untyped-def]
    return world.services.repos.invoices.get(tenants.c1, "F1").invoice


@pytest.mark.parametrize(
    ("body", "stands"),
    [({}, "F1 (paused until resumed)"), ({"until": "2025-05-19"}, "F1 (paused until 2025-05-19)")],
)
def test_a_longer_pause_set_since_the_request_stands(world, tenants, body, stands):
    item = seed(world, tenants)  # D1 asks F1 postponed until 2025-03-25 (clock 4-3-2025)
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/pause", body).status == 200
    before = _f1(world, tenants)
    done = _grant(world, tenants, item)
    after = _f1(world, tenants)
    assert (after.paused_until, after.paused_on) == (before.paused_until, before.paused_on)
    assert done.item.status is ActionStatus.RESOLVED
    assert done.item.resolution == f"nothing shortened, a longer pause stands: {stands} (user:u1)"


def test_a_shorter_pause_is_lengthened_to_the_day_asked(world, tenants):
    item = seed(world, tenants)
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2025-03-10"}).status == 200  # fmt: skip
    done = _grant(world, tenants, item)
    assert _f1(world, tenants).paused_until == date(2025, 3, 25)
    assert done.item.resolution == "postponement granted until 2025-03-25 (user:u1)"


def test_a_request_decided_after_its_day_is_refused_as_the_api_refuses_it(world, tenants):
    item = seed(world, tenants)
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)  # decided after 25-3
    api = world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2025-03-25"})
    assert api.status == 422 and [d["code"] for d in api.body["error"]["details"]] == [
        "pause_until_past"
    ]
    with pytest.raises(Invalid) as refused:
        _grant(world, tenants, item)
    assert refused.value.code == "pause_until_past"
    assert _f1(world, tenants).paused_until is None  # nothing held, nothing logged as paused
    left = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert left.status is ActionStatus.OPEN and CLAIM not in left.detail
    # free for another decision: refused with a reason, say
    client = world.services.repos.clients.get(tenants.c1)[0]
    done = world.services.request_decisions.refuse_postponement(client, item.action_id, "te laat", "user:u1", None)  # fmt: skip
    assert done.item.status is ActionStatus.RESOLVED
