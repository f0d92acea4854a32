"""attack7 finding 6: staff granted the postponement they were shown, but the debtor had renewed
the request for another day after the page was drawn; the grant paused the invoice until the
debtor's new day while the message staff sent named the old one. The grant form now carries
the day it showed, and a request changed since is not granted unseen."""

from __future__ import annotations

import re
from datetime import timedelta

from shared.api.portal_app import PortalApp
from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.console.test_action_decisions import seed
from tests.unit.payments.test_portal import Browser


def test_a_request_the_debtor_changed_since_the_page_is_not_granted_unseen(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    debtor = Browser(PortalApp(world.services))
    token = world.services.portal.links.token(tenants.c1, "D1")
    assert debtor.go("GET", f"/p/{token}").status == 303
    today = world.clock.now().date()
    asked = today + timedelta(days=20)
    debtor.post("/portal/postpone", invoice=["F1"], until=asked.isoformat(), reason="salaris")
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    action_id = next(i["action_id"] for i in items if i["kind"] == "postponement_request")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{action_id}")
    grant = next(f for f in forms_of(page) if 'value="grant"' in f)
    seen = re.search(r'name="until_seen" value="([^"]+)"', grant)
    assert seen is not None and seen.group(1) == asked.isoformat()
    body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', grant, re.S)
    assert body is not None
    later = today + timedelta(days=62)  # the debtor asks again, for the longest allowed
    debtor.post("/portal/postpone", invoice=["F1"], until=later.isoformat(), reason="x")
    form = {"csrf": csrf_of(page), "do": "grant", "channel": "email", "subject": "Uitstel",
            "body": body.group(1), "until_seen": seen.group(1)}  # fmt: skip
    refused = staff.post(f"/actions/{action_id}", form)
    assert refused.status == 422 and later.strftime("%d-%m-%Y") in refused.encoded().decode()
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.paused_until is None
    # read again, the grant is for the day now asked
    page = staff.get(f"/actions/{action_id}")
    grant = next(f for f in forms_of(page) if 'value="grant"' in f)
    assert f'name="until_seen" value="{later.isoformat()}"' in grant
