"""The prescription warning of the daily run counts the claim's kind and the written demands
Inning's dunning sent that reached the debtor (art. 7:28, 3:307, 3:317, 3:319 BW; see
shared/domain/law/demands.py for which messages count)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day

WORKFLOW = {
    "name": "Particulier",
    "steps": [
        {"name": "Herinnering", "channel": "email", "offset_days": 7, "templates": {"nl": "t-reminder"}},
        {"name": "SMS", "channel": "sms", "offset_days": 280, "offset_from": "previous_step", "templates": {"nl": "t-sms"}},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 365, "offset_from": "previous_step"},
    ],
}  # fmt: skip


@pytest.fixture
def engine(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2024, 5, 20, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D2", name="Piet")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    rules = {"rules": [{"workflow": "particulier"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client


def warnings(world):
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [a for a in items if a["kind"] == "prescription"]


def test_an_email_reminder_that_reached_the_debtor_moves_the_warning(engine):
    world, client = engine
    # a consumer's claim due 2023-03-20 whose kind was not given: a sale, 2 years (7:28 BW),
    # prescribing 2025-03-21 without a demand; the same claim as a service prescribes in 5
    sale = invoice_row("OLD", "D2", invoice_date="2023-02-01", due_date="2023-03-20")
    service = invoice_row(
        "SVC", "D2", invoice_date="2023-02-01", due_date="2023-03-20", claim_kind="other"
    )
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [sale, service]})
    assert reply.body["created"] == 2, reply.body
    world.clock.at = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)  # a Monday
    sent = day(world, client)
    assert [(ch, inv) for _, ch, _, inv in sent] == [("email", ("OLD", "SVC"))]
    assert warnings(world) == []  # 2025-03-21 is more than 60 days away
    # the e-mail reached the debtor on 2024-06-03: a new 2-year period from 2024-06-04
    # (3:319 lid 2: the same length as the original), so 2026-06-04 by Inning's count. But a
    # sent e-mail is no proof of receipt (3:37 lid 3): if the debtor denies it the claim
    # prescribes on 2025-03-21, so 60 days before that a warning says so (law4 finding 9;
    # on main nothing came before 2025-03-21)
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    sent = day(world, client)
    assert [ch for _, ch, _, _ in sent] == ["sms"]  # an SMS is no written demand
    [weak] = warnings(world)
    assert weak["invoice_numbers"] == ["OLD"]
    assert weak["detail"] == {"prescribes_on": "2025-03-21", "term_years": 2,
                              "unless_proven": ["2024-06-03"]}  # fmt: skip
    assert "prescribes on 21-03-2025" in weak["title"]
    assert "unless Inning's e-mail of 03-06-2024 can be proven" in weak["title"]
    assert "registered stuitingsbrief" in weak["title"]
    # 60 days before 2026-06-04 the warning comes, counted from the e-mail, not the SMS
    world.clock.at = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)
    day(world, client)
    found = [w for w in warnings(world) if "interrupted_by" in w["detail"]]
    assert [w["invoice_numbers"] for w in found] == [["OLD"]]  # SVC has 5 years: 2028
    assert found[0]["detail"] == {
        "prescribes_on": "2026-06-04",
        "term_years": 2,
        "claim_kind": None,
        "interrupted_by": ["2024-06-03"],
    }
    assert "04-06-2026" in found[0]["title"] and "03-06-2024" in found[0]["title"]
    assert "kind was not given" in found[0]["title"]
    world.clock.at = datetime(2026, 4, 7, 8, 0, tzinfo=UTC)
    day(world, client)
    assert len(warnings(world)) == 2  # once per date: the unproven one and this one


def test_a_bounced_reminder_interrupts_nothing(engine):
    world, client = engine
    sale = invoice_row("OLD", "D2", invoice_date="2023-02-01", due_date="2023-03-20")
    world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [sale]})
    world.clock.at = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)
    day(world, client)
    services = world.services
    [(message, _)] = services.messaging.outbox.with_prefix(client.client_id, "dun|D2|")
    assert message.provider and message.provider_id
    from shared.domain.messaging import OutboxStatus

    assert services.messaging.record_status(
        message.provider, message.provider_id, OutboxStatus.BOUNCED, "mailbox unknown"
    )
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    day(world, client)
    [found] = warnings(world)
    assert found["detail"]["prescribes_on"] == "2025-03-21"
    assert found["detail"]["interrupted_by"] == []
    assert "no written demand of Inning reached the debtor" in found["title"]


def test_a_posted_letter_counts_from_its_assumed_receipt(engine):
    world, client = engine
    a = world.agency_a
    letters = {
        "name": "Brief",
        "steps": [
            {"name": "Brief", "channel": "letter", "offset_days": 7, "templates": {"nl": "t-reminder"}},
            {"name": "Bellen", "channel": "staff_task", "offset_days": 365, "offset_from": "previous_step"},
        ],
    }  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/workflows/brief", letters).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/brief/activate").status == 200
    rules = {"rules": [{"workflow": "brief"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    sale = invoice_row("OLD", "D2", invoice_date="2023-02-01", due_date="2023-03-20")
    a.call("POST", "/v1/clients/C1/invoices", {"items": [sale]})
    world.clock.at = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)  # Monday: posted
    assert [ch for _, ch, _, _ in day(world, client)] == ["letter"]
    # received on the second postal delivery day, Wednesday 2024-06-05 (not the day it was
    # posted): 2 years from the 6th; the next run is the staff task's, 60 days before
    world.clock.at = datetime(2026, 4, 7, 8, 0, tzinfo=UTC)
    day(world, client)
    [found] = [w for w in warnings(world) if "interrupted_by" in w["detail"]]
    assert found["detail"]["prescribes_on"] == "2026-06-06"
    assert found["detail"]["interrupted_by"] == ["2024-06-05"]
