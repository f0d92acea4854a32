"""Staff confirm a returned 14-day letter reached the debtor later, on a day he names: the
term runs fourteen days from the day after that day (art. 6:96 lid 6 BW; law5 finding 9)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.domain.messaging import OutboxStatus
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day

URL = "/v1/clients/C1/invoices/F1/fourteen-day-letter-received"


def _returned_letter(world: World) -> Any:
    """F1 1,000.00 due 2025-02-28; the 14-day letter posted Mon 2025-03-03 (assumed received
    Wed 03-05, costs from 03-20) is reported undeliverable on 03-07: the term is cleared."""
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
    day(world, client)
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    world.clock.at = datetime(2025, 3, 7, 9, 0, tzinfo=UTC)
    assert message.provider is not None and message.provider_id is not None
    assert world.services.messaging.record_status(
        message.provider, message.provider_id, OutboxStatus.UNDELIVERABLE, "retour afzender"
    )
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body.get("costs_owed_from") is None
    return a


def test_a_confirmed_late_receipt_starts_the_term_from_that_day(world: World) -> None:
    a = _returned_letter(world)
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    reply = a.call("POST", URL, {"received_on": "2025-03-31"})
    assert reply.status == 200, reply.body
    assert reply.body["costs_term_restored"] == ["F1"]
    # hand: received 03-31, term 04-01 .. 04-14 (a Monday), costs owed from 04-15; on 04-02
    # no costs (on main: 150.00 from the letter's own 03-20), interest 03-01 -> 04-02 on
    # 1,000 (32 d): 5.2603 -> 5.26
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-02").body
    assert claim["costs_owed_from"] == "2025-04-15"
    assert (claim["open"]["costs"], claim["open"]["interest"]) == ("0.00", "5.26")
    later = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-15").body
    assert later["open"]["costs"] == "150.00"  # 15 % of 1,000.00 once the term ran out


def test_a_receipt_date_in_the_future_before_the_letter_or_an_unknown_field_is_refused(
    world: World,
) -> None:
    a = _returned_letter(world)
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    for body, field in (
        ({"received_on": "2025-04-03"}, "received_on"),  # tomorrow
        ({"received_on": "2025-03-02"}, "received_on"),  # the day before it was posted
        ({"received": "2025-03-31"}, "received"),  # a misspelt field is not ignored
    ):
        reply = a.call("POST", URL, body)
        assert reply.status == 422, (body, reply.body)
        assert field in str(reply.body["error"]), reply.body
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body.get("costs_owed_from") is None
