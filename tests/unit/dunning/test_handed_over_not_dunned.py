"""Once an invoice is handed over (``handed_over_to``), the claim is the agency's to collect:
the client's workflow sends nothing more for it until the case is withdrawn (dunning16 F2:
the client's e-mail and SMS still went out 5 and 10 days after the case was opened)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.domain.dunning.workflow import activation_errors
from shared.domain.reasons import Reason
from shared.services.dunning import still_due
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, world  # noqa: F401
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, WORKFLOW, simulate

STEPS = [*WORKFLOW["steps"][:3],
         {"name": "Overdracht", "channel": "handover", "offset_days": 20, "offset_from": "previous_step"},
         {"name": "Laatste kans", "channel": "email", "offset_days": 5, "offset_from": "previous_step", "templates": {"nl": "t-reminder"}},
         {"name": "SMS na overdracht", "channel": "sms", "offset_days": 5, "offset_from": "previous_step", "templates": {"nl": "t-sms"}}]  # fmt: skip


def _client(world):  # noqa: F811
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    r = a.call(
        "PUT", "/v1/clients/C1/workflows/particulier", {"name": "Particulier", "steps": STEPS}
    )
    assert r.status == 200, r.body
    return a, world.services.access.client_for(world.services.access.authenticate(a.key), "C1")


def test_a_workflow_with_steps_after_its_hand_over_is_not_activated(world):  # noqa: F811
    a, client = _client(world)
    r = a.call("POST", "/v1/clients/C1/workflows/particulier/activate")
    assert r.status == 422
    said = [d["message"] for d in r.body["error"]["details"]]
    assert said == ["step 4 (Overdracht) hands the claim over to the agency: no step may come "
                    "after it (2 do)"]  # fmt: skip
    workflow, _ = world.services.repos.dunning.workflow(client.client_id, "particulier")
    templates = world.services.repos.dunning.templates(client.client_id)
    [error] = activation_errors(workflow, templates)
    assert isinstance(error, Reason)
    assert error.code == "step_after_handover"
    assert error.params == {"n": 4, "step": "Overdracht", "count": 2}


def test_an_active_workflow_with_steps_after_the_hand_over_stops_at_it(world):  # noqa: F811
    a, client = _client(world)
    # one activated before activation refused it: the run holds the handed-over invoice
    repo = world.services.repos.dunning
    workflow, etag = repo.workflow(client.client_id, "particulier")
    repo.save_workflow(client.client_id, replace(workflow, active=True), etag)
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "particulier"}]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1", due_date="2025-03-10", amount="400.00")]})  # fmt: skip
    log = simulate(world, client, 70)
    [case] = [c for c in a.call("GET", "/v1/cases").body["items"] if c["debtor_number"] == "D1"]
    opened = case["created_at"][:10]
    assert opened == "2025-04-18"
    sent = [(d.isoformat(), ch) for d, ch, debtor, _ in log if debtor == "D1"]
    assert sent == [("2025-03-17", "email"), ("2025-03-22", "sms"), ("2025-03-29", "letter")]
    # withdrawn, the invoice returns to the client's dunning: its next steps go on
    r = a.call("POST", f"/v1/cases/{case['case_id']}/withdraw", {"reason": "terug naar klant"})
    assert r.status == 200, r.body
    later = simulate(world, client, 8)
    assert [ch for _, ch, debtor, _ in later if debtor == "D1"] == ["email"]


def test_a_waiting_reminder_of_a_handed_over_invoice_is_not_sent(world):  # noqa: F811
    a, client = _client(world)
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1", due_date="2025-03-10", amount="400.00")]})  # fmt: skip
    repos = world.services.repos
    assert still_due(repos, client.client_id, "D1", ["F1"], date(2025, 4, 20)) == (["F1"], {})
    stored = repos.invoices.get(client.client_id, "F1")
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    due, why = still_due(repos, client.client_id, "D1", ["F1"], date(2025, 4, 20))
    assert due == [] and why == {"F1": "overgedragen aan het incassobureau"}
