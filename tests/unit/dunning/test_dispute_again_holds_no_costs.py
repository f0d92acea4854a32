"""A consumer cannot keep the collection costs away for ever by disputing again (attack27 F1).

lawyer26 F6 holds the costs of a dispute raised inside the 14-day letter's term and, once the
dispute is rejected, owes them from the day collection resumes (the end plus 14 days). The
arrangements rule moves the costs' day again for any hold made before the (already moved) day,
so a debtor who disputed again on the portal the day before it (the portal takes a dispute of a
rejected invoice) moved them once more, and again after each rejection: costs never owed.

Consumer D-1, F1 1,000.00, the 14-day letter of 6-12-2026 (costs 150.00 from 24-12), disputed
20-12, rejected 10-1-2027 (costs from 24-1). Disputed again 23-1 with the same words, rejected
5-2: before, costs owed from 19-2 (and 0.00 asked on 18-2); now from 24-1 as the first
rejection's notice said: the letter's term was held once, and the second dispute was raised
after the day the costs would have been owed without disputes. A second dispute raised still
inside the letter's own term holds them as the first does."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.unit.dunning.test_dispute_ended_debtor_told import END, REASON, _disputed, collecting
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days
from tests.unit.dunning.test_dispute_inside_term_holds_costs import _claim

DISPUTE = "/v1/clients/C1/invoices/F1/dispute"


def test_a_dispute_raised_again_before_the_resumed_day_does_not_move_the_costs_again(
    world: Any,
) -> None:
    client = _disputed(world)
    assert world.agency_a.call("POST", END, {"message": REASON}).status == 200
    assert _claim(world, "2027-01-23")["costs_owed_from"] == "2027-01-24"
    _days(world, client, date(2027, 1, 11), date(2027, 1, 23))
    # the day before collection resumes: the same dispute again (as the portal takes it)
    again = world.agency_a.call("POST", DISPUTE, {"reason": "nooit geleverd"})
    assert again.status == 200, again.body
    _days(world, client, date(2027, 1, 24), date(2027, 2, 5))
    reply = world.agency_a.call("POST", END, {"message": REASON})
    assert reply.status == 200, reply.body
    claim = _claim(world, "2027-02-18")
    assert claim["costs_owed_from"] == "2027-01-24"  # was 2027-02-19
    assert claim["open"]["costs"] == "150.00"  # was 0.00


def test_a_second_dispute_inside_the_letters_own_term_still_holds_the_costs(
    world: Any,
) -> None:
    client = collecting(world, until=date(2026, 12, 18))
    assert world.agency_a.call("POST", DISPUTE, {"reason": "nooit geleverd"}).status == 200
    _days(world, client, date(2026, 12, 19), date(2026, 12, 19))
    assert world.agency_a.call("POST", END, {"message": REASON}).status == 200  # resumes 2-1
    _days(world, client, date(2026, 12, 20), date(2026, 12, 21))
    # 21-12: still inside the letter's own term (costs from 24-12): held as the first was
    assert world.agency_a.call("POST", DISPUTE, {"reason": "toch niet geleverd"}).status == 200
    _days(world, client, date(2026, 12, 22), date(2027, 1, 10))
    assert world.agency_a.call("POST", END, {"message": REASON}).status == 200
    assert _claim(world, "2027-01-23")["costs_owed_from"] == "2027-01-24"
