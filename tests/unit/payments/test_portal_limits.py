"""What a debtor (or whoever holds the link) can ask of the portal without a person deciding:
one grace period per invoice and per installment, a bounded number of requests a day, and a
payment link that does not start a new payment each time a mail scanner opens it."""

from __future__ import annotations

from datetime import timedelta

from shared.clock import amsterdam_date
from shared.services.portal import REQUESTS_PER_DAY
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import Browser, enter, portal  # noqa: F401


def _kinds(world) -> list[str]:
    return [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]


def test_a_postponement_granted_at_once_is_one_grace_period_not_a_renewable_one(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    start = amsterdam_date(world.clock.now())
    first = browser.post(
        "/portal/postpone",
        invoice=["F1"],
        until=(start + timedelta(days=10)).isoformat(),
        reason="salaris",
    )
    assert first.headers["Location"].endswith("done=postponed")
    # later, still within 14 days of the first grant: extended at once
    world.clock.at += timedelta(days=5)
    again = browser.post(
        "/portal/postpone",
        invoice=["F1"],
        until=(start + timedelta(days=14)).isoformat(),
        reason="salaris",
    )
    assert again.headers["Location"].endswith("done=postponed")
    # the day before it runs out, 14 more: past one grace period, so staff decide
    world.clock.at += timedelta(days=8)
    today = amsterdam_date(world.clock.now())
    renew = browser.post(
        "/portal/postpone",
        invoice=["F1"],
        until=(today + timedelta(days=14)).isoformat(),
        reason="salaris",
    )
    assert renew.headers["Location"].endswith("done=requested")
    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert invoice["paused_until"] == (start + timedelta(days=14)).isoformat()
    assert _kinds(world).count("postponement_request") == 1


def test_requests_and_disputes_are_bounded_a_day_per_debtor(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    today = amsterdam_date(world.clock.now())
    answers = [
        browser.post(
            "/portal/postpone",
            invoice=["F2"],
            until=(today + timedelta(days=40)).isoformat(),
            reason=f"r{i}",
        ).status
        for i in range(REQUESTS_PER_DAY)
    ]
    assert answers == [303] * REQUESTS_PER_DAY
    assert browser.post("/portal/dispute", invoice="F1", reason="nooit geleverd").status == 400
    assert (
        browser.post(
            "/portal/postpone",
            invoice=["F2"],
            until=(today + timedelta(days=40)).isoformat(),
            reason="x",
        ).status
        == 400
    )
    kinds = _kinds(world)
    # one open request for F2, brought up to date by each ask (final4 finding 11)
    assert kinds.count("postponement_request") == 1 and "dispute" not in kinds
    world.clock.at += timedelta(days=1)  # a new day: the debtor is heard again
    assert browser.post("/portal/dispute", invoice="F1", reason="nooit geleverd").status == 303
    assert "dispute" in _kinds(world)


def test_the_payment_link_opened_again_reuses_the_open_checkout(portal):  # noqa: F811
    world, _, app = portal
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    _, pay_link = world.services.portal.links.links(client_id, "D1")
    path = "/p/" + pay_link.split("/api/p/", 1)[1]
    seen = {
        Browser(app).go("GET", path).headers["Location"] for _ in range(3)
    }  # a scanner, the debtor
    assert len(seen) == 1
    payment_id = next(iter(seen)).rsplit("/", 1)[1]
    online = world.services.online_payments
    online.simulation.settle(
        payment_id, "expired"
    )  # the checkout ran out: the next visit starts anew
    fresh = Browser(app).go("GET", path).headers["Location"]
    assert fresh not in seen and "/api/pay/simulate/tr_sim" in fresh
    world.clock.at += timedelta(days=1)  # quoted on another day: interest moved, a new payment
    assert Browser(app).go("GET", path).headers["Location"] != fresh


def test_a_return_reference_that_is_no_key_is_a_404_not_a_500(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    assert browser.go("GET", "/portal/return/a%2Fb").status == 404
    assert browser.go("GET", "/portal/return/" + "x" * 300).status == 404


def test_the_payment_link_does_not_reuse_a_checkout_for_more_than_is_open(portal):  # noqa: F811
    """A transfer booked after the morning's checkout lowered the claim: the link starts a
    payment for what is open now, never the old checkout that would have the debtor overpay."""
    from shared.domain.records import PaymentSource

    w, _, app = portal
    client = next(c for c in w.services.repos.clients.all() if c.number == "C1")
    _, pay_link = w.services.portal.links.links(client.client_id, "D1")
    path = "/p/" + pay_link.split("/api/p/", 1)[1]
    first = Browser(app).go("GET", path).headers["Location"]  # a mail scanner opens the link
    w.clock.at += timedelta(hours=2)
    w.services.payments.book(
        client, payment_id="bank-1", amount=10_000, received_on=amsterdam_date(w.clock.now()),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    again = Browser(app).go("GET", path).headers["Location"]
    assert again != first
    asked = w.services.online_payments.simulation.get_payment(again.rsplit("/", 1)[1])
    today = amsterdam_date(w.clock.now())
    claims = w.services.payments.ledger.open_claims(client, ["F1", "F2"], today)
    assert asked is not None and asked.amount == sum(c.open.total for c in claims.values())


def test_a_refusal_reads_in_the_pages_language(portal):  # noqa: F811
    """final4 finding 10: a Dutch page said "Dat lukte niet: at most 5 requests a day"."""
    w, _, app = portal
    browser = enter(w, app)
    for _ in range(REQUESTS_PER_DAY):
        browser.post("/portal/dispute", invoice="F1", reason="nooit geleverd")
    refused = browser.post("/portal/dispute", invoice="F1", reason="nooit geleverd")
    page = refused.raw.decode()
    assert refused.status == 400
    assert f"ten hoogste {REQUESTS_PER_DAY} verzoeken per dag" in page and "at most" not in page


def test_after_disputing_all_that_is_open_the_page_does_not_say_nothing_is_owed(portal):  # noqa: F811
    """final4 finding 5: "Er staat niets meer open. Dank u wel!" after a dispute, while the
    disputed invoice is still owed."""
    w, _, app = portal
    browser = enter(w, app)
    for number in ("F1", "F2"):
        assert (
            browser.post("/portal/dispute", invoice=number, reason="nooit geleverd").status == 303
        )
    page = browser.page()
    assert "Er staat niets meer open" not in page
    assert "U hoeft nu niets te betalen" in page and "F1, F2" in page


def test_a_second_postponement_request_for_an_invoice_updates_the_open_one(portal):  # noqa: F811
    """final4 finding 11: two requests for one invoice were two open items; the second now
    brings the open one up to date, and once staff decided it a new request is a new item."""
    w, _, app = portal
    browser = enter(w, app)
    today = amsterdam_date(w.clock.now())

    def ask(days: int, why: str) -> None:
        until = (today + timedelta(days=days)).isoformat()
        assert (
            browser.post("/portal/postpone", invoice=["F2"], until=until, reason=why).status == 303
        )

    ask(40, "ziek")
    ask(50, "nog steeds ziek")
    items = [a for a in w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
             if a["kind"] == "postponement_request"]  # fmt: skip
    assert len(items) == 1
    assert items[0]["detail"] == {
        "until": (today + timedelta(days=50)).isoformat(),
        "reason": "nog steeds ziek",
    }
    resolved = w.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{items[0]['action_id']}/resolve",
        {"resolution": "agreed by phone"},
    )  # fmt: skip
    assert resolved.status == 200
    ask(55, "toch later")
    assert _kinds(w).count("postponement_request") == 2


def test_a_renewal_refused_by_its_own_retried_save_makes_no_second_item(portal):  # noqa: F811
    """failure20: the renewal's save applied, its answer lost and the PUT retried by the
    storage client into a 412 on its own write; taken for "staff decided it meanwhile", a
    second postponement_request was added next to the renewed one."""
    from shared.ports.tables import PreconditionFailed

    world, _, app = portal
    browser = enter(world, app)
    today = amsterdam_date(world.clock.now())
    ask = {"invoice": ["F2"], "reason": "salaris"}
    first = browser.post("/portal/postpone", until=(today + timedelta(days=40)).isoformat(), **ask)
    assert first.headers["Location"].endswith("done=requested")
    store = world.services.repos.store
    real = store.replace
    left = {"n": 1}

    def applied_then_412(table, row, *a, **kw):  # type: ignore[no-untyped-def]
        done = real(table, row, *a, **kw)
        if table == "Actions" and left["n"]:
            left["n"] -= 1
            raise PreconditionFailed("412: the retried PUT met its own write")
        return done

    store.replace = applied_then_412
    until = (today + timedelta(days=50)).isoformat()
    renew = browser.post("/portal/postpone", until=until, **ask)
    store.replace = real
    assert renew.headers["Location"].endswith("done=requested") and left["n"] == 0
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    asked = [i for i in items if i["kind"] == "postponement_request"]
    assert len(asked) == 1, asked
    assert until in asked[0]["title"]
