from datetime import UTC, date, datetime

from shared.domain.settlement.statement import Recipient
from tests.unit.settlement.test_bank_charges import _ing_file, _pooled_world, _settle


def test_probe(world) -> None:
    _pooled_world(world, Recipient.CLIENT)
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    world.services.statements.ingest("agency-a/ing.sta", _ing_file("geen kenmerk"))
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    items, _ = world.services.repos.actions.list(cid)
    (item,) = [x for x in items if x.kind == "payment_suggestion"]
    print("DETAIL", item.detail)
    reply = world.agency_a.call("POST", f"/v1/clients/C1/actions/{item.action_id}/confirm", {"invoices": ["N10-9"]})
    assert reply.status == 200
    (paid,) = list(world.services.settlements.store.payments_of(cid))
    print("PAID", paid)
    s = _settle(world, date(2026, 12, 3))
    print("CSV", world.services.files.get("settlements", s.csv).decode() if hasattr(s, "csv") else s)
    assert 0
