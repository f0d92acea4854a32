"""codereview12 #1: a debtor had one standing slot. After a WSNP ended with a clean slate (the
claims of the ruling are natural obligations, never dunned, interest of the ruling stopped,
standing12), a bank's MD07 proposal (kindletter12/standing12's propose_deceased) overwrites
the ended ruling; lifted as the bank's mistake (the debtor lives), nothing remembers the
clean slate: the claims are dunned again and the ruling's interest comes back."""

from __future__ import annotations

from datetime import date

from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401

URL = "/v1/clients/C1/debtors/D1/standing"


def test_md07_after_clean_slate(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a

    def hook(today):
        if today == date(2025, 3, 18):
            assert a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"}).status == 200
        if today == date(2025, 4, 20):
            r = a.call("POST", URL, {"standing": "normal", "reason": "clean_slate"})
            assert r.status == 200, r.body
        if today == date(2025, 4, 25):  # a direct debit of his comes back MD07 (bank error)
            world.services.debtor_standing.propose_deceased(
                client, "D1", "returned by the bank (MD07)", "e2e-x"
            )
        if today == date(2025, 4, 26):  # staff: he lives: the bank's mistake
            r = a.call("POST", URL, {"standing": "normal"})
            assert r.status == 200, r.body

    log = simulate(world, client, 75, hook)
    sent = [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]
    june = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-06-01").body["open"]
    assert sent == [(date(2025, 3, 17), "email")], sent  # natural obligation: never dunned
    assert june["interest"] == "0.14", june
    # the ruling is kept apart from the standing now recorded (the lifted proposal)
    stored = world.services.repos.debtors.get(client.client_id, "D1")
    assert stored is not None and stored[0].standing is not None
    ended = stored[0].standing.ended
    assert ended is not None and ended.since == date(2025, 3, 18), stored[0].standing


def _story(world, client, after_slate):
    """WSNP since 18-3-2025 ended with a clean slate on 20-4; ``after_slate(today)`` then."""
    a = world.agency_a

    def hook(today):
        if today == date(2025, 3, 18):
            assert a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"}).status == 200
        if today == date(2025, 4, 20):
            r = a.call("POST", URL, {"standing": "normal", "reason": "clean_slate"})
            assert r.status == 200, r.body
        after_slate(today)

    log = simulate(world, client, 75, hook)
    return [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]


def test_a_death_set_and_lifted_as_a_mistake_keeps_the_clean_slate(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a

    def after_slate(today):
        if today == date(2025, 4, 25):  # staff (wrongly) record his death
            r = a.call("POST", URL, {"standing": "deceased", "since": "2025-04-24"})
            assert r.status == 200, r.body
        if today == date(2025, 4, 26):  # he lives
            assert a.call("POST", URL, {"standing": "normal"}).status == 200

    sent = _story(world, client, after_slate)
    assert sent == [(date(2025, 3, 17), "email")], sent
    june = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-06-01").body["open"]
    assert june["interest"] == "0.14" and june["costs"] == "0.00", june


def test_the_ruling_set_again_corrects_how_it_ended(engine):  # noqa: F811
    """Set again with its own day (to correct the lift), the ruling is not also kept as the
    clean slate it was: lifted as ended otherwise, its claims are the creditor's again."""
    world, client = engine
    a = world.agency_a

    def after_slate(today):
        if today == date(2025, 4, 22):
            r = a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"})
            assert r.status == 200, r.body
            r = a.call("POST", URL, {"standing": "normal", "reason": "ended"})
            assert r.status == 200, r.body

    _story(world, client, after_slate)
    stored = world.services.repos.debtors.get(client.client_id, "D1")
    assert stored is not None and stored[0].standing is not None
    assert stored[0].standing.lift_reason is not None
    assert stored[0].standing.lift_reason.value == "ended"
    assert stored[0].standing.ended is None, stored[0].standing
