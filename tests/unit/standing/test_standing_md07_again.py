"""kindletter12 #4: an MD07 return delivered again after staff lifted the standing it proposed
(the bank's mistake: the debtor lives) proposed it again: the dunning stopped, his plan paused
once more and staff got the same proposal to lift a second time. A person's lift decides that
return; a new return may propose it again."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.plans.test_plan_service import plans  # noqa: F401
from tests.unit.standing.test_standing_md07 import _plan_collected

STANDING = "/v1/clients/C1/debtors/D1/standing"
MD07 = "returned by the bank (MD07)"


def _proposals(world) -> list[str]:  # type: ignore[no-untyped-def]
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x["status"] for x in items if x["kind"] == "debtor_standing_proposed"]


def test_the_same_return_again_does_not_undo_a_persons_lift(plans):  # noqa: F811
    world, client = plans
    a = world.agency_a
    _, e2e = _plan_collected(world)
    payment_id = world.services.repos.banking.payment_for(client.client_id, e2e)
    world.clock.at = datetime(2026, 1, 29, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(client, payment_id, MD07)
    assert a.call("GET", STANDING).body["standing"] == "deceased"
    world.clock.at = datetime(2026, 1, 30, 10, 0, tzinfo=UTC)
    assert a.call("POST", STANDING, {"standing": "normal"}).status == 200
    assert _proposals(world) == ["resolved"]
    # the statement with the return delivered again, by either path
    world.clock.at = datetime(2026, 1, 30, 11, 0, tzinfo=UTC)
    world.services.payments.reverse(client, payment_id, MD07)
    world.services.plans.debit_came_back(client, e2e, "MD07")
    got = a.call("GET", STANDING).body
    assert (got["standing"], got["lifted_on"]) == ("normal", "2026-01-30"), got
    assert _proposals(world) == ["resolved"]
    # a new return (another payment of his, come back MD07) proposes it again
    world.services.payments.book(client, payment_id="p-new", amount=1_000,
                                 received_on=date(2026, 2, 2), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p-new", MD07)
    got = a.call("GET", STANDING).body
    assert (got["standing"], got["confirmed"]) == ("deceased", False), got
    assert sorted(_proposals(world)) == ["open", "resolved"]
