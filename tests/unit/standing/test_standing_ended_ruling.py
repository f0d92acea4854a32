"""law12 #1: a bankruptcy or WSNP that ended is no mistake. Lifted as "normal" it revived the
ruling period's interest and the dunning sent the debtor a demand for the whole claim the
morning of the lift (121.00 grew to 150.93 by 1-6 with costs and the WSNP's interest). Now a
lift says why: only a mistake undoes the standing; after a clean slate or an akkoord the
claims of the ruling are never dunned again and their interest stays stopped; a ruling ended
otherwise keeps the interest of its period stopped and pauses its claims until staff booked
what the distribution paid."""

from __future__ import annotations

from datetime import date

from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401

URL = "/v1/clients/C1/debtors/D1/standing"


def _open(world, number, on):
    reply = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on=on)
    return reply.body["open"]


def _lifted_story(world, client, reason):
    """WSNP (or bankruptcy) since 18-3-2025, the day after D1's first reminder; it ends on
    20-4 and staff lift it for ``reason``; 60 mornings of the daily run."""
    a = world.agency_a
    standing = "bankrupt" if reason == "akkoord" else "wsnp"

    def hook(today):
        if today == date(2025, 3, 18):
            assert a.call("POST", URL, {"standing": standing, "since": "2025-03-18"}).status == 200
        if today == date(2025, 4, 20):
            refused = a.call("POST", URL, {"standing": "normal"})
            assert refused.status == 422, refused.body
            assert refused.body["error"]["details"][0]["code"] == "standing_lift_reason"
            lifted = a.call("POST", URL, {"standing": "normal", "reason": reason})
            assert lifted.status == 200, lifted.body
            assert lifted.body["lift_reason"] == reason

    log = simulate(world, client, 60, hook)
    return [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]


def _items(world):
    return world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]


def test_a_clean_slate_leaves_a_natural_obligation_nothing_is_collected(engine):  # noqa: F811
    world, client = engine
    sent = _lifted_story(world, client, "clean_slate")
    # the reminder of 17-3 only: no SMS on the lift day, no 14-day letter a week later
    assert sent == [(date(2025, 3, 17), "email")], sent
    # 6:119 11-3..17-3: 7 d x 6 % x 121.00 = 0.14, and not a cent of the scheme's period
    # (the lift revived 18-3..31-5: 1.63 with 28.30 costs, 150.93 in all)
    on_june = _open(world, "F1", "2025-06-01")
    assert on_june["interest"] == "0.14" and on_june["costs"] == "0.00", on_june
    assert on_june["total"] == "121.14"
    items = _items(world)
    filing = [x for x in items if x["kind"] == "debtor_standing"]
    assert [x["status"] for x in filing] == ["resolved"], filing
    ended = [x for x in items if x["kind"] == "debtor_standing_ended"]
    assert len(ended) == 1 and ended[0]["status"] == "open", ended
    assert "natural obligations" in ended[0]["title"] and "write them off" in ended[0]["title"]
    assert sorted(ended[0]["invoice_numbers"]) == ["F1", "F2"]
    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert invoice["status"] == "open"  # staff write it off; the lift does not decide it


def test_an_akkoord_keeps_the_interest_stopped_and_the_claims_out_of_the_dunning(engine):  # noqa: F811
    world, client = engine
    sent = _lifted_story(world, client, "akkoord")
    assert sent == [(date(2025, 3, 17), "email")], sent
    assert _open(world, "F1", "2025-06-01")["interest"] == "0.14"
    ended = [x for x in _items(world) if x["kind"] == "debtor_standing_ended"]
    assert "akkoord" in ended[0]["title"] and "write off the rest" in ended[0]["title"]


def test_a_ruling_ended_otherwise_pauses_its_claims_until_staff_resume_them(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    sent = _lifted_story(world, client, "ended")
    # nothing from the lift day until staff resume; the interest of the WSNP's period
    # (18-3..19-4) stays stopped, from the lift it runs again: 6:119 11-3..17-3 and
    # 20-4..31-5, 7 + 42 = 49 d x 6 % x 121.00 = 0.97 (the revival gave 1.63)
    assert sent == [(date(2025, 3, 17), "email")], sent
    on_june = _open(world, "F1", "2025-06-01")
    assert on_june["interest"] == "0.97", on_june
    paused = a.call("GET", "/v1/clients/C1/invoices/F1").body["paused_until"]
    assert paused == "9999-12-31"  # until resumed by hand
    ended = [x for x in _items(world) if x["kind"] == "debtor_standing_ended"]
    assert "then resume their dunning" in ended[0]["title"]
    for number in ("F1", "F2"):  # staff booked what the distribution paid
        assert a.call("POST", f"/v1/clients/C1/invoices/{number}/resume").status == 200
    later = simulate(world, client, 10)
    assert [(d, ch) for d, ch, debtor, _ in later if debtor == "D1"], later


def test_a_death_is_lifted_only_as_a_mistake(engine):  # noqa: F811
    world, _ = engine
    a = world.agency_a
    world.clock.at = world.clock.at.replace(day=18)
    assert a.call("POST", URL, {"standing": "deceased", "since": "2025-03-16"}).status == 200
    refused = a.call("POST", URL, {"standing": "normal", "reason": "clean_slate"})
    assert refused.status == 422
    assert refused.body["error"]["details"][0]["code"] == "standing_lift_not_for"
    lifted = a.call("POST", URL, {"standing": "normal"})  # a mistake: the default for a death
    assert lifted.status == 200 and lifted.body["lift_reason"] == "mistake", lifted.body
