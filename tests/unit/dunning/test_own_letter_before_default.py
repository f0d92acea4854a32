"""law12c #3: Inning's own postal 14-day letter that went out before the debtor was in default
is no 14-day letter (6:96 lid 6 BW, 6:83 sub a; docs/law.md "the letter counts only when sent
once the debtor is in default"), however late its term ends.

The engine's F1 (121.00) and F2 (50.00) of D1, due 10-3-2025: our 14-day letter Saturday 29-3
for both (received Wednesday 2-4, term to 16-4, costs owed from 17-4). On 5-4 the client's sync
moves F1's due date to 1-4-2025: default from 2-4, three days after the letter went out. Its
term (17-4) ends 15 days after default, which the rule before judged by; the letter's own day
(29-3 < 2-4) decides now, as for the client's letters. F1 owes no costs on it, and the
workflow's 14-day step is due again at once: the letter of Saturday 5-4 (received Wednesday
9-4, term to 23-4, costs owed from 24-4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401

CLAIM = "/v1/clients/C1/invoices/{n}/claim"


def test_a_letter_posted_before_a_moved_due_date_is_none(engine) -> None:  # noqa: F811
    world, client = engine
    a = world.agency_a
    log = simulate(world, client, 33)  # 3-3 .. 4-4
    d1 = [(d, ch, n) for d, ch, debtor, n in log if debtor == "D1"]
    assert d1[-1] == (date(2025, 3, 29), "letter", ("F1", "F2")), d1
    world.clock.at = datetime(2025, 4, 5, 9, 0, tzinfo=UTC)
    moved = a.call("POST", "/v1/clients/C1/invoices",
                   {"items": [invoice_row("F1", "D1", due_date="2025-04-01")]})  # fmt: skip
    assert moved.body["updated"] == 1, moved.body
    # 20-4: the letter of 29-3 made nothing owed for F1; interest 2-4..19-4 18 d x 6 % x
    # 121.00 / 365 = 0.36 (0.358)
    held = a.call("GET", CLAIM.format(n="F1"), on="2025-04-20").body
    assert (held["open"]["costs"], held["open"]["interest"], held["costs_owed_from"]) == (
        "0.00", "0.36", None), held  # fmt: skip
    log = simulate(world, client, 30)  # 5-4 .. 4-5
    letters = [(d, n) for d, ch, debtor, n in log if debtor == "D1" and ch == "letter"]
    assert letters == [(date(2025, 4, 5), ("F1",))], log
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.own_letter == (date(2025, 4, 5), date(2025, 4, 24))
    assert a.call("GET", CLAIM.format(n="F1"), on="2025-04-23").body["open"]["costs"] == "0.00"
    # 24-4: F1 was due before the latest day the letter of 29-3 can be taken to have gone out
    # (17-4 less 15 days: 2-4), so its letter joins that notice in the debtor's favour
    # (costs.notices): one WIK 40.00 over 171.00 (15 % = 25.65 < 40.00), split pro rata
    # 40.00 x 121 / 171 = 28.30 and 11.70; interest 2-4..23-4 22 d: 0.44 (0.4376)
    f1 = a.call("GET", CLAIM.format(n="F1"), on="2025-04-24").body["open"]
    f2 = a.call("GET", CLAIM.format(n="F2"), on="2025-04-24").body["open"]
    assert (f1["costs"], f1["interest"], f1["total"]) == ("28.30", "0.44", "149.74"), f1
    assert f2["costs"] == "11.70", f2


def test_an_emailed_letter_sent_on_the_first_day_of_default_counts() -> None:
    """The letter's day decides, not the channel's days of post: a letter sent the day default
    began counts, one sent the day before does not."""
    from shared.domain.invoices import Invoice
    from shared.domain.ledger.terms import own_letter_void, own_term_counts

    due = date(2025, 4, 1)
    invoice = Invoice("C1", "F1", "D1", date(2025, 3, 1), due, 12100, costs_owed_from=date(
        2025, 4, 17), own_letter=(date(2025, 4, 2), date(2025, 4, 17)))  # fmt: skip
    assert own_term_counts(invoice, None)
    before = replace(invoice, own_letter=(date(2025, 4, 1), date(2025, 4, 17)))
    assert not own_term_counts(before, None)
    assert own_letter_void(before, consumer=True, interest_from=None, as_business=None)
    # a term a person set since (another day than the letter's): the term's own bound
    other = replace(before, costs_owed_from=date(2025, 4, 18))
    assert own_term_counts(other, None)
