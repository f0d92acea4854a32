"""The debtor's replay (replayed.py) over every kind of fact (ledger15): debtors with paused
interest (a whole-claim plan), money settled with the client before the hand-over, a partial
credit note, a waiver, a write-off, or a payment booked after later ones over claims of
different ages, among payments that come back and a rate table put in force late. Each
sequence is booked as it happened and compared with the final facts booked afresh (the
payments that stand in the order received, on the final terms and rates, each fact on its
day), to the cent, on the last day and three months on.

The final facts afresh: paused interest and money settled before the hand-over are the
claim's terms; a credit note's part was never owed (docs/law.md, a partial credit note), so
the claim's principal is lower from its first day; a waiver keeps its amount (and whether it
waived all that was open, which stops the interest), a write-off keeps its amounts (the
creditor's own acts, each on the day it was booked).

Measured with the fixed seed below, 300 sequences per kind over up to three claims, the
payments booked on the day received / one of them booked after later ones, apart from the
final facts before ledger15 (claim by claim for all of these; in brackets: by more than a
euro, the largest gap, and the sequences in which a claim was overpaid or a payment held more
than it paid on the way):
- paused interest: 50 (47, 1,040.27) / 91 (64, 1,570.86);
- money settled with the client before the hand-over: 37 (33, 889.56) / 79 (59, 1,291.53);
- a partial credit note: 193 (79, 1,120.71) / 201 (87, 1,563.36);
- a waiver of interest: 64 (58, 1,591.76) / 104 (68, 1,431.04, 12);
- a write-off (its amounts kept): 65 (48, 714.39, 12) / 111 (47, 952.77, 45);
- a payment booked after later ones over two or three claims of different ages, nothing
  else: 30 (8, 10.66).
Replayed since ledger15: paused interest and money settled before the hand-over, 0 of 300
each, also with a payment booked late (once the replay brings what is credited to its own:
36 and 31 before that); a payment booked late over claims of different ages followed by a
return or rate table 0 (the 8 left: nothing after it, the booking's own cent); a partial
credit note exact on the last day and within a cent three months on (85 and 99 of 300 a cent
apart there); a waiver with returns after it 0 (a rate table after a waiver of all that was
open: claim by claim); a write-off (its amounts kept) with returns after it 0. Still apart
(strict xfails): waivers and write-offs with a payment booked late (its claim-by-claim
restatement caps them at what was then open).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pytest

from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import (
    RATES_RESTATED,
    ClaimTerms,
    Component,
    EventKind,
    InterestRule,
)
from shared.domain.ledger.replay import open_claims
from tests.unit.ledger.test_restated_then_returned_exact import (
    ROW,
    apart,
    apply,
    figures,
    held,
    restated_table,
)

START = date(2025, 1, 1)
PAUSED_FROM, PAUSED_DAYS = 50, 40  # a plan's pause: days after the due date, and how long


@dataclass
class Story:
    """One debtor's claims: principal, due offset, a letter (costs owed), paused interest,
    money settled with the client before the hand-over."""

    claims: list[tuple[int, int, bool, bool, int]]
    business: bool
    payments: list[tuple[str, int, date, date]]  # id, cents, received, booked
    facts: list[tuple[date, str, str, int]] = field(default_factory=list)  # credit/waive/writeoff
    steps: list[tuple[date, str, str]] = field(default_factory=list)  # storno/rates


def terms(s: Story, i: int) -> ClaimTerms:
    principal, offset, letter, paused, settled = s.claims[i]
    due = START + timedelta(days=offset)
    pause = due + timedelta(days=PAUSED_FROM)
    return ClaimTerms(
        invoice_number=f"F{i}", debtor_number="D1", due_date=due, principal=principal,
        consumer=not s.business,
        interest_rule=InterestRule.COMMERCIAL if s.business else InterestRule.CONSUMER,
        costs_owed_from=START + timedelta(days=offset + 35) if letter else None,
        interest_from=due + timedelta(days=1),
        interest_paused=((pause, pause + timedelta(days=PAUSED_DAYS)),) if paused else (),
        principal_settled_elsewhere=settled,
    )  # fmt: skip


Done = dict[tuple[date, str, str], tuple[int, bool]]  # a fact: its amount, whether final


def book_fact(
    records: list[ClaimRecord], rates: RateTable | None, day: date, kind: str, inv: str,
    cents: int,
    final: bool | None = None,
    capped: bool = False,
) -> tuple[list[ClaimRecord], tuple[int, bool]]:  # fmt: skip
    """A credit note, discount, waiver (of up to ``cents`` interest) or write-off on its day.
    ``capped``: a discount refused above the principal open on its day is booked at that
    principal (the final facts afresh: what a discount told before a payment received earlier
    but booked after it lets go, law16b F3)."""
    if kind == "credit":
        done = booking.credit_part(records, inv, cents, day, f"CN-{inv}", "test", rates)
        return apply(records, done.events), (cents, False)
    if kind == "discount":  # from its day (6:160 BW); refused above the principal open then
        try:
            done = booking.credit_part(records, inv, cents, day, f"KO-{inv}", "test", rates,
                                       discount=True)  # fmt: skip
        except booking.LedgerRuleError as e:
            assert e.code == "discount_above_open", e
            still = int(str(e.params["amount"]))
            if not capped or still <= 0:
                return records, (0, False)
            return book_fact(records, rates, day, kind, inv, still)
        return apply(records, done.events), (cents, False)
    fig = open_claims(records, booking.booking_day(records, day), rates)[inv]
    if kind == "waive":
        amount = min(cents, fig.open.interest)
        if amount <= 0:
            return records, (0, False)
        # a waiver of all that is open gives up the interest to come here (the stories as
        # drawn before law15c F2, when that followed from the amount)
        new = booking.waive(records, inv, Component.INTEREST, amount, day, "test", rates,
                            stop_interest=amount == fig.open.interest)  # fmt: skip
        if final is not None:  # the creditor's act as it was: its amount, final or not
            new = tuple(replace(e, final=final) if e.kind is EventKind.WAIVER else e for e in new)
        return apply(records, {inv: new}), (amount, any(e.final for e in new))
    if fig.open.total <= 0:
        return records, (0, False)
    new = booking.write_off(records, inv, day, "test", rates)
    return apply(records, {inv: new}), (1, True)


def as_told(s: Story) -> tuple[list[ClaimRecord], bool, Done]:
    """Booked as it happened: each payment on the day it was booked (a late one restated),
    each fact on its day, each return and the rate table on theirs."""
    records = [ClaimRecord(terms(s, i)) for i in range(len(s.claims))]
    restated = False
    booked: list[tuple[str, int, date]] = []
    returned: set[str] = set()
    done: Done = {}
    todo = sorted(
        [(b, 0, "pay", pid, 0) for pid, _, _, b in s.payments]
        + [(d, 1, k, inv, c) for d, k, inv, c in s.facts]
        + [(d, 2, w, x, 0) for d, w, x in s.steps]
    )

    def spare() -> dict[str, tuple[int, date, str]]:
        return {p: (c - held(records, p), d, "D1") for p, c, d in booked if p not in returned}

    for day, _, what, whom, cents in todo:
        rates = restated_table() if restated else None
        if what == "pay":
            pid, amount, received, _ = next(p for p in s.payments if p[0] == whom)
            records = apply(records, booking.allocate(records, pid, amount, received,
                                                      rates=rates).events)  # fmt: skip
            booked.append((pid, amount, received))
        elif what == "storno":
            undone = booking.return_payment(records, whom, day, "storno", rates, spare=spare())
            returned.add(whom)
            records = apply(records, undone.events)
        elif what == "rates":
            restated = True
            again = booking.restate_claims(records, [r.number for r in records], restated_table(),
                                           reason=f"{RATES_RESTATED}v2", since=ROW,
                                           spare=spare())  # fmt: skip
            records = apply(records, again.events)
        else:
            records, done[(day, what, whom)] = book_fact(records, rates, day, what, whom, cents)
    for pid, amount, _ in booked:  # no payment holds more than it paid, one returned nothing
        assert 0 <= held(records, pid) <= (0 if pid in returned else amount), pid
    return records, restated, done


def written_off(
    records: list[ClaimRecord], told: list[ClaimRecord], inv: str, rates: RateTable | None
) -> list[ClaimRecord]:
    """The claim's write-off as it was booked, its amounts on its day: the creditor's act."""
    events = [e for r in told if r.number == inv for e in r.events if e.kind is EventKind.WRITE_OFF]
    i = next(k for k, r in enumerate(records) if r.number == inv)
    fig = open_claims(records, events[0].on, rates)[inv]
    fixed = booking.fixing_events(
        records[i], fig, max((e.seq for e in records[i].events), default=0) + 1
    )
    last = max([e.seq for e in (*records[i].events, *fixed)], default=0)
    again = tuple(replace(e, seq=last + 1 + k) for k, e in enumerate(events))
    out = list(records)
    out[i] = ClaimRecord(records[i].terms, (*records[i].events, *fixed, *again))
    return out


def afresh(s: Story, done: Done, told: list[ClaimRecord]) -> tuple[list[ClaimRecord], bool]:
    """The final facts booked from scratch: the payments that stand in the order received,
    each credit note's part off the principal from the start, each waiver and write-off on
    its day, on the final rates."""
    gone = {x for _, w, x in s.steps if w == "storno"}
    restated = any(w == "rates" for _, w, _ in s.steps)
    rates = restated_table() if restated else None
    noted: dict[str, int] = {}
    for d, k, inv, _ in s.facts:
        if k == "credit":
            noted[inv] = noted.get(inv, 0) + done[(d, k, inv)][0]
    records = [ClaimRecord(replace(t := terms(s, i), principal=t.principal - noted.get(t.invoice_number, 0)))
               for i in range(len(s.claims))]  # fmt: skip
    todo = sorted(
        [(received, 0, "pay", pid, c) for pid, c, received, _ in s.payments if pid not in gone]
        + [(d, 1, k, inv, c) for d, k, inv, c in s.facts if k not in ("credit", "writeoff")]
        # a write-off on the day it was booked (the claim's latest day then)
        + [
            (
                next(
                    e.on
                    for r in told
                    if r.number == inv
                    for e in r.events
                    if e.kind is EventKind.WRITE_OFF
                ),
                1,
                k,
                inv,
                d.toordinal(),
            )
            for d, k, inv, _ in s.facts
            if k == "writeoff" and done[(d, k, inv)][0]
        ]
    )
    for day, _, what, whom, cents in todo:
        if what == "pay":
            records = apply(
                records, booking.allocate(records, whom, cents, day, rates=rates).events
            )
        elif what == "writeoff":
            records = written_off(records, told, whom, rates)
        elif done[(day, what, whom)][0]:
            amount, final = done[(day, what, whom)]
            records, _ = book_fact(records, rates, day, what, whom, amount, final, capped=True)
    return records, restated


def compare(s: Story, slack: int = 0) -> tuple[list[str], int]:
    """Where the claims as told differ from the final facts afresh, and the largest gap;
    ``slack``: cents of interest allowed apart three months on (exact on the last day)."""
    got, got_restated, done = as_told(s)
    want, want_restated = afresh(s, done, got)
    last = max(e.on for r in got for e in r.events)
    bad, worst = [], 0
    for on, allowed in ((last, 0), (last + timedelta(days=92), slack)):
        mine = open_claims(got, on, restated_table() if got_restated else None)
        theirs = open_claims(want, on, restated_table() if want_restated else None)
        for n in mine:
            a, b = figures(mine[n]), figures(theirs[n])
            if apart(a, b, allowed):
                bad.append(f"{on} {n}: got {a} want {b}")
                worst = max(
                    worst, *(abs(x - y) for c in a for x, y in zip(a[c], b[c], strict=True))
                )
    return bad, worst


KINDS = ("credit", "waive", "writeoff", "paused", "settled", "backdated", "discount")


def story(rng: random.Random, kind: str, late: bool) -> Story:
    """Up to three claims (two at least for a payment booked late over claims of different
    ages); up to four payments, one of them booked after later ones when ``late``; the
    kind's facts; then returns and the rate table, each on its own day."""
    n = rng.randint(2 if kind == "backdated" else 1, 3)
    claims = []
    for _ in range(n):
        principal = rng.randint(100, 200_000)
        paused = kind == "paused" and rng.random() < 0.7
        settled = rng.randint(1, principal - 1) if kind == "settled" and rng.random() < 0.7 else 0
        claims.append((principal, rng.randint(0, 30), rng.random() < 0.5, paused, settled))
    room = sum(c[0] for c in claims)
    told: list[tuple[str, int, date, date]] = []
    for i in range(rng.randint(1, 4)):
        if room <= 0:
            break
        cents = rng.randint(1, room)
        room -= cents
        received = START + timedelta(days=rng.randint(40, 250))
        told.append((f"p{i}", cents, received, received))
    last = max(p[2] for p in told)
    if late and len(told) > 1:  # a bank statement uploaded after later payments
        k = rng.randrange(len(told))
        told[k] = (*told[k][:3], last + timedelta(days=rng.randint(1, 10)))
    facts: list[tuple[date, str, str, int]] = []
    if kind in ("credit", "waive", "writeoff", "discount"):
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(n)
            day = START + timedelta(days=rng.randint(30, 260))
            if kind != "waive" and any(f[2] == f"F{i}" for f in facts):
                continue
            cents = {"credit": rng.randint(1, max(1, claims[i][0] // 2)),
                     "discount": rng.randint(1, max(1, claims[i][0] // 2)),
                     "waive": rng.randint(1, 3_000)}.get(kind, 0)  # fmt: skip
            facts.append((day, kind, f"F{i}", cents))
    after = max([b for *_, b in told] + [f[0] for f in facts])
    steps: list[tuple[date, str, str]] = []
    returned: set[str] = set()
    for _ in range(rng.randint(0 if kind == "backdated" else 1, 3)):
        day = after + timedelta(days=rng.randint(1, 20))
        if rng.random() < 0.75:
            pid = rng.choice([p for p, *_ in told])
            if pid not in returned:
                returned.add(pid)
                steps.append((day, "storno", pid))
        elif not any(w == "rates" for _, w, _ in steps):
            steps.append((day, "rates", ""))
    return Story(claims, rng.random() < 0.6, told, facts, steps)


SEED = 15_000
CASES = 300


def measure(
    kind: str, late: bool, cases: int = CASES, steps: bool | None = None, slack: int = 0
) -> list[tuple[int, Story, list[str]]]:
    """The sequences apart; ``steps``: only those with (True) or without (False) a return or
    rate table after the payments."""
    rng = random.Random(SEED + KINDS.index(kind))
    failures = []
    for n in range(cases):
        s = story(rng, kind, late if kind != "backdated" else True)
        if steps is not None and bool(s.steps) != steps:
            continue
        try:
            bad, _ = compare(s, slack)
        except (ValueError, AssertionError) as e:  # a claim overpaid, a payment held more
            bad = [repr(e)]
        if bad:
            failures.append((n, s, bad[:2]))
    return failures


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("kind", ["paused", "settled"])
def test_any_sequence_with_paused_interest_or_money_settled_before_reads_as_afresh(
    kind: str, late: bool
) -> None:
    """Paused interest and money settled with the client before the hand-over are the claims'
    terms: the replay books them as they are (before: 50 and 37 of 300 apart, claim by claim,
    47 and 33 by more than a euro; with a payment booked late 91 and 79)."""
    failures = measure(kind, late)
    assert not failures, f"{len(failures)} of {CASES}: " + "\n".join(map(str, failures[:3]))


def test_a_return_or_rate_table_after_a_payment_booked_late_reads_as_afresh() -> None:
    """Over claims of different ages a payment booked after later ones is restated claim by
    claim, its interest difference credited; the replay a return or rate table makes after it
    now brings what is credited to the replay's (before: 30 of these 300 sequences apart by
    up to 10.66; the 8 left are those with nothing after the late payment, below)."""
    failures = measure("backdated", True, steps=True)
    assert not failures, f"{len(failures)}: " + "\n".join(map(str, failures[:3]))


def test_a_return_after_a_payment_booked_late_leaves_no_interest_credited() -> None:
    """Consumer F0 207.50 due 2-1-2025 and F1 137.74 due 11-1; p1 207.20 received and booked
    13-5, p0 68.51 received 20-2 booked on 14-5 (restated: F0 took it first, its interest
    difference credited), p1 comes back on 21-5. By hand (6:119, 6 %, the payment day not
    counted): afresh p0 alone on 20-2 pays F0's 207.50 x 6 % x 48 / 365 = 1.6373, 1.64
    interest and 66.87 principal; on 21-5 F0 owes 1.6373 + 140.63 x 6 % x 90 / 365 = 3.7178,
    3.72 interest; three months on (21-8, 182 days) 1.6373 + 4.2073 = 5.8446, 5.84. F1:
    137.74 x 6 % x 129 / 365 = 2.9208, 2.92 on 21-5. Before, the interest the late payment's
    restatement credited stayed credited after p1 came back: 4.94 owed on 21-8."""
    s = Story([(20_750, 1, False, False, 0), (13_774, 10, False, False, 0)], False,
              [("p0", 6_851, date(2025, 2, 20), date(2025, 5, 14)),
               ("p1", 20_720, date(2025, 5, 13), date(2025, 5, 13))],
              [], [(date(2025, 5, 21), "storno", "p1")])  # fmt: skip
    assert compare(s)[0] == []
    got, _, _ = as_told(s)
    on_return, later = open_claims(got, date(2025, 5, 21)), open_claims(got, date(2025, 8, 21))
    f0 = on_return["F0"]
    assert (f0.paid.interest, f0.paid.principal, f0.open.principal) == (164, 6_687, 14_063)
    assert f0.charged.interest - f0.credited.interest == 372
    assert later["F0"].charged.interest - later["F0"].credited.interest == 584
    assert on_return["F1"].paid.total == 0
    assert on_return["F1"].charged.interest - on_return["F1"].credited.interest == 292


def test_a_return_takes_the_money_to_the_paused_claim_due_first() -> None:
    """Business F0 1,004.03 due 14-1-2025 and F1 339.62 due 22-1, each under a whole-claim
    plan whose pause runs from 50 days after its due date for 40 days (F0 5-3..14-4, F1
    13-3..22-4); p0 1,000.53 received 17-3, p1 187.22 on 2-4; p0 comes back on 14-4. By hand
    (6:119a, the payment day included, 11.15 %): F0's interest runs 15-1..5-3, 50 days:
    1,004.03 x 11.15 % x 50 / 365 = 15.3355, 15.34, then stays paused. On 2-4 both claims
    are in their plans (neither exigible before the other): F0, due first, takes p1: 15.34
    interest and 171.88 principal; F1 nothing. Before, restated claim by claim, p1's money
    stayed where p0 had sent it: F1 168.38, F0 15.34 + 3.50."""
    s = Story([(100_403, 13, False, True, 0), (33_962, 21, False, True, 0)], True,
              [("p0", 100_053, date(2025, 3, 17), date(2025, 3, 17)),
               ("p1", 18_722, date(2025, 4, 2), date(2025, 4, 2))],
              [], [(date(2025, 4, 14), "storno", "p0")])  # fmt: skip
    assert compare(s)[0] == []
    got, _, _ = as_told(s)
    fig = open_claims(got, date(2025, 4, 14))
    assert (fig["F0"].paid.interest, fig["F0"].paid.principal) == (1_534, 17_188)
    assert fig["F1"].paid.total == 0
    # the pause ends on 14-4: on 15-4 the 832.15 left bears a day, 0.2542 (15.5897)
    later = open_claims(got, date(2025, 4, 15))["F0"]
    assert later.charged.interest - later.credited.interest == 1_559


def test_a_return_over_money_settled_before_the_hand_over_pays_the_oldest_claim() -> None:
    """Business F0 556.71 due 30-1-2025 (a letter: costs owed from 6-3, the EUR 40.00 minimum)
    of which the debtor paid the client 457.32 before the hand-over, and F1 326.35 due 29-1;
    p0 332.95 received 6-3 pays F1 and part of F0, p1 124.62 on 3-9; p0 comes back on 20-9.
    By hand: F1 is the oldest (both 6:119a): on 3-9 it owes 326.35 x (11.15 % x 152 +
    10.15 % x 65) / 365 = 21.0518, 21.05 interest: p1 pays that and 103.57 principal; F0
    keeps its 99.39 principal and 40.00 costs open. Before (claim by claim), p1's money stayed
    on F0, where p0 had paid F1: F0 40.00 costs, 6.38 interest, 78.24 principal paid."""
    s = Story([(55_671, 29, True, False, 45_732), (32_635, 28, False, False, 0)], True,
              [("p0", 33_295, date(2025, 3, 6), date(2025, 3, 6)),
               ("p1", 12_462, date(2025, 9, 3), date(2025, 9, 3))],
              [], [(date(2025, 9, 20), "storno", "p0")])  # fmt: skip
    assert compare(s)[0] == []
    got, _, _ = as_told(s)
    fig = open_claims(got, date(2025, 9, 20))
    assert (fig["F1"].paid.interest, fig["F1"].paid.principal) == (2_105, 10_357)
    assert fig["F0"].paid.total == 0
    assert (fig["F0"].open.principal, fig["F0"].open.costs) == (9_939, 4_000)
    assert fig["F0"].paid_before_handover == 45_732


# still restated claim by claim (docs/law.md): the first 60 sequences of each show it; strict,
# so that replaying one of them makes this fail until it moves to the tests above
STILL_APART = [("waive", True), ("writeoff", True)]


def test_any_sequence_with_a_write_off_and_returns_reads_as_afresh() -> None:
    """A write-off is the creditor's own act: the replay books it with its amounts on its day
    among the payments (its interest stops there). Before: 34 of the 172 sequences with only
    returns after the payments apart, all by more than a euro, up to 714.39; now 0 (of all
    300: 65 -> 13, 12 of them a write-off of more than the final facts leave open that day,
    restated claim by claim, docs/law.md)."""
    rng = random.Random(SEED + KINDS.index("writeoff"))
    failures = []
    for n in range(CASES):
        s = story(rng, "writeoff", False)
        if any(w == "rates" for _, w, _ in s.steps):
            continue
        bad, _ = compare(s)
        if bad:
            failures.append((n, s, bad[:2]))
    assert not failures, f"{len(failures)}: " + "\n".join(map(str, failures[:3]))


def test_a_return_after_a_write_off_reopens_what_the_payment_paid_and_a_later_one_pays_it() -> None:
    """Business F0 1,066.89 due 19-1-2025 and F1 19.55 due 23-1; p1 454.69 received 15-5 pays
    F0 1,066.89 x 11.15 % x 116 / 365 = 37.8053, 37.81 interest and 416.88 principal; on 5-7
    F0 is written off: 650.01 principal and 10.03 interest (650.01 x (11.15 % x 46 + 10.15 %
    x 5) / 365 = 10.0376 more accrued, 47.84 in all); p0 479.25 on 13-7; p1 comes back on
    29-7. The write-off keeps its amounts: afresh F0 owes 1,066.89 x (11.15 % x 162 + 10.15 %
    x 5) / 365 = 54.2808, 54.28 interest fixed on 5-7 (it stops there), of which 44.25 and
    416.88 principal are not written off: p0 pays them on 13-7 and its 18.12 rest goes to F1.
    Before (claim by claim), p0's money stayed on F1 and over while F0 asked 461.13."""
    s = Story([(106_689, 18, False, False, 0), (1_955, 22, False, False, 0)], True,
              [("p0", 47_925, date(2025, 7, 13), date(2025, 7, 13)),
               ("p1", 45_469, date(2025, 5, 15), date(2025, 5, 15))],
              [(date(2025, 7, 5), "writeoff", "F0", 0)],
              [(date(2025, 7, 29), "storno", "p1")])  # fmt: skip
    assert compare(s)[0] == []
    got, _, _ = as_told(s)
    f0 = open_claims(got, date(2025, 7, 29))["F0"]
    assert (f0.written_off.principal, f0.written_off.interest) == (65_001, 1_003)
    assert f0.charged.interest - f0.credited.interest == 5_428
    assert (f0.paid.interest, f0.paid.principal, f0.open.total) == (4_425, 41_688, 0)
    assert open_claims(got, date(2025, 7, 29))["F1"].paid.total == 47_925 - 4_425 - 41_688


def test_any_sequence_with_a_waiver_and_returns_reads_as_afresh() -> None:
    """A waiver is the creditor's own act: the replay books it with its amount on its day
    among the payments (one of all that was open stops the interest there too). Before: 64
    of 300 sequences apart, 58 by more than a euro, up to 1,591.76; now none of those with
    only returns after the payments (the 3 left of 300 have a rate table after a waiver of
    all that was open: it waived more than the new rates leave open, so the claims are
    restated claim by claim, docs/law.md)."""
    rng = random.Random(SEED + KINDS.index("waive"))
    failures = []
    for n in range(CASES):
        s = story(rng, "waive", False)
        if any(w == "rates" for _, w, _ in s.steps):
            continue
        bad, _ = compare(s)
        if bad:
            failures.append((n, s, bad[:2]))
    assert not failures, f"{len(failures)}: " + "\n".join(map(str, failures[:3]))


def test_a_return_after_a_waiver_takes_the_money_back_to_the_oldest_claim() -> None:
    """Consumer F0 732.23 due 9-1-2025 and F1 193.74 due 11-1; on 23-2 the creditor waives
    F0's interest open, 732.23 x 6 % x 44 / 365 = 5.2963, 5.30 (all of it: F0's interest
    stops); p1 111.13 received 14-5, p0 802.89 on 24-7; p1 comes back on 2-8. By hand
    (6:119, the payment day not counted): afresh p0 pays F0's 732.23 (no interest open) and
    its 70.66 rest goes to F1: 193.74 x 6 % x 193 / 365 = 6.1466, 6.15 interest and 64.51
    principal. Before (claim by claim), p0's money stayed where p1's booking had sent it:
    F0 621.10 paid, 111.13 open."""
    s = Story([(73_223, 8, False, False, 0), (19_374, 10, False, False, 0)], False,
              [("p0", 80_289, date(2025, 7, 24), date(2025, 7, 24)),
               ("p1", 11_113, date(2025, 5, 14), date(2025, 5, 14))],
              [(date(2025, 2, 23), "waive", "F0", 1_896)],
              [(date(2025, 8, 2), "storno", "p1")])  # fmt: skip
    assert compare(s)[0] == []
    got, _, done = as_told(s)
    assert done == {(date(2025, 2, 23), "waive", "F0"): (530, True)}
    fig = open_claims(got, date(2025, 8, 2))
    assert (fig["F0"].paid.principal, fig["F0"].waived.interest, fig["F0"].open.total) == (
        73_223, 530, 0,
    )  # fmt: skip
    assert (fig["F1"].paid.interest, fig["F1"].paid.principal) == (615, 6_451)


@pytest.mark.parametrize("late", [False, True])
def test_any_sequence_with_a_credit_note_reads_as_afresh_within_a_cent(late: bool) -> None:
    """A partial credit note's part was never owed: the replay books the claim with the lower
    principal from its first day. Exact on the last day; three months on a cent of interest
    may be apart (85 and 99 of 300): the note's interest is credited in whole cents while the
    claim's own accrual, which reads the part until the note's day, is rounded as a whole.
    Before: 193 and 201 of 300 apart, 79 and 87 by more than a euro, up to 1,563.36."""
    failures = measure("credit", late, slack=1)
    assert not failures, f"{len(failures)} of {CASES}: " + "\n".join(map(str, failures[:3]))


def test_a_return_after_a_credit_note_reads_as_the_lower_principal_from_the_start() -> None:
    """Consumer F0 1,916.40 due 17-1-2025; p0 1,764.15 received 20-6 pays it but for 152.25; a
    credit note of 514.56 on 2-9 (the part was never owed: p0 paid 314.11 + 12.94 too much,
    released); p0 comes back on 9-9. By hand (6:119, 6 %, the payment day not counted): the
    claim is 1,401.84 from the start, nothing paid: on 9-9 1,401.84 x 6 % x 234 / 365 =
    53.9228, 53.92 interest; on 9-12 (325 days) 74.8929, 74.89. Before (restated claim by
    claim), 57.74 on 9-9: the note's correction had taken back the part's interest on the
    history with p0 standing, and the return left it so."""
    s = Story([(191_640, 16, False, False, 0)], False,
              [("p0", 176_415, date(2025, 6, 20), date(2025, 6, 20))],
              [(date(2025, 9, 2), "credit", "F0", 51_456)],
              [(date(2025, 9, 9), "storno", "p0")])  # fmt: skip
    assert compare(s)[0] == []
    got, _, _ = as_told(s)
    for on, owed in ((date(2025, 9, 9), 5_392), (date(2025, 12, 9), 7_489)):
        fig = open_claims(got, on)["F0"]
        assert fig.charged.interest - fig.credited.interest == owed
        assert (fig.paid.total, fig.open.principal) == (0, 140_184)


def test_a_business_credit_note_takes_its_days_interest_off_once() -> None:
    """Business F0 851.28 due 26-1-2025; a credit note of 326.58 dated 2-7; p0 1,000.00 on
    22-7. By hand (6:119a, the payment day included, 11.15 % to 30-6, 10.15 % from 1-7): on
    2-7 the claim fixes 851.28 x (11.15 % x 155 + 10.15 % x 2) / 365 = 40.7810, 40.78, and the
    note takes the part's back, 326.58 x the same = 15.6448, 15.64; from 3-7 to 22-7 524.70
    bears 524.70 x 10.15 % x 20 / 365 = 2.9182: 43.6992, 43.70 accrued, 28.06 owed (the
    lower principal from the start gives 28.0542: the note's part rounded on its own).
    Before, the lower principal was counted from 2-7 itself, whose interest the note had
    taken back already: 2-7's 0.09 on the part off twice, 27.97."""
    t = ClaimTerms(invoice_number="F0", debtor_number="D1", due_date=date(2025, 1, 26),
                   principal=85_128, consumer=False, interest_rule=InterestRule.COMMERCIAL,
                   interest_from=date(2025, 1, 27))  # fmt: skip
    records = [ClaimRecord(t)]
    records = apply(records, booking.credit_part(records, "F0", 32_658, date(2025, 7, 2),
                                                 "CN1", "test").events)  # fmt: skip
    assert open_claims(records, date(2025, 7, 2))["F0"].credited.interest == 1_564
    records = apply(records, booking.allocate(records, "p0", 100_000, date(2025, 7, 22)).events)
    fig = open_claims(records, date(2025, 7, 22))["F0"]
    assert fig.charged.interest - fig.credited.interest == 2_806
    assert (fig.paid.interest, fig.open.total) == (2_806, 0)


@pytest.mark.xfail(strict=True, reason="restated claim by claim (docs/law.md)")
@pytest.mark.parametrize(("kind", "late"), STILL_APART)
def test_the_facts_still_restated_claim_by_claim_end_apart(kind: str, late: bool) -> None:
    failures = measure(kind, late, CASES // 5)
    assert not failures, f"{len(failures)} of {CASES // 5}"


@pytest.mark.xfail(strict=True, reason="booked claim by claim: a cent of interest rounded apart")
def test_a_payment_booked_late_over_claims_of_different_ages_alone() -> None:
    """With nothing after it, the late payment's claim-by-claim restatement credits its
    interest difference, rounded apart from what accrues later: 8 of 300 a cent apart."""
    failures = measure("backdated", True, steps=False)
    assert not failures, f"{len(failures)}"


@pytest.mark.parametrize("late", [False, True])
def test_any_sequence_with_a_discount_reads_as_afresh(late: bool) -> None:
    """A discount (law15c F1) lets part of the principal go from its own day: the replay
    carries it on that day among the payments, as the final facts afresh book it there (one
    or two discounts over up to three claims, returns and a rate table after them). Exact on
    the last day and three months on, 0 of 300 apart (restated claim by claim: 56 and 76).
    A discount told before a payment received earlier but booked after it lets go only of
    what the final facts leave open on its day, as afresh (law16b F3: before, 8 of the 300
    with a payment booked late released the payment's money beyond it as a refund, where the
    final facts afresh refuse the discount above that principal)."""
    failures = measure("discount", late)
    assert not failures, f"{len(failures)} of {CASES}: " + "\n".join(map(str, failures[:3]))
