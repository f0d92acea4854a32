# ruff: noqa: F811  (the fixtures are imported from the plans' own tests)
"""failure24 F2: after an outage the first installment run came before the bank files of the
days it missed, and lapsed plans paid in time.

Transfer plan over F1 + F2 (300.00), 3 x 100.00 from 31-1-2026, 7 days' grace: installment
1's grace ends 7-2. C1's account has a statement every day. The platform is down 5-2 to 7-2
(no run, no file booked). On 8-2 the 06:30 UTC run comes first; the files of 5, 6 and 7-2
are booked at 07:00 UTC. Before: the run lapsed the plan (debtor and client mailed "lapsed",
the holds gone) and the 6-2 transfer in the files reopened it (both mailed "runs on"). Now
the breach waits for the statements of the grace's last day; a debtor who did not pay is
lapsed by the next look after they came, and an account whose statements stopped coming is
not waited for."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.statements.mt940_writer import OutLine
from tests.unit.api.conftest import client_iban, verify_ibans
from tests.unit.plans.test_plan_service import BASE, make, plans, run_day, status  # noqa: F401
from tests.unit.services.test_statement_ingest import statement

PAYER = "NL97ABNA0479445079"


class _Bank:
    """C1's account, a statement a day, each opening at the last one's closing."""

    def __init__(self, world):
        self.world, self.balance = world, 100_000

    def day(self, on: date, lines: list[OutLine] | None = None) -> None:
        lines = lines or [OutLine(on, 1_000, "rent", counterparty_iban="NL91ABNA0417164300",
                                  counterparty_name="Y")]  # fmt: skip
        data = statement(lines, opening=self.balance, day=on, sid=f"S{on:%m%d}",
                         account=client_iban("C1"))  # fmt: skip
        report = self.world.services.statements.ingest(f"agency-a/{on:%Y%m%d}.sta", data)
        assert report.status == "booked", report
        self.balance += sum(x.amount for x in lines)


def _plan(world):
    verify_ibans(world.agency_a, "C1")
    plan_id = make(world.agency_a).body["plan_id"]
    assert world.agency_a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    reference = world.agency_a.call("GET", f"{BASE}/{plan_id}").body["payment_reference"]
    return plan_id, reference


def _until_the_outage(world, bank):
    """Runs and files every day up to 4-2 (the file of a day is booked the next morning)."""
    run_day(world, date(2026, 1, 31))
    for d in range(1, 5):
        world.clock.at = datetime(2026, 2, d, 5, 0, tzinfo=UTC)
        bank.day(date(2026, 2, d - 1) if d > 1 else date(2026, 1, 31))
        run_day(world, date(2026, 2, d))
    world.clock.at = datetime(2026, 2, 5, 5, 0, tzinfo=UTC)
    bank.day(date(2026, 2, 4))


def _told(world, client, plan_id):
    keys = [m.key for m, _ in world.services.messaging.outbox.with_prefix(
        client.client_id, f"plan|{plan_id}|")]  # fmt: skip
    return sorted(k.split("|")[2].split("-")[0] for k in keys if "|remind|" not in k)


def _files_of_the_outage(world, bank, paid: bool, reference: str):
    world.clock.at = datetime(2026, 2, 8, 7, 0, tzinfo=UTC)
    bank.day(date(2026, 2, 5))
    transfer = OutLine(date(2026, 2, 6), 10_000, f"termijn 1 {reference}",
                       counterparty_iban=PAYER, counterparty_name="J de Vries")  # fmt: skip
    bank.day(date(2026, 2, 6), [transfer] if paid else None)
    bank.day(date(2026, 2, 7))


def test_a_plan_paid_in_the_outage_is_not_lapsed_by_the_run_before_its_files(plans):
    world, client = plans
    bank = _Bank(world)
    plan_id, reference = _plan(world)
    _until_the_outage(world, bank)
    run_day(world, date(2026, 2, 8))  # 06:30 UTC, the first thing after the outage
    assert status(world, plan_id)[0] == "overdue"  # in arrears, the breach waits
    assert world.services.plans.holding(client, "F1") == plan_id  # dunning still held
    _files_of_the_outage(world, bank, paid=True, reference=reference)
    got, installments = status(world, plan_id)
    assert (got, installments[0]) == ("active", ("paid", "100.00"))
    run_day(world, date(2026, 2, 9))
    assert status(world, plan_id)[0] == "active"
    assert _told(world, client, plan_id) == ["agreement"]  # no "lapsed", no "runs on"


def test_a_plan_not_paid_lapses_at_the_first_look_after_the_files(plans):
    world, client = plans
    bank = _Bank(world)
    plan_id, reference = _plan(world)
    _until_the_outage(world, bank)
    run_day(world, date(2026, 2, 8))
    assert status(world, plan_id)[0] != "cancelled"
    _files_of_the_outage(world, bank, paid=False, reference=reference)
    run_day(world, date(2026, 2, 9))
    assert status(world, plan_id)[0] == "cancelled"
    assert _told(world, client, plan_id) == ["agreement", "lapsed", "lapsed"]  # debtor, client


def test_an_account_whose_statements_stopped_coming_is_not_waited_for(plans):
    world, _ = plans
    bank = _Bank(world)
    plan_id, _ = _plan(world)
    world.clock.at = datetime(2026, 1, 20, 5, 0, tzinfo=UTC)
    bank.day(date(2026, 1, 19))  # the last file C1's account ever had
    run_day(world, date(2026, 1, 31))
    for d in range(1, 9):
        run_day(world, date(2026, 2, d))
    assert status(world, plan_id)[0] == "cancelled"
