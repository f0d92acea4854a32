"""wki28 (law28's left): once the agency's Wki registration had ended (its recorded last day
passed) its plan's letters still went to consumers, and named the ended entry as if valid
("Register incassodienstverlening IDV-1" under the head). Without a registration it may not
collect from consumers (art. 2 Wki). Now the agency's plan letter to a consumer is not sent
(the plan's timeline says why, one item on the agency's list); a business debtor's goes on,
without the ended number; recording the new last day closes the item."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from shared.clock import amsterdam_date
from shared.domain.parties import Agency, DebtorKind
from shared.services.plans.notices import agreement
from shared.services.plans.schedule_pdf import schedule_pdf
from tests.unit.api.conftest import client_iban
from tests.unit.plans.test_agency_plan import _case as agency_case
from tests.unit.plans.test_agency_plan import _plan
from tests.unit.plans.test_plan_agreement_pdf import CLIENT, DEBTOR, ON, PLAN, _read

POOLED = client_iban("POOL")


def _case(world: Any, kind: str, until: date) -> tuple[str, str]:
    """test_agency_plan's case (debtor K101 at agency-a), its debtor of ``kind``, the agency's
    registration IDV-1 running until ``until``: (the client's id, the case)."""
    case = agency_case(world)
    repos = world.services.repos
    repos.agencies.save(replace(repos.agencies.get("agency-a"), wki_register_number="IDV-1",
                                wki_registered_until=until))  # fmt: skip
    tech_id = repos.clients.id_for_number("agency-a", "TECH")
    debtor, etag = repos.debtors.get(tech_id, "K101")
    repos.debtors.save(replace(debtor, kind=DebtorKind(kind)), etag)
    return tech_id, case


def _held_items(world: Any) -> list[Any]:
    items = world.services.repos.actions.list("@agency-a")[0]
    return [i for i in items if i.kind == "wki_consumer_collection_held"]


def test_the_plan_letter_to_a_consumer_waits_for_a_renewed_registration(
    world: Any, capsys: Any, monkeypatch: Any
) -> None:
    ended = amsterdam_date(world.clock.now()) - timedelta(days=1)
    tech_id, case = _case(world, "b2c", ended)
    plan = _plan(world, case)
    key = f"plan|{plan['plan_id']}|agreement"
    with pytest.raises(LookupError):  # not sent
        world.services.messaging.content(tech_id, key)
    timeline = world.services.plans.plans.timeline(tech_id, plan["plan_id"])
    held = [e for e in timeline if e["kind"] == "message_held"]
    assert held and "Wki registration ended" in str(held[0])
    [item] = _held_items(world)
    assert item.action_id == f"wki-collection-held-{ended.isoformat()}"
    assert "your collection from consumers is held" in item.title
    assert "--wki-registered-until" in item.title

    # the new last day recorded: the item closes
    import shared.cli.app_settings as app_settings
    from shared.cli.admin_commands import cmd_agency_update

    monkeypatch.setattr(app_settings, "cli_services", lambda: world.services)
    args = argparse.Namespace(agency_id="agency-a", name=None, iban=None, email=None,
                              vat_number=None, address=None, wki_register=None,
                              wki_registered_until=(ended + timedelta(days=366)).isoformat(),
                              dunning_starter=False, json=True)  # fmt: skip
    assert cmd_agency_update(args) == 0
    [item] = _held_items(world)
    assert item.status.value == "resolved"


def test_a_business_debtor_gets_the_plan_letter(world: Any) -> None:
    ended = amsterdam_date(world.clock.now()) - timedelta(days=1)
    tech_id, case = _case(world, "b2b", ended)
    plan = _plan(world, case)
    text = world.services.messaging.content(tech_id, f"plan|{plan['plan_id']}|agreement").text
    assert "Noord Incasso" in text
    assert _held_items(world) == []


AGENCY = Agency("a1", "Incassobureau Noord B.V.", third_party_iban="NL91ABNA0417164300",
                wki_register_number="12345678")  # fmt: skip


@pytest.mark.parametrize("days, shown", [(-1, False), (0, True), (30, True)])
def test_the_letter_names_no_ended_entry(days: int, shown: bool) -> None:
    agency = replace(AGENCY, wki_registered_until=ON + timedelta(days=days))
    plan = replace(PLAN, agency_id="a1")
    note = agreement(plan, agency.name, agency.third_party_iban or "", "nl")
    pdf = schedule_pdf(
        CLIENT, DEBTOR, plan, note, ON, agency=agency, client_account=CLIENT.ibans[0]
    )
    lines = _read(pdf)[0].splitlines()
    assert ("Register incassodienstverlening 12345678" in lines) is shown
