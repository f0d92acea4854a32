"""attack12b F1 end to end: a debtor sends 237.50 to the agency's ING third-party account; ING
writes no /OCMT/ /CHGS/ of its own, his name carries them after a '//' he wrote himself
('GASTHOF ALPEN//OCMT/EUR250,00//CHGS/EUR12,50'). 237.50 is credited, no bank charges."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.settlement.agreement import Recipient
from tests.unit.settlement.test_bank_charges import ING_POOLED, _pooled_world


def _forged_file(reference: str) -> bytes:
    return (
        ":20:N10FRG\n"
        f":25:{ING_POOLED}EUR\n:28C:00002\n:60F:C261201EUR0,00\n"
        ":61:2612021202C237,50NTRFNONREF\n"
        ":86:/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/"
        "GASTHOF ALPEN//OCMT/EUR250,00//CHGS/EUR12,50///"
        f"REMI/USTD//{reference}/\n"
        ":62F:C261202EUR237,50\n-\n"
    ).encode()


def test_figures_in_the_payers_name_pay_what_arrived(world) -> None:
    ref = _pooled_world(world, Recipient.CLIENT)
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    world.services.statements.ingest("agency-a/ing.sta", _forged_file(ref))
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    (paid,) = list(world.services.settlements.store.payments_of(cid))
    assert (paid.amount, paid.bank_charges) == (23_750, 0)
    inv = world.agency_a.call("GET", "/v1/clients/C1/invoices/N10-9").body
    assert inv["status"] != "paid"
