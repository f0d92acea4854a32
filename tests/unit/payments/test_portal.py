"""The debtor portal, in process: from the link in a message to a paid invoice, the requests
a debtor can make, and every way in that must not work."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from shared.api.http import ApiRequest
from shared.api.portal_app import PortalApp
from shared.services.portal import FAILURES_PER_WINDOW
from tests.unit.payments.conftest import claim_total, deliver_webhooks, status


class Browser:
    """Keeps the cookies a browser would, and nothing else."""

    def __init__(self, app: PortalApp, source: str = "192.0.2.10:51000") -> None:
        self.app = app
        self.cookies: dict[str, str] = {}
        self.source = source

    def go(
        self,
        method: str,
        path: str,
        form: dict[str, object] | None = None,
        query: dict[str, str] | None = None,
    ):
        headers = {"x-forwarded-for": self.source}
        if self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(form or {}, doseq=True).encode()
        response = self.app.handle(ApiRequest(method, path, headers, query or {}, body))
        cookie = response.headers.get("Set-Cookie")
        if cookie:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response

    def page(self, path: str = "/portal/", **query: str) -> str:
        response = self.go("GET", path, query=query)
        assert response.status == 200, response.raw
        return str(response.encoded().decode())

    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.page())
        assert found is not None
        return found.group(1)

    def post(self, path: str, **form):
        return self.go("POST", path, {"csrf": self.csrf(), **form})


@pytest.fixture
def portal(shop):
    world, client = shop
    app = PortalApp(world.services)
    return world, client, app


def enter(world, app, debtor: str = "D1") -> Browser:
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, debtor)
    browser = Browser(app)
    response = browser.go("GET", f"/p/{token}")
    assert response.status == 303 and response.headers["Location"] == "/api/portal"
    assert (
        "HttpOnly" in response.headers["Set-Cookie"]
        and "Path=/api/portal" in response.headers["Set-Cookie"]
    )
    return browser


def test_the_link_opens_the_debtors_own_invoices_with_what_is_owed(portal):
    world, _, app = portal
    browser = enter(world, app)
    response = browser.go("GET", "/portal/")
    html = response.raw.decode()
    # F9 is D2's (looked for as an invoice value: random tokens on the page may hold "F9")
    assert 'value="F1"' in html and 'value="F2"' in html and 'value="F9"' not in html
    assert ">F9<" not in html
    assert "Debtor D1" in html and "Client C1" in html
    assert "<svg" in html  # EPC QR for banking apps
    token = browser.cookies["inning_portal"]
    assert token not in html  # the token is in the cookie only
    csp = response.headers["Content-Security-Policy"]
    assert (
        "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "script-src" not in csp
    )
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_english_on_request(portal):
    world, _, app = portal
    browser = enter(world, app)
    assert "Your open invoices" in browser.page(lang="en")
    assert "Your open invoices" in browser.page()  # remembered
    assert "Uw openstaande facturen" in browser.page(lang="nl")


def test_pay_two_invoices_and_see_the_real_status(portal):
    world, _, app = portal
    browser = enter(world, app)
    response = browser.post("/portal/pay", invoice=["F1", "F2"])
    assert response.status == 303
    checkout = response.headers["Location"]
    payment_id = checkout.rsplit("/", 1)[1]
    online = world.services.online_payments
    back = online.simulation.get_payment(payment_id)
    assert back.amount == claim_total(world, "F1") + claim_total(world, "F2") > 12100 + 5000
    redirect = world.store.get("SimulatedPayments", "sim", payment_id).data["Redirect"]
    return_path = "/portal/" + redirect.split("/api/portal/", 1)[1]
    assert "Deze pagina ververst" in browser.page(return_path)  # still open
    online.simulation.settle(payment_id, "paid")
    world.clock.at = world.clock.at + timedelta(seconds=5)  # the page's next refresh
    assert "Uw betaling is gelukt" in browser.page(
        return_path
    )  # from the provider, before the webhook
    online.webhook(payment_id)
    assert deliver_webhooks(world) == ["paid"]
    assert status(world, "F1") == "paid" and status(world, "F2") == "paid"
    assert "Er staat niets meer open" in browser.page()


def test_the_payment_link_goes_straight_to_the_checkout(portal):
    world, _, app = portal
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    _, pay_link = world.services.portal.links.links(client_id, "D1")
    response = Browser(app).go("GET", "/p/" + pay_link.split("/api/p/", 1)[1])
    assert response.status == 303 and "/api/pay/simulate/tr_sim" in response.headers["Location"]


def test_postponement_within_the_clients_limit_is_granted_at_once(portal):
    world, _, app = portal
    browser = enter(world, app)
    today = world.clock.now().date()
    response = browser.post(
        "/portal/postpone",
        invoice=["F1"],
        until=(today + timedelta(days=10)).isoformat(),
        reason="salaris",
    )
    assert response.headers["Location"].endswith("done=postponed")
    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert invoice["paused_until"] == (today + timedelta(days=10)).isoformat()


def test_longer_postponement_becomes_an_action_item_and_more_than_two_months_is_refused(portal):
    world, _, app = portal
    browser = enter(world, app)
    today = world.clock.now().date()
    response = browser.post(
        "/portal/postpone",
        invoice=["F2"],
        until=(today + timedelta(days=40)).isoformat(),
        reason="ziek",
    )
    assert response.headers["Location"].endswith("done=requested")
    actions = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    request = next(a for a in actions if a["kind"] == "postponement_request")
    assert request["invoice_numbers"] == ["F2"]
    too_long = browser.post(
        "/portal/postpone", invoice=["F2"], until=(today + timedelta(days=70)).isoformat()
    )
    assert too_long.status == 400


def test_a_dispute_stops_dunning_and_lands_on_the_action_list(portal):
    world, _, app = portal
    browser = enter(world, app)
    response = browser.post("/portal/dispute", invoice="F2", reason="Nooit geleverd")
    assert response.headers["Location"].endswith("done=disputed")
    assert status(world, "F2") == "disputed"
    kinds = [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "dispute" in kinds


def test_a_message_reaches_the_staff(portal):
    world, _, app = portal
    browser = enter(world, app)
    assert browser.post("/portal/message", text="Bel me maar").status == 303
    actions = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert any(
        a["kind"] == "debtor_message" and a["detail"]["text"] == "Bel me maar" for a in actions
    )


# -- security -------------------------------------------------------------------------------------
def test_a_tampered_token_gets_nothing(portal):
    world, _, app = portal
    browser = enter(world, app)
    token = browser.cookies["inning_portal"]
    body, sig = token.split(".")
    forged = Browser(app).go("GET", f"/p/{body}.{sig[::-1]}")
    assert forged.status == 403 and "Set-Cookie" not in forged.headers


def test_an_expired_token_gets_nothing(portal):
    world, _, app = portal
    browser = enter(world, app)
    world.clock.at = world.clock.at + timedelta(days=61)
    assert browser.go("GET", "/portal/").status == 403


def test_a_revoked_token_gets_nothing_and_a_new_link_works(portal):
    world, _, app = portal
    browser = enter(world, app)
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    world.services.portal.links.revoke(client_id, "D1")
    assert browser.go("GET", "/portal/").status == 403
    assert enter(world, app).go("GET", "/portal/").status == 200


def test_debtor_a_cannot_touch_debtor_bs_invoices(portal):
    world, _, app = portal
    browser = enter(world, app, "D1")
    assert browser.post("/portal/pay", invoice=["F9"]).status == 400
    assert browser.post("/portal/pay", invoice=["F1", "F9"]).status == 400
    assert browser.post("/portal/dispute", invoice="F9", reason="x").status == 400
    assert (
        browser.post(
            "/portal/postpone",
            invoice=["F9"],
            until=(world.clock.now().date() + timedelta(days=3)).isoformat(),
        ).status
        == 400
    )
    assert browser.go("GET", "/portal/invoice/F9").status == 404
    assert status(world, "F9") == "open"
    assert world.store.query("SimulatedPayments", pk="sim").rows == []


def test_a_form_without_its_csrf_token_is_refused(portal):
    world, _, app = portal
    browser = enter(world, app)
    assert browser.go("POST", "/portal/dispute", {"invoice": "F1", "reason": "x"}).status == 403
    other = enter(world, app, "D2")
    stolen = other.csrf()  # a CSRF token of another session does not fit this one
    assert (
        browser.go(
            "POST", "/portal/dispute", {"invoice": "F1", "reason": "x", "csrf": stolen}
        ).status
        == 403
    )
    assert status(world, "F1") == "open"


def test_guessing_is_throttled_even_with_a_good_token_afterwards(portal):
    world, _, app = portal
    guesser = Browser(app, source="198.51.100.7:40000")
    for i in range(FAILURES_PER_WINDOW):
        assert guesser.go("GET", f"/p/guess{i}.abc").status == 403
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    good = world.services.portal.links.token(client_id, "D1")
    assert guesser.go("GET", f"/p/{good}").status == 429
    assert enter(world, app).go("GET", "/portal/").status == 200  # others are not locked out
    world.clock.at = world.clock.at + timedelta(minutes=11)
    assert guesser.go("GET", f"/p/{good}").status == 303


def test_reminders_carry_a_working_portal_link(portal):
    world, client, app = portal
    debtor = world.services.repos.debtors.get(client.client_id, "D1")[0]
    invoices = world.services.repos.invoices.for_debtor(client.client_id, "D1")
    context = world.services.dunning.context(client, debtor, invoices, world.clock.now().date())
    assert (
        context.portal_link.startswith("http")
        and context.payment_link == context.portal_link + "/pay"
    )
    path = context.portal_link.split("/api", 1)[1]
    assert Browser(app).go("GET", path).status == 303


def test_the_debtor_can_open_an_invoice_pdf(portal):
    world, _, app = portal
    sent = world.agency_a.call("PUT", "/v1/clients/C1/invoices/F1/pdf", raw=b"%PDF-1.4 F1")
    assert sent.status == 201
    browser = enter(world, app)
    assert (
        "/api/portal/invoice/F1" in browser.page()
        and "/api/portal/invoice/F2" not in browser.page()
    )
    pdf = browser.go("GET", "/portal/invoice/F1")
    assert pdf.status == 200 and pdf.content_type == "application/pdf" and pdf.raw == b"%PDF-1.4 F1"
    assert browser.go("GET", "/portal/invoice/F2").status == 404


def test_staff_issue_and_revoke_links_through_the_api_and_only_for_their_own_client(portal):
    world, _, app = portal
    issued = world.agency_a.call("POST", "/v1/clients/C1/debtors/D1/portal-link")
    assert (
        issued.status == 200 and issued.body["payment_link"] == issued.body["portal_link"] + "/pay"
    )
    browser = Browser(app)
    assert browser.go("GET", issued.body["portal_link"].split("/api", 1)[1]).status == 303
    assert world.agency_b.call("POST", "/v1/clients/C1/debtors/D1/portal-link/revoke").status in (
        403,
        404,
    )
    assert browser.go("GET", "/portal/").status == 200
    revoked = world.agency_a.call("POST", "/v1/clients/C1/debtors/D1/portal-link/revoke")
    assert revoked.status == 200 and revoked.body["generation"] == 1
    assert browser.go("GET", "/portal/").status == 403


def test_a_forged_forwarded_for_does_not_escape_the_throttle(portal):
    _, _, app = portal
    for i in range(FAILURES_PER_WINDOW):
        spoofing = Browser(app, source=f"10.0.0.{i}, 198.51.100.9:4000")
        assert spoofing.go("GET", f"/p/guess{i}.abc").status == 403
    assert Browser(app, source="10.9.9.9, 198.51.100.9:4001").go("GET", "/p/x.y").status == 429


def test_the_overview_shows_each_claim_and_pays_all_of_it(portal):
    """Costs owed on F1 (the client sent the 14-day letter itself), interest on both: each
    invoice's line shows its principal, costs, interest and open total; paying online asks
    the whole claim, and nothing says costs are charged separately any more."""
    world, _, app = portal
    world.agency_a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [{"number": "F1", "debtor": "D1", "invoice_date": "2025-01-01", "due_date": "2025-01-31", "amount": "121.00", "fourteen_day_letter_on": "2025-02-10"}]},
    )  # fmt: skip
    browser = enter(world, app)
    page = browser.page()
    assert "Incassokosten" in page and "Wettelijke rente" in page and "Factuurbedrag" in page
    assert "€ 40,00" in page and "apart in rekening" not in page
    f1 = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["open"]
    assert f"€ {f1['total'].replace('.', ',')}" in page
    assert "separately" not in browser.page(lang="en")
    response = browser.post("/portal/pay", invoice=["F1"])
    payment_id = response.headers["Location"].rsplit("/", 1)[1]
    asked = world.services.online_payments.simulation.get_payment(payment_id).amount
    assert asked == claim_total(world, "F1") == int(f1["total"].replace(".", ""))
