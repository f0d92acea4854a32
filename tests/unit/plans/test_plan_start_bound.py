# ruff: noqa: F811  (the fixture is imported from the test it belongs to)
"""plans28 L1: a new plan's ``start`` had no bound (a draft starting in 2090 was accepted, its
term counted from that start). The rule a postponement meets (``plan_move_past_term``) now
bounds the first installment: a plan starts within the client's maximum term from today, or
422 ``plan_start_past_term`` (field ``start``), in English and in Dutch."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.api.console.refusal_text import refusal
from shared.services.errors import Invalid
from tests.unit.plans.test_plan_service import make, plans  # noqa: F401 (fixture)


def test_a_plan_starts_no_later_than_the_term_from_today(plans: Any) -> None:
    world, _ = plans  # today 5-1-2026; the client's maximum term: 12 months
    a = world.agency_a
    for start in ("2090-01-31", "2027-01-06"):
        reply = make(a, start=start, installments=1)
        assert reply.status == 422, (start, reply.body)
        (detail,) = reply.body["error"]["details"]
        assert (detail["code"], detail["field"]) == ("plan_start_past_term", "start"), detail
        assert "2027-01-05" in detail["message"], detail
    assert a.call("GET", "/v1/clients/C1/plans").body["items"] == []
    last_day = make(a, start="2027-01-05", installments=1)
    assert last_day.status == 201, last_day.body
    assert last_day.body["installments"][0]["due_date"] == "2027-01-05"


def test_the_refusal_has_its_dutch_words() -> None:
    said = Invalid("x", field="start", code="plan_start_past_term",
                   params={"months": 12, "today": date(2026, 1, 5), "day": date(2027, 1, 5)})  # fmt: skip
    assert refusal(said, "nl") == (
        "Een regeling begint binnen 12 maanden na vandaag (05-01-2026): de eerste termijn valt "
        "uiterlijk op 05-01-2027."
    )
    assert refusal(said, "en").startswith("A plan starts within 12 months from today")
