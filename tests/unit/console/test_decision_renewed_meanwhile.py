"""Review failure8 finding 4: a grant that stopped after its effect (the invoice paused, the
debtor told, the item not resolved: an outage) keeps its claim on the item, so that only the
same decision finishes it. A debtor renewing the request in the portal replaced the item's
detail, claim and all, and a colleague could then refuse what had been granted: the debtor
heard both, the invoice stayed paused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.api.portal_app import PortalApp
from shared.domain.messaging import Channel
from shared.domain.records import ActionStatus
from shared.services.conversations.by_hand import HandMessage
from shared.services.request_decisions import AlreadyDecided, claim_of
from tests.unit.console.test_action_decisions import seed
from tests.unit.payments.test_portal import Browser


def test_a_renewal_leaves_an_unfinished_decision_standing(world, tenants, monkeypatch):  # type: ignore[no-untyped-def]
    seed(world)
    services = world.services
    debtor = Browser(PortalApp(services))
    token = services.portal.links.token(tenants.c1, "D1")
    assert debtor.go("GET", f"/p/{token}").status == 303
    today = world.clock.now().date()
    asked = today + timedelta(days=20)
    debtor.post("/portal/postpone", invoice=["F1"], until=asked.isoformat(), reason="salaris")
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    action_id = next(i["action_id"] for i in items if i["kind"] == "postponement_request")
    client = services.repos.clients.get(tenants.c1)[0]
    resolve = services.actions.resolve
    calls = {"n": 0}

    def outage_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("storage unreachable")
        return resolve(*args, **kwargs)

    monkeypatch.setattr(services.actions, "resolve", outage_once)
    yes = HandMessage(Channel.EMAIL, subject="Uitstel", body=f"Toegekend tot {asked:%d-%m-%Y}.")
    with pytest.raises(ConnectionError):
        services.request_decisions.grant_postponement(client, action_id, "user:u1", yes)

    later = today + timedelta(days=40)  # the debtor asks again, for another day
    debtor.post("/portal/postpone", invoice=["F1"], until=later.isoformat(), reason="x")
    item = services.repos.actions.get(tenants.c1, action_id)[0]
    assert claim_of(item) is not None  # the grant still stands on its item

    no = HandMessage(Channel.EMAIL, subject="Uitstel", body="Geweigerd.")
    with pytest.raises(AlreadyDecided):
        services.request_decisions.refuse_postponement(client, action_id, "geen", "user:u2", no)
    done = services.request_decisions.grant_postponement(client, action_id, "user:u1", yes)
    assert done.item.status is ActionStatus.RESOLVED  # the same decision finishes it
    renewed = [
        i
        for i in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
        if i["kind"] == "postponement_request" and i["action_id"] != action_id
    ]
    assert len(renewed) == 1  # the renewal is a request of its own, for staff to decide
