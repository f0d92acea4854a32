"""kindletter12 #2: Inning's own 14-day letter that a moved due date overtook made no costs
owed any more (law11b F1), but no new letter went out by itself: the invoice stood past its
workflow's 14-day step for good and the claim owed no costs ever. Now the workflow comes
back to that step.

The engine's F1 (121.00) and F2 (50.00) of D1, due 10-3-2025: reminder 17-3, SMS 22-3, our
14-day letter Saturday 29-3 (costs owed from 17-4). On 5-4 the client's sync (an
administrator's) moves F1's due date to 30-4-2025: default from 1-5, the letter of 29-3 is
none for F1. The 14-day step is due again for F1 once he is in default: the letter of 1-5
(Thursday; received Saturday 3-5, 14 days to Saturday 17-5, extended to Monday 19-5 by the
Algemene termijnenwet: costs owed from 20-5). F2 keeps its letter of 29-3."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401

CLAIM = "/v1/clients/C1/invoices/{n}/claim"


def test_a_moved_due_date_brings_the_workflow_back_to_its_14_day_letter(engine) -> None:  # noqa: F811
    world, client = engine
    a = world.agency_a
    log = simulate(world, client, 33)  # 3-3 .. 4-4
    d1 = [(d, ch, n) for d, ch, debtor, n in log if debtor == "D1"]
    assert d1[-1] == (date(2025, 3, 29), "letter", ("F1", "F2")), d1
    assert a.call("GET", CLAIM.format(n="F1"), on="2025-04-20").body["open"]["costs"] != "0.00"
    world.clock.at = datetime(2025, 4, 5, 9, 0, tzinfo=UTC)
    moved = a.call("POST", "/v1/clients/C1/invoices",
                   {"items": [invoice_row("F1", "D1", due_date="2025-04-30")]})  # fmt: skip
    assert moved.body["updated"] == 1, moved.body
    assert a.call("GET", CLAIM.format(n="F1"), on="2025-04-20").body["open"]["costs"] == "0.00"
    log = simulate(world, client, 40)  # 5-4 .. 14-5
    letters = [(d, n) for d, ch, debtor, n in log if debtor == "D1" and ch == "letter"]
    assert letters == [(date(2025, 5, 1), ("F1",))], log
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.costs_owed_from == date(2025, 5, 20)
    assert stored.dunning_step_on == date(2025, 5, 1)
    assert a.call("GET", CLAIM.format(n="F1"), on="2025-05-19").body["open"]["costs"] == "0.00"
    owed = a.call("GET", CLAIM.format(n="F1"), on="2025-05-20").body["open"]
    # F1 stays in the notice of 29-3 (law12c #4: the extension never costs a second staffel):
    # its share of the one 40.00 over 171.00, 40.00 x 121 / 171 = 28.30; 6:119 interest
    # 1-5..19-5 19 d x 6 % x 121.00 / 365 = 0.38
    assert (owed["costs"], owed["interest"], owed["total"]) == ("28.30", "0.38", "149.68")
    # the run again the same day, and the days after: one new letter, not more
    assert [e for e in simulate(world, client, 5) if e[1] == "letter"] == []
