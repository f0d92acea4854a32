"""codereview13b #1: a kind letter confirmed after a clean slate lets a natural obligation's
share of the costs go (art. 6:3 BW, 358 lid 1 Fw: nothing more is made owed on it). A voluntary
payment on it that the bank then returned, or that staff moved to another claim, made the 625.00
owed again (F1 5,046.58 -> 5,671.58): the share let go as a natural obligation is not the one
let go because he paid as told, and it stays let go whatever the money does."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import invoice_row
from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_kind_letter_paid_as_told import _confirm
from tests.unit.standing.test_standing_ruling_claims import _at, _set


def _paid_on_a_natural_obligation(world: Any) -> tuple[Any, Any]:
    a = _corrected(world)
    _at(world, date(2026, 3, 25))
    _set(world, {"standing": "wsnp", "since": "2026-02-10"})
    _at(world, date(2026, 4, 1))
    _set(world, {"standing": "normal", "reason": "clean_slate"})
    _at(world, date(2026, 4, 2))
    assert _confirm(a).status == 200
    assert a.call("GET", CLAIM, on="2026-04-02").body["open"]["total"] == "5046.58"
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    _at(world, date(2026, 4, 5))
    world.services.payments.book(
        client, payment_id="p1", amount=200_00, received_on=date(2026, 4, 5),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    return a, client


def test_a_voluntary_payment_returned_makes_no_costs_owed(world: Any) -> None:
    a, client = _paid_on_a_natural_obligation(world)
    world.clock.at = datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p1", "storno MD06", tell=False)
    got = a.call("GET", CLAIM, on="2026-04-11").body["open"]
    assert (got["costs"], got["total"]) == ("0.00", "5046.58"), got


def test_a_voluntary_payment_moved_to_another_claim_makes_no_costs_owed(world: Any) -> None:
    a, _ = _paid_on_a_natural_obligation(world)
    row = invoice_row("F9", "D1", amount="300.00", invoice_date="2026-04-03",
                      due_date="2026-05-03")  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body.get("errors")
    moved = a.call("PUT", "/v1/clients/C1/payments/p1/designation",
                   {"invoices": ["F9"], "reason": "he meant F9", "payer_word": "asked"})  # fmt: skip
    assert moved.status == 200, moved.body
    got = a.call("GET", CLAIM, on="2026-04-11").body["open"]
    assert (got["costs"], got["total"]) == ("0.00", "5046.58"), got
