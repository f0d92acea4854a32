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
from shared.domain.parties import Agency
from shared.services.onboarding import register_agency
from shared.services.plans.notices import agreement
from shared.services.plans.schedule_pdf import schedule_pdf
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.plans.test_agency_plan import _plan
from tests.unit.plans.test_plan_agreement_pdf import CLIENT, DEBTOR, ON, PLAN, _read

POOLED = client_iban("POOL")


def _case(world: Any, kind: str, until: date) -> tuple[str, str]:
    """Client TECH, debtor K101 (``kind``) with 24-0502 of 1,000.00 handed over to the agency,
    whose registration IDV-1 runs until ``until``: (the client's id, the case)."""
    register_agency(world.services.repos,
                    Agency("agency-a", "Noord Incasso", POOLED, contact_email="desk@noord.example",
                           wki_register_number="IDV-1", wki_registered_until=until))  # fmt: skip
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("TECH", contact_email="tech@example.nl")]})
    verify_ibans(a, "TECH")
    a.call("POST", "/v1/clients/TECH/debtors",
           {"items": [debtor_row("K101", name="J. de Vries", kind=kind)]})  # fmt: skip
    a.call("POST", "/v1/clients/TECH/invoices", {"items": [invoice_row(
        "24-0502", "K101", amount="1000.00", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    repos = world.services.repos
    tech_id = repos.clients.id_for_number("agency-a", "TECH")
    tech = repos.clients.get(tech_id)[0]
    stored = repos.invoices.get(tech_id, "24-0502")
    debtor = repos.debtors.get(tech_id, "K101")[0]
    world.services.dunning.cases.hand_over(tech, debtor, [stored.invoice], date(2025, 3, 3),
                                           costs=15_000, interest=0)  # fmt: skip
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    [case] = a.call("GET", "/v1/cases").body["items"]
    return tech_id, str(case["case_id"])


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
    lines = _read(schedule_pdf(CLIENT, DEBTOR, plan, note, ON, agency=agency))[0].splitlines()
    assert ("Register incassodienstverlening 12345678" in lines) is shown
