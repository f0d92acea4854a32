"""returns14's leftover: a person's confirm of a line whose amount is one invoice's open total
to the cent (a tacit designation, 6:43 lid 1): the ledger took the booking, the payment row's
write failed. The confirm repeated read the designation again from claims that already held
the money (F-0001 0.00 open, no longer the amount) and stored it as none. The designation is
decided before the claim, written down with it (banking_repo ``claim_for_booking``) and used
on the retry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.tables.schema import PAYMENTS
from shared.clock import amsterdam_date
from shared.domain.statements.mt940_writer import OutLine
from shared.services.claimed_lines import LEASE
from tests.support.faults import FaultPlan
from tests.unit.api.conftest import World, make_world
from tests.unit.services.test_statement_ingest import statement
from tests.unit.statements.test_statement_line_designation import DAY, _debtor_in, _payment

STRANGER = "NL39RABO0300065264"  # an account nobody knows: the line waits for a person


def _item(world: World, cents: int, text: str) -> str:
    line = OutLine(DAY, cents, text, counterparty_iban=STRANGER, counterparty_name="J de Vries")
    world.services.statements.ingest("agency-a/s.sta", statement([line]))
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    [item] = [x for x in items if x["kind"] in ("payment_suggestion", "unmatched_credit")]
    return str(item["action_id"])


@pytest.mark.parametrize("retry", [None, "confirm-again", "daily-run"])
@pytest.mark.parametrize(
    ("cents", "text", "designation", "booked"),
    [
        (100_00, "overboeking", ("F-0001",), {"F-0001": 100_00}),  # tacit
        (60_00, "overboeking", (), {"F-0002": 60_00}),  # a tick is no designation
    ],
    ids=["tacit", "ticked"],
)
def test_a_confirm_keeps_its_designation_when_repeated_after_the_ledger_took_the_money(
    retry: str | None, cents: int, text: str, designation: tuple[str, ...], booked: dict[str, int]
) -> None:
    plan = FaultPlan()
    world = _debtor_in(make_world(faults=plan))
    action_id = _item(world, cents, text)
    confirm = (f"/v1/clients/C1/actions/{action_id}/confirm", {"invoices": ["F-0001"]})
    if retry is not None:
        plan.rule(lambda op, table: op in ("insert", "transact") and table == PAYMENTS, "timeout")
        failed = world.agency_a.call("POST", *confirm)
        assert failed.status == 503, failed.body  # the storage timed out: try again
        assert [t for _, _, t in plan.log] == [PAYMENTS]
        client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
        assert client_id and world.services.repos.payments.list(client_id)[0] == []  # row lost
        if retry == "daily-run":  # the client's run, once the claim is older than a confirm
            at = world.services.clock.now() + LEASE + timedelta(minutes=1)
            world.services.clock.at = at  # type: ignore[attr-defined]
            world.services.dunning.run_client(client_id, amsterdam_date(at))
    if retry != "daily-run":
        done = world.agency_a.call("POST", *confirm)
        assert done.status == 200, done.body
    assert _payment(world) == (designation, booked)  # tacit was (): as if undesignated
