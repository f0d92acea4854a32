"""failure12 F1: the agency confirms Kees's 420.00 on the pooled account for C2 on H-1 and the
worker dies right after the statement line's claim. The colleague who then confirms it for C3
was told "booked for client C2 on H-1 already" (only claimed), resolved the item by hand, and
the line stayed ``booking`` for ever: the money that arrived was booked on nothing, and no
list said so. Now whoever meets the claim books it as claimed: the colleague's confirm (then
refused, truthfully), a repeat, or C2's daily run once the claim is older than a confirm could
take; closing the item by hand is refused while the line is claimed and unbooked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters.tables.banking_repo import STATEMENT_LINES
from shared.adapters.tables.keys import encode
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.scopes import agency_scope
from tests.faults.test_pooled_confirm_under_faults import _code, _confirm, _nth, _world
from tests.unit.api.conftest import World
from tests.unit.statements.test_pooled_known_payers import POOL, pay, status

POOL_PK = encode(POOL)


def _claimed_then_crashed() -> tuple[World, ActionItem]:
    world, plan = _world()
    assert pay(world, "Bedankt", "S1", 42_000).suggested == 1
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    [item] = [x for x in items if x.kind == "payment_suggestion"]
    plan.rule(_nth(STATEMENT_LINES, 1), "crash_after")
    assert _confirm(world, item.action_id, "C2", "H-1") is None  # died after the claim
    plan.rules.clear()
    assert _line(world, item).status == "booking"
    return world, item


def _line(world: World, item: ActionItem) -> Any:
    return world.services.repos.banking.line(POOL, str(item.detail["line_id"]))


def _item_status(world: World, item: ActionItem) -> ActionStatus:
    found = world.services.repos.actions.get(item.client_id, item.action_id)
    assert found is not None
    return found[0].status


def _daily_run(world: World, number: str, at: datetime) -> None:
    world.clock.at = at
    services = world.services
    [client] = [c for c in services.repos.clients.all() if c.number == number]
    services.dunning.run_client(client.client_id, at.date())


def _payments(world: World, number: str) -> list[int]:
    body = world.agency_a.call("GET", f"/v1/clients/{number}/payments").body
    return [p["amount"] for p in body["items"]]


def test_a_colleagues_confirm_books_the_claim_before_it_says_booked() -> None:
    world, item = _claimed_then_crashed()
    colleague = _confirm(world, item.action_id, "C3", "Z-1")
    assert (colleague.status, _code(colleague)) == (422, "statement_line_taken")
    # what the refusal says is now so: the 420.00 stands on H-1, once, and nothing on Z-1
    assert (status(world, "C2", "H-1"), status(world, "C3", "Z-1")) == ("paid", "open")
    assert (_payments(world, "C2"), _payments(world, "C3")) == ([42_000], [])
    assert _line(world, item).status == "booked"
    # believing it, the colleague closes the item: nothing is lost by that any more
    done = world.agency_a.call(
        "POST", f"/v1/actions/{item.action_id}/resolve", {"resolution": "booked already"}
    )
    assert done.status == 200
    assert _payments(world, "C2") == [42_000]


def test_the_item_is_not_closed_by_hand_while_its_line_is_claimed_and_unbooked() -> None:
    world, item = _claimed_then_crashed()
    refused = world.agency_a.call(
        "POST", f"/v1/actions/{item.action_id}/resolve", {"resolution": "booked already"}
    )
    assert (refused.status, _code(refused)) == (422, "statement_line_booking")
    assert _item_status(world, item) is ActionStatus.OPEN
    again = _confirm(world, item.action_id, "C2", "H-1")  # what the refusal asks for
    assert again.status == 200
    assert status(world, "C2", "H-1") == "paid" and _line(world, item).status == "booked"
    assert _item_status(world, item) is ActionStatus.RESOLVED


def test_the_claimed_clients_daily_run_books_a_claim_whose_confirm_stopped() -> None:
    world, item = _claimed_then_crashed()
    claimed = world.clock.now()
    # a confirm may still be on its way within minutes: the run leaves the claim alone
    _daily_run(world, "C2", claimed + timedelta(minutes=5))
    assert _line(world, item).status == "booking"
    # the next morning: another client's run does not book C2's claim; C2's own does
    next_day = datetime(2025, 3, 4, 5, 0, tzinfo=UTC)
    _daily_run(world, "C3", next_day)
    assert _line(world, item).status == "booking"
    _daily_run(world, "C2", next_day)
    assert (status(world, "C2", "H-1"), status(world, "C3", "Z-1")) == ("paid", "open")
    assert _payments(world, "C2") == [42_000]
    assert _line(world, item).status == "booked"
    assert _item_status(world, item) is ActionStatus.RESOLVED
    # and again the day after: nothing more
    _daily_run(world, "C2", datetime(2025, 3, 5, 5, 0, tzinfo=UTC))
    assert _payments(world, "C2") == [42_000]


def test_the_daily_run_closes_an_item_whose_claim_a_refused_confirm_booked() -> None:
    world, item = _claimed_then_crashed()
    assert _code(_confirm(world, item.action_id, "C3", "Z-1")) == "statement_line_taken"
    assert _item_status(world, item) is ActionStatus.OPEN  # "repeat that confirmation"
    _daily_run(world, "C2", datetime(2025, 3, 4, 5, 0, tzinfo=UTC))
    assert _item_status(world, item) is ActionStatus.RESOLVED
    assert _payments(world, "C2") == [42_000]


def test_a_claim_that_cannot_be_booked_is_called_claimed_not_booked() -> None:
    """A claim naming a client Inning no longer knows: nothing books it, and the refusal does
    not say it was booked."""
    world, item = _claimed_then_crashed()
    row = world.store.get(STATEMENT_LINES, POOL_PK, str(item.detail["line_id"]))
    assert row is not None
    row.data["ClientId"] = "client-gone"
    world.store.upsert(STATEMENT_LINES, row)
    colleague = _confirm(world, item.action_id, "C3", "Z-1")
    assert (colleague.status, _code(colleague)) == (422, "statement_line_claimed")
    assert (_payments(world, "C2"), _payments(world, "C3")) == ([], [])
    assert _line(world, item).status == "booking"
