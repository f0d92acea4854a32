"""The standing's pure rules: which bank reason says the debtor died, and the pace of the
workflow once a standing is lifted (shared.domain.standing, workflow.after_standing)."""

from __future__ import annotations

from datetime import date

from shared.adapters.tables.parties_repo import debtor_from_row, debtor_to_row
from shared.domain.dunning.workflow import (
    DunningState,
    OffsetFrom,
    Step,
    StepChannel,
    Workflow,
    after_standing,
    blocked,
)
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor, DebtorKind
from shared.domain.standing import DebtorStanding, Standing, holds, says_deceased


def test_md07_in_any_wording_says_deceased():
    assert says_deceased("MD07")
    assert says_deceased("returned by the bank (MD07)")
    assert says_deceased("md07 debtor deceased")
    assert not says_deceased("AM04")
    assert not says_deceased("MD071")


def _workflow() -> Workflow:
    step = Step  # the due-date steps a lift must not send on consecutive days
    return Workflow(
        "w",
        "W",
        (
            step("a", StepChannel.EMAIL, 7, OffsetFrom.DUE_DATE, step_id="s1"),
            step("b", StepChannel.EMAIL, 14, OffsetFrom.DUE_DATE, step_id="s2"),
            step("c", StepChannel.EMAIL, 24, OffsetFrom.DUE_DATE, step_id="s3"),
        ),
    )


def test_after_a_lift_due_date_steps_keep_their_gaps():
    wf = _workflow()
    lifted = DebtorStanding(Standing.BANKRUPT, date(2026, 1, 5), date(2026, 1, 5),
                            lifted_on=date(2026, 3, 1))  # fmt: skip
    debtor = Debtor("c", "D1", DebtorKind.B2C, "D", standing=lifted)
    before = DunningState(last_step=0, last_step_on=date(2026, 1, 8))
    assert after_standing(wf, 1, before, debtor) == date(2026, 3, 1)
    sent_on_lift = DunningState(last_step=1, last_step_on=date(2026, 3, 1))
    assert after_standing(wf, 2, sent_on_lift, debtor) == date(2026, 3, 11)  # 24 - 14 days
    assert after_standing(wf, 2, sent_on_lift, Debtor("c", "D1", DebtorKind.B2C, "D")) is None


def test_a_standing_in_force_blocks_and_a_lifted_one_does_not():
    inv = Invoice("c", "F1", "D1", date(2026, 1, 1), date(2026, 1, 1), 10_000, 10_000)
    s = DebtorStanding(Standing.DECEASED, date(2026, 1, 5), date(2026, 1, 6), confirmed=False)
    debtor = Debtor("c", "D1", DebtorKind.B2C, "D", standing=s)
    assert holds(s) and blocked(inv, DunningState(), debtor, date(2026, 2, 1)) == "debtor deceased"
    lifted = Debtor("c", "D1", DebtorKind.B2C, "D",
                    standing=DebtorStanding(s.standing, s.since, s.recorded_on, False,
                                            date(2026, 2, 1)))  # fmt: skip
    assert blocked(inv, DunningState(), lifted, date(2026, 2, 1)) is None
    assert debtor_from_row(debtor_to_row(debtor)) == debtor
    assert debtor_from_row(debtor_to_row(lifted)) == lifted


def test_an_ended_ruling_keeps_its_own_claims_from_the_dunning_and_a_later_one_not():
    from shared.domain.standing import LiftReason, held_after_ruling

    since, lift = date(2026, 2, 10), date(2026, 4, 20)
    for why, held in ((LiftReason.CLEAN_SLATE, True), (LiftReason.AKKOORD, True),
                      (LiftReason.ENDED, False), (LiftReason.MISTAKE, False)):  # fmt: skip
        s = DebtorStanding(Standing.WSNP, since, since, True, lift, lift_reason=why)
        debtor = Debtor("c", "D1", DebtorKind.B2C, "D", standing=s)
        old = Invoice("c", "F1", "D1", date(2026, 1, 1), date(2026, 1, 31), 10_000, 10_000)
        later = Invoice("c", "F2", "D1", since, date(2026, 3, 12), 10_000, 10_000)
        assert (blocked(old, DunningState(), debtor, date(2026, 5, 1)) is not None) is held, why
        assert blocked(later, DunningState(), debtor, date(2026, 5, 1)) is None  # art. 24 Fw
        assert held_after_ruling(s, since) is None
        assert debtor_from_row(debtor_to_row(debtor)) == debtor
    # a death covers every claim; a lift stored before reasons were asked reads as a mistake
    dead = DebtorStanding(Standing.DECEASED, since, since, True, lift, lift_reason=None)
    assert dead.covers(date(2026, 3, 1)) and not dead.ruling_ended
