"""Art. 6:43 lid 2 BW, last words: money the debtor did not designate goes over claims equally
burdensome and equally old "naar evenredigheid" (law13 F3). Before, all of it went to the
lower invoice number and the other claim got nothing (no payment, no partly paid status).

Consumer D1 (6:119): F3 100.00 due 1-11-2025; F1 and F2 1,000.00 each, both due 1-12-2025.
p1 700.00 received 1-2-2026 naming F3: F3 takes 100.00 + interest 60 d x 6 % (0.99) + 31 d x
4 % (0.34) = 101.33; 598.67 is a payment without a designation. F1 and F2 are due, of the same
rate and kind, no costs owed on either, due the same day: each asks 1,008.33 (interest 30 d x
6 % 4.93 + 31 d x 4 % 3.40 = 8.33), so 598.67 splits 299.34 / 299.33 (the odd cent to the lower
number: equal remainders, equal claims), each by 6:44 interest 8.33 first, principal 291.01 /
291.00; open F1 708.99, F2 709.00."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.tables.ledger_repo import LEDGER
from shared.domain.law.interest_rates import default_rate_table
from shared.domain.ledger import booking
from shared.domain.ledger.booking import pro_rata
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, InterestRule
from shared.domain.records import PaymentSource
from shared.ports.tables import PreconditionFailed, TransactionFailed
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _world(world: Any, f2: str) -> tuple[Any, Any]:
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row("F3", "D1", amount="100.00", invoice_date="2025-10-01", due_date="2025-11-01"),
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01"),
        invoice_row("F2", "D1", amount=f2, invoice_date="2025-11-01", due_date="2025-12-01"),
    ]
    assert not a.call("POST", BASE, {"items": rows}).body.get("errors")
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return a, client


def _book(world: Any, client: Any, cents: int) -> None:
    world.clock.at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="p1", amount=cents, received_on=date(2026, 2, 1),
        source=PaymentSource.BANK, invoice_numbers=["F3"],
    )  # fmt: skip


def _claim(a: Any, number: str) -> dict[str, Any]:
    body: dict[str, Any] = a.call("GET", f"{BASE}/{number}/claim", on="2026-02-01").body
    return body


def test_equal_claims_of_equal_age_share_the_undesignated_money(world):
    a, client = _world(world, "1000.00")
    _book(world, client, 70_000)
    f3, f1, f2 = _claim(a, "F3"), _claim(a, "F1"), _claim(a, "F2")
    assert (f3["paid"]["interest"], f3["paid"]["principal"]) == ("1.33", "100.00")
    assert (f1["paid"]["interest"], f1["paid"]["principal"]) == ("8.33", "291.01")
    assert (f2["paid"]["interest"], f2["paid"]["principal"]) == ("8.33", "291.00")  # was 0.00
    # was 409.66 and 1,008.33
    assert (f1["open"]["total"], f2["open"]["total"]) == ("708.99", "709.00")
    # every reader follows: F2 is partly paid and the payment's row names it
    assert a.call("GET", f"{BASE}/F2").body["status"] == "partially_paid"
    row = world.services.repos.payments.get(client.client_id, "p1")
    per_invoice: dict[str, int] = {}
    for x in row.allocations:
        per_invoice[x.invoice_number] = per_invoice.get(x.invoice_number, 0) + x.amount
    assert per_invoice == {"F3": 10_133, "F1": 29_934, "F2": 29_933} and row.unallocated == 0
    assert row.booked_to == ("F3", "F1", "F2")


def test_unequal_claims_of_equal_age_share_in_proportion_to_what_each_asks(world):
    """F2 500.00 instead: it asks 504.16 (interest 2.47 + 1.70 = 4.16 on the day), F1 1,008.33;
    600.00 left after F3 splits 600.00 x 1,008.33 / 1,512.49 = 400.0013 and 199.9987: 400.00 and
    200.00 (the cent to the largest remainder). F1 interest 8.33 + principal 391.67, F2 4.16 +
    195.84; open F1 608.33, F2 304.16."""
    a, client = _world(world, "500.00")
    _book(world, client, 70_133)
    f1, f2 = _claim(a, "F1"), _claim(a, "F2")
    assert (f1["paid"]["interest"], f1["paid"]["principal"]) == ("8.33", "391.67")
    assert (f2["paid"]["interest"], f2["paid"]["principal"]) == ("4.16", "195.84")
    assert (f1["open"]["total"], f2["open"]["total"]) == ("608.33", "304.16")


def test_money_beyond_the_equal_claims_pays_each_in_full_and_the_rest_is_over(world):
    a, client = _world(world, "1000.00")
    _book(world, client, 10_133 + 100_833 + 100_833 + 500)
    assert _claim(a, "F1")["open"]["total"] == "0.00" == _claim(a, "F2")["open"]["total"]
    assert world.services.repos.payments.get(client.client_id, "p1").unallocated == 500


DUE = date(2025, 12, 1)
ON = date(2026, 2, 1)


def _terms(number: str, **kw: Any) -> ClaimTerms:
    base: dict[str, Any] = dict(
        invoice_number=number, debtor_number="D1", due_date=DUE, principal=100_000,
        consumer=True, interest_from=None,
    )  # fmt: skip
    base.update(kw)
    return ClaimTerms(**base)


def _taken(records: list[ClaimRecord], cents: int) -> dict[str, int]:
    done = booking.allocate(records, "p1", cents, ON)
    out: dict[str, int] = {}
    for line in done.lines:
        out[line.invoice_number] = out.get(line.invoice_number, 0) + line.amount
    return out


def test_equal_claims_without_interest_split_evenly():
    records = [ClaimRecord(_terms("F1")), ClaimRecord(_terms("F2"))]
    assert _taken(records, 50_001) == {"F1": 25_001, "F2": 25_000}


def test_costs_owed_on_one_claim_only_make_it_the_more_burdensome_not_a_split():
    """F2's collection costs are owed (its last term is over: open to a suit without further
    notice), F1's are not: no equal burden, F2 is paid first (costs 150.00 first by 6:44)."""
    owed = ON - timedelta(days=10)
    records = [ClaimRecord(_terms("F1")), ClaimRecord(_terms("F2", costs_owed_from=owed))]
    assert _taken(records, 50_000) == {"F2": 50_000}


def test_another_kind_of_interest_at_the_same_rate_is_no_equal_burden():
    records = [
        ClaimRecord(_terms("F1", interest_rule=InterestRule.CONTRACTUAL)),
        ClaimRecord(_terms("F2")),
    ]
    assert _taken(records, 50_000) == {"F2": 50_000}


def test_a_claim_without_interest_is_less_burdensome_than_one_with_it():
    """F1 without interest (the client charges none), F2 at 6:119: F2 takes it, F1 nothing
    (the statutory table ranked both at 4 %, so the lower number F1 took it first)."""
    records = [
        ClaimRecord(_terms("F1")),
        ClaimRecord(_terms("F2", interest_from=DUE + timedelta(days=1))),
    ]
    done = booking.allocate(records, "p1", 50_000, ON, rates=default_rate_table())
    assert {line.invoice_number for line in done.lines} == {"F2"}


def test_the_rounding_of_the_split():
    assert pro_rata(59_867, [("F1", 100_833), ("F2", 100_833)]) == {"F1": 29_934, "F2": 29_933}
    assert pro_rata(60_000, [("F1", 100_833), ("F2", 50_416)]) == {"F1": 40_000, "F2": 20_000}
    assert pro_rata(1, [("F1", 100), ("F2", 200)]) == {"F1": 0, "F2": 1}  # larger remainder
    # equal remainders (2 x 3 / 4 and 2 x 1 / 4 both leave 2): the larger claim, then the
    # lower number
    assert pro_rata(2, [("F1", 1), ("F2", 3)]) == {"F1": 0, "F2": 2}
    assert pro_rata(2, [("F3", 500), ("F1", 500), ("F2", 500)]) == {"F1": 1, "F2": 1, "F3": 0}


N = 55


@pytest.mark.parametrize("fault", ["race_on_the_second_part", "crash_between_the_parts", None])
def test_a_split_over_more_claims_than_one_transaction_holds_is_finished_as_begun(
    world, monkeypatch, fault
):
    """X and F00..F54 10.00 each, all due 31-1-2025; 285.00 on 10-1 naming X: X 10.00, the
    275.00 left over the 55 others (not due yet, of equal burden and age) 5.00 each, written
    in two transactions. A stop between them is finished with the split begun: before, the
    rest was split again over what the claims then asked (the 5.00 already on the first part's
    claims counted as paid), so those took more and the others less than 5.00."""
    world.clock.at = datetime(2025, 1, 10, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row(n, "D1", amount="10.00", invoice_date="2025-01-01",
                        due_date="2025-01-31") for n in ["X", *(f"F{i:02d}" for i in range(N))]]  # fmt: skip
    assert a.call("POST", BASE, {"items": rows}).body["created"] == N + 1
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    pay = world.services.payments
    store = pay.ledger.ledger.store
    real = store.transact
    calls = {"n": 0}

    def second_part_fails(table, ops):  # type: ignore[no-untyped-def]
        if table == LEDGER:
            calls["n"] += 1
            if calls["n"] == 2 and fault == "race_on_the_second_part":
                raise TransactionFailed(0, PreconditionFailed("injected: another booking won"))
            if calls["n"] == 2 and fault == "crash_between_the_parts":
                raise SimulatedCrash("between the ledger's two transactions")
        return real(table, ops)

    monkeypatch.setattr(store, "transact", second_part_fails)
    args = dict(payment_id="p1", amount=28_500, received_on=date(2025, 1, 10),
                source=PaymentSource.BANK, invoice_numbers=["X"])  # fmt: skip
    if fault == "crash_between_the_parts":
        with pytest.raises(SimulatedCrash):
            pay.book(client, **args)
        monkeypatch.undo()
    booked = pay.book(client, **args)
    assert booked.unallocated == 0
    claims = world.services.ledger.debtor_claims(client, "D1")
    held = {r.number: sum(e.amount for e in r.events if e.payment_id == "p1")
            for r in claims.records}  # fmt: skip
    assert held == {"X": 1_000, **{f"F{i:02d}": 500 for i in range(N)}}
