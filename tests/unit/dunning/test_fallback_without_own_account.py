"""heldplan31: a robocall that did not reach the debtor goes by its step's fallback (an SMS
here), rendered at the call's end: a client whose only account became another party's proven
one meanwhile had its SMS name no account of its own, while the daily run holds its steps.
Now the fallback is held as the run's steps are: nothing sent, the hold's one item."""

from __future__ import annotations

from shared.domain.messaging import Channel
from shared.domain.parties import Agency
from shared.services.dunning_account_hold import KIND
from shared.services.onboarding import register_agency
from tests.unit.dunning.test_robocall_not_reached_fallback import (  # noqa: F401 - the fixture
    _items,
    _not_reached,
    _outbox,
    calling,
)

THIRD_PARTY = "NL91ABNA0417164300"  # agency B's own account, registered for C1 before B's


def test_the_fallback_is_held_while_the_client_has_no_account_of_its_own(calling):  # noqa: F811
    world, stand_in, service, sid = calling
    world.agency_a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "ibans": [THIRD_PARTY]}]}
    )
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
    _not_reached(stand_in, service, sid, "busy")
    assert [m.channel for m in _outbox(world)] == [Channel.ROBOCALL]
    assert world.services.messaging.queues.take("send-sms") == []
    kinds = sorted(i["kind"] for i in _items(world))
    assert kinds == ["delivery_failure", KIND]
