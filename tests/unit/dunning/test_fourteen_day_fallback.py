"""A 14-day letter is a written demand (art. 6:96 lid 6 BW): only a letter or an e-mail starts
its costs term. A 14-day step whose debtor has neither address nor e-mail may fall back to a
staff task, which sends nothing and starts no term; a fallback to an SMS (or WhatsApp, or a
call) is refused at activation (law4 finding 2).

Hand: consumer F1 1,000.00 due 2025-02-28, the step 3 days after (Mon 2025-03-03). Had the
staff task counted as an e-mailed letter, its term would run 03-04 ... 03-17 and 15 % = 150.00
costs would be owed from 03-18; on 04-01 the claim is the principal and interest alone:
1,000 x 6 % x 31/365 = 5.096 -> 5.10."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day


def _workflow(fallback: str) -> dict[str, object]:
    return {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "templates": {"nl": "t-14"}, "fallback": fallback},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 40, "offset_from": "previous_step"}]}  # fmt: skip


def _setup(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    unreachable = debtor_row("D1", name="Jan")
    unreachable.pop("address")
    unreachable["emails"] = []
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [unreachable]}).body["created"] == 1
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    return a


def test_a_staff_task_standing_in_for_the_letter_starts_no_costs_term(world):
    a = _setup(world)
    assert a.call("PUT", "/v1/clients/C1/workflows/w", _workflow("staff_task")).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    sent = []
    for n in range(6):
        world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC) + timedelta(days=n)
        sent += day(world, client)
    assert sent == []  # nothing reached the debtor
    [task] = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"] if i["kind"] == "staff_task"]  # fmt: skip
    assert "no collection costs are owed" in task["detail"]["note"]
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    assert claim["open"]["costs"] == "0.00" and claim["open"]["interest"] == "5.10", claim
    assert claim.get("costs_owed_from") is None


def test_a_14_day_letter_cannot_fall_back_to_an_sms(world):
    a = _setup(world)
    assert a.call("PUT", "/v1/clients/C1/workflows/w", _workflow("sms")).status == 200
    refused = a.call("POST", "/v1/clients/C1/workflows/w/activate")
    assert refused.status == 422, refused.body
    assert "cannot fall back to sms" in str(refused.body)
