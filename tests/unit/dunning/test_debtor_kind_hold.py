"""law11 #7: a consumer's claim held as past its prescription date is not let go by
correcting the debtor to a business. By hand: F1 800.00 due 31-12-2023, no claim kind given
(a consumer sale): 7:28 BW two years from 1-1-2024, prescribed on 1-1-2026; as a business's
claim 3:307's five years would run to 1-1-2029 and lift the hold. An import may not lift a
hold (attack7 #2); a kind correction is refused the same way, to an administrator too."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.services.prescription_watch import PrescriptionWatch
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day


def test_a_kind_correction_does_not_lift_a_prescription_hold(world):  # type: ignore[no-untyped-def]
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", invoice_date="2023-12-01", due_date="2023-12-31", amount="800.00",
    )]}).body["created"] == 1  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    day(world, client)
    services = world.services
    watch = PrescriptionWatch(services.repos, services.messaging.outbox, world.clock)

    def held() -> set[str]:
        [(debtor, _)] = services.repos.debtors.get_many(client.client_id, ["D1"]).values()
        invoices = services.repos.invoices.for_debtor(client.client_id, "D1")
        return watch.held(client.client_id, debtor, invoices, date(2026, 1, 12))

    assert held() == {"F1"}
    world.clock.at = datetime(2026, 1, 11, 8, 0, tzinfo=UTC)
    reply = a.call("POST", "/v1/clients/C1/debtors",
                   {"items": [debtor_row("D1", name="X", kind="b2b")]})  # fmt: skip
    assert reply.body["updated"] == 0 and reply.body["rejected"] == 1, reply.body
    [error] = reply.body["errors"]
    assert error["field"] == "kind" and "prescription" in error["message"], error
    assert a.call("GET", "/v1/clients/C1/debtors/D1").body["kind"] == "b2c"
    assert held() == {"F1"}
