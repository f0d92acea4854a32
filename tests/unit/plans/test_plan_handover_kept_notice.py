"""lawyer18 L1: a consumer keeps his whole-claim plan over F1 and F2; F1 goes to the agency.

The hand-over ends the plan, and its release keeps what a kept plan gave him (law16b F4): the
dunning, the costs and the interest wait for the last installment's grace. The notice said only
"we ask no more installments; about F2 you will hear from us". He heard nothing, and on
9-5-2025 F2 owed 75.00 costs (15 % x 500.00) that paying by 8-5 would have avoided. The
notice now tells him that day, what each invoice asks by then and to whom, as a staff cancel
of a kept plan does (the agency collects F1 for the client, on its pooled account under the
quote that books there)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.api.console.action_text import title
from shared.domain.parties import Agency
from shared.domain.statements.client_code import client_code
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_costs_arrangements import _on, _pay
from tests.unit.plans.test_plan_ends_on_handover import hand_over
from tests.unit.plans.test_plan_mollie import actions, the_client
from tests.unit.plans.test_plan_service import BASE, run_day


def _claim(a: Any, number: str, day: str) -> Any:
    return a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on=day).body


def test_a_kept_plan_ended_by_the_hand_over_tells_the_day_and_whom_to_pay(world: Any) -> None:
    world.services.repos.agencies.save(Agency("agency-a", "AGENCY-A", "NL20INGB0001234567",
                                              "incasso@agency-a.example"))  # fmt: skip
    _on(world, date(2025, 2, 14), 9)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="ar@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="500.00", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    made = a.call("POST", BASE, {"debtor": "D1", "invoices": ["F1", "F2"], "start": "2025-03-01",
                                 "installments": 3, "include_costs": True}).body  # fmt: skip
    pid = made["plan_id"]
    assert [i["amount"] for i in made["installments"]] == ["501.07"] * 3
    assert a.call("POST", f"{BASE}/{pid}/activate").status == 200
    _pay(world, a, "p1", 50_107, date(2025, 3, 1))
    run_day(world, date(2025, 3, 1))
    world.clock.at = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    client = the_client(world)
    hand_over(world, client, ("F1",))
    hook = world.services.dunning.plans_handed_over
    assert hook is not None
    hook(client, "D1")
    assert a.call("GET", f"{BASE}/{pid}").body["status"] == "cancelled"
    key = f"plan|{pid}|handed-over|2025-03-10|agency-a"
    text = world.services.messaging.content(client.client_id, key).text
    assert "dat die nu voor Client C1 int" in text  # the client stays the creditor
    assert (
        "U bent de regeling nagekomen. U mag wat nog openstaat betalen tot en met 08-05-2025; "
        "tot die dag wordt het niet van u opgeëist. Betaalt u het uiterlijk op die dag, dan "
        "worden er geen incassokosten in rekening gebracht."
    ) in text
    assert (
        "Betaal F1 (€ 501,07) niet meer aan ons, maar aan AGENCY-A, rekening NL20INGB0001234567 "
        f"onder vermelding van {client_code(client.client_id)} D1 F1"
    ) in text
    assert (
        "F2 (€ 501,07) betaalt u aan ons, Client C1: naar NL94ABNA0000017201 onder vermelding "
        "van D1 F2."
    ) in text
    assert "Over F2 hoort u van ons" not in text
    # the agency, collecting for the client, is bound by the same day: staff read it
    [item] = actions(world, "plan_handed_over")
    assert item["title"].endswith(
        "; the debtor kept it: he may pay up to and including 2025-05-08, claim nothing before"
    )
    assert title(item["title"], "nl").endswith(
        "; de debiteur kwam de regeling na: hij mag betalen tot en met 08-05-2025, vorder niets "
        "eerder"
    )
    # what he is told is what the ledger holds: F2 501.07 without costs to 8-5, not after
    on_last = _claim(a, "F2", "2025-05-08")
    assert on_last["open"]["total"] == "501.07" and on_last["costs_owed_from"] == "2025-05-09"
    assert _claim(a, "F1", "2025-05-08")["open"]["total"] == "501.07"
