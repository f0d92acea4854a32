"""The settlement run's approval item on the agency's Dutch Today and item page read
"Settlement run R...: 2 statements, 2 payouts, € 1.934,62 awaiting approval" (agency21 F2):
the titles the run writes are now shown in Dutch, the blocked run's too."""

from __future__ import annotations

from typing import Any

from shared.api.console import action_text
from tests.unit.settlement.test_settlement_api import setup


def test_the_approval_item_reads_dutch(world: Any) -> None:
    run_id, _ = setup(world)
    items, _ = world.services.repos.actions.list("@agency-a", kind="settlement_approval")
    (item,) = items
    assert item.title.startswith(f"Settlement run {run_id}: 1 statements")
    dutch = action_text.title(item.title, "nl")
    assert dutch == (
        f"Afdrachtrun {run_id}: 1 afrekeningen, 1 overboekingen, € 107,72 wacht op goedkeuring"
    )
    assert action_text.title(item.title, "en") == item.title


def test_owing_clients_and_the_blocked_run_read_dutch() -> None:
    owing = (
        "Settlement run R20261203: 2 statements, 1 payouts, € 409,25 awaiting approval; "
        "1 client(s) owe € 1.525,37 back (no payout for them)"
    )
    assert action_text.title(owing, "nl") == (
        "Afdrachtrun R20261203: 2 afrekeningen, 1 overboekingen, € 409,25 wacht op "
        "goedkeuring; 1 opdrachtgever(s) moeten € 1.525,37 terugbetalen (geen overboeking voor hen)"
    )
    blocked = (
        "Settlement run R20261203 needs the third-party account (derdengeldenrekening) to pay "
        "out; until it is finished it takes in its clients' later payments and refunds"
    )
    assert action_text.title(blocked, "nl").startswith(
        "Afdrachtrun R20261203 heeft de derdengeldenrekening nodig"
    )
