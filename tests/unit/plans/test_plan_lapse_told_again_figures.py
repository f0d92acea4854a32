"""A lapse told again after a failure states the figures of its first telling (failure14b Q4).

Story of test_plan_lapse_notice_figures (principal-only plan; lapsed 8-3: 585.19 = 500.00
+ 10.19 interest + 75.00 costs from 8-3). The 8-3 installment job dies after the client's
plan_breached item was added (its answer lost); the debtor's notice was queued by then (and
in production sent). Before the host delivers the job again, 50.00 the debtor paid on 8-3 is
booked. The telling again read the ledger anew: the client's mail said 535.19, the item kept
585.19, and the debtor's stored notice was rewritten to 535.19."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from azure.core.exceptions import ServiceRequestError

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world
from tests.unit.plans.lapse_keys import the_lapse
from tests.unit.plans.test_plan_lapse_notice_figures import _at


def _plan_to_its_lapse(w: Any) -> tuple[Any, str]:
    a = w.agency_a
    _at(w, date(2026, 1, 6))
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]}).status == 200
    row = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    _at(w, date(2026, 1, 10))
    draft = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "start": "2026-01-31", "installments": 2,
        "include_costs": False, "agreed_by_debtor_on": "2026-01-10", "agreed_how": "phone",
    })  # fmt: skip
    plan_id = draft.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate").status == 200
    client = w.services.access.client_for(w.services.access.authenticate(a.key), "C1")
    _at(w, date(2026, 1, 31))
    w.services.payments.book(client, payment_id="p1", amount=50000, received_on=date(2026, 1, 31),
                             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    return client, plan_id


@pytest.mark.parametrize("paid_between", [False, True])
def test_a_lapse_told_again_after_money_landed_tells_the_first_figures(paid_between: bool) -> None:
    w: Any = make_world()
    client, plan_id = _plan_to_its_lapse(w)
    actions = w.services.repos.actions
    real_add = actions.add
    armed = {"on": False}

    def add(item: Any) -> Any:
        out = real_add(item)
        if armed["on"] and item.kind == "plan_breached":
            armed["on"] = False
            raise ServiceRequestError("answer lost (actions.add)")
        return out

    actions.add = add
    lapse_day = date(2026, 3, 8)
    on = date(2026, 2, 1)
    queued = ""
    while on <= lapse_day:
        _at(w, on)
        w.services.plans.fan_out(on)
        for m in w.services.messaging.queues.take("installments"):
            b = json.loads(m.body)
            args = (b["client_id"], b["plan_id"], on, date.fromisoformat(b["row_on"]))
            if on != lapse_day:
                w.services.plans.process(*args)
                continue
            armed["on"] = True
            with pytest.raises(ServiceRequestError):
                w.services.plans.process(*args)
            debtor_key, client_key = the_lapse(w, client.client_id, plan_id)
            queued = w.services.messaging.content(client.client_id, debtor_key).text
            if paid_between:
                w.services.payments.book(client, payment_id="p2", amount=5000,
                                         received_on=lapse_day, source=PaymentSource.BANK,
                                         invoice_numbers=["F1"])  # fmt: skip
            w.services.plans.process(*args)  # the host delivers the job again
        on += timedelta(days=1)

    debtor_key, client_key = the_lapse(w, client.client_id, plan_id)
    debtor = w.services.messaging.content(client.client_id, debtor_key).text
    mail = w.services.messaging.content(client.client_id, client_key).text
    [item] = [x for x in w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
              if x["kind"] == "plan_breached"]  # fmt: skip
    assert "Op 08-03-2026 is het openstaande bedrag van € 585,19" in queued
    assert debtor == queued  # the notice as queued (and sent) is the notice kept
    assert "Op 08-03-2026 is weer in zijn geheel opeisbaar: € 585,19" in mail
    assert "Incassokosten, verschuldigd vanaf 08-03-2026: € 75,00" in mail
    assert item["detail"]["open"] == 58519 and item["detail"]["costs"] == 7500
    assert not w.services.plans.plans.get(client.client_id, plan_id)[0].lapse_to_tell
