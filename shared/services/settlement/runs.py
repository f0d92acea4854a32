"""The settlement run: per agency, for every client due by its agreement, settle what was
received and not yet settled, write the statements and one SEPA transfer file, and put the
run on the agency's action list until it is approved.

Nothing is paid twice, whatever crashes or repeats:
- a run is one row per agency and run date (``R20261130``); starting it again continues it,
  and a run left unfinished (``building``) is finished before a new one starts;
- a run left unfinished has paid nothing out (it waits for the agency's third-party account,
  or was cut off), so it is not built on top of: building it again takes in its clients'
  later movements (a complete settlement goes back to claiming and is completed again), and
  a later run leaves a client whose last settlement is in it alone: a refund of money it has
  not paid out lowers its payout, never a claim-back on the client (newcomer18 F4);
- a payment is claimed by at most one settlement: the claim is an insert-once row keyed by
  the payment id in the client's partition, holding what the payment contributed; a
  settlement's figures are computed from the claims it holds, so a resumed settlement
  finds exactly what it took before the crash;
- settlement follows the ledger: a payment settled before whose money the ledger has moved
  since (it came back, a credit note sent it to other claims, a correction re-allocated it)
  gets a correction row, the payment's next (``payment|0001``...), insert-once, holding the
  difference between what the ledger now gives it and what was settled for it (so a
  correction is made once, and a later move is corrected by the next run); rows stored
  before corrections that name the settlement that deducted a reversal (``DeductedIn``) count
  as that correction;
- a client whose net is negative (paid too much, or owing the agency its share of money the
  client received itself) gets no transfer: the amount is carried to its next payout, the run
  says what is owed, and staff get an item to claim it back;
- money the client received itself (its own account, its own Mollie, a plan's direct debit)
  is settled but never paid out: the statement shows it apart (``received_direct``) and takes
  it off the net (``kept_by_client``), so the third-party account pays out only what it holds;
- a client's balance (negative net carried forward, last period settled) moves only from the
  settlement it was read for to the next (ETag), so a repeated completion changes nothing;
- what the rounding of a client's commission left over lives on its statement's saved
  figures (under the statement's ETag); the next statement takes it in from the one it names
  as before (read when it completes, final by then), so over all its statements the client is
  charged the agreed rate on the total, and a statement completed again charges the same
  (lawyer20 L6);
- money a debtor paid on or after the day of his bankruptcy or WSNP, while the ruling holds
  (or ended, not as a mistake) and staff have not decided its filing item, stays on the
  third-party account: not settled, named on the run's list (``settlement_held``) until
  staff resolve the filing item (keep, return, file net) or the ruling is lifted as a
  mistake (art. 23, 296 Fw: the debtor no longer disposed of his estate and the curator may
  claim it back; law14b D: 500.00 paid 20-2 after a ruling of 10-2 was paid out, 276.15);
  the day received decides, not the day booked, and a ruling kept under a later standing
  (a death) counts as well (standing15 #3);
- what a client repaid of a negative balance by bank transfer is taken by one settlement
  (its row's SettledIn, under its ETag) and comes in as ``repaid``: the negative balance it
  carries in is met, not set off again; a repayment alone is a settlement of its own;
- after a restore of the ledger no run is made (neither the fan-out nor an agency's job)
  until an operator confirms the bank reconciled: the runs since the restored night are
  unknown to the tables, and their payments would be paid out again (restore26 F5,
  shared/services/operations/money_hold.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import secrets
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from shared.adapters.tables.keys import encode
from shared.adapters.tables.settlement_repo import Claim, SettlementRepository
from shared.clock import AMSTERDAM, Clock, amsterdam_date
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import InvoiceStatus
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Agency, Client
from shared.domain.records import ActionItem, ActionStatus, Payment, Receiver
from shared.domain.scopes import agency_scope
from shared.domain.settlement.agreement import (
    Recipient,
    SettlementAgreement,
    period_of,
    period_start,
)
from shared.domain.settlement.before_agreement import not_shown
from shared.domain.settlement.csv_statement import statement_csv
from shared.domain.settlement.pain001 import Transfer, TransferBatch, pain001
from shared.domain.settlement.records import (
    ClientSettlement,
    RunStatus,
    SettlementBalance,
    SettlementRun,
    SettlementStatus,
)
from shared.domain.settlement.restate import Reason, because, by_part, correction, taken_from
from shared.domain.settlement.statement import (
    Contribution,
    contribution,
    totals,
    with_charges_moved,
)
from shared.domain.standing import INSOLVENT, DebtorStanding, rulings_that_bind
from shared.ports.files import FileStore
from shared.ports.queues import QueueSender
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services.errors import ConflictingUpdate
from shared.services.repositories import Repositories
from shared.services.settlement.before_agreement import before_item, split_at_start
from shared.services.settlement.statement_parties import parties_of

log = logging.getLogger("inning.settlement")

CONTAINER = "settlements"
RUN_QUEUE = "settlement-run"
TRANSFER_FILE = "pain.001.xml"
RETRIES = 5
LEASE = timedelta(minutes=5)
LEASE_MARGIN_SECONDS = 5  # a job that waits out a lease comes back this long after it ends
MAX_DELAY_SECONDS = 7 * 24 * 3600  # the longest a queue message can stay invisible


class RunBusy(Exception):
    """Another worker is building this run (its lease runs ``until``; None: the run is gone
    or no longer building)."""

    def __init__(self, message: str, until: datetime | None = None) -> None:
        super().__init__(message)
        self.until = until


def run_id_for(day: date) -> str:
    return f"R{day:%Y%m%d}"


def transfer_file(
    agency: Agency,
    run: SettlementRun,
    message_id: str,
    payouts: Sequence[ClientSettlement],
    now: datetime,
) -> bytes:
    """The run's pain.001: one transfer per payout from the third-party account, to be
    executed on ``now``'s Amsterdam date (never before the run date)."""
    assert agency.third_party_iban is not None
    transfers = tuple(
        Transfer(
            end_to_end_id=s.settlement_id,
            amount=s.totals.payout if s.totals else 0,
            creditor_name=s.payout_name,
            creditor_iban=s.payout_iban,
            creditor_bic=s.payout_bic,
            remittance=f"Afdracht {s.settlement_id} {s.client_number} periode {s.period}",
        )
        for s in payouts
    )
    batch = TransferBatch(
        message_id=message_id,
        created_at=now.astimezone(AMSTERDAM),
        execution_date=max(run.run_on, amsterdam_date(now)),
        debtor_name=agency.name,
        debtor_iban=agency.third_party_iban,
        transfers=transfers,
    )
    return pain001(batch)


def payouts_of(settlements: Iterable[ClientSettlement]) -> list[ClientSettlement]:
    """The settlements that transfer money, in the file's order."""
    return sorted(
        (s for s in settlements if s.totals is not None and s.totals.payout > 0),
        key=lambda s: s.settlement_id,
    )


def settlement_id_for(run_id: str, client_id: str) -> str:
    """The run and the client; it is also the transfer's EndToEndId, which SEPA limits to 35
    plain characters, so a client id that would not fit is replaced by a digest of it."""
    plain = f"{run_id}-{client_id}"
    if len(plain) <= 35 and re.fullmatch(r"[A-Za-z0-9-]+", plain):
        return plain
    return f"{run_id}-{hashlib.sha256(client_id.encode()).hexdigest()[:24]}"


def account_item_id(run: SettlementRun) -> str:
    """The run's ``settlement_blocked`` item: it waits for the agency's third-party account."""
    return f"{run.action_id}-account"


def run_of(settlement_id: str | None) -> str | None:
    """The run a settlement id was made in (:func:`settlement_id_for`)."""
    return settlement_id.split("-", 1)[0] if settlement_id else None


def files_prefix(agency_id: str, run_id: str) -> str:
    """Where a run's files live in the ``settlements`` container."""
    return f"{encode(agency_id)}/{run_id}"


class SettlementRunner:
    def __init__(
        self,
        repos: Repositories,
        store: SettlementRepository,
        files: FileStore,
        queues: QueueSender,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.store = store
        self.files = files
        self.queues = queues
        self.clock = clock
        from shared.adapters.tables.settlement_repayments_repo import (
            SettlementRepaymentRepository,
        )

        self.repayments = SettlementRepaymentRepository(store.store)

    # -- the run -----------------------------------------------------------------------------
    def fan_out(self) -> int:
        """One queue message per agency with agreements (the timer fires in UTC; the run
        date is Amsterdam's). An agency's job the queue refuses is a ``poison`` item on its
        list to replay; the others are queued and the timer fails at the end (failure33)."""
        from shared.services.fan_out import FanOut
        from shared.services.poison import PoisonService

        day = amsterdam_date(self.clock.now())
        if self._held("settlement_run"):
            return 0
        agencies = self.store.agencies_with_agreements()
        poison = PoisonService(self.repos, self.files, self.queues, self.clock)
        jobs = FanOut(self.queues, poison, RUN_QUEUE, self.clock.now())
        for agency_id in agencies:
            jobs.send(json.dumps({"agency_id": agency_id, "date": day.isoformat()}))
        log.info("settlement fan-out for %s: %d agencies", day, len(agencies))
        jobs.finish()
        return len(agencies)

    def run_agency(self, agency_id: str, run_on: date) -> SettlementRun | None:
        """Settle every client of the agency that is due on ``run_on``; None when nothing
        was there to settle."""
        agency = self.repos.agencies.get(agency_id)
        if agency is None:
            log.warning("settlement run for unknown agency %s", agency_id)
            return None
        if self._held(f"settlement run {run_id_for(run_on)} of agency {agency_id}"):
            return None  # after the operator's confirm the next timer's run takes it all in
        run_id = run_id_for(run_on)
        for unfinished in self.store.runs(agency_id, RunStatus.BUILDING):
            if unfinished.run_id != run_id:
                try:
                    self._build(agency, unfinished)
                except RunBusy:
                    log.info("run %s of agency %s is being built elsewhere", unfinished.run_id,
                             agency_id)  # fmt: skip
        self._finished_runs_told(agency)
        found = self.store.run(agency_id, run_id)
        if found is None:
            now = self.clock.now()
            self.store.add_run(SettlementRun(agency_id, run_id, run_on, now, time_ordered_id(now)))
            found = self.store.run(agency_id, run_id)
            assert found is not None
        run = found[0]
        if run.status is not RunStatus.BUILDING:
            return run  # done already (its items told above): a repeated message changes nothing
        try:
            return self._build(agency, run)
        except RunBusy as busy:
            return self._later(run, busy)

    def _held(self, what: str) -> bool:
        """A restore's hold stands (restore26 F5): the runs made since the restored night are
        unknown to these tables, and a run now would pay their payments out again."""
        from shared.services.operations.money_hold import MoneyHold

        return MoneyHold.of(self.repos, self.clock).stops(what)

    def _later(self, run: SettlementRun, busy: RunBusy) -> SettlementRun | None:
        """Another holder's lease stands in the way. The host's own retries (every 30 s, five
        times) end long before a lease left by a crashed worker runs out, and the job would go
        to poison with the run half built: instead this job comes back, as a copy, just after
        the lease ends, and continues the run then (or finds it done by the other worker)."""
        if busy.until is None:  # finished or dropped meanwhile by the other worker
            found = self.store.run(run.agency_id, run.run_id)
            return found[0] if found else None
        wait = (busy.until - self.clock.now()).total_seconds()
        delay = min(MAX_DELAY_SECONDS, max(0, math.ceil(wait)) + LEASE_MARGIN_SECONDS)
        job = {"agency_id": run.agency_id, "date": run.run_on.isoformat()}
        self.queues.send(RUN_QUEUE, json.dumps(job), delay_seconds=delay)
        log.info("run %s of agency %s is leased until %s: continued in %d s", run.run_id,
                 run.agency_id, busy.until.isoformat(), delay)  # fmt: skip
        return None

    def _build(self, agency: Agency, run: SettlementRun) -> SettlementRun | None:
        holder = secrets.token_hex(8)
        self._lease(run, holder)
        try:
            return self._build_leased(agency, run, holder)
        except RunBusy:
            raise
        except Exception:
            # a failure (storage refusing after the SDK's retries) lets the lease go: the
            # host's retry of this message meets the failure again, not its own lease, and
            # after maxDequeueCount the message is poison saying why. Kept, each retry found
            # the run "being built elsewhere" and queued a copy for after the lease: an
            # outage looped unseen, never poison (failure32 #3)
            self._drop_lease(run, holder)
            raise

    def _drop_lease(self, run: SettlementRun, holder: str) -> None:
        """Best effort: unreachable storage keeps the lease, which then expires (a crash)."""
        try:
            found = self.store.run(run.agency_id, run.run_id)
            if found is None or found[0].lease_holder != holder:
                return
            current, etag = found
            self.store.save_run(replace(current, leased_until=None, lease_holder=None), etag)
        except Exception:
            log.warning("run %s of agency %s: its lease stays until it expires", run.run_id,
                        run.agency_id, exc_info=True)  # fmt: skip

    def _build_leased(
        self, agency: Agency, run: SettlementRun, holder: str
    ) -> SettlementRun | None:
        default = self.store.defaults(agency.agency_id).bank_charges_by
        held: list[Payment] = []
        # an earlier run still building (waiting for the account, or busy elsewhere) takes in
        # its clients' later movements when it is built: this one leaves them to it
        earlier = {r.run_id for r in self.store.runs(agency.agency_id, RunStatus.BUILDING)}
        earlier.discard(run.run_id)
        for agreement in self.store.agreements(agency.agency_id):
            found = self.repos.clients.get(agreement.client_id)
            if found is None or found[0].agency_id != agency.agency_id:
                continue
            # the agreement's own choice, else the agency's default, as the run finds them
            agreed = replace(agreement, bank_charges_by=agreement.charges_borne_by(default))
            self._settle_client(agency, run, agreed, found[0], held, earlier)
            self._lease(run, holder)  # renewed; lost to another worker: stop here
        if held:
            self._tell_held(agency, run, held)
        settlements = [
            s
            for s in self.store.settlements_of_run(agency.agency_id, run.run_id)
            if s.status is SettlementStatus.COMPLETE and s.totals is not None
        ]
        current = self.store.run(agency.agency_id, run.run_id)
        if current is None:
            return None
        run, etag = current
        if run.status is not RunStatus.BUILDING:
            return run
        if not settlements:
            self.store.delete_run(run, etag)  # nothing was due: no empty run on the list
            return None
        payouts = payouts_of(settlements)
        message_id = f"{run.run_id}-{hashlib.sha256(agency.agency_id.encode()).hexdigest()[:10]}"
        file_name = None
        if payouts:
            if not agency.third_party_iban:
                # says how: the account is set only by the operator's command (newcomer18 F1)
                # its clients' later payments and refunds go into it, not into a run on top of
                # it: money refunded before it is paid out reduces the payout (newcomer18 F4)
                self._agency_action(agency, account_item_id(run), "settlement_blocked",
                                    f"Settlement run {run.run_id} needs the third-party account (derdengeldenrekening) to pay out; "
                                    "until it is finished it takes in its clients' later payments and refunds",
                                    {"run_id": run.run_id,
                                     "how": f"record it with `inning agency update {agency.agency_id} --iban <account>` "
                                            "(docs/operations.md section 3); the next run finishes this one"})  # fmt: skip
                # stays building, unleased: the next run finishes it once the account is set
                waiting = replace(run, leased_until=None, lease_holder=None)
                try:
                    self.store.save_run(waiting, etag)
                except PreconditionFailed:
                    log.info("run %s changed while waiting for an account", run.run_id)
                return waiting
            file_name = f"{files_prefix(agency.agency_id, run.run_id)}/{TRANSFER_FILE}"
            self.files.put(CONTAINER, file_name, transfer_file(agency, run, message_id, payouts, self.clock.now()),
                           content_type="application/xml")  # fmt: skip
        total = sum(s.totals.payout for s in payouts if s.totals)
        owing = [s for s in settlements if s.totals is not None and s.totals.net < 0]
        owed = sum(-s.totals.net for s in owing if s.totals)
        done = replace(
            run,
            leased_until=None,
            lease_holder=None,
            status=RunStatus.AWAITING_APPROVAL,
            settlement_ids=tuple(sorted(s.settlement_id for s in settlements)),
            payout_total=total,
            transfer_count=len(payouts),
            transfer_file=file_name,
            message_id=message_id if payouts else None,
            owed_total=owed,
            owed_count=len(owing),
        )
        try:
            self.store.save_run(done, etag)
        except PreconditionFailed:
            again = self.store.run(agency.agency_id, run.run_id)
            return again[0] if again else None
        self._ask_approval(agency, done)
        self._account_item_done(agency.agency_id, done)
        log.info("settlement run %s for agency %s: %d statements, %d payouts", run.run_id,
                 agency.agency_id, len(settlements), len(payouts))  # fmt: skip
        return done

    def _finished_runs_told(self, agency: Agency) -> None:
        """Every job puts right what a worker cut after a run's save left undone: the run
        awaits approval without its approval item (failure15 F1), or a run that waited for the
        account is past the block with its ``-account`` item still telling ops to record the
        account (failure19 R1). A run finished by a later day's job is not found again by its
        own date, so all of the agency's are looked at; asking or resolving what was written
        already is a no-op."""
        for run in self.store.runs(agency.agency_id, RunStatus.AWAITING_APPROVAL):
            self._ask_approval(agency, run)
        scope, continuation = agency_scope(agency.agency_id), None
        while True:
            items, continuation = self.repos.actions.list(
                scope, kind="settlement_blocked", continuation=continuation
            )
            for item in items:
                if item.status is not ActionStatus.RESOLVED:
                    self._blocked_item_followed(agency.agency_id, item)
            if continuation is None:
                return

    def _blocked_item_followed(self, agency_id: str, item: ActionItem) -> None:
        """An open ``-account`` item: resolved once its run is past the block, or gone."""
        found = self.store.run(agency_id, str(item.detail.get("run_id", "")))
        if found is not None and account_item_id(found[0]) == item.action_id:
            self._account_item_done(agency_id, found[0])
            return
        # its run was dropped (nothing left to settle; a run made again has another item)
        self.repos.actions.resolve_if_open(
            item.client_id, item.action_id,
            "the run that waited was dropped: nothing was left to settle", self.clock.now(),
        )  # fmt: skip

    def _account_item_done(self, agency_id: str, run: SettlementRun) -> None:
        """A run that waited for the account: its item said so and is done once the run is
        past the block (newcomer18 F5), also when what it took in since leaves nothing to pay
        out (F4: a refund). A run still building waits: its item stays."""
        if run.status is RunStatus.BUILDING:
            return
        if run.status is RunStatus.APPROVED:
            why = "the run was approved"
        elif run.transfer_count:
            why = "the third-party account is on record: the run awaits approval"
        else:
            why = "nothing left to pay out: the run awaits approval"
        self.repos.actions.resolve_if_open(
            agency_scope(agency_id), account_item_id(run), why, self.clock.now()
        )

    def _ask_approval(self, agency: Agency, run: SettlementRun) -> None:
        """The run's ``settlement_approval`` item, told from the figures saved on the run (so
        a redelivery that finds the run saved writes the same item; once, by the run's id)."""
        self._agency_action(agency, run.action_id, "settlement_approval",
                            f"Settlement run {run.run_id}: {len(run.settlement_ids)} statements, {run.transfer_count} payouts, "
                            f"{format_eur_nl(run.payout_total)} awaiting approval{_owing(run.owed_count, run.owed_total)}",
                            {"run_id": run.run_id})  # fmt: skip

    def _lease(self, run: SettlementRun, holder: str) -> None:
        """Take or renew the run's lease for ``holder``. Two workers building one run could
        each claim payments after the other had summed its claims; the lease keeps it to one.
        A lease left by a crashed worker expires, and the job, queued again to come back then
        (:meth:`_later`), continues the run."""
        found = self.store.run(run.agency_id, run.run_id)
        if found is None:
            raise RunBusy(f"run {run.run_id} is gone")
        current, etag = found
        now = self.clock.now()
        held = current.leased_until is not None and current.leased_until > now
        if current.status is not RunStatus.BUILDING:
            raise RunBusy(f"run {run.run_id} of agency {run.agency_id} was finished elsewhere")
        if held and current.lease_holder != holder:
            raise RunBusy(
                f"run {run.run_id} of agency {run.agency_id} is being built elsewhere",
                until=current.leased_until,
            )
        try:
            self.store.save_run(
                replace(current, leased_until=now + LEASE, lease_holder=holder), etag
            )
        except PreconditionFailed as exc:
            raise RunBusy(f"run {run.run_id} was taken meanwhile", until=now + LEASE) from exc

    def _settle_client(
        self,
        agency: Agency,
        run: SettlementRun,
        agreement: SettlementAgreement,
        client: Client,
        held: list[Payment] | None = None,
        waiting: Container[str] = (),
    ) -> ClientSettlement | None:
        sid = settlement_id_for(run.run_id, client.client_id)
        found = self.store.settlement(agency.agency_id, sid)
        complete = found is not None and found[0].status is SettlementStatus.COMPLETE
        if found is not None and complete:
            self._close_balance(found[0])
        balance, _ = self.store.balance(agency.agency_id, client.client_id)
        if found is not None and complete and balance.last_settlement_id != sid:
            # the balance moved on (a later settlement, or one stored before runs waited for
            # a blocked one): later movements are that one's
            self._claim_back_resumed(agency, found[0])
            if held is not None:
                held += self._held_after_settled(client.client_id)
            return found[0]
        period = period_of(agreement.frequency, run.run_on)
        if (
            found is None
            and balance.last_period is not None
            and (period_start(balance.last_period) >= period_start(period))
        ):
            # settled this period already (its payments are not even read), or a later one: a
            # run for an earlier day replayed after the next period's run (a poisoned job put
            # back late) settles nothing again and never moves the balance back (failure7 #7)
            return None
        if found is None and run_of(balance.last_settlement_id) in waiting:
            # its last settlement is in an earlier run not yet finished (no third-party account
            # yet, or being built elsewhere): that run takes these movements in when it is
            # built, so a refund of money it has not paid out lowers its payout instead of
            # being claimed back on top of it (newcomer18 F4)
            log.info("client %s waits for run %s", client.client_id, balance.last_settlement_id)
            return None
        payments = {p.payment_id: p for p in self.store.payments_of(client.client_id)}
        history = self.store.history(client.client_id)
        new = unsettled(payments.values(), history)
        # received before the agreement started: not the agency's collecting (newcomer27 F4)
        new, before = split_at_start(agreement, new)
        if before:
            self.repos.actions.add_once(before_item(agreement, client, before, self.clock.now()))
        # paid out of an estate under a ruling: kept on the account until staff decide
        kept = self._held_by_ruling(client.client_id, new)
        new = [p for p in new if p.payment_id not in kept]
        if held is not None:
            held += sorted(kept.values(), key=lambda p: (p.received_on, p.payment_id))
        # payments settled before whose money the ledger has moved since (checked on the
        # allocations alone: the terms of the running settlement are not known yet)
        moved = [
            pid
            for pid, rows in sorted(history.items())
            if (p := payments.get(pid)) is not None
            and _moved(p, rows, replace(agreement, commission_bp=0))
        ]
        # repaid by the client and not yet in a settlement: it comes into this one
        repaid = [r for r in self.repayments.of_client(client.client_id) if r.settled_in is None]
        if found is not None and complete:
            if not (new or moved or repaid):
                self._claim_back_resumed(agency, found[0])
                self._claim_back_follows(agency, found[0])  # cut off after made again
                return found[0]
            # complete, but its run is not finished (it waits for the account, or resumes
            # after a crash), so nothing of it is paid out: it takes in what came since
            found = self._reopen(found[0])
        if found is None:
            if not (new or moved or repaid):
                return None  # nothing to settle
            draft = ClientSettlement(
                agency.agency_id, sid, run.run_id, client.client_id, client.number, client.name,
                period, self.clock.now(), balance.carried, balance.last_settlement_id,
                agreement.payout_iban, agreement.payout_name, agreement.payout_bic,
                agreement.commission_bp, agreement.fee_vat_bp,
                vat_on_costs_kept=agreement.vat_on_costs_kept
                and agreement.recipient("costs") is Recipient.AGENCY,
                bank_charges_by=agreement.charges_borne_by(),
                vat_on_bank_charges=agreement.vat_on_bank_charges
                and agreement.charges_borne_by() is Recipient.CLIENT,
                recipients=dict(agreement.recipients),
                vat_on_interest_kept=agreement.vat_on_interest_kept
                and agreement.recipient("interest") is Recipient.AGENCY,
                commission_on_direct=agreement.commission_on_direct,
            )  # fmt: skip
            self.store.add_settlement(draft)
            found = self.store.settlement(agency.agency_id, sid)
            assert found is not None
        settlement = found[0]
        # the terms are those the settlement started with, even when resumed after a change
        terms = _terms_of(settlement, agreement)
        self.store.claim_many([Claim(client.client_id, sid, contribution(p, terms)) for p in new])
        first: dict[str, ClientSettlement | None] = {}  # the settlements that settled them
        for pid in moved:
            self._correct(client.client_id, sid, payments[pid], history[pid],
                          self._settled_under(agency.agency_id, history[pid], terms, first))  # fmt: skip
        for r in repaid:
            self.repayments.take(r, sid)  # lost to a concurrent settlement: it is that one's
        early = (agreement.starts_on, tuple(before))
        done = self._complete(agency, run, settlement, payments, early)
        if done is not None and complete:
            self._claim_back_follows(agency, done)
        return done

    def _reopen(self, s: ClientSettlement) -> tuple[ClientSettlement, str | None]:
        """A complete settlement of a run still building, back to claiming: it settles what
        came since as well, and is completed again (figures, statement files and the
        client's balance) from all it holds. Nothing of it was paid out: its run has no
        transfer file until it is finished."""
        for _ in range(RETRIES):
            found = self.store.settlement(s.agency_id, s.settlement_id)
            if found is None or found[0].status is SettlementStatus.CLAIMING:
                return found if found is not None else (s, None)
            reopened = replace(found[0], status=SettlementStatus.CLAIMING, totals=None, pdf=None,
                               csv=None)  # fmt: skip
            try:
                self.store.save_settlement(reopened, found[1])
            except PreconditionFailed:
                continue
            again = self.store.settlement(s.agency_id, s.settlement_id)
            assert again is not None
            return again
        raise ConflictingUpdate(f"settlement {s.settlement_id} keeps changing")

    def _held_after_settled(self, client_id: str) -> list[Payment]:
        """The money held under a ruling by a client's settlement completed earlier in this
        run: a run cut off after it and before its ``settlement_held`` item resumes past the
        settlement, and would list nothing (failure15 F5). The held payments are those that
        are settleable and never claimed, as when the settlement was built."""
        waiting = unsettled(self.store.payments_of(client_id), self.store.history(client_id))
        kept = self._held_by_ruling(client_id, waiting)
        return [p for p in waiting if p.payment_id in kept]

    def _held_by_ruling(self, client_id: str, payments: Sequence[Payment]) -> dict[str, Payment]:
        """The payments received on or after the day of a bankruptcy or WSNP of their debtor
        (00:00, art. 23 Fw) and, for one that ended (not lifted as a mistake), before the day
        it ended, and staff have not decided on them: its filing item open, or resolved
        without listing a payment on its claims (booked after; the next daily run opens the
        item again with it). The item lists them for staff to decide whether the money is
        kept, returned to the curator or the claim filed net (law14b D). The day received
        decides, not the day booked, and every ruling the debtor's row keeps counts: one that
        ended under a standing recorded after it (a death) too (standing15 #3). A claim is the
        ruling's when its item lists it or it existed on the ruling's day (``in_ruling``), in
        whatever state: one disputed when the item was written is not on it, and its money is
        the estate's all the same (failure15c #4: 300.00 received on a disputed claim in the
        ruling was paid out). One read of each such debtor and of his rulings' filing items,
        and of the claims paid by a payment whose item was resolved without it."""
        from shared.services.debtor_standing import _payments_listed, follow_money, item_id

        rulings: dict[str, list[tuple[DebtorStanding, ActionItem | None]]] = {}
        kept: dict[str, Payment] = {}
        for p in payments:
            if not p.debtor_number:
                continue
            if p.debtor_number not in rulings:
                rulings[p.debtor_number] = self._rulings(client_id, p.debtor_number, item_id)
            found = next((r for r in rulings[p.debtor_number] if _during(r[0], p.received_on)),
                         None)  # fmt: skip
            if found is None:
                continue
            ruling, filing = found
            decided = (
                filing is not None
                and filing.status is ActionStatus.RESOLVED
                and (
                    p.payment_id in _payments_listed(filing.detail)
                    or not self._on_claims_of(client_id, p, ruling, filing.invoice_numbers)
                )
            )
            if not decided:
                kept[p.payment_id] = p
            if not decided and (filing is None or p.payment_id not in _payments_listed(
                    filing.detail)):  # fmt: skip
                # not on its item yet: the daily run puts it there for staff to decide (its
                # booking marked the debtor; one of before that, or whose mark went, too)
                follow_money(self.repos, client_id, p.debtor_number, self.clock.now())
        return kept

    def _on_claims_of(
        self, client_id: str, p: Payment, ruling: DebtorStanding, listed: Sequence[str]
    ) -> bool:
        """Whether the payment paid a claim of the ruling: one its item lists, or one that
        existed on the ruling's day (read): the item's list can miss one, disputed when the
        item was written (failure15c #4)."""
        from shared.services.debtor_standing import in_ruling

        paid = [a.invoice_number for a in p.allocations if a.amount]
        if any(n in listed for n in paid):
            return True
        stored = self.repos.invoices.get_many(client_id, paid) if paid else {}
        return any(in_ruling(ruling, s.invoice) for s in stored.values())

    def _rulings(
        self, client_id: str, number: str, item_id: Callable[[str, DebtorStanding], str]
    ) -> list[tuple[DebtorStanding, ActionItem | None]]:
        """The debtor's bankruptcies and WSNPs (holding, or ended not as a mistake: also those
        kept under a later standing), newest first, each with its filing item (None: not
        written yet)."""
        found = self.repos.debtors.get(client_id, number)
        standing = found[0].standing if found is not None else None
        out: list[tuple[DebtorStanding, ActionItem | None]] = []
        for ruling in rulings_that_bind(standing):
            if ruling.standing not in INSOLVENT or not ruling.confirmed:
                continue  # a death, a bank's proposal: no estate taken from the debtor
            filing = self.repos.actions.get(client_id, item_id(number, ruling))
            out.append((ruling, filing[0] if filing is not None else None))
        return out

    def _tell_held(self, agency: Agency, run: SettlementRun, held: Sequence[Payment]) -> None:
        """The run's line for the money kept back: one item per run on the agency's list."""
        total = sum(p.amount for p in held)
        self._agency_action(
            agency, f"{run.action_id}-held", "settlement_held",
            f"Settlement run {run.run_id}: {len(held)} payment(s) of {format_eur_nl(total)} "
            "held on the third-party account: received after the debtor's bankruptcy or WSNP "
            "(art. 23 Fw); released once staff resolve the filing item",
            {"run_id": run.run_id,
             "held": [{"client": p.client_id, "debtor": p.debtor_number, "payment": p.payment_id,
                       "amount": p.amount, "received_on": p.received_on.isoformat()}
                      for p in held]},
        )  # fmt: skip
        log.info("settlement run %s for agency %s: %d payment(s) held under a ruling",
                 run.run_id, agency.agency_id, len(held))  # fmt: skip

    def _settled_under(
        self,
        agency_id: str,
        rows: list[Claim],
        running: SettlementAgreement,
        read: dict[str, ClientSettlement | None],
    ) -> SettledUnder:
        """The terms a payment was first settled under (commission, recipients, VAT on the
        costs and the interest kept): those of the settlement that claimed it, kept on its row (``read`` holds
        the rows read so far). A correction moves the payment's money by them, not by the
        agreement in force now: money collected and settled under the agreement then was
        earned at its rate and split by its recipients (law17 S1: a commission raised from 10 %
        to 15 % charged 5.00 + 1.05 VAT again on a settled 100.00 a credit note moved between
        two of the client's invoices). A settlement stored before it kept its recipients: the
        split read off the payment's own lines, the rest as the running settlement's."""
        sid = rows[0].settlement_id
        if sid not in read:
            found = self.store.settlement(agency_id, sid)
            read[sid] = found[0] if found is not None else None
        first = read[sid]
        if first is None:  # not to be found (never so for a stored claim): as the running one
            return SettledUnder(running, None, None)
        recipients = first.recipients
        if recipients is None:
            recipients = dict(running.recipients)
            recipients.update(
                {x.component: x.recipient for x in rows[0].contribution.lines if not x.reversal}
            )
        terms = replace(running, commission_bp=first.commission_bp, recipients=recipients,
                        commission_on_direct=first.commission_on_direct)  # fmt: skip
        return SettledUnder(terms, first.vat_on_costs_kept, first.vat_on_interest_kept)

    def _correct(
        self,
        client_id: str,
        sid: str,
        payment: Payment,
        rows: list[Claim],
        settled_under: SettledUnder,
    ) -> None:
        """Settle the difference between what the ledger now gives ``payment`` and what was
        settled for it (:func:`~shared.domain.settlement.restate.correction`), priced by the
        terms it was first settled under (:meth:`_settled_under`). The correction is the
        payment's next row, inserted once: of two settlements correcting the same payment at
        once, one writes it and the other reads it back and finds nothing left."""
        terms = settled_under.terms
        for _ in range(RETRIES):
            if any(r.settlement_id == sid and r.seq > 0 for r in rows):
                return  # this settlement corrected it already (resumed after a crash)
            now, settled = _now(payment, terms), [c for r in rows for c in r.settled]
            fix = correction(
                payment.payment_id, payment.received_on, payment.debtor_number,
                now, settled,
                Reason.REVERSED if payment.reversed else Reason.REALLOCATED,
                # as first settled: money paid out from the third-party account is taken back
                # from the client, the client's own money only moves what it owes the agency
                rows[0].contribution.received_by,
            )  # fmt: skip
            if fix is None:
                return
            fix = replace(
                with_charges_moved(fix, now, settled),
                vat_on_costs_kept=settled_under.vat_on_costs_kept,
                vat_on_interest_kept=settled_under.vat_on_interest_kept,
            )
            if not payment.reversed and self._credited(client_id, taken_from(fix)):
                fix = because(fix, Reason.CREDITED)
            seq = max(r.seq for r in rows) + 1
            if self.store.claim(Claim(client_id, sid, fix, seq=seq)):
                return
            rows = self.store.history(client_id).get(payment.payment_id, [])
        raise ConflictingUpdate(f"payment {payment.payment_id} keeps being corrected")

    def _credited(self, client_id: str, numbers: set[str]) -> bool:
        """Whether a credit note on one of these invoices moved the money (the reason the
        statement gives the client): the whole invoice credited, or part of it (a partial
        note releases what the debtor paid beyond the lower claim; law12b #4: its 404.56
        read "reallocated", as if the ledger had moved it on its own)."""
        found = self.repos.invoices.get_many(client_id, sorted(numbers)) if numbers else {}
        return any(i.invoice.status is InvoiceStatus.CREDITED or i.invoice.credit_notes
                   for i in found.values())  # fmt: skip

    def _complete(
        self,
        agency: Agency,
        run: SettlementRun,
        settlement: ClientSettlement,
        payments: Mapping[str, Payment],
        early: tuple[date | None, Sequence[Payment]] = (None, ()),
        attempt: int = 0,
    ) -> ClientSettlement | None:
        """``payments``: the client's payments as the run read them, which name each line's
        debtor and reference on the statement. ``early``: the agreement's start and the
        payments received before it (not settled): the statement lists those no statement
        before it listed, so every euro that came in is on one."""
        taken, deducted = self.store.claimed_by(settlement.client_id, settlement.settlement_id)
        contributions = [c.contribution for c in taken] + [
            c.contribution.negated() for c in deducted
        ]
        repayments = [
            r
            for r in self.repayments.of_client(settlement.client_id)
            if r.settled_in == settlement.settlement_id
        ]
        current = self.store.settlement(agency.agency_id, settlement.settlement_id)
        if current is None:
            return None
        settlement, etag = current
        if settlement.status is SettlementStatus.COMPLETE:
            self._close_balance(settlement)
            self._claim_back_resumed(agency, settlement)
            return settlement
        if not contributions and not repayments:  # every candidate was taken by a concurrent run
            self.store.delete_settlement(settlement, etag)
            return None
        commission_rest = self._commission_rest_before(settlement)
        shown_before = self._before_shown(settlement)
        before = not_shown(early[0], early[1], shown_before)
        figures = totals(contributions, fee_vat_bp=settlement.fee_vat_bp,
                         carried_in=settlement.carried_in,
                         vat_on_costs_kept=settlement.vat_on_costs_kept,
                         vat_on_interest_kept=settlement.vat_on_interest_kept,
                         repaid=sum(r.amount for r in repayments),
                         bank_charges_by=settlement.bank_charges_by,
                         vat_on_bank_charges=settlement.vat_on_bank_charges,
                         commission_rest_in_e4=commission_rest)  # fmt: skip
        if before is not None:
            figures = replace(
                figures,
                before_agreement=before.total(Receiver.THIRD_PARTY),
                before_agreement_direct=before.total(Receiver.CLIENT),
            )
        lines = sorted(
            (x for c in contributions for x in c.lines),
            key=lambda x: (x.reversal, x.received_on, x.payment_id, x.invoice_number, x.component),
        )
        prefix = f"{files_prefix(agency.agency_id, run.run_id)}/{settlement.settlement_id}"
        from shared.adapters.letters.settlement_pdf import (
            StatementHeading,
            statement_pdf,
        )  # fpdf2 loads here

        heading = StatementHeading(
            settlement.settlement_id, agency.name, settlement.client_name,
            settlement.client_number, settlement.period, f"{run.run_on:%d-%m-%Y}",
            settlement.payout_iban, _percent(settlement.commission_bp),
            _percent(settlement.fee_vat_bp), settlement.vat_on_costs_kept,
            settlement.vat_on_bank_charges, settlement.vat_on_interest_kept,
            agency.postal_address or "", agency.vat_number or "",
            self._client_address(settlement.client_id), settlement.commission_on_direct,
        )  # fmt: skip

        early_lines = before.payments if before is not None else ()
        parties = parties_of(self.repos, settlement.client_id, lines, payments, early_lines)
        self.files.put(CONTAINER, f"{prefix}.csv",
                       statement_csv(settlement.settlement_id, lines, figures,
                                     repayments, parties, before).encode("utf-8"),
                       content_type="text/csv")  # fmt: skip
        self.files.put(CONTAINER, f"{prefix}.pdf",
                       statement_pdf(heading, lines, figures, parties, before),
                       content_type="application/pdf")  # fmt: skip
        done = replace(
            settlement,
            status=SettlementStatus.COMPLETE,
            totals=figures,
            payment_count=sum(1 for c in taken if c.seq == 0),
            reversal_count=sum(1 for c in taken if c.seq > 0) + len(deducted),  # corrections
            pdf=f"{prefix}.pdf",
            csv=f"{prefix}.csv",
            before_shown=(*shown_before, *(p.payment_id for p in early_lines)),
        )
        try:
            self.store.save_settlement(done, etag)
        except PreconditionFailed as exc:
            # changed since it was read: completed by another worker (then its balance is
            # moved here), or only touched and still claiming; left claiming, the run would
            # be approved without it and its payments never paid out (a fault test found it)
            again = self.store.settlement(agency.agency_id, settlement.settlement_id)
            if again is None:
                return None
            if attempt >= RETRIES:
                raise ConflictingUpdate(
                    f"settlement {settlement.settlement_id} keeps changing"
                ) from exc
            return self._complete(agency, run, again[0], payments, early, attempt + 1)
        self._close_balance(done)
        self._claim_back_resumed(agency, done)
        return done

    def _client_address(self, client_id: str) -> str:
        """The client's postal address on one line, for its statement (the invoice's
        customer, art. 35a Wet OB 1968); empty when none is on record."""
        found = self.repos.clients.get(client_id)
        address = found[0].postal_address if found else None
        if address is None:
            return ""
        place = f"{address.postal_code} {address.city}".strip()
        country = "" if address.country == "NL" else address.country
        return ", ".join(p for p in (address.street, place, country) if p)

    def _before_shown(self, s: ClientSettlement) -> tuple[str, ...]:
        """The payments received before the agreement that the client's statements before
        ``s`` listed (final by then, as the commission's rest is)."""
        if s.previous_settlement_id is None:
            return ()
        found = self.store.settlement(s.agency_id, s.previous_settlement_id)
        return found[0].before_shown if found is not None else ()

    def _commission_rest_before(self, s: ClientSettlement) -> int:
        """What the rounding of the client's commission left over on the statement before
        ``s`` (lawyer20 L6; the fee VAT carries nothing: each statement's is the rate on its
        own fee, art. 35a Wet OB 1968). It lives on that statement's saved figures, written
        under its ETag when it was completed; ``s`` names it from its start (as
        ``carried_in``), and it is final by then (a client whose last statement is in a run still building waits
        for it), so completing ``s`` again, resumed or made again, reads the same rest. None
        before (a first statement, or one stored before rests were kept): nothing carried."""
        if s.previous_settlement_id is None:
            return 0
        found = self.store.settlement(s.agency_id, s.previous_settlement_id)
        if found is None or found[0].totals is None:
            return 0
        return found[0].totals.commission_rest_e4

    def _claim_back_resumed(self, agency: Agency, s: ClientSettlement) -> None:
        """A completed settlement (also one found complete: a run that died after saving it,
        resumed): its claim-back item is made if the client owes money back (keyed per
        settlement, so made once; failure5 finding 3). What the client owes is read after the
        settlement moved the balance, with the repayments no settlement took yet: one recorded
        while this settlement was completing, or a debt this settlement set off, leaves
        nothing owed, and then the client's claim-back items are resolved, not asked for again
        (failure6 #3). Read again after the item is made: a repayment recorded meanwhile
        closes it, or this read sees the repayment."""
        if s.totals is None or (s.totals.net >= 0 and s.carried_in >= 0 and not s.totals.repaid):
            return  # nothing was owed back before, nor is now: no item to make or close
        before = self._owed_back(s)
        if before is None:
            return  # the balance is not this settlement's (moved on): a later one decides
        if s.totals.net < 0 and before > 0:
            self._claim_back(agency, s, -s.totals.net)
        if (self._owed_back(s) or 0) <= 0:
            from shared.services.settlement.repayments import close_claim_backs

            close_claim_backs(
                self.repos, s.agency_id, s.client_number,
                f"nothing owed back after settlement {s.settlement_id} (repaid or set off)",
                self.clock.now(),
            )  # fmt: skip

    def _owed_back(self, s: ClientSettlement) -> Cents | None:
        """What the client owes back now (:func:`~shared.domain.settlement.repayment.owed`);
        None when the balance is not the one this settlement left (moved on to a later one,
        or stale): nothing is asked for or closed on it."""
        from shared.domain.settlement.repayment import owed

        balance, _ = self.store.balance(s.agency_id, s.client_id)
        if balance.last_settlement_id != s.settlement_id:
            return None
        return owed(balance.carried, self.repayments.of_client(s.client_id))

    def _claim_back(self, agency: Agency, s: ClientSettlement, owed: Cents) -> None:
        """The client owes the agency money: it was paid more than the ledger now says was
        collected for it, or it received debtors' money itself and owes the agency its share
        of it (commission, VAT on the fee, the components that are the agency's) beyond what
        the payout could meet. Nothing is transferred, the amount is set off against its next
        payouts, and staff are asked to claim it (one item per settlement, however often the
        run is handled)."""
        title, detail = _claim_back_words(s, owed)
        self._agency_action(
            agency, f"{s.settlement_id}-claim-back", "settlement_claim_back", title, detail
        )

    def _claim_back_follows(self, agency: Agency, s: ClientSettlement) -> None:
        """A settlement made again in its unfinished run (:meth:`_reopen`) whose claim-back
        item was asked for on its first figures: the waiting item takes the figures now, or
        is resolved when nothing is owed back any more (a later payment of the client's
        debtors met it). One staff resolved stays as they left it; a change a person made
        meanwhile (its ETag) stands."""
        assert s.totals is not None
        scope, item_id = agency_scope(agency.agency_id), f"{s.settlement_id}-claim-back"
        found = self.repos.actions.get(scope, item_id)
        if found is None or found[0].status is ActionStatus.RESOLVED:
            return  # none asked for (the completion asks when owed), or decided already
        item, etag = found
        if etag is None:
            return
        owed = -s.totals.net if s.totals.net < 0 and (self._owed_back(s) or 0) > 0 else 0
        if owed <= 0:
            self.repos.actions.resolve_if_open(
                scope, item_id,
                f"nothing owed back: settlement {s.settlement_id} was made again with its "
                "client's later movements", self.clock.now(),
            )  # fmt: skip
            return
        title, detail = _claim_back_words(s, owed)
        if (item.title, item.detail) == (title, detail):
            return
        try:
            self.repos.actions.save(replace(item, title=title, detail=detail), etag)
        except PreconditionFailed:
            log.info("claim-back item %s changed meanwhile; left as it is", item_id)

    def _close_balance(self, s: ClientSettlement) -> None:
        """Move the client's balance from the settlement before ``s`` to ``s``, once."""
        assert s.totals is not None
        for _ in range(RETRIES):
            balance, etag = self.store.balance(s.agency_id, s.client_id)
            if balance.last_settlement_id == s.settlement_id:
                if balance.carried == s.totals.carried_out:
                    return
                # completed again after it took in later movements (:meth:`_reopen`)
                moved = replace(balance, carried=s.totals.carried_out)
            elif balance.last_settlement_id != s.previous_settlement_id:
                log.error("settlement %s is stale: the balance moved on to %s", s.settlement_id,
                          balance.last_settlement_id)  # fmt: skip
                return
            else:
                moved = SettlementBalance(s.agency_id, s.client_id, s.totals.carried_out,
                                          s.period, s.settlement_id)  # fmt: skip
            try:
                self.store.save_balance(moved, etag)
                return
            except (Conflict, PreconditionFailed):
                continue
        raise ConflictingUpdate(f"the balance of client {s.client_id} keeps changing")

    def _agency_action(
        self, agency: Agency, action_id: str, kind: str, title: str, detail: dict[str, object]
    ) -> None:
        item = ActionItem(agency_scope(agency.agency_id), action_id, kind, title, self.clock.now(),
                          detail=detail)  # fmt: skip
        # once: on the list already (a continued run)
        self.repos.actions.add_once(item)


def _claim_back_words(s: ClientSettlement, owed: Cents) -> tuple[str, dict[str, object]]:
    """The ``settlement_claim_back`` item's title and detail for ``owed`` on ``s``."""
    assert s.totals is not None
    why = (
        "it received debtors' money itself and owes the agency's share of it"
        if s.totals.kept_by_client > 0
        else "it was paid too much"
    )
    title = (
        f"Client {s.client_number} owes {format_eur_nl(owed)} back ({why}; settlement "
        f"{s.settlement_id}): claim it back; until then it is set off against its next payout"
    )
    return title, {"run_id": s.run_id, "settlement_id": s.settlement_id,
                   "client": s.client_number, "owed": owed,
                   "kept_by_client": s.totals.kept_by_client}  # fmt: skip


def _during(ruling: DebtorStanding, received_on: date) -> bool:
    """Whether money received on ``received_on`` came while the ruling held (art. 23 Fw:
    from its day, 00:00): paid on or after the day it ended, it is the debtor's own free act
    again (claims revived, art. 195 Fw; after a clean slate a natural obligation paid
    anyway) and settles as any other (codereview14b F2: held for ever before)."""
    if received_on < ruling.since:
        return False
    return ruling.lifted_on is None or received_on < ruling.lifted_on


def _settleable(p: Payment) -> bool:
    return not p.reversed and any(a.amount for a in p.allocations)


def unsettled(payments: Iterable[Payment], history: Container[str]) -> list[Payment]:
    """The settleable payments no settlement has taken yet, in the order received."""
    return sorted(
        (p for p in payments if p.payment_id not in history and _settleable(p)),
        key=lambda p: (p.received_on, p.payment_id),
    )


@dataclass(frozen=True)
class SettledUnder:
    """The terms a payment was first settled under: the agreement's commission and recipients
    then, and whether the costs and the interest the agency kept carried VAT as its fee (None:
    as the correcting statement's own settings)."""

    terms: SettlementAgreement
    vat_on_costs_kept: bool | None
    vat_on_interest_kept: bool | None


def _terms_of(settlement: ClientSettlement, agreement: SettlementAgreement) -> SettlementAgreement:
    """The terms a settlement prices its new payments by: those it started with (its
    commission and recipients, kept on its row), even when resumed after the agreement
    changed; a row stored before it kept its recipients: the agreement's."""
    recipients = (
        settlement.recipients if settlement.recipients is not None else agreement.recipients
    )
    return replace(agreement, commission_bp=settlement.commission_bp, recipients=dict(recipients),
                   commission_on_direct=settlement.commission_on_direct)  # fmt: skip


def _now(p: Payment, terms: SettlementAgreement) -> Contribution | None:
    """What the payment brings now: its allocations as the ledger keeps them on the payment
    row (credit notes and corrections rewrite them); nothing once it came back."""
    return contribution(p, terms) if _settleable(p) else None


def _moved(p: Payment, rows: list[Claim], terms: SettlementAgreement) -> bool:
    now = _now(p, terms)
    return by_part([now] if now else []) != by_part(c for r in rows for c in r.settled)


def _owing(count: int, owed: Cents) -> str:
    if not count:
        return ""
    return f"; {count} client(s) owe {format_eur_nl(owed)} back (no payout for them)"


def _percent(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}"
