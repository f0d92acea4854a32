"""The replay keeps off the claims not yet due only the money a credit note freed from a
payment (codereview16 F2): before, every payment that reached a claim with a correction note
was replayed so, whether or not the note freed any of its money.

F1 1,000.00 (consumer, due 2025-01-05, costs owed from 2025-02-01), F2 500.00 due 2025-06-30;
p pays all F1 asks on 2025-03-01, naming nothing. A correction CN of 100.00 on F1. Then the
14-day letter turns out undelivered: F1's costs term is taken off (TERMS_RESTATED, which goes
through the replay of the debtor's claims) and the costs p paid are free again; by 6:43 lid 2
they go on F2 (not due, but the debtor sent that money: no note freed it).

- the note on 2025-01-10, before p: p paid 900.00 + 135.00 costs; the 135.00 freed go on F2,
  replayed as claim by claim (before: replayed they stayed on p as an overpayment, F2 0.00);
- the note on 2025-04-01, after p: it freed 115.00 of p (100.00 principal, 15.00 costs), an
  overpayment (F2 not due on 2025-03-01); the 135.00 costs freed later go on F2 and the 115.00
  stay over (before: replayed 250.00 over, F2 0.00);
- with F3 50.00 due 2025-02-15 as well: the note's 115.00 pay F3 first (50.00), 65.00 over; the
  135.00 freed later go on F2.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import TERMS_RESTATED, ClaimTerms, EventKind
from shared.domain.ledger.replay import open_claims

PAID_ON = date(2025, 3, 1)
LATER = date(2025, 5, 1)


def _held(records: list[ClaimRecord], payment_id: str) -> int:
    return sum(
        (1 if e.kind is EventKind.ALLOCATED else -1) * e.amount
        for r in records
        for e in r.events
        if e.payment_id == payment_id and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL)
    )


def _run(note_on: date | None, replayed: bool, with_f3: bool = False) -> dict[str, int]:
    """The facts above; ``replayed``: the costs term's restatement offered p's money no claim
    holds (the replay), else claim by claim (no spare money offered: restate.py alone)."""
    terms = [
        ClaimTerms("F1", "D1", date(2025, 1, 5), 100_000, costs_owed_from=date(2025, 2, 1)),
        ClaimTerms("F2", "D1", date(2025, 6, 30), 50_000),
    ]
    if with_f3:
        terms.append(ClaimTerms("F3", "D1", date(2025, 2, 15), 5_000))
    records = [ClaimRecord(t) for t in terms]

    def add(done: booking.Booking | booking.Release) -> None:
        nonlocal records
        records = [ClaimRecord(r.terms, r.events + done.events.get(r.number, ())) for r in records]

    def note() -> None:
        assert note_on is not None
        add(booking.credit_part(records, "F1", 10_000, note_on, "CN", "wrong price"))

    if note_on is not None and note_on < PAID_ON:
        note()
    amount = open_claims(records, PAID_ON)["F1"].open.total
    add(booking.allocate(records, "p", amount, PAID_ON, ["F1"] if with_f3 else []))
    if note_on is not None and note_on >= PAID_ON:
        note()
    records = [
        ClaimRecord(replace(r.terms, costs_owed_from=None), r.events) if r.number == "F1" else r
        for r in records
    ]
    spare = {"p": (amount - _held(records, "p"), PAID_ON, "D1")} if replayed else None
    add(
        booking.restate_claims(
            records, ["F1"], None, named=lambda _: (),
            reason=f"{TERMS_RESTATED}letter undelivered", spare=spare,
        )
    )  # fmt: skip
    figures = open_claims(records, LATER)
    out = {"F2 paid": figures["F2"].paid.principal, "p over": amount - _held(records, "p")}
    if with_f3:
        out["F3 paid"] = figures["F3"].paid.principal
    return out


def test_a_note_before_the_payment_keeps_none_of_its_money_off_a_claim_not_yet_due() -> None:
    assert _run(None, replayed=True) == {"F2 paid": 15_000, "p over": 0}
    assert _run(date(2025, 1, 10), replayed=False) == {"F2 paid": 13_500, "p over": 0}
    assert _run(date(2025, 1, 10), replayed=True) == {"F2 paid": 13_500, "p over": 0}


def test_a_note_after_the_payment_keeps_only_what_it_freed_off_a_claim_not_yet_due() -> None:
    assert _run(date(2025, 4, 1), replayed=False) == {"F2 paid": 13_500, "p over": 11_500}
    assert _run(date(2025, 4, 1), replayed=True) == {"F2 paid": 13_500, "p over": 11_500}


@pytest.mark.parametrize("replayed", [False, True])
def test_what_a_due_claim_took_of_the_freed_money_is_not_kept_off_twice(replayed: bool) -> None:
    assert _run(date(2025, 4, 1), replayed, with_f3=True) == {
        "F2 paid": 13_500, "F3 paid": 5_000, "p over": 6_500,
    }  # fmt: skip
