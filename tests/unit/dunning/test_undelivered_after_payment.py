"""A 14-day letter reported undeliverable after the debtor paid something past its term:
the costs that payment fixed are taken back and its money goes on interest and principal
(art. 6:96 lid 6 BW: no letter reached him; law5 finding 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.messaging import OutboxStatus
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day


def test_costs_a_payment_fixed_go_when_the_letter_comes_back(world: World) -> None:
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        a.call("PUT", f"/v1/clients/C1/templates/{tid}", body)
    wf = {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "templates": {"nl": "t-14"}},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 40,
         "offset_from": "previous_step"}]}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/workflows/w", wf).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    access = world.services.access
    assert a.key is not None
    principal = access.authenticate(a.key)
    assert principal is not None
    client = access.client_for(principal, "C1")
    day(world, client)  # the 14-day letter posted Mon 03-03: costs owed from 03-20
    world.clock.at = datetime(2025, 3, 25, 9, 0, tzinfo=UTC)
    paid = world.services.payments.book(
        client, payment_id="bank-1", amount=30_000, received_on=date(2025, 3, 25),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    assert {(x.component, x.amount) for x in paid.allocations} == {
        ("costs", 15_000), ("interest", 395), ("principal", 14_605),
    }  # fmt: skip
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert message.provider is not None and message.provider_id is not None
    world.clock.at = datetime(2025, 3, 28, 9, 0, tzinfo=UTC)
    for _ in range(2):  # reported twice: restated once
        assert world.services.messaging.record_status(
            message.provider, message.provider_id, OutboxStatus.UNDELIVERABLE, "retour afzender"
        )
    c = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    # hand: no letter reached him, no costs; 300.00 on 03-25: interest 03-01 -> 03-25 (24 d on
    # 1,000) 3.9452 -> 3.95, principal 296.05: 703.95 open (main: costs 150.00 kept, 853.95)
    assert (c["paid"]["costs"], c["paid"]["interest"], c["paid"]["principal"]) == (
        "0.00", "3.95", "296.05",
    )  # fmt: skip
    assert (c["open"]["costs"], c["open"]["principal"]) == ("0.00", "703.95")
    row = world.services.payments.repos.payments.get(client.client_id, "bank-1")
    assert row is not None and {(x.component, x.amount) for x in row.allocations} == {
        ("interest", 395), ("principal", 29_605),
    }  # fmt: skip
    items = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
             if i["kind"] == "delivery_failure"]  # fmt: skip
    assert len(items) == 1 and "costs charged on F1 are taken back" in items[0]["title"]
