"""A claim's share of a held letter's costs let go because the consumer paid it as told
(kindletter13) follows the money (codereview13 #2): when the payment that paid it comes back
or is moved to another claim, the claim was not paid as told after all and owes its share;
a claim the payment is corrected to that it pays as told owes none.

test_kind_letter_paid_as_told's figures: F1 + F2 2,500.00 each in one business sommatie
(costs owed from 22-1 once confirmed: 15 % x 2,500 + 10 % x 2,500 = 625.00 over both, 312.50
each); held, each is told 2,524.66 on 15-2 (24.66 interest, 6:119). He pays F1's 2,524.66 on
15-2, the letter is confirmed: F1 paid, F2 owes 312.50. One-claim letter (F1 5,000.00):
told 5,049.32, costs 625.00 once confirmed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_kind_letter_paid_as_told import _claim, _confirm, _pay, _two_invoices


def _refunded(world: Any, a: Any, pid: str) -> None:
    """A direct-debit refund (MD06, his right for 8 weeks) on 18-2."""
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2026, 2, 18, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, pid, "storno MD06", tell=False)


def _on(a: Any, number: str, day: str) -> dict[str, Any]:
    body: dict[str, Any] = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on=day).body
    return body


def test_one_claim_letter_paid_as_told_then_refunded_owes_its_costs(world: Any) -> None:
    """Refunded on 18-2: on 20-2 F1 owes 5,000.00 + 625.00 costs + interest 2-12..19-2 (30 d
    x 6 % + 50 d x 4 % on 5,000.00 = 24.66 + 27.40 = 52.05): 5,677.05, as if never paid.
    Was 5,052.05, costs 0.00 for good."""
    a = _corrected(world)
    _pay(world, a, "p1", 504_932, date(2026, 2, 15))
    assert _confirm(a).status == 200
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["total"] == "0.00"
    _refunded(world, a, "p1")
    claim = a.call("GET", CLAIM, on="2026-02-20").body
    assert claim["costs_owed_from"] == "2026-01-22"
    assert claim["open"]["costs"] == "625.00" and claim["open"]["total"] == "5677.05"


def test_two_claim_letter_refunded_f1_owes_its_share(world: Any) -> None:
    """Refunded on 18-2: F1 2,500.00 + 312.50 + 26.03 interest (2,500.00: 30 d x 6 % + 50 d x
    4 %) = 2,838.53 on 20-2, as a debtor who never paid; F2 too. Was F1 2,526.03, costs 0.00."""
    a = _two_invoices(world)
    _pay(world, a, "p1", 252_466, date(2026, 2, 15))
    assert _confirm(a).status == 200
    _refunded(world, a, "p1")
    for number in ("F1", "F2"):
        got = _on(a, number, "2026-02-20")["open"]
        assert (got["costs"], got["total"]) == ("312.50", "2838.53"), (number, got)


def test_corrected_to_f2_the_share_let_go_is_f2s(world: Any) -> None:
    """The payer named F2: corrected, the 2,524.66 pays F2 as it was told (F2 0.00, no
    costs), and F1, unpaid, owes its share: 2,500.00 + 312.50 + 24.66 = 2,837.16 on 15-2.
    Was F2 312.50 open (its costs paid first by 6:44) and F1 2,524.66 without costs."""
    a = _two_invoices(world)
    _pay(world, a, "p1", 252_466, date(2026, 2, 15))
    assert _confirm(a).status == 200
    reply = a.call("PUT", "/v1/clients/C1/payments/p1/designation",
                   {"invoices": ["F2"], "reason": "the payer named F2", "payer_word": "misread"})  # fmt: skip
    assert reply.status == 200, reply.body
    f1, f2 = _claim(a, "F1"), _claim(a, "F2")
    assert f2["open"]["total"] == "0.00" and f2["paid"]["costs"] == "0.00", f2
    assert (f1["open"]["costs"], f1["open"]["total"]) == ("312.50", "2837.16"), f1
    # the same request again moves nothing and changes no letter
    again = a.call("PUT", "/v1/clients/C1/payments/p1/designation",
                   {"invoices": ["F2"], "reason": "the payer named F2", "payer_word": "misread"})  # fmt: skip
    assert again.status == 200
    assert _claim(a, "F1")["open"]["total"] == "2837.16"
    assert _claim(a, "F2")["open"]["total"] == "0.00"
