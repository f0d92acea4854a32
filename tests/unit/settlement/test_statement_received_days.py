"""A monthly client is settled by the first run of a month, and its statement's period is that
month (the "once per period" key): the run of 1 March 2027 headed February's payments "periode
2027-03", with nothing saying which days' money it held (newcomer24 F3), so the client's
bookkeeper filed February's collections under March. The heading names the days now."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pypdf

from shared.domain.parties import Agency
from tests.unit.api.conftest import client_row
from tests.unit.settlement.conftest import THIRD_PARTY, payment
from tests.unit.settlement.test_settlement_api import AGREEMENT, raw_get


def test_a_monthly_statement_names_the_days_its_payments_were_received(world: Any) -> None:
    world.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    monthly = {**AGREEMENT, "frequency": "monthly"}
    assert world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", monthly).status == 200
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    world.services.repos.payments.add(payment(cid, "p1", date(2027, 2, 3)))
    world.services.repos.payments.add(payment(cid, "p2", date(2027, 2, 20), "F2"))
    run = world.services.settlement_runs.run_agency("agency-a", date(2027, 3, 1))
    path = f"/v1/settlements/{run.run_id}/files/{run.run_id}-{cid}.pdf"
    status, pdf, _ = raw_get(world, world.agency_a.key, path)
    assert status == 200
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "periode 2027-03" in text
    assert "Betalingen ontvangen van 03-02-2027 tot en met 20-02-2027" in text
