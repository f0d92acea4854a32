"""A consumer's dispute raised inside the 14-day letter's term holds the collection costs until
the day collection resumes (lawyer26 F6; the question lawyer20 L8 left to the project's lawyer).

Consumer D-1, F1 1,000.00 due 15-11-2026, the starter workflow: the 14-day letter of 6-12
(costs 150.00 owed from its term's end, 24-12), disputed 20-12, inside the term. The portal
then told him "U hoeft nu niets te betalen: ... zolang wij dat bekijken vragen wij daarvoor
geen betaling". The client rejected the dispute on 10-1-2027 and the notice said "Open op deze
factuur op dit moment: € 1.156,03" (the 150.00 included) and "Wij hervatten de invordering op
24-01-2027". Charging costs for not paying within a term in which the creditor itself asked no
payment is not what art. 6:96 lid 6 BW allows (the reminder was not "vruchteloos"; 6:248 lid 2
BW), and a court tests it ex officio. Now the costs are owed from the day the notice names
(24-1-2027) if he has not paid by then: the notice asks 1,006.03. A dispute raised after the
costs became owed changes nothing (L8 stands for it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.unit.dunning.test_dispute_ended_debtor_told import END, REASON, _disputed, _notices
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days


def _claim(world: Any, on: str) -> dict[str, Any]:
    reply = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=on)
    assert reply.status == 200, reply.body
    return reply.body  # type: ignore[no-any-return]


def test_a_dispute_inside_the_term_moves_the_costs_to_the_day_collection_resumes(
    world: Any,
) -> None:
    client = _disputed(world)
    # disputed on 20-12, inside the term: no costs while it is looked into (before: 150.00)
    assert _claim(world, "2027-01-09")["open"]["costs"] == "0.00"
    reply = world.agency_a.call("POST", END, {"message": REASON})
    assert reply.status == 200, reply.body
    assert reply.body["collection_resumes_on"] == "2027-01-24"
    (notice,) = _notices(world, client)
    text = world.services.messaging.content_of(notice).text
    assert "Open op deze factuur op dit moment: € 1.006,03." in text  # was € 1.156,03
    claim = _claim(world, "2027-01-23")
    assert claim["open"]["costs"] == "0.00"
    assert claim["costs_owed_from"] == "2027-01-24"
    # not paid by then: the 14-day letter's 150.00 is owed from the day the notice named
    assert _claim(world, "2027-01-24")["open"]["costs"] == "150.00"


def test_a_dispute_after_the_costs_were_owed_leaves_them_owed(world: Any) -> None:
    client = _disputed(world, disputed_on=date(2026, 12, 28))
    assert _claim(world, "2027-01-09")["open"]["costs"] == "150.00"
    assert world.agency_a.call("POST", END, {"message": REASON}).status == 200
    (notice,) = _notices(world, client)
    assert (
        "Open op deze factuur op dit moment: € 1.156,"
        in world.services.messaging.content_of(notice).text
    )
    _days(world, client, date(2027, 1, 11), date(2027, 1, 12))
    assert _claim(world, "2027-01-12")["costs_owed_from"] == "2026-12-24"
