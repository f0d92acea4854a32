"""law11 #5: the portal of a debtor who died, went bankrupt or is in the WSNP asks nothing and
takes no money: whoever has the link (an heir, the curator) is referred to the agency."""

from __future__ import annotations

from tests.unit.payments.test_portal import Browser
from tests.unit.plans.test_portal_plans import portal  # noqa: F401


def test_the_portal_refers_the_visitor_to_the_agency(portal):  # noqa: F811
    world, app = portal
    a = world.agency_a
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, "D1")
    open_before = Browser(app)
    assert open_before.go("GET", f"/p/{token}").status == 303
    reply = a.call("POST", "/v1/clients/C1/debtors/D1/standing",
                   {"standing": "bankrupt", "since": "2026-03-01"})  # fmt: skip
    assert reply.status == 200, reply.body
    for browser, path in ((Browser(app), f"/p/{token}"), (Browser(app), f"/p/{token}/pay"),
                          (open_before, "/portal/"), (open_before, "/portal/plan/")):  # fmt: skip
        page = browser.go("GET", path)
        assert page.status == 403, (path, page.status)
        assert "Neem contact op met het incassobureau" in page.encoded().decode()
    other = world.services.portal.links.token(client_id, "D2")
    assert Browser(app).go("GET", f"/p/{other}").status == 303  # D2's is open
    # lifted, it opens again
    a.call(
        "POST", "/v1/clients/C1/debtors/D1/standing", {"standing": "normal", "reason": "mistake"}
    )
    assert Browser(app).go("GET", f"/p/{token}").status == 303
