"""The agency's plan tells the debtor to pay its installments to the agency's third-party
account (attack27 F3). An agency registered without one (``third_party_iban`` is optional:
``inning agency add`` without --iban) could make and start a plan anyway: the agreement told
the debtor to transfer 1,154.93 "naar  ten name van Noord Incasso" (no account at all), and no
statement of the agency's could ever book it, so the plan lapsed on a debtor who had nowhere
to pay. Now the plan is refused (422 ``agency_no_third_party_account``) until the agency has
its account."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shared.domain.parties import Agency
from shared.services.onboarding import register_agency
from tests.unit.plans.test_agency_plan import POOLED, _case

BODY = {"start": "2025-03-10", "installments": 3, "agreed_by_debtor_on": "2025-03-03",
        "agreed_how": "phone"}  # fmt: skip


def _without_account(world: Any) -> str:
    case = _case(world)
    repos = world.services.repos
    agency = repos.agencies.get("agency-a")
    repos.agencies.save(replace(agency, third_party_iban=None))
    return case


def test_an_agency_without_its_third_party_account_makes_no_plan(world: Any) -> None:
    case = _without_account(world)
    reply = world.agency_a.call("POST", f"/v1/cases/{case}/plans", BODY)
    assert reply.status == 422, reply.body
    assert reply.body["error"]["details"][0]["code"] == "agency_no_third_party_account"


def test_nor_starts_a_draft_made_before_its_account_was_taken_off(world: Any) -> None:
    case = _case(world)
    made = world.agency_a.call("POST", f"/v1/cases/{case}/plans", BODY)
    assert made.status == 201, made.body
    repos = world.services.repos
    agency = repos.agencies.get("agency-a")
    repos.agencies.save(replace(agency, third_party_iban=None))
    reply = world.agency_a.call("POST", f"/v1/cases/{case}/plans/{made.body['plan_id']}/activate")
    assert reply.status == 422, reply.body
    assert reply.body["error"]["details"][0]["code"] == "agency_no_third_party_account"
    # with its account again, the same draft starts
    register_agency(
        repos, Agency("agency-a", "Noord Incasso", POOLED, contact_email="desk@noord.example")
    )
    again = world.agency_a.call("POST", f"/v1/cases/{case}/plans/{made.body['plan_id']}/activate")
    assert again.status == 200, again.body
