"""review26: the agency's plan found kept after its lapse is told to the agency.

The lapse of the agency's plan goes to the agency ("hervat de incasso van de zaak",
agencyplan26 F5/F8). Money paid within the grace but booked after the lapse keeps the plan
(owed_notices ``kept``): that news went to the client's address, telling it its dunning was on
hold again, and the agency, told to resume collecting the case, never heard the plan runs on."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.adapters.tables.keys import decode
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.unit.plans.test_agency_plan import PAYER, POOLED, _at, _case, _plan


def test_a_kept_agency_plan_is_told_to_the_agency_not_the_client(world: Any) -> None:
    case = _case(world)
    plan = _plan(world, case)
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    for day in (date(2025, 3, 20), date(2025, 4, 1), date(2025, 4, 12)):
        _at(world, day)
        world.services.plans.process(tech_id, plan["plan_id"], day)
    lapsed = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert lapsed["status"] == "cancelled", lapsed
    # installment 1, paid on 14 March (within its grace), on a file read after the lapse
    paid_on = date(2025, 3, 14)
    line = OutLine(paid_on, 38_497, "", counterparty_iban=PAYER, counterparty_name="J DE VRIES",
                   reference=plan["payment_reference"], end_to_end_id="E-LATE")  # fmt: skip
    _at(world, date(2025, 4, 13))
    data = write_mt940(POOLED, [line], opening=0, opening_date=paid_on, statement_id="E-LATE")
    assert world.services.statements.ingest("agency-a/E-LATE.sta", data.encode()).booked == 1
    world.services.plans.process(tech_id, plan["plan_id"], date(2025, 4, 13))
    kept = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert kept["status"] != "cancelled", kept

    keys = [decode(r.rk) for r in world.store.query("Outbox", pk=tech_id).rows]
    [key] = [k for k in keys if k.startswith("plan|") and "|kept-" in k and k.endswith("-client")]
    mail = world.services.messaging.outbox.get(tech_id, key)
    assert mail is not None and mail[0].to == "desk@noord.example", mail
    text = world.services.messaging.content(tech_id, key).text
    assert "zet de hervatte incasso van de zaak stil" in text and "aanmaningen" not in text, text
