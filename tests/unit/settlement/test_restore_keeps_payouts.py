"""failure16 R1: ``inning restore --from DAY --set ledger`` after that morning's settlement run
rolled the run back with the ledger set: run R20261130, its statement, p1's claim and C1's
balance were rewound to 02:30, and the next run paid p1's 107.72 out again under new
end-to-end ids (215.44 to the client for 170.95 received). Money that left is never rolled
back: the restore keeps what the settlement tables hold and says which runs it kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.cli.backup_commands import _money_out
from shared.domain.settlement.records import RunStatus
from shared.services.operations.backups import NEVER_ROLLED_BACK, kept_since, restore
from shared.services.operations.money_hold import MoneyHold
from tests.support.memory_backup import NightlyBackup
from tests.unit.settlement.test_settlement_run import Setup

MONDAY = date(2026, 11, 30)


def _payouts(s: Setup) -> list[tuple[str, int]]:
    out = []
    for run in s.services.settlements.runs("agency-a"):
        _, settlements = s.services.settlements.run("agency-a", run.run_id)
        out += [(st.settlement_id, st.totals.payout) for st in settlements if st.totals]
    return sorted(out)


def test_a_restore_after_the_mornings_payout_keeps_it_and_pays_nothing_again(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))  # 170.95 received for C1: payout 107.72
    s.pay(s.c2, "p2", date(2026, 11, 27))
    world.clock.at = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)
    backup = NightlyBackup(world.store)  # the nightly backup
    run = s.run(MONDAY)  # 05:00: the run, approved at 09:00, its pain.001 sent to the bank
    assert run is not None and run.payout_total == 2 * 10772
    world.clock.at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    s.services.settlements.approve("agency-a", run.run_id, "staff")
    before = _payouts(s)
    # 14:00: the operator restores that night's ledger set (docs/operations.md section 7)
    counts = restore(backup, "2026-11-30", sets=["ledger"], now=datetime(2026, 11, 30, 14, 0, tzinfo=UTC))  # type: ignore[arg-type]  # fmt: skip
    # the restore holds the runs (restore26 F5) until the operator has reconciled; then
    # the next day's run finds nothing to settle: no second payout of p1 or p2
    assert s.run(date(2026, 12, 1)) is None
    _confirmed(s)
    again = s.run(date(2026, 12, 1))
    assert again is None, f"{again.run_id} pays {again.payout_total} cents again"
    # the run and what it settled stand as they were: approved, p1 and p2 claimed
    found = s.services.settlement_runs.store.run("agency-a", "R20261130")
    assert found is not None and found[0].status is RunStatus.APPROVED
    assert _payouts(s) == before
    kept = kept_since(counts)
    assert kept.runs == (("agency-a", "R20261130"),)
    # the command says what it kept and what that means for bookings made again by hand
    said = _money_out(kept)
    assert "R20261130 (agency-a)" in said and "never rolled back" in said
    assert "paid out again" in said


def test_the_restore_gives_back_only_what_the_settlement_tables_lack(world: Any) -> None:
    """A table lost (here: emptied) gets the backup's rows back; rows it holds are kept as
    they are, newer ones listed; the ledger tables beside them are exact again."""
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))
    first = s.run(date(2026, 11, 27))
    assert first is not None
    world.clock.at = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)
    backup = NightlyBackup(world.store)
    s.pay(s.c1, "p9", date(2026, 11, 28))  # booked since: the restore takes it away
    world.store._tables["SettledPayments"].clear()  # the claims lost since
    counts = {c.table: c for c in restore(backup, "2026-11-28", sets=["ledger"], now=datetime(2026, 11, 28, 14, 0, tzinfo=UTC))}  # type: ignore[arg-type]  # fmt: skip
    assert set(counts) >= NEVER_ROLLED_BACK
    assert s.services.repos.payments.get(s.c1.client_id, "p9") is None
    # p1's claim is back: settled once, by the 27-11 run
    _confirmed(s)
    assert s.run(date(2026, 11, 30)) is None
    assert _payouts(s) == [(first.settlement_ids[0], 10772)]


def _confirmed(s: Any) -> None:
    """The operator's ``inning restore-hold confirm`` after reconciling with the bank: the
    runs below test what the restored tables keep, not the hold."""
    hold = MoneyHold.of(s.services.repos, s.services.clock)
    held = hold.current()
    assert held is not None and held.active
    hold.confirm("ops", "bank statements since the night matched")
