"""newcomer16 #1 and #4: the portal's "Akkoord, regeling afsluiten" made the plan over what was
open at the click, not the schedule the page showed (3 x € 100,10 shown, 3 x € 400,39 bound
after an invoice of € 900,00 was imported in between; by amount: 3 months shown, 12 made),
and acknowledged (3:318 BW) the invoice he never saw; and three clicks at once made three
plans (one running, two drafts with their own betalingskenmerk and approval items nobody
could approve). The accept form now carries a picture of what it showed (``shown``): a
different picture is refused with the new schedule, and one accept per debtor is claimed
under an ETag so a second click lands on the plan the first made."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from shared.adapters.tables.prescription_repo import PrescriptionDecisions
from shared.domain.plans.plan import PaymentPlan
from shared.ports.tables import Row
from shared.services.portal import RETURNS
from tests.unit.api.conftest import invoice_row
from tests.unit.plans.test_portal_plans import accept, csrf, enter, shown
from tests.unit.plans.test_portal_plans import portal as portal

CHANGED = "het openstaande bedrag is veranderd sinds u het schema zag"


def _client_id(world) -> str:  # type: ignore[no-untyped-def]
    return str(next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1"))


def _plans(world) -> list[PaymentPlan]:  # type: ignore[no-untyped-def]
    return list(world.services.plans.plans.of_debtor(_client_id(world), "D1"))


def _import_f3(world) -> None:  # type: ignore[no-untyped-def]
    """The client's nightly import: an invoice the debtor's page never showed."""
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F3", "D1", amount="900.00", due_date="2026-02-20")]})  # fmt: skip
    assert reply.status == 200


def test_an_invoice_imported_after_the_preview_is_not_agreed_unseen(portal):  # type: ignore[no-untyped-def]
    world, app = portal
    browser = enter(world, app)
    choice = {"method": "transfer", "by": "count", "installments": "4"}
    preview = browser.page("/portal/plan/preview", **choice)
    assert "F1, F2" in preview and preview.count("€ 125,00") == 4
    seen = shown(browser, **choice)
    _import_f3(world)
    refused = accept(browser, **choice, shown=seen)
    page = refused.encoded().decode()
    assert refused.status == 400 and CHANGED in page
    # the new proposal is on the page that refuses: F3 in it, four installments of 350,00
    assert "F1, F2, F3" in page and page.count("€ 350,00") == 4
    assert _plans(world) == []  # nothing made, nothing on the action list
    assert world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"] == []
    # nothing acknowledged either: his word was given to no plan (3:318 BW)
    assert PrescriptionDecisions(world.services.repos.store).for_debtor(_client_id(world),
                                                                        "D1") == {}  # fmt: skip
    fresh = re.search(r'name="shown" value="([^"]+)"', page)
    assert fresh is not None and fresh.group(1) != seen
    done = accept(browser, **choice, shown=fresh.group(1))  # he agrees to the new one
    assert done.status == 303 and done.headers["Location"].endswith("done=plan_started")
    (plan,) = _plans(world)
    assert set(plan.invoice_numbers) == {"F1", "F2", "F3"}
    assert [i.amount for i in plan.schedule] == [35_000] * 4


def test_by_amount_the_months_shown_are_the_months_agreed(portal):  # type: ignore[no-untyped-def]
    world, app = portal
    browser = enter(world, app)
    choice = {"method": "transfer", "by": "amount", "amount": "150,00"}
    preview = browser.page("/portal/plan/preview", **choice)
    assert preview.count("€ 150,00") == 3 and "16-06-2026" in preview  # 4 months over EUR 500
    seen = shown(browser, **choice)
    _import_f3(world)  # 10 months at EUR 150 now, to 16-12-2026: not what he read
    refused = accept(browser, **choice, shown=seen)
    assert refused.status == 400 and CHANGED in refused.encoded().decode()
    assert _plans(world) == []


def test_a_form_without_the_picture_is_shown_the_schedule_again(portal):  # type: ignore[no-untyped-def]
    world, app = portal
    browser = enter(world, app)
    bare = browser.go("POST", "/portal/plan/accept", {
        "csrf": csrf(browser), "method": "transfer", "by": "count", "installments": "2"})  # fmt: skip
    assert bare.status == 400 and CHANGED in bare.encoded().decode() and _plans(world) == []


def test_three_clicks_at_once_make_one_plan(portal, monkeypatch):  # type: ignore[no-untyped-def]
    world, app = portal
    browser = enter(world, app)
    choice = {"method": "transfer", "by": "count", "installments": "3"}
    form: dict[str, object] = {"csrf": csrf(browser), **choice, "shown": shown(browser, **choice)}
    # the race made sure of: each click that gets as far as making a plan waits there (up to
    # a second) until all three have, as three requests on three workers can
    plans = world.services.plans
    make, arrived, all_there, lock = plans.create, [0], threading.Event(), threading.Lock()

    def create(*args, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            arrived[0] += 1
            if arrived[0] == 3:
                all_there.set()
        all_there.wait(timeout=1.0)
        return make(*args, **kwargs)

    monkeypatch.setattr(plans, "create", create)
    start = threading.Barrier(3)
    answers: list[tuple[int, str]] = []

    def click() -> None:
        start.wait()
        response = browser.go("POST", "/portal/plan/accept", form)
        answers.append((response.status, response.headers.get("Location", "")))

    clicks = [threading.Thread(target=click) for _ in range(3)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    assert [p.status.value for p in _plans(world)] == ["active"]
    (plan,) = _plans(world)
    assert arrived[0] == 1  # the second and third click found the first's claim
    assert answers == [(303, "/api/portal/plan?done=plan_started")] * 3
    assert world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"] == []
    # the same page's button once more, a day later (a reload): the same plan, no other
    world.clock.at += timedelta(days=1)
    again = browser.go("POST", "/portal/plan/accept", form)
    assert again.status == 303 and [p.plan_id for p in _plans(world)] == [plan.plan_id]


def test_a_second_tab_with_another_choice_makes_no_second_plan(portal):  # type: ignore[no-untyped-def]
    world, app = portal
    browser = enter(world, app)
    three = {"method": "transfer", "by": "count", "installments": "3"}
    four = {"method": "transfer", "by": "count", "installments": "4"}
    tab_a: dict[str, object] = {"csrf": csrf(browser), **three, "shown": shown(browser, **three)}
    tab_b: dict[str, object] = {"csrf": csrf(browser), **four, "shown": shown(browser, **four)}
    assert browser.go("POST", "/portal/plan/accept", tab_a).status == 303
    refused = browser.go("POST", "/portal/plan/accept", tab_b)
    assert refused.status == 400 and len(_plans(world)) == 1
    assert "Uw betalingsregeling" in refused.encoded().decode()  # his plan, on the page


def test_a_click_under_way_is_waited_for_and_one_cut_off_is_taken_over(portal):  # type: ignore[no-untyped-def]
    from shared.services.plans.self_service import accept_key

    world, app = portal
    browser = enter(world, app)
    choice = {"method": "transfer", "by": "count", "installments": "3"}
    form: dict[str, object] = {"csrf": csrf(browser), **choice, "shown": shown(browser, **choice)}
    access = world.services.portal.links.check(
        world.services.portal.links.token(_client_id(world), "D1")
    )
    store, key = world.services.repos.store, accept_key(access)
    desk = world.services.portal_plans
    looks: list[float] = []
    desk.pause = looks.append  # no real waiting in a test
    # a first click making the plan right now (its claim, no plan yet): the second waits,
    # then says so on the plans page instead of making another
    store.insert(RETURNS, Row(_client_id(world), key, {
        "Debtor": "D1", "Shown": form["shown"], "Started": world.clock.now().isoformat()}))  # fmt: skip
    waiting = browser.go("POST", "/portal/plan/accept", form)
    assert waiting.status == 409 and "uw akkoord wordt nog verwerkt" in waiting.encoded().decode()
    assert looks and _plans(world) == []
    # that click was cut off: after two minutes its claim is taken over
    world.clock.at += timedelta(minutes=3)
    form["shown"] = shown(browser, **choice)
    done = browser.go("POST", "/portal/plan/accept", form)
    assert done.status == 303 and len(_plans(world)) == 1
