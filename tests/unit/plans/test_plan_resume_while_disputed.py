"""plans27 left: staff could resume a plan a dispute paused while its invoice was still
disputed, and nothing paused it again: the plan reminded and could lapse for a breach while the
debtor had read "U hoeft nu niets te betalen". Now the resume is refused (422
``plan_invoice_disputed``, its words saying the dispute ends first) while an invoice of the plan
is disputed; once the dispute is resolved the plan resumes by itself, as before.

Client C1's plan over F1 200.00 + F2 100.00, 3 x 100.00 from 31-1-2026; F1 disputed on 20-1."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.api.console.refusal_text import refusal
from shared.services.errors import Invalid
from tests.unit.plans.test_plan_service import BASE, make
from tests.unit.plans.test_plan_service import plans as plans


def test_a_dispute_paused_plan_is_not_resumed_while_the_dispute_stands(plans):
    world, _ = plans
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    assert (
        a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "never delivered"}).status
        == 200
    )
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "paused"

    world.clock.at = datetime(2026, 1, 22, 9, 0, tzinfo=UTC)
    refused = a.call("POST", f"{BASE}/{plan_id}/resume")
    assert refused.status == 422, refused.body
    (detail,) = refused.body["error"]["details"]
    assert detail["code"] == "plan_invoice_disputed"
    assert "F1" in detail["message"]
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert (got["status"], got["reason"]) == ("paused", "dispute: F1 disputed since 2026-01-20")

    # the dispute's end resumes it, as before
    world.clock.at = datetime(2026, 1, 25, 9, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute").status == 200
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "active"


def test_a_plan_paused_by_a_person_is_not_resumed_over_a_disputed_invoice(plans):
    world, _ = plans
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    assert a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": "debtor asked"}).status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    assert (
        a.call("POST", "/v1/clients/C1/invoices/F2/dispute", {"reason": "never delivered"}).status
        == 200
    )
    assert a.call("POST", f"{BASE}/{plan_id}/resume").status == 422
    assert a.call("POST", "/v1/clients/C1/invoices/F2/resolve-dispute").status == 200
    assert a.call("POST", f"{BASE}/{plan_id}/resume").status == 200


def test_the_refusal_reads_dutch():
    said = Invalid("x", code="plan_invoice_disputed", params={"invoices": "F1"})
    assert refusal(said, "nl").startswith("Factuur F1 van deze regeling wordt betwist")


def test_a_persons_pause_may_not_wear_a_disputes_words(plans):
    """attack28 F4: a person pausing with "dispute: klant 2020-01-01" had the plan read as
    paused by a dispute since 2020, and the system would resume it with its unpaid
    installments moved on by about six years. Such a reason is refused; others pause."""
    world, _ = plans
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    for reason in ("dispute: klant 2020-01-01", "  Dispute: F1 disputed since 2020-01-01"):
        refused = a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": reason})
        assert refused.status == 422, (reason, refused.body)
        (detail,) = refused.body["error"]["details"]
        assert detail["code"] == "plan_reason_reserved"
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "active"
    assert a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": "debtor disputes"}).status == 200
    said = Invalid("x", code="plan_reason_reserved")
    assert refusal(said, "nl").startswith("Een reden die met 'dispute:' begint")
