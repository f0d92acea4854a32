"""codereview13 #6: a kind letter confirmed after a ruling left its claim a natural obligation.

The kindletter base case: consumer D1, F1 5,000.00, the business sommatie of 5-1 held (costs
would be owed from 22-1). WSNP since 10-2, recorded 25-3, lifted with a clean slate (or an
akkoord) on 1-4, the letter confirmed on 2-4: nothing may be claimed on F1 any more (art. 6:3
BW, 358 lid 1, 160 Fw), so the confirm makes no costs owed on it (they made F1 5,046.58 ->
5,671.58, and a payment made anyway paid the 625.00 first, 6:44). Its share is forgone and the
item says so in en and nl. A ruling still in force is not such a case: the costs fell due on
22-1, before the ruling, so they belong to the claim filed with the administrator."""

from __future__ import annotations

from datetime import date

import pytest

from shared.api.console.action_text import resolution
from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_kind_letter_paid_as_told import _confirm
from tests.unit.standing.test_standing_ruling_claims import _at, _set


@pytest.mark.parametrize("reason", ["clean_slate", "akkoord"])
def test_a_confirm_after_the_ruling_ended_adds_no_costs(world, reason):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    _at(world, date(2026, 3, 25))
    _set(world, {"standing": "wsnp", "since": "2026-02-10"})
    _at(world, date(2026, 4, 1))
    _set(world, {"standing": "normal", "reason": reason})
    _at(world, date(2026, 4, 2))
    done = _confirm(a)
    assert done.status == 200, done.body
    said = str(done.body["resolution"])
    assert "costs owed from: F1 -; costs not claimed, a natural obligation after a clean " \
        "slate or akkoord (art. 6:3 BW): F1 (" in said, said  # fmt: skip
    assert "paid in full as told" not in said
    claim = a.call("GET", CLAIM, on="2026-04-02").body["open"]
    assert (claim["costs"], claim["total"]) == ("0.00", "5046.58"), claim
    nl = resolution(said, "nl", lambda _: None)
    assert "kosten verschuldigd vanaf: F1 -; geen kosten gevorderd, een natuurlijke " \
        "verbintenis na een schone lei of akkoord (art. 6:3 BW): F1" in nl, nl  # fmt: skip
    # confirmed again (a retry): nothing changes, the share stays forgone
    again = a.call("POST", f"/v1/clients/C1/actions/{done.body['action_id']}/letter-qualified")
    assert again.status == 200, again.body
    assert a.call("GET", CLAIM, on="2026-04-03").body["open"]["costs"] == "0.00"


def test_a_confirm_while_the_ruling_holds_keeps_the_costs_owed_before_it(world):  # type: ignore[no-untyped-def]
    """The costs fell due on 22-1, before the ruling of 10-2: part of what is filed (the
    standing's costs hold keeps off only costs falling due from the ruling's day)."""
    a = _corrected(world)
    _at(world, date(2026, 3, 25))
    _set(world, {"standing": "wsnp", "since": "2026-02-10"})
    _at(world, date(2026, 3, 26))
    done = _confirm(a)
    assert done.status == 200, done.body
    assert "natural obligation" not in str(done.body["resolution"])
    assert a.call("GET", CLAIM, on="2026-03-26").body["open"]["costs"] == "625.00"
