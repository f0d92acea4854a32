"""law15b #5: p1 received and booked 20-2 on F1 under the bankruptcy of 10-2, the ruling ended
1-3 and staff decided its filing item; on 5-3 p1 came back (a storno). The item still listed
p1 as money received under the ruling (500.00, or the whole 1,159.32 that paid F1 in full),
resolved: a payment that came back was never paid (6:114 BW), so staff would return to the
curator money never kept. Paid in full, F1 had no ``h|`` row (only open claims were noted at
the end), so the storno did not even mark the debtor; paid in part, the run followed it but
kept the item as staff closed it (a payment dropped was not a change). Now the claims paid
under the ruling are noted too, a return reads their ``h|`` rows whatever the client's row read
before said (``money_taken_back``), and an item that loses a payment opens again without it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain.records import PaymentSource
from tests.unit.settlement.test_paid_after_ruling_held import ruling_recorded
from tests.unit.standing.test_standing_ruling_claims import _at, _filing, _set


def _client(w: Any) -> Any:
    return w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")


@pytest.mark.parametrize("read_before_the_end", [False, True], ids=["client read", "read before"])
@pytest.mark.parametrize("cents", [500_00, 1_159_32], ids=["part", "in full"])
def test_a_storno_after_the_end_drops_the_payment_from_the_filing_item(
    cents: int, read_before_the_end: bool
) -> None:
    w, before = ruling_recorded()
    _at(w, date(2026, 2, 20))
    w.services.payments.book(_client(w), payment_id="p1", amount=cents,
                             received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    _at(w, date(2026, 2, 21))
    w.services._left_over(_client(w))
    _at(w, date(2026, 3, 1))
    _set(w, {"standing": "normal", "reason": "ended"})
    item = _filing(w)
    assert [x["payment"] for x in item["detail"]["paid_after_ruling"]] == ["p1"], item
    done = w.agency_a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/resolve",
                           {"resolution": "the curator lets the payment stand"})  # fmt: skip
    assert done.status == 200, done.body
    _at(w, date(2026, 3, 5))
    # a return handled with the client as read before the end (its rulings_ended unset) too
    client = before if read_before_the_end else _client(w)
    w.services.payments.reverse(client, "p1", "storno MD06", date(2026, 3, 5))
    _at(w, date(2026, 3, 6))
    w.services._left_over(_client(w))
    item = _filing(w)
    assert not item["detail"].get("paid_after_ruling"), item  # before: p1 listed, resolved
    assert item["status"] == "open", item  # staff tell the curator it came back
    assert item["detail"]["to_file"] == 115932, item
