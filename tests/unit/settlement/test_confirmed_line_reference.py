"""A statement line a person confirms keeps the reference the automatic booking would keep
(statement22's left): a line without an end-to-end id but with the bank's own reference was
kept under the payer's description ("geen kenmerk") when confirmed by hand, under the bank's
reference when booked by itself; the settlement statement names the debtor either way."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.settlement.agreement import Recipient
from shared.domain.statements.model import line_reference
from shared.domain.statements.parse import parse_statement_file
from tests.unit.settlement.test_bank_charges import ING_POOLED, _pooled_world, _settle
from tests.unit.settlement.test_money_the_client_received import _csv


def _no_e2e_file(reference: str) -> bytes:
    """ING's MT940 of the pooled account: a credit whose payer gave no end-to-end id; the bank's
    own reference after ``//``."""
    return (
        ":20:N10REF\n"
        f":25:{ING_POOLED}EUR\n:28C:00003\n:60F:C261201EUR0,00\n"
        ":61:2612021202C250,00NTRFNONREF//ING0042XYZ\n"
        ":86:/EREF/NOTPROVIDED//CNTP/CH9300762011623852957/UBSWCHZH80A/GASTHOF ALPEN AG///"
        f"REMI/USTD//{reference}/\n"
        ":62F:C261202EUR250,00\n-\n"
    ).encode()


def test_a_confirmed_line_keeps_the_reference_the_automatic_booking_keeps(world: Any) -> None:
    _pooled_world(world, Recipient.CLIENT)
    data = _no_e2e_file("geen kenmerk")
    [parsed] = parse_statement_file(data)
    [line] = parsed.lines
    assert line_reference(line) == "ING0042XYZ"  # what a booking by itself keeps
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    assert world.services.statements.ingest("agency-a/ing.sta", data).booked == 0
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    items, _ = world.services.repos.actions.list(cid)
    (item,) = [x for x in items if x.kind == "payment_suggestion"]
    reply = world.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{item.action_id}/confirm", {"invoices": ["N10-9"]}
    )
    assert reply.status == 200, reply.body
    (paid,) = list(world.services.settlements.store.payments_of(cid))
    assert (paid.reference, paid.debtor_number) == ("ING0042XYZ", "D1")
    statement = _settle(world, date(2026, 12, 3))
    rows = _csv(world, statement.csv)
    assert {tuple(r[9:]) for r in rows if r[0] == "payment"} == {
        ("D1", "Gasthof Alpen", "ING0042XYZ")
    }
