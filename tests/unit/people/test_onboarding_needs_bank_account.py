"""An agency's onboarding needs the client's bank account (newcomer24 F1): `POST
/v1/onboarding/clients` without `iban` made a live client (no approval, unlike a sign-up), and
its first daily run mailed every debtor the starter reminder "Wilt u dit overmaken naar  onder
vermelding van betalingskenmerk ...": an account line with no account."""

from __future__ import annotations

from datetime import date

from shared.adapters.tables.people_repo import defaults_scope
from shared.api.console.refusal_text import refusal
from shared.clock import amsterdam_date
from shared.domain.dunning.workflow import Step, StepChannel, Workflow
from shared.services.errors import Invalid
from tests.unit.people.test_accounts import _defaults

BODY = {"number": "VIS", "name": "Vishandel Scheveningen B.V.", "kvk_number": "27123456",
        "vat_deductible": False, "language": "nl", "first_email": "anja@vishandel.example",
        "first_mobile": "06 11111111"}  # fmt: skip


def test_onboarding_without_an_iban_is_refused_and_writes_nothing(world, tenants):
    _defaults(world)
    for body in (BODY, {**BODY, "iban": ""}):
        answer = world.agency_a.call("POST", "/v1/onboarding/clients", body)
        assert answer.status == 422, answer.body
        (detail,) = answer.body["error"]["details"]
        assert detail["code"] == "onboard_without_bank_account" and detail["field"] == "iban"
        assert "give its IBAN" in answer.body["error"]["message"]
    clients = world.agency_a.call("GET", "/v1/clients").body["items"]
    assert "VIS" not in [c["number"] for c in clients]
    assert not world.services.people.kit.people.users.by_email("anja@vishandel.example")
    words = refusal(Invalid("", code=detail["code"], params={"number": "VIS"}), "nl")
    assert words.startswith("Klant VIS heeft een bankrekening nodig")


def test_onboarding_with_the_iban_makes_the_client_with_it(world, tenants):
    _defaults(world)
    answer = world.agency_a.call(
        "POST", "/v1/onboarding/clients", {**BODY, "iban": "NL34 RABO 0142 6233 93"}
    )
    assert answer.status == 201, answer.body
    client = world.services.repos.clients.get(answer.body["client_id"])[0]
    assert client.ibans == ("NL34RABO0142623393",) and not client.sandbox


def test_the_openapi_document_names_the_refusal(world, tenants):
    document = world.agency_a.call("GET", "/v1/openapi.json").body
    post = document["paths"]["/v1/onboarding/clients"]["post"]
    assert "onboard_without_bank_account" in post["responses"]["422"]["description"]
    assert "iban_taken" in post["responses"]["409"]["description"]  # iban28's refusal


def test_onboarding_dates_the_client_taken_on(world, tenants):
    """settle28 left the console's onboarding without ``onboarded_on``, so such a client's
    first agreement started the day it was set, and money paid between was never settled."""
    _defaults(world)
    answer = world.agency_a.call(
        "POST", "/v1/onboarding/clients", {**BODY, "iban": "NL34 RABO 0142 6233 93"}
    )
    assert answer.status == 201, answer.body
    client = world.services.repos.clients.get(answer.body["client_id"])[0]
    assert client.onboarded_on == amsterdam_date(world.services.clock.now())


def test_onboarding_takes_the_go_live_day(world, tenants):
    """onboard32: an agency taking on a client with a backlog sets the day its dunning goes
    live, so the first daily run after the import sends nothing until then."""
    _defaults(world)
    body = {**BODY, "iban": "NL34 RABO 0142 6233 93", "dunning_starts_on": "2025-12-14"}
    answer = world.agency_a.call("POST", "/v1/onboarding/clients", body)
    assert answer.status == 201, answer.body
    client = world.services.repos.clients.get(answer.body["client_id"])[0]
    assert client.dunning_starts_on == date(2025, 12, 14)
    [shown] = [
        c for c in world.agency_a.call("GET", "/v1/clients").body["items"] if c["number"] == "VIS"
    ]
    assert shown["dunning_starts_on"] == "2025-12-14"


def test_a_go_live_day_at_onboarding_answers_what_would_block_it(world, tenants):
    """golive32: onboarded all the same, with the blocking readiness checks that fail (here
    the agency's default workflow is not active, so the copy is not either)."""
    scope = defaults_scope("agency-a")
    step = Step("Herinnering", StepChannel.EMAIL, 7, templates={"nl": "t1"})
    world.services.repos.dunning.save_workflow(
        scope, Workflow("standaard", "Standaard", (step,), active=False)
    )
    body = {**BODY, "iban": "NL34 RABO 0142 6233 93", "dunning_starts_on": "2025-12-14"}
    answer = world.agency_a.call("POST", "/v1/onboarding/clients", body)
    assert answer.status == 201, answer.body
    assert [(w["check"], w["reason"], w["blocking"]) for w in answer.body["warnings"]] == [
        ("workflow", "no_active_workflow", True)
    ]
    plain = {**BODY, "number": "VIS2", "iban": "NL91 ABNA 0417 1643 00",
             "first_email": "tweede@vis.example"}  # fmt: skip
    later = world.agency_a.call("POST", "/v1/onboarding/clients", plain)
    assert later.status == 201, later.body
    assert later.body["warnings"] == []  # no day set: nothing to warn about


def test_onboarding_takes_the_first_steps_a_day(world, tenants):
    """golive33: the backlog's spread is set where the go-live day is."""
    _defaults(world)
    body = {**BODY, "iban": "NL34 RABO 0142 6233 93", "dunning_starts_on": "2025-12-14",
            "first_steps_per_day": 300}  # fmt: skip
    answer = world.agency_a.call("POST", "/v1/onboarding/clients", body)
    assert answer.status == 201, answer.body
    client = world.services.repos.clients.get(answer.body["client_id"])[0]
    assert client.first_steps_per_day == 300
    refused = world.agency_a.call("POST", "/v1/onboarding/clients",
                                  {**body, "number": "VIS2", "first_steps_per_day": 0})  # fmt: skip
    assert refused.status in (400, 422), refused.body
