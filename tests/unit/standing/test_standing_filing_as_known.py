"""law14b A, E: the filing item states the claim on the ruling's day as the ledger knows it now.

The story of test_standing_ruling_claims: consumer D1, F1 1,000.00 due 1-12-2025, 14-day
letter 5-1-2026, costs 150.00 owed from 22-1; a WSNP since 10-2-2026 recorded on 25-3.
Without money: 150.00 + 9.32 (2-12..31-12 30 d x 6 % = 4.93, 1-1..9-2 40 d x 4 % = 4.38)
+ 1,000.00 = 1,159.32 at the ruling.
p0 300.00 received 1-2 (before the ruling) naming F1, by 6:44: costs 150.00, interest 8.33
(4.93 + 1-1..31-1 31 d x 4 % = 3.40), principal 141.67; 858.33 left, 1-2..9-2 9 d x 4 % x
858.33 = 0.85: 859.18 at the ruling."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.api.console.action_text import detail_label, money_detail
from shared.domain.money import format_eur_en, format_eur_nl
from shared.domain.records import PaymentSource
from tests.unit.standing.test_standing_follow_up import _client, _daily_run
from tests.unit.standing.test_standing_ruling_claims import _at, _filing, _set, _world


def _book(w: Any, pid: str, amount: int, received: date) -> None:
    w.services.payments.book(_client(w), payment_id=pid, amount=amount, received_on=received,
                             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip


def _resolve(w: Any, text: str) -> None:
    item = _filing(w)
    reply = w.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{item['action_id']}/resolve", {"resolution": text}
    )
    assert reply.status == 200, reply.body


def test_a_payment_of_before_the_ruling_that_came_back_is_filed_as_never_paid() -> None:
    """A: p0 comes back on 26-3 (MD06, the debtor's refund right): it never paid, F1 at the
    ruling was 1,159.32; the item said 859.18 for good (300.00 short, a late filing for the
    rest, art. 127 Fw). Staff had resolved it on 859.18: it opens again with the change."""
    w = _world()
    _at(w, date(2026, 2, 1))
    _book(w, "p0", 300_00, date(2026, 2, 1))
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    assert _filing(w)["detail"]["to_file"] == 85918
    _resolve(w, "filed 859.18")
    _at(w, date(2026, 3, 26))
    w.services.payments.reverse(_client(w), "p0", "storno MD06", on=date(2026, 3, 26))
    _daily_run(w, date(2026, 3, 27))
    item = _filing(w)
    assert item["status"] == "open", item
    assert item["detail"]["to_file"] == 115932, item
    assert item["detail"]["to_file_resolved"] == 85918, item
    assert item["detail"]["to_file_change"] == 30014, item
    assert "paid_after_ruling" not in item["detail"], item
    # a second run changes nothing
    _daily_run(w, date(2026, 3, 28))
    assert _filing(w) == item


def test_a_payment_of_before_the_ruling_booked_after_the_item_was_resolved_reopens_it() -> None:
    """E: staff filed 1,159.32 and resolved the item; on 27-3 a statement books p0 300.00
    received 1-2: F1 at the ruling was 859.18, 300.14 over-filed. The item stayed resolved at
    1,159.32 with nobody told; now the run opens it with the figure and the change."""
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _resolve(w, "filed 1159.32")
    _at(w, date(2026, 3, 27))
    _book(w, "p0", 300_00, date(2026, 2, 1))
    _daily_run(w, date(2026, 3, 28))
    item = _filing(w)
    assert item["status"] == "open", item
    assert item["detail"]["to_file"] == 85918, item
    assert item["detail"]["to_file_resolved"] == 115932, item
    assert item["detail"]["to_file_change"] == -30014, item
    assert "paid_after_ruling" not in item["detail"], item  # p0 came before the ruling
    # resolved again on the new figure: the next run leaves it so
    _resolve(w, "corrected with the administrator: 859.18")
    _daily_run(w, date(2026, 3, 29))
    again = _filing(w)
    assert again["status"] == "resolved" and again["detail"]["to_file"] == 85918, again


def test_a_late_booked_payment_of_before_the_ruling_counts_on_a_claim_with_later_money() -> None:
    """p1 500.00 received 20-2 (after the ruling) is on F1 when p0 300.00 received 1-2 is
    booked on 27-3: F1 has events after 1-2, so p0 is booked on 20-2 with its received day
    in its reason. It paid before the ruling (859.18 to file) and is not money received after
    it: only p1 is listed (500.00; the claim shows 359.18 open)."""
    w = _world()
    _at(w, date(2026, 2, 20))
    _book(w, "p1", 500_00, date(2026, 2, 20))
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    assert _filing(w)["detail"]["to_file"] == 115932
    _at(w, date(2026, 3, 27))
    _book(w, "p0", 300_00, date(2026, 2, 1))
    _daily_run(w, date(2026, 3, 28))
    item = _filing(w)
    assert item["detail"]["to_file"] == 85918, item
    assert item["detail"]["paid_after_ruling"] == [
        {"payment": "p1", "amount": 50000, "received_on": "2026-02-20"}
    ], item
    f1 = w.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-28").body
    assert f1["open"]["total"] == "359.18", f1


def test_letting_the_claim_go_after_the_ruling_does_not_lower_what_was_filed() -> None:
    """A write-off in the client's books after the ruling does not lessen what was owed on its
    day: the item stays at 1,159.32, resolved."""
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _resolve(w, "filed 1159.32")
    _at(w, date(2026, 3, 27))
    reply = w.agency_a.call("POST", "/v1/clients/C1/invoices/F1/write-off",
                            {"reason": "WSNP: filed with the administrator"})  # fmt: skip
    assert reply.status == 200, reply.body
    _daily_run(w, date(2026, 3, 28))
    item = _filing(w)
    assert item["status"] == "resolved" and item["detail"]["to_file"] == 115932, item
    assert "to_file_change" not in item["detail"], item


def test_the_change_is_shown_as_money_per_language() -> None:
    assert money_detail("to_file_change", -30014, format_eur_nl) == "-€ 300,14"
    assert money_detail("to_file_resolved", 115932, format_eur_en) == "EUR 1,159.32"
    assert detail_label("to_file_change", "en").startswith("Difference")
    assert detail_label("to_file_change", "nl").startswith("Verschil")
