"""failure12b C: the agency confirms Kees's 420.00 on the pooled account for C2 on H-1 and the
worker dies right after the line's claim; C2 then credits H-1. Finishing that claim later is
the same confirm made later, and a confirm on a credited invoice is refused (stmt12): before,
C2's daily run (or a colleague's confirm for C3 on Z-1) booked the 420.00 as C2's overpayment
on credited H-1, marked the line booked for C2 and closed the item, and C3's Z-1 could no
longer be paid with it. Now the claim is released: the line unbooked, the item open naming
H-1 as not booked on, and the money free for the invoice it pays."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.api.console.action_text import detail_label
from shared.domain.records import ActionStatus
from shared.services.claimed_lines import NOT_BOOKED_ON
from tests.faults.test_claimed_line_never_stuck import (
    _claimed_then_crashed,
    _daily_run,
    _item_status,
    _line,
    _payments,
)
from tests.faults.test_pooled_confirm_under_faults import _code, _confirm
from tests.unit.api.conftest import World
from tests.unit.statements.test_pooled_known_payers import status


def _kinds(world: World, number: str) -> list[str]:
    client_id = world.agency_a.call("GET", f"/v1/clients/{number}").body["client_id"]
    return [i.kind for i in world.services.repos.actions.list(client_id)[0]]


def _not_booked_on(world: World, scope: str, action_id: str) -> object:
    found = world.services.repos.actions.get(scope, action_id)
    assert found is not None
    return found[0].detail.get(NOT_BOOKED_ON)


def test_the_daily_run_releases_a_claim_on_an_invoice_credited_meanwhile() -> None:
    world, item = _claimed_then_crashed()
    credited = world.agency_a.call("POST", "/v1/clients/C2/invoices/H-1/credit")
    assert credited.status == 200, credited.body
    _daily_run(world, "C2", datetime(2025, 3, 4, 5, 0, tzinfo=UTC))
    assert _payments(world, "C2") == []
    assert "overpayment" not in _kinds(world, "C2")
    line = _line(world, item)
    assert (line.status, line.client_id, line.invoices) == ("suggested", None, ())
    assert _item_status(world, item) is ActionStatus.OPEN
    assert _not_booked_on(world, item.client_id, item.action_id) == "H-1"
    # the agency books the money on the invoice it does pay
    assert _confirm(world, item.action_id, "C3", "Z-1").status == 200
    assert (status(world, "C2", "H-1"), status(world, "C3", "Z-1")) == ("credited", "paid")
    assert _line(world, item).status == "booked"
    # the next run finds no claim of C2 left
    _daily_run(world, "C2", datetime(2025, 3, 5, 5, 0, tzinfo=UTC))
    assert _payments(world, "C2") == []
    c2 = world.agency_a.call("GET", "/v1/clients/C2").body["client_id"]
    assert world.services.repos.banking.claims_of(c2) == []


def test_a_colleagues_confirm_releases_the_claim_and_books_on_the_invoice_it_pays() -> None:
    world, item = _claimed_then_crashed()
    assert world.agency_a.call("POST", "/v1/clients/C2/invoices/H-1/credit").status == 200
    colleague = _confirm(world, item.action_id, "C3", "Z-1")
    assert colleague.status == 200, _code(colleague)
    assert (_payments(world, "C2"), _payments(world, "C3")) == ([], [42_000])
    assert (status(world, "C2", "H-1"), status(world, "C3", "Z-1")) == ("credited", "paid")
    line = _line(world, item)
    assert (line.status, line.invoices) == ("booked", ("Z-1",))
    assert _item_status(world, item) is ActionStatus.RESOLVED


def test_the_same_confirm_repeated_after_the_credit_is_refused_and_frees_the_line() -> None:
    world, item = _claimed_then_crashed()
    assert world.agency_a.call("POST", "/v1/clients/C2/invoices/H-1/credit").status == 200
    again = _confirm(world, item.action_id, "C2", "H-1")
    assert (again.status, _code(again)) == (422, "invoice_not_payable")
    assert _payments(world, "C2") == []
    line = _line(world, item)
    assert (line.status, line.client_id) == ("suggested", None)
    assert _item_status(world, item) is ActionStatus.OPEN
    assert _confirm(world, item.action_id, "C3", "Z-1").status == 200
    assert status(world, "C3", "Z-1") == "paid"


def test_the_not_booked_detail_reads_in_both_languages() -> None:
    assert detail_label(NOT_BOOKED_ON, "nl").startswith("Niet geboekt op")
    assert detail_label(NOT_BOOKED_ON, "en").startswith("Not booked on")
