"""Restatements and stornos in any sequence read to the cent as the final facts booked afresh
(restate13): a rate table put in force late, a due date moved, the debtor corrected from
business to consumer, and payments that come back, each on its own day after the payments
were booked in the order received. However many of them, the claims' figures (what is owed,
paid and open per component, on the last day and three months later) equal those of booking
only the payments that stand, in the order received, on the final terms and rates.

Before, a storno after a restatement credited its interest difference on the day it was
booked and the claim's own accrual then ran on the days the money was booked: one or two
cents of interest per step apart from the fresh replay (law12b: F1 open 28.33 vs 28.32)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

import pytest

from shared.domain.law.interest_rates import RateChange, RateTable, default_rate_table
from shared.domain.ledger import booking, designation
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import (
    COMPONENTS,
    DESIGNATION_RESTATED,
    RATES_RESTATED,
    TERMS_RESTATED,
    ClaimFigures,
    ClaimTerms,
    EventKind,
    InterestRule,
    LedgerEvent,
)
from shared.domain.ledger.replay import open_claims

START = date(2025, 1, 1)
ROW = date(2025, 7, 1)


def restated_table() -> RateTable:
    """The shipped table with its 2025-07-01 row put in force late at other rates."""
    rows = [
        RateChange(ROW, Fraction(5, 100), Fraction(11, 100)) if c.effective_from == ROW else c
        for c in default_rate_table().changes
    ]
    return RateTable(tuple(rows))


@dataclass
class Story:
    """One debtor's claims and what happens to them, in the order it happens."""

    claims: list[tuple[int, int, bool]]  # principal, due offset, costs owed (a letter)
    business: bool
    payments: list[tuple[str, int, date]]  # id, cents, received (booked that day)
    steps: list[tuple[date, str, str]] = field(default_factory=list)  # day, what, whom
    # the claim each payment named when booked ("redesignate" steps: "p1>F1", corrected by hand)
    named: dict[str, str] = field(default_factory=dict)


def terms(story: Story, i: int, business: bool, moved: int) -> ClaimTerms:
    principal, offset, owed = story.claims[i]
    due = START + timedelta(days=offset + moved)
    return ClaimTerms(
        invoice_number=f"F{i}", debtor_number="D1", due_date=due, principal=principal,
        consumer=not business,
        interest_rule=InterestRule.COMMERCIAL if business else InterestRule.CONSUMER,
        costs_owed_from=START + timedelta(days=offset + 35) if owed else None,
        interest_from=due + timedelta(days=1),
    )  # fmt: skip


MOVE = 14  # days a due date is moved later


def apply(
    records: list[ClaimRecord], events: dict[str, tuple[LedgerEvent, ...]]
) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


def held(records: Sequence[ClaimRecord], payment_id: str) -> int:
    total = 0
    for r in records:
        for e in r.events:
            if e.payment_id == payment_id and e.kind is EventKind.ALLOCATED:
                total += e.amount
            elif e.payment_id == payment_id and e.kind is EventKind.REVERSAL:
                total -= e.amount
    return total


def as_told(story: Story) -> tuple[list[ClaimRecord], RateTable | None]:
    """The story booked as it happened: each payment on its day, each change on its own."""
    records = [ClaimRecord(terms(story, i, story.business, 0)) for i in range(len(story.claims))]
    rates: RateTable | None = None
    business = story.business
    moved: set[int] = set()
    booked: list[tuple[str, int, date]] = []
    returned: set[str] = set()
    names = {p: (n,) for p, n in story.named.items()}

    def named(pid: str) -> tuple[str, ...]:
        return names.get(pid, ())

    todo = sorted(
        [(day, 0, "pay", pid) for pid, _, day in story.payments]
        + [(day, 1, what, whom) for day, what, whom in story.steps]
    )

    def spare() -> dict[str, tuple[int, date, str]]:
        return {p: (c - held(records, p), d, "D1") for p, c, d in booked if p not in returned}

    for day, _, what, whom in todo:
        numbers = [r.number for r in records]
        if what == "pay":
            pid, cents, received = next(p for p in story.payments if p[0] == whom)
            records = apply(records, booking.allocate(records, pid, cents, received, named(pid),
                                                      rates=rates, named=named).events)  # fmt: skip
            booked.append((pid, cents, received))
        elif what == "redesignate":  # as Redesignation does: booked again as if named so
            pid, to = whom.split(">")
            _, cents, received = next(p for p in story.payments if p[0] == pid)
            names[pid] = (to,)
            again = designation.rebook_designated(records, pid, cents, [to], received, day,
                                                  rates, named, DESIGNATION_RESTATED)  # fmt: skip
            if again is not None:
                records = apply(records, again.events)
        elif what == "storno":
            undone = booking.return_payment(records, whom, day, "storno", rates, named,
                                            spare=spare())  # fmt: skip
            returned.add(whom)
            records = apply(records, undone.events)
        elif what == "rates":
            rates = restated_table()
            done = booking.restate_claims(records, numbers, rates, reason=f"{RATES_RESTATED}v2",
                                          since=ROW, spare=spare())  # fmt: skip
            records = apply(records, done.events)
        elif what == "kind":
            business = False
            records = [ClaimRecord(terms(story, i, False, MOVE if i in moved else 0), r.events)
                       for i, r in enumerate(records)]  # fmt: skip
            done = booking.restate_claims(records, numbers, rates,
                                          reason=f"{TERMS_RESTATED}kind", spare=spare())  # fmt: skip
            records = apply(records, done.events)
        elif what == "due":
            i = int(whom)
            was = records[i].terms
            moved.add(i)
            records[i] = ClaimRecord(terms(story, i, business, MOVE), records[i].events)
            first = was.interest_from or was.due_date
            done = booking.restate_claims(
                records, [was.invoice_number], rates, reason=f"{TERMS_RESTATED}due date",
                replay_from={was.invoice_number: first - timedelta(days=1)}, spare=spare(),
            )  # fmt: skip
            records = apply(records, done.events)
    for pid, cents, _ in booked:  # no payment holds more than it paid, one returned nothing
        assert 0 <= held(records, pid) <= (0 if pid in returned else cents), pid
    return records, rates


def afresh(story: Story) -> tuple[list[ClaimRecord], RateTable | None]:
    """The final facts booked from scratch: final terms and rates, the standing payments in
    the order received."""
    kinds = [w for _, w, _ in story.steps]
    business = story.business and "kind" not in kinds
    moved = {int(whom) for _, w, whom in story.steps if w == "due"}
    gone = {whom for _, w, whom in story.steps if w == "storno"}
    names = {p: (n,) for p, n in story.named.items()}
    for _, w, whom in sorted(story.steps):
        if w == "redesignate":
            pid, to = whom.split(">")
            names[pid] = (to,)
    rates = restated_table() if "rates" in kinds else None
    records = [ClaimRecord(terms(story, i, business, MOVE if i in moved else 0))
               for i in range(len(story.claims))]  # fmt: skip
    for pid, cents, received in sorted(story.payments, key=lambda p: (p[2], p[0])):
        if pid not in gone:
            done = booking.allocate(records, pid, cents, received, names.get(pid, ()),
                                    rates=rates, named=lambda p: names.get(p, ()))  # fmt: skip
            records = apply(records, done.events)
    return records, rates


def figures(fig: ClaimFigures) -> dict[str, tuple[int, int, int]]:
    """Per component what is owed (charged less credited), paid, and open."""
    return {
        c.value: (fig.charged.of(c) - fig.credited.of(c), fig.paid.of(c), fig.open.of(c))
        for c in COMPONENTS
    }


def apart(got: dict[str, tuple[int, int, int]], want: dict[str, tuple[int, int, int]],
          slack: int) -> bool:  # fmt: skip
    """Whether the figures differ by more than ``slack`` cents of interest owed and open
    (everything else to the cent)."""
    for name, (owed, paid, open_) in got.items():
        w_owed, w_paid, w_open = want[name]
        allowed = slack if name == "interest" else 0
        if paid != w_paid or abs(owed - w_owed) > allowed or abs(open_ - w_open) > allowed:
            return True
    return False


def compare(story: Story, slack: int = 0) -> list[str]:
    got, got_rates = as_told(story)
    want, want_rates = afresh(story)
    last = max(e.on for r in got for e in r.events)
    bad = []
    for on in (last, last + timedelta(days=92)):
        mine, theirs = open_claims(got, on, got_rates), open_claims(want, on, want_rates)
        for n in mine:
            if apart(figures(mine[n]), figures(theirs[n]), slack):
                bad.append(f"{on} {n}: got {figures(mine[n])} want {figures(theirs[n])}")
    return bad


# one invoice per debtor here; several below (which claim the money reaches is 6:43's,
# decided again over all the debtor's claims by a replay of the final facts, replayed.py)
CLAIMS = 1


def story(rng: random.Random, most: int = CLAIMS) -> Story:
    claims = [(rng.randint(100, 200_000), rng.randint(0, 30), rng.random() < 0.5)
              for _ in range(rng.randint(1, most))]  # fmt: skip
    payments = []
    # together at most what the claim asks: money left over (an overpayment) that a storno
    # offers to the claim again is booked back-dated, whose interest is still a cent apart
    # (reported in docs/law.md, left for a later round)
    room = sum(c[0] for c in claims)
    for i in range(rng.randint(1, 4)):
        day = START + timedelta(days=rng.randint(40, 250))
        cents = rng.randint(1, max(1, room))
        if room <= 0:
            break
        room -= cents
        payments.append((f"p{i}", cents, day))
    last = max(d for *_, d in payments)
    business = rng.random() < 0.7
    changes = ["rates", "due", "storno"] + (["kind"] if business else [])
    steps = []
    returned: set[str] = set()
    for _ in range(rng.randint(1, 5)):
        what = rng.choice(changes)
        day = last + timedelta(days=rng.randint(1, 20))
        if what == "storno":
            pid = rng.choice([p for p, *_ in payments])
            if pid in returned:
                continue
            returned.add(pid)
            steps.append((day, "storno", pid))
        elif what == "due":
            i = rng.randrange(len(claims))
            if any(w == "due" and x == str(i) for _, w, x in steps):
                continue
            steps.append((day, "due", str(i)))
        elif what not in {w for _, w, _ in steps}:
            steps.append((day, what, ""))
    return Story(claims, business, payments, steps)


def test_a_storno_after_a_kind_correction_reads_as_the_consumer_from_the_start() -> None:
    """Found by the sequences below: business F0 1,965.16 due 20-1-2025 (a letter: the staffel's
    15 % = 294.77, owed from 5-2), p1 1,267.91 on 24-4 and p0 874.56 on 21-5; p1 comes
    back on 29-5, the debtor is corrected to consumer on 3-6. Afresh, p0 alone on 21-5 pays
    the costs, 6:119 interest 38.76 and 541.03 principal: the claim owes 40.64 interest on
    29-5. Before, the storno charged 0.88 interest on top (its moves counted from 29-5), which
    stayed on top after the kind correction: 41.05 (and 62.58 for 62.18 three months on)."""
    s = Story([(196_516, 19, True)], True,
              [("p0", 87_456, date(2025, 5, 21)), ("p1", 126_791, date(2025, 4, 24))],
              [(date(2025, 5, 29), "storno", "p1"), (date(2025, 6, 3), "kind", "")])  # fmt: skip
    assert compare(s) == []
    want, rates = afresh(s)
    fig = open_claims(want, date(2025, 5, 29), rates)["F0"]
    assert (fig.paid.costs, fig.paid.interest, fig.paid.principal) == (29_477, 3_876, 54_103)
    assert fig.charged.interest == 4_064


def test_a_kind_correction_after_a_storno_lowers_the_interest_fixed_before_it() -> None:
    """Business F0 1,011.73 due 6-1-2025, p0 354.79 on 18-5, p1 963.45 on 23-7, p2 247.94 on
    26-8 (over); the rate row put in force on 28-8, p0 comes back on 30-8, the debtor corrected
    to consumer on 31-8. The interest p0's booking fixed on 18-5 under 6:119a (40.80) is no
    floor of the consumer's: afresh, p1 and p2 pay 32.53 interest and the principal."""
    s = Story([(101_173, 5, False)], True,
              [("p0", 35_479, date(2025, 5, 18)), ("p1", 96_345, date(2025, 7, 23)),
               ("p2", 24_794, date(2025, 8, 26))],
              [(date(2025, 8, 28), "rates", ""), (date(2025, 8, 30), "storno", "p0"),
               (date(2025, 8, 31), "kind", "")])  # fmt: skip
    assert compare(s) == []
    got, rates = as_told(s)
    fig = open_claims(got, date(2025, 8, 31), rates)["F0"]
    assert (fig.paid.interest, fig.open.total) == (3_253, 0)


SEED = 13
CASES = 300


@pytest.mark.parametrize("batch", range(6))
def test_any_sequence_reads_as_the_final_facts_to_the_cent(batch: int) -> None:
    rng = random.Random(SEED * 1000 + batch)
    failures = []
    for n in range(CASES // 6):
        s = story(rng)
        try:
            bad = compare(s)
        except ValueError as e:  # a claim overpaid on the way
            bad = [repr(e)]
        if bad:
            failures.append((n, s, bad[:2]))
    assert not failures, f"{len(failures)} of {CASES // 6}: " + "\n".join(map(str, failures[:3]))


def overpaid_story(rng: random.Random) -> Story:
    """One claim; payments that together may pay more than it asks (the rest is left over,
    spare money); some of them come back, each on its own day after the payments: a return
    offers the spare money to the claim it reopens again, booked back-dated."""
    principal = rng.randint(100, 200_000)
    claims = [(principal, rng.randint(0, 30), rng.random() < 0.5)]
    payments = [(f"p{i}", rng.randint(1, principal), START + timedelta(days=rng.randint(40, 250)))
                for i in range(rng.randint(1, 4))]  # fmt: skip
    last = max(d for *_, d in payments)
    steps: list[tuple[date, str, str]] = []
    for pid in sorted({rng.choice([p for p, *_ in payments]) for _ in range(rng.randint(1, 3))}):
        steps.append((last + timedelta(days=rng.randint(1, 20)), "storno", pid))
    return Story(claims, rng.random() < 0.5, payments, steps)


def test_spare_money_a_storno_offers_back_reads_to_the_cent() -> None:
    """Found by the sequences below (ledger14): consumer F0 767.53 due 19-1-2025; p0 275.18 on
    7-3, p2 278.17 on 20-6 and p1 410.77 on 6-7 (over: 196.59 spare); p2 comes back on 23-7,
    which reopens F0: p1's spare money pays it again from 6-7. Afresh p0 and p1 pay 670.24
    principal and 15.71 interest, 97.29 open, and three months on (23-10) 17.46 interest
    owed. Before, the spare money was booked as a back-dated payment of its own, its
    interest credited on 23-7 and rounded apart from what accrued after it: 17.45."""
    s = Story([(76_753, 18, False)], False,
              [("p0", 27_518, date(2025, 3, 7)), ("p1", 41_077, date(2025, 7, 6)),
               ("p2", 27_817, date(2025, 6, 20))],
              [(date(2025, 7, 23), "storno", "p2")])  # fmt: skip
    assert compare(s) == []
    got, rates = as_told(s)
    fig = open_claims(got, date(2025, 10, 23), rates)["F0"]
    assert (fig.paid.principal, fig.paid.interest, fig.open.principal) == (67_024, 1_571, 9_729)
    assert fig.charged.interest - fig.credited.interest == 1_746


@pytest.mark.parametrize("batch", range(6))
def test_any_sequence_with_spare_money_reads_as_the_final_facts(batch: int) -> None:
    """An overpayment's money a storno offers to the claim again counts from its received day
    in the claim's own accrual, as the final facts booked afresh count it (before: 20 of 300
    sequences a cent of interest apart, ledger14)."""
    rng = random.Random(SEED * 3000 + batch)
    failures = []
    for n in range(CASES // 6):
        s = overpaid_story(rng)
        try:
            bad = compare(s)
        except ValueError as e:  # a claim overpaid on the way
            bad = [repr(e)]
        if bad:
            failures.append((n, s, bad[:2]))
    assert not failures, f"{len(failures)} of {CASES // 6}: " + "\n".join(map(str, failures[:3]))


@pytest.mark.parametrize("batch", range(6))
def test_any_sequence_over_several_claims_reads_as_the_final_facts(batch: int) -> None:
    """Up to three claims of one debtor, with letters on any of them: every claim's figures
    equal the final facts booked afresh, to the cent, 6:43 decided again over all of them
    (before: 72 of these 300 sequences apart, 55 by more than a euro: restated claim by claim,
    a claim released its excess onward but never took money back from a claim later in the
    6:43 order, e.g. after a due date moved later or a payment came back; ledger14)."""
    rng = random.Random(SEED * 1000 + batch)
    failures = []
    for n in range(CASES // 6):
        s = story(rng, most=3)
        try:
            bad = compare(s)
        except ValueError as e:  # a claim overpaid on the way
            bad = [repr(e)]
        if bad:
            failures.append((n, s, bad[:2]))
    assert not failures, f"{len(failures)} of {CASES // 6}: " + "\n".join(map(str, failures[:3]))


def test_a_due_date_moved_later_takes_the_money_to_the_claim_now_due_first() -> None:
    """Found by the sequences above: consumer F0 756.62 due 22-1-2025 and F1 578.17 due 6-1 (a
    letter: 15 % = 86.73 from 10-2); p0 1,054.57 on 27-3 pays F1 and part of F0, p1 125.39 on 30-4, p3
    56.48 on 12-7, p2 94.26 on 15-8. F0's due date is moved 14 days later and p0 comes back
    (19-8), p2 comes back (1-9), a rate row is put in force (3-9). Afresh F1, due first, takes
    p1 and p3 on their days (its costs 86.73 first, 6:44), F0 nothing. Before, the money
    stayed on F0, where the restatements had left it: F0 paid 17.83 interest and 164.04
    principal, F1 nothing."""
    s = Story([(75_662, 21, False), (57_817, 5, True)], False,
              [("p0", 105_457, date(2025, 3, 27)), ("p1", 12_539, date(2025, 4, 30)),
               ("p2", 9_426, date(2025, 8, 15)), ("p3", 5_648, date(2025, 7, 12))],
              [(date(2025, 8, 19), "due", "0"), (date(2025, 9, 1), "storno", "p2"),
               (date(2025, 8, 19), "storno", "p0"), (date(2025, 9, 3), "rates", "")])  # fmt: skip
    assert compare(s) == []
    got, rates = as_told(s)
    fig = open_claims(got, date(2025, 9, 3), rates)
    assert fig["F0"].paid.total == 0
    assert fig["F1"].paid.costs == 8_673
    assert fig["F1"].paid.total == 12_539 + 5_648


def test_a_correction_between_two_claims_of_one_notice_splits_its_costs_afresh() -> None:
    """Consumer F0 756.14 and F1 1,289.41, both due 17-1-2025, one letter (costs from 21-2);
    p0 363.49 received 20-2 booked on F0, corrected to F1 (its payer named F1) on 28-2. By
    hand: on 20-2 F1 owes 1,289.41 x 6 % x 33/365 = 6.99 interest, p0 pays it and 356.50;
    the base of the notice is what is open at the term's end with the interest paid counted
    on the principal: F0 756.14 + F1 (1,289.41 - 363.49) 925.92 = 1,682.06, 15 % = 252.31,
    F0 113.42 (756.14 / 1,682.06, 113.421) and F1 138.89 (138.888). Before, F0's costs were
    fixed while p0 was on no claim and F1 took the rest: F1 84.37 (ledger14)."""
    s = Story([(75_614, 16, True), (128_941, 16, True)], False,
              [("p0", 36_349, date(2025, 2, 20))],
              [(date(2025, 2, 28), "redesignate", "p0>F1")], {"p0": "F0"})  # fmt: skip
    assert compare(s) == []
    got, rates = as_told(s)
    fig = open_claims(got, date(2025, 2, 28), rates)
    assert [fig[n].charged.costs - fig[n].credited.costs for n in ("F0", "F1")] == [11_342, 13_889]
    assert (fig["F1"].paid.interest, fig["F1"].paid.principal) == (699, 35_650)


def lettered_story(rng: random.Random) -> Story:
    """A redesignated story whose two claims both have a letter (one notice when the days
    agree): a correction moves money between two claims that share the notice's costs."""
    s = redesignated_story(rng)
    return Story([(p, o, True) for p, o, _ in s.claims], s.business, s.payments, s.steps, s.named)


@pytest.mark.parametrize("batch", range(3))
def test_any_correction_between_claims_with_letters_reads_as_the_final_facts(batch: int) -> None:
    """Corrections and stornos over two claims that both carry costs: each claim's costs
    (and every other figure) as the final facts booked afresh (before: 2 of 150 apart, one by
    54.52 of costs between the two claims; ledger14)."""
    rng = random.Random(SEED * 2000 + batch)
    failures = []
    for n in range(CASES // 6):
        s = lettered_story(rng)
        try:
            bad = compare(s)
        except ValueError as e:  # a claim overpaid on the way
            bad = [repr(e)]
        if bad:
            failures.append((n, s, bad[:2]))
    assert not failures, f"{len(failures)} of {CASES // 6}: " + "\n".join(map(str, failures[:3]))


def redesignated_story(rng: random.Random) -> Story:
    """Two claims; each payment names one of them when booked; a person corrects a payment's
    designation to the other claim, and payments come back, each on its own day after the
    payments (codereview13 #1: a storno of a payment corrected before charged the interest of
    the days before the correction twice)."""
    # a letter (costs) on one claim at most: the costs of a notice over both, split by what
    # each claim's payments left open at the term's end, are not derived again when a
    # correction moves money between them (docs/law.md: with several claims, which claim a
    # restatement's money reaches is not derived again)
    letter = rng.randrange(3)
    claims = [(rng.randint(100, 200_000), rng.randint(0, 30), letter == i) for i in range(2)]
    # together less than either claim's principal: a payment corrected to a claim another
    # payment paid in full meanwhile stays where it is (rebook_designated: nothing open there)
    room = min(c[0] for c in claims) - 1
    payments: list[tuple[str, int, date]] = []
    named: dict[str, str] = {}
    for i in range(rng.randint(1, 3)):
        if room <= 0:
            break
        cents = rng.randint(1, room)
        room -= cents
        payments.append((f"p{i}", cents, START + timedelta(days=rng.randint(40, 250))))
        named[f"p{i}"] = f"F{rng.randrange(2)}"
    last = max(d for *_, d in payments)
    steps: list[tuple[date, str, str]] = []
    returned: set[str] = set()
    corrected: set[str] = set()
    for _ in range(rng.randint(1, 4)):
        pid = rng.choice([p for p, *_ in payments])
        day = last + timedelta(days=rng.randint(1, 20))
        if rng.random() < 0.6 and pid not in corrected:
            corrected.add(pid)
            steps.append((day, "redesignate", f"{pid}>F{1 - int(named[pid][1])}"))
        elif pid not in returned:
            returned.add(pid)
            steps.append((day, "storno", pid))
    # a payment that came back takes no new designation (Redesignation refuses it)
    gone_on = {whom: day for day, w, whom in steps if w == "storno"}
    steps = [(d, w, x) for d, w, x in steps
             if w != "redesignate" or d < gone_on.get(x.split(">")[0], date.max)]  # fmt: skip
    return Story(claims, rng.random() < 0.5, payments, steps, named)


def test_a_storno_after_a_redesignation_reads_as_named_then_returned() -> None:
    """codereview13 #1 on the ledger alone: consumer F0 1,000.00 due 1-12 and F1 500.00 due 1-11;
    p0 506.00 received 15-1 booked on F0 (it named F1), corrected to F1 on 17-1, returned on
    25-1. F0's interest is that of 1,000.00 never paid (before: the 2 days 15..17-1 charged
    twice, 0.11 on top), F1 as if p0 had been named and returned."""
    s = Story([(100_000, 334, False), (50_000, 304, False)], False,
              [("p0", 50_600, date(2026, 1, 15))],
              [(date(2026, 1, 17), "redesignate", "p0>F1"), (date(2026, 1, 25), "storno", "p0")],
              {"p0": "F0"})  # fmt: skip
    assert compare(s) == []


def test_a_redesignation_booked_back_dated_reads_to_the_cent() -> None:
    """Found by the sequences below (ledger14): business F0 325.82 due 24-1-2025 and F1 666.66
    due 31-1; p0 243.76 received 17-3 booked on F1 (it named F1), p1 17.67 received 14-7 on
    F0; on 18-7 a person corrects p0 to F0. By hand (6:119a, the payment day included;
    11.15 % to 30-6-2025, 10.15 % from 1-7): on 17-3 F0 owes 325.82 x 11.15 % x 52/365 =
    5.1756 interest, p0 pays 5.18 and 238.58 principal (87.24 left); on 14-7
    87.24 x (11.15 % x 105 + 10.15 % x 14)/365 = 3.1380 more, 8.3136 in all: p1 pays 3.13
    and 14.54 (72.70 left); on 18-7 72.70 x 10.15 % x 4/365 = 0.0809: 8.3945, 8.39 owed,
    0.08 open. Before, the correction's booking on F0 was a back-dated payment's: its
    interest credited on 18-7 and rounded apart from what accrued after it, 8.40."""
    s = Story([(32_582, 23, False), (66_666, 30, False)], True,
              [("p0", 24_376, date(2025, 3, 17)), ("p1", 1_767, date(2025, 7, 14))],
              [(date(2025, 7, 18), "redesignate", "p0>F0")], {"p0": "F1", "p1": "F0"})  # fmt: skip
    assert compare(s) == []
    got, rates = as_told(s)
    fig = open_claims(got, date(2025, 7, 18), rates)["F0"]
    assert (fig.paid.principal, fig.paid.interest) == (25_312, 831)
    assert (fig.charged.interest - fig.credited.interest, fig.open.interest) == (839, 8)


@pytest.mark.parametrize("batch", range(3))
def test_any_sequence_with_redesignations_reads_as_the_final_facts(batch: int) -> None:
    """To the cent, the interest too: a correction books the payment back-dated on the claims
    it names as a restatement that lowers the fixed interest, its money counting from its
    received day in the claim's own accrual (before, as a back-dated payment, whose interest
    was credited on the booking day and rounded apart from what accrued after it: 12 of 150
    sequences a cent apart, ledger14). Before restate13, a storno after a correction was 0.11
    a day of the correction's lateness apart (codereview13 #1)."""
    rng = random.Random(SEED * 2000 + batch)
    failures = []
    for n in range(CASES // 6):
        s = redesignated_story(rng)
        try:
            bad = compare(s)
        except ValueError as e:  # a claim overpaid on the way
            bad = [repr(e)]
        if bad:
            failures.append((n, s, bad[:2]))
    assert not failures, f"{len(failures)} of {CASES // 6}: " + "\n".join(map(str, failures[:3]))


def counted_apart(story: Story) -> list[tuple[date, int, int]]:
    """The days on which the claims as told show other money paid than the payments received
    by then that had not come back (each counted once on every day, as designated so from its
    received day: a correction by hand moves it from that day, a storno takes it off on its
    own day): (day, paid on the claims, should)."""
    got, rates = as_told(story)
    back = {whom: day for day, what, whom in story.steps if what == "storno"}
    days = {d for *_, d in story.payments}
    for day, *_ in story.steps:
        days |= {day - timedelta(days=1), day, day + timedelta(days=1)}
    out = []
    for on in sorted(days):
        paid = sum(f.paid.total for f in open_claims(got, on, rates).values())
        should = sum(c for pid, c, d in story.payments if d <= on and back.get(pid, date.max) > on)
        if paid != should:
            out.append((on, paid, should))
    return out


def test_a_correction_with_a_later_payment_counts_once_on_the_days_between() -> None:
    """codereview14b F1 on the ledger alone: p0 received 17-3 on F1, p1 on 14-7 on F0, p0
    corrected to F0 on 18-7. The replay booked p0 on F0 on the claims' latest day (14-7)
    while its removal from F1 was dated 17-3, the day it reached F1: from 17-3 to 13-7 p0
    stood on no claim (0.00 paid of 243.76)."""
    s = Story([(32_582, 23, False), (66_666, 30, False)], True,
              [("p0", 24_376, date(2025, 3, 17)), ("p1", 1_767, date(2025, 7, 14))],
              [(date(2025, 7, 18), "redesignate", "p0>F0")], {"p0": "F1", "p1": "F0"})  # fmt: skip
    assert counted_apart(s) == []
    got, rates = as_told(s)
    f0 = open_claims(got, date(2025, 5, 1), rates)["F0"]
    assert f0.paid.total == 24_376  # on F0 from its day, as corrected


def test_a_correction_between_claims_of_one_notice_counts_once_on_the_days_before() -> None:
    """The same with the notice's costs on both claims (the costs split on the final base)."""
    s = Story([(75_614, 16, True), (128_941, 16, True)], False,
              [("p0", 36_349, date(2025, 2, 20))],
              [(date(2025, 2, 28), "redesignate", "p0>F1")], {"p0": "F0"})  # fmt: skip
    assert counted_apart(s) == []


@pytest.mark.parametrize("batch", range(3))
def test_any_sequence_with_redesignations_counts_each_payment_once_on_every_day(
    batch: int,
) -> None:
    """The claim on any earlier day (statements, ``claim?on=``) holds each standing payment
    once, also after a correction replayed over the debtor's claims (codereview14b F1)."""
    rng = random.Random(SEED * 3000 + batch)
    failures = []
    for n in range(CASES // 6):
        s = redesignated_story(rng)
        try:
            bad = [str(day) for day in counted_apart(s)]
        except ValueError as e:  # a claim overpaid on some day (its figures refuse to read)
            bad = [repr(e)]
        if bad:
            failures.append((n, s, bad[:2]))
    assert not failures, f"{len(failures)} of {CASES // 6}: " + "\n".join(map(str, failures[:3]))
