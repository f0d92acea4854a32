"""money26: a disputed invoice paid in full by a booking closes its dispute item at that
booking (newcomer19 F6's daily look found it the next morning: the item "Betwisting van
factuur F1" and Today's "Betwisting 1" stood a day for a debt paid). Once on a redelivery; a
part payment, and a dispute on another invoice, leave their items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.domain.records import ActionStatus, PaymentSource
from tests.unit.api.conftest import World
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants
from tests.unit.services.test_dispute_item_ends import API, _disputed, _today_count, _waiting


def _pay(world: World, tenants: Tenants, payment_id: str, cents: int) -> None:
    client = world.services.repos.clients.get(tenants.c1)
    assert client is not None
    world.services.payments.book(
        client[0], payment_id=payment_id, amount=cents, received_on=date(2025, 3, 20),
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"], external_id=f"tr_{payment_id}",
    )  # fmt: skip


def test_the_booking_that_pays_a_disputed_invoice_closes_its_dispute_item(
    world: World, tenants: Tenants
) -> None:
    item = _disputed(world, tenants)
    assert world.agency_a.call("POST", f"{API}/G1/dispute", {"reason": "wrong"}).status == 200
    _pay(world, tenants, "part", 1_000)  # 10.00: F1 still disputed
    assert len(_waiting(world, tenants)) == 2

    claim = world.agency_a.call("GET", f"{API}/F1/claim").body
    cents = int(Decimal(claim["open"]["total"]) * 100)  # its costs and interest too, if any
    _pay(world, tenants, "rest", cents)
    _pay(world, tenants, "rest", cents)  # the webhook again: nothing more
    found = world.services.repos.actions.get(tenants.c1, item.action_id)
    assert found is not None and found[0].status is ActionStatus.RESOLVED  # no daily run
    assert found[0].resolution == "dispute over without this item: F1 paid"
    assert [i.invoice_numbers for i in _waiting(world, tenants)] == [("G1",)]
    assert _today_count(world, tenants) == 1
