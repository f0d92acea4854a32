"""The daily dunning run.

A timer fires in UTC (schedule from ``DUNNING_SCHEDULE``), works out the Amsterdam business
date and puts one queue message per client on ``dunning-run``; a queue-triggered function runs
one client. A client's run reads only the schedule entries up to today (the index keyed by
date), plans per debtor, and turns each planned step into one message job through the outbox
(or an action item for a staff task or hand-over). Running the same day twice, or getting the
same message twice, sends nothing twice: message keys are derived from client, debtor, step
and date, and invoices remember the last step they got.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from shared.adapters.letters.pdf_letter import (
    Letterhead,
    LetterInvoice,
    LetterSpec,
    render_letter,
    sender_country,
    sender_lines,
)
from shared.adapters.tables.dunning_repo import WAITING, RunRecord
from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.adapters.tables.plans_repo import PlanRepository, held_after_end, held_by_plan
from shared.clock import Clock, SystemClock, amsterdam_date
from shared.domain.dunning.letter_costs import vat_in
from shared.domain.dunning.templates import (
    InvoiceLine,
    MessageTemplate,
    RenderedMessage,
    TemplateContext,
    TemplateError,
    TemplateValidator,
    fourteen_day_letter_refused,
    render,
    validate,
)
from shared.domain.dunning.unsent_letter import unsent_letter_note
from shared.domain.dunning.workflow import (
    HANDED_OVER,
    LETTER_CARRIERS,
    DunningState,
    PlannedMessage,
    SegmentRule,
    Step,
    StepChannel,
    Workflow,
    assign_workflow,
    blocked,
    in_trail,
    last_in_trail,
    next_check,
    next_due_step,
    placed,
    plan_debtor,
    resolve_channel,
    step_by_id,
    step_of_key,
    taken_in,
    trail_mark,
    trail_of,
)
from shared.domain.ids import time_ordered_id
from shared.domain.interest_words import interest_word
from shared.domain.invoices import CLOSED, Invoice, InvoiceRuleError, InvoiceStatus
from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.model import ClaimFigures, InterestRule
from shared.domain.ledger.replay import open_claims
from shared.domain.ledger.terms import in_default, own_letter_void
from shared.domain.messaging import (
    Attachment,
    Channel,
    MessageContent,
    OutboundMessage,
    PostalAddress,
)
from shared.domain.money import format_cents, format_eur_en
from shared.domain.parties import Client, Debtor, DebtorKind, Pause, PendingLine
from shared.domain.pause_end import hold_ended_on, resumed
from shared.domain.plans.plan import PlanStatus
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.domain.references import betalingskenmerk
from shared.domain.references.epc_qr import MAX_AMOUNT, CreditTransfer, EpcQrError, qr_svg
from shared.domain.standing import natural_obligation
from shared.ports.queues import QueueSender
from shared.ports.tables import (
    Conflict,
    PreconditionFailed,
    StorageError,
    TableStore,
    TransactionFailed,
)
from shared.services.account_ownership import debtor_account
from shared.services.case_items import close_ended_case_items
from shared.services.cases import CaseService
from shared.services.dispute_costs_told import end_when_told
from shared.services.dunning_account_hold import (
    hold_without_account,
    prescription_looks_while_held,
    release_hold,
)
from shared.services.dunning_recheck import DEMANDED, changed_since, demanded
from shared.services.dunning_spread import DaySlots, starts
from shared.services.ended_items import (
    close_ended_disputes,
    close_sent_letter_tasks,
    close_tasks_handed_over_before,
    close_untold_items,
)
from shared.services.errors import Invalid, NotFound
from shared.services.interest_kinds import flat, kinds_of
from shared.services.ledger.costs_holds import postponement_hold
from shared.services.ledger.service import LedgerService
from shared.services.messaging import CANCELLED, MessagingService, job_body
from shared.services.named_account import NAMED_ACCOUNT
from shared.services.payee_accounts import (
    foreign_in_params,
    foreign_in_sent,
    foreign_links_in_params,
    foreign_links_in_sent,
)
from shared.services.prescription_watch import PrescriptionWatch
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id
from shared.services.wki_registration_status import refuse_consumer_hand_over
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.dunning")
RUN_QUEUE = "dunning-run"
DUE_PER_JOB = 5000  # due schedule rows a job of a client's run reads
# ``~more|<date>|<shard>|<digest of its after>``: that job of the day queued its follow-up
# (one chain, however often a job is delivered or retried)
MORE = "more|"
RECHECK_WITHOUT_WORKFLOW = timedelta(days=7)
# what a planned step did, as the run record counts it
MESSAGE, TASK, HANDOVER, WRITTEN_BEFORE = "message", "task", "handover", "written_before"
SPREAD_WAITING = "spread_waiting"  # a first step left for a later run (``dunning_spread``)
PRESCRIPTION_WARNING = timedelta(days=60)
INVOICE_PDFS = "invoice-pdfs"
# a promise to pay by a day at most this far ahead; longer is a payment plan
PROMISE_AT_MOST = timedelta(days=365)


def invoice_pdf_name(client_id: str, number: str) -> str:
    return f"{client_id}/{encode(number)}.pdf"


CHANNELS = {
    StepChannel.EMAIL: Channel.EMAIL,
    StepChannel.SMS: Channel.SMS,
    StepChannel.WHATSAPP: Channel.WHATSAPP,
    StepChannel.LETTER: Channel.LETTER,
    StepChannel.ROBOCALL: Channel.ROBOCALL,
}


# what the run decides for a debtor (``DunningService.decide``)
PLANNED = "planned"
NOTHING_TO_DUN = "nothing_to_dun"  # only natural obligations left
WITHOUT_WORKFLOW = "without_workflow"
BELOW_MINIMUM = "below_minimum"


@dataclass(frozen=True)
class DebtorDecision:
    outcome: str
    workflow: Workflow | None
    open_total: int
    dunned: list[Invoice] = field(default_factory=list)
    held: set[str] = field(default_factory=set)
    letters: dict[str, date] = field(default_factory=dict)
    owed: dict[str, date | None] = field(default_factory=dict)
    void: Callable[[Invoice], bool] = lambda _: False
    ended: dict[str, date] = field(default_factory=dict)
    planned: list[PlannedMessage] = field(default_factory=list)
    figures: dict[str, ClaimFigures] | None = None
    remainder: int = 0


class _WithoutWorkflow(Exception):
    """A debtor no active workflow takes (``_run_debtor`` to ``run_client``); ``first``:
    no run found it waiting before."""

    def __init__(self, first: bool) -> None:
        super().__init__("no workflow")
        self.first = first


def refuse_past_pause(until: date | None, today: date) -> None:
    """A pause until a day gone holds nothing (the promise is refused alike): it would read
    ``paused`` and postpone nothing (newcomer15 #4: the document's pause until 2025-06-01 was
    taken 18 months later). Without a day it lasts until resumed."""
    if until is not None and until < today:
        raise Invalid(
            f"a pause is until a day from today ({today}) on, or without a day until resumed",
            "until",
            code="pause_until_past",
            params={"today": today},
        )


def _pause_runs_past(inv: Invoice, until: date, today: date) -> bool:
    """The invoice is paused to ``until`` already (a retry), or still paused past it."""
    return inv.paused_until is not None and (
        inv.paused_until == until or inv.paused_until >= max(until, today)
    )


class DunningService:
    def __init__(
        self,
        repos: Repositories,
        messaging: MessagingService,
        queues: QueueSender,
        clock: Clock,
        public_base_url: str,
        links: Callable[[str, str], tuple[str, str]] | None = None,
        rates: Callable[[], RateTable] | None = None,
        renderer: Callable[[MessageTemplate, TemplateContext], RenderedMessage] | None = None,
        validator: TemplateValidator | None = None,
        cases: CaseService | None = None,
    ) -> None:
        # rendering runs a client's own template: the container hands in the budgeted,
        # isolated renderer (worker processes with a hard time and memory limit)
        self.render = renderer or render
        self.validate_template = validator or validate
        # (portal link, payment link) for a debtor; none: messages go out without links
        self.links = links
        # the statutory rates in force (blob storage, cached); none: the shipped table
        self.rates = rates
        # the container's, shared with what a booking tells an agency (built without this
        # service); none: one of its own
        self.cases = cases if cases is not None else CaseService(repos, messaging, clock)
        # every amount a message shows comes from the ledger, with the rates in force
        self.ledger = LedgerService(repos, clock, rates)
        if self.cases.ledger is None:  # a withdrawn business case keeps its costs day
            self.cases.ledger = self.ledger
        self.repos = repos
        # the client a run read and its debtor_account, read once for all its messages (the
        # same object only: any other reader of the client reads the account again)
        self._account_of: tuple[Client, str] | None = None
        self.messaging = messaging
        self.queues = queues
        self.clock = clock
        self.base_url = public_base_url
        self.prescriptions = PrescriptionWatch(repos, messaging.outbox, clock)
        # what an import stored but did not get on the record (an administrator's change of
        # claim terms: ``ClaimTermChanges.record_left_over``; a receipt the client's sync
        # decided and did not book whole: ``ClientReceipts.finish_left``); the daily run
        # finishes it for a client that never imports again (money9 #2); none: nothing to do
        self.left_over: Callable[[Client], None] | None = None
        # a hand-over ends the debtor's plans over the invoices it handed over (handover18:
        # they went on collecting for the client); the installment timer ends what a stop in
        # between left; none: nothing to end
        self.plans_handed_over: Callable[[Client, str], object] | None = None
        # the due schedule rows one job of a client's run reads; more due (a backlog after an
        # outage) are read by a follow-up job on the run's queue (failure31 F3)
        self.due_per_job = DUE_PER_JOB

    # -- scheduling --------------------------------------------------------------------------
    def schedule_invoices(
        self, client_id: str, invoices: list[Invoice], *, shards: int | None = None
    ) -> None:
        """New or changed invoices get looked at in the next run. An import into an unsharded
        client (``shards=1``) writes one row for all of them (see :meth:`run_client`)."""
        today = amsterdam_date(self.clock.now())
        if shards == 1:
            pairs = [(i.debtor_number, i.number) for i in invoices if i.is_collectable]
            if len(pairs) > 1:
                self.repos.dunning.schedule_imported(client_id, today, pairs)
                return
        moves = [
            (None, self.repos.dunning.schedule_key(today, i.debtor_number, i.number))
            for i in invoices
            if i.is_collectable
        ]
        self.repos.dunning.reschedule(client_id, moves)

    def fan_out(self) -> int:
        """One queue message per client, or per shard of a large client (debtors are split by
        a stable hash, so a shard always holds the same debtors). A job the queue refuses
        does not stop the others: it is a ``poison`` item on its client's list to replay, and
        the timer fails at the end (failure33; shared/services/fan_out.py)."""
        from shared.services.fan_out import FanOut
        from shared.services.poison import PoisonService

        business_date = amsterdam_date(self.clock.now())
        poison = PoisonService(self.repos, self.messaging.files, self.queues, self.clock)
        jobs = FanOut(self.queues, poison, RUN_QUEUE, self.clock.now())
        for client in self.repos.clients.all():
            if not client.active:  # an inactive client's dunning stops; its record is kept
                self._record_left_over(client)
                continue
            shards = max(1, client.dunning_shards)
            for shard in range(shards):
                job = {
                    "client_id": client.client_id,
                    "date": business_date.isoformat(),
                    "shard": shard,
                    "shards": shards,
                }
                jobs.send(json.dumps(job))
        log.info("dunning fan-out for %s: %d jobs", business_date, jobs.queued)
        return jobs.finish()

    def drain_poison(self, body: bytes, message_id: str | None = None) -> None:
        """A client's run failed every time: a ``poison`` item on the client's action list."""
        from shared.services.poison import PoisonService

        poison = PoisonService(self.repos, self.messaging.files, self.queues, self.clock)
        poison.drain(f"{RUN_QUEUE}-poison", body, message_id=message_id)

    # -- one client --------------------------------------------------------------------------
    def run_client(
        self,
        client_id: str,
        business_date: date,
        shard: int = 0,
        shards: int = 1,
        *,
        after: str | None = None,
    ) -> RunRecord | None:
        """One client's (or shard's) run of the day: at most ``due_per_job`` due schedule
        rows, from the first or from after the row key ``after`` (a follow-up job's); when
        more are due, a follow-up job goes on after the last one read."""
        found = self.repos.clients.get(client_id)
        if found is None or not found[0].active:
            return None
        client = found[0]
        account = debtor_account(self.repos, client)
        self._account_of = (client, account)
        started = self.clock.now()
        # a job retried after midnight, or replayed from the action list days later, runs as
        # today: a message is never dated (nor a 14-day term counted) before it is sent
        business_date = max(business_date, amsterdam_date(started))
        run_id = time_ordered_id(started)
        first = after is None  # a follow-up job leaves the once-a-day work to the first
        if shard == 0 and first:
            self._record_left_over(client)
            self._close_ended_items(client, started)
        # no account to name: nothing that asks payment goes, the schedule is kept for the
        # first run after one is added; its prescription looks go on (held24; see
        # shared/services/dunning_account_hold.py)
        held = hold_without_account(self.repos, client, business_date, started, account)
        if not held and shard == 0 and first:
            release_hold(self.repos, client, started)
        # before the client's go-live day (onboard32) nothing goes either, held alike: the
        # backlog imported at onboarding keeps its rows until the first run on that day
        held = held or client.dunning_waits(business_date)
        templates = self.repos.dunning.templates(client_id)
        workflows = {k: w for k, w in self.repos.dunning.workflows(client_id).items() if w.active}
        rules = self.repos.dunning.rules(client_id)
        due, more = self.repos.dunning.due_part(client_id, business_date, after, self.due_per_job)
        entries = [] if held else due
        by_debtor: dict[str, list[str]] = defaultdict(list)
        # an import's rows (many invoices in one): shard 0 takes them, and first gives the
        # other shards' debtors rows of their own for today (a client sharded after the
        # import); each invoice gets its own next row when its debtor is done, and the
        # import's row goes once every debtor in it is done or has a row of its own again
        imported: dict[str, list[str]] = defaultdict(list)
        import_rows: set[str] = set()
        for entry in entries:
            if entry.imported:
                if shard == 0:
                    import_rows.add(entry.row_key)
                    imported[entry.debtor_number].append(entry.invoice_number)
                continue
            if shards > 1 and _shard_of(entry.debtor_number, shards) != shard:
                continue
            by_debtor[entry.debtor_number].append(entry.row_key)
        others = [d for d in imported if shards > 1 and _shard_of(d, shards) != shard]
        self._keep_for_today(client_id, business_date, {d: imported.pop(d) for d in others})
        # what the record counts apart (dunning16 F7: a day of two staff tasks read "2 messages")
        steps = messages = tasks = handovers = 0
        errors: list[str] = []
        transient = 0
        cause: str | None = None  # the first failure a retry can cure, for the job's error
        before_start = 0  # before the go-live day: the debtors whose steps were due, held
        if held:
            looked = [
                e.debtor_number
                for e in due
                if (shard == 0 if e.imported else _shard_of(e.debtor_number, shards) == shard)
            ]
            transient = prescription_looks_while_held(
                self.repos, self.prescriptions, client, dict.fromkeys(looked), business_date, errors
            )
            before_start = len(set(looked)) if client.dunning_waits(business_date) else 0
        unfinished: set[str] = set()
        without_workflow: list[str] = []
        newly_waiting: list[str] = []  # of those, the ones staff have not been told of
        # the ended plans' dunning holds, read once for every debtor of the run (misc17b)
        ended_holds = held_after_end(self.repos.store, client_id) if by_debtor or imported else frozenset()  # fmt: skip
        debtors = list(dict.fromkeys([*by_debtor, *imported]))
        # a backlog spread over days (golive33): at most so many first steps today
        slots = None
        if not held and client.first_steps_per_day is not None:
            slots = DaySlots(self.repos, client_id, business_date, shard, shards,
                             client.first_steps_per_day)  # fmt: skip
            if first:
                slots.forget_earlier()
            if slots.left() < len(debtors):  # not all may go: the oldest due first
                debtors = slots.order(debtors)
        spread_waiting = 0
        for debtor_number in debtors:
            row_keys = by_debtor.get(debtor_number, [])
            try:
                done = self._run_debtor(
                    client, debtor_number, row_keys, business_date, workflows, rules, templates,
                    imported.get(debtor_number, []), ended_holds, slots,
                )  # fmt: skip
                spread_waiting += done.pop(SPREAD_WAITING, 0)
                steps += done.total()
                messages += done[MESSAGE]
                tasks += done[TASK]
                handovers += done[HANDOVER]
            except _WithoutWorkflow as waiting:
                without_workflow.append(debtor_number)
                if waiting.first:
                    newly_waiting.append(debtor_number)
            except (Invalid, TemplateError, InvoiceRuleError, OverflowError) as exc:
                # the client's configuration or data: retrying the same day cannot help; staff
                # see it on the action list (once per debtor and day) and the run record
                log.warning("dunning run for client %s: a debtor's step is refused", client_id)
                errors.append(f"debtor {debtor_number}: {exc}")
                unfinished.add(debtor_number)
                self._refused(client, debtor_number, business_date, str(exc))
            except Exception as exc:  # one debtor's trouble must not stop the others
                log.exception("dunning run for client %s debtor failed", client_id)
                errors.append(f"debtor {debtor_number}: {exc}")
                unfinished.add(debtor_number)
                transient += 1
                cause = cause or errors[-1]
        if import_rows:
            left = {d: imported[d] for d in unfinished if d in imported}
            try:
                self._keep_for_today(client_id, business_date, left)  # before the row goes
                self.repos.dunning.reschedule(client_id, [(k, None) for k in sorted(import_rows)])
            except Exception as exc:  # the import's row stays: the retry works it again
                log.exception("dunning run for client %s: an import's row stays", client_id)
                errors.append(f"schedule: {exc}")
                transient += 1
                cause = cause or errors[-1]
        if shard == 0 and first:
            try:  # a credit or withdrawal whose case a crash left behind (failure9 #3)
                self.cases.follow_closed(client, business_date)
            except Exception as exc:
                log.exception("dunning run for client %s: a case's follow-up stays", client_id)
                errors.append(f"cases: {exc}")
                transient += 1
                cause = cause or errors[-1]
        record = RunRecord(
            client_id,
            run_id,
            business_date,
            started,
            self.clock.now(),
            steps,
            messages,
            tuple(errors),
            len(without_workflow),
            tasks,
            handovers,
            client.dunning_starts_on if client.dunning_waits(business_date) else None,
            before_start,
            spread_waiting,
        )
        self.repos.dunning.save_run(record)
        if newly_waiting:
            self._without_workflow(client, business_date, newly_waiting, bool(workflows))
            if self._set_up_since(client_id, workflows, rules):
                # a workflow activated or the rules saved while this run worked found none of
                # these debtors marked yet to wake; they would wait for the week's re-check,
                # the item open beside them (failure19 N2): woken here, after their marks
                self.wake_waiting(client_id)
        self._follow_up(client_id, business_date, shard, shards, after, more)
        if transient:
            # never complete a job that left debtors behind (a storage outage, a crash): the
            # host delivers it again and the retry works only what is still due; what was
            # already sent is recognised by its outbox key (no date in it), so nothing doubles
            raise DunningRunIncomplete(
                client_id, business_date, transient, cause or _first_cause(errors)
            )
        return record

    def _follow_up(self, client_id: str, business_date: date, shard: int, shards: int,
                   after: str | None, more: str | None) -> None:  # fmt: skip
        """More rows due than one job reads (a backlog after an outage): a job that goes on
        after the last row this one read, the same day, not tomorrow (failure31 F3). Queued
        before the job completes (its own debtors left unfinished come back with its retry)
        and marked after: a retry or a second delivery of this job queues none again (a cut
        between the two: one more, whose work finds its steps taken). The chain's last job
        takes the day's marks away."""
        where = f"{MORE}{business_date:%Y%m%d}|{shard}|"
        if more is None:
            if after is not None:
                self.repos.dunning.unmark_all(client_id, where)
            return
        # keyed by this job (what it went on after), not by where it stopped: a second
        # delivery reads on past the rows the first one moved, and would start a chain of its own
        mark = where + hashlib.sha256((after or "").encode()).hexdigest()[:16]
        if self.repos.dunning.marked(client_id, mark):
            return
        job = {"client_id": client_id, "date": business_date.isoformat(), "shard": shard,
               "shards": shards, "after": more}  # fmt: skip
        self.queues.send(RUN_QUEUE, json.dumps(job))
        self.repos.dunning.mark_once(client_id, mark)
        log.info("dunning run for client %s: more due, a follow-up job queued", client_id)

    def _close_ended_items(self, client: Client, now: datetime) -> None:
        """A dispute paid in full (any booking path) or ended by a call cut off before its item
        (newcomer19 F6), the tasks of debtors handed over before the hand-over closed them
        (cm18 F6's "Taak 9"), and the agency's item of a case paid in full or withdrawn (agency21 N3): their
        items closed once a day at the latest. Storage failing here leaves them for tomorrow's
        run; the run goes on."""
        client_id = client.client_id
        try:
            close_ended_disputes(self.repos, client_id, now)
            close_tasks_handed_over_before(self.repos, client_id, now)
            close_ended_case_items(self.repos, client.agency_id, client_id, client.name, now)
        except StorageError as exc:
            log.warning(
                "dunning run: ended items left open",
                extra=log_extra({"client_id": client_id, "error": exc.__class__.__name__}),
            )

    def _record_left_over(self, client: Client) -> None:
        """Changes of claim terms an import stored but did not record, recorded now, and the
        client's receipts a sync left unbooked, booked; storage failing here leaves them for
        tomorrow's run (or the next import), the run goes on."""
        if self.left_over is None:
            return
        try:
            self.left_over(client)
        except StorageError as exc:
            log.warning(
                "dunning run: changes of claim terms left to record",
                extra=log_extra({"client_id": client.client_id, "error": exc.__class__.__name__}),
            )

    def _without_workflow(self, client: Client, today: date, debtors: list[str],
                          any_active: bool) -> None:  # fmt: skip
        """An action item for the debtors this run found waiting for a workflow (none active,
        or no segment rule takes them) that no earlier run told of: their invoices get nothing
        until one does. Activating a workflow or saving the rules picks them up
        (``wake_waiting``); a debtor that has to wait again later is told again. The item
        first, under an id made of the day and the debtors, then the marks: a retry after a
        failed write writes it (or finds it written) before it marks them."""
        now = self.clock.now()
        why = "no segment rule matches them" if any_active else "no workflow is active"
        if self._told_waiting(client.client_id, debtors):
            # an earlier run's item about them stands, its marks cut off after it (failure10
            # F6): the marks only, not a second item a week later
            for debtor_number in debtors:
                self.repos.dunning.mark_once(client.client_id, f"{WAITING}{encode(debtor_number)}")
            return
        self._add_once(ActionItem(
            client.client_id, day_keyed_id(today, "no_workflow", *sorted(debtors)), "no_workflow",
            f"{len(debtors)} debtor(s) with open invoices have no dunning workflow ({why}): "
            "nothing is sent to them; activate a workflow or set the segment rules",
            now, detail={"count": len(debtors), "debtors": ", ".join(sorted(debtors)[:50])[:2000],
                         "date": today.isoformat()},
        ))  # fmt: skip
        for debtor_number in debtors:
            self.repos.dunning.mark_once(client.client_id, f"{WAITING}{encode(debtor_number)}")

    def _set_up_since(
        self, client_id: str, workflows: dict[str, Workflow], rules: list[SegmentRule]
    ) -> bool:
        """Whether the client's active workflows or segment rules differ from those the run
        read at its start (two reads, only for a run that found debtors without one)."""
        now_active = {k: w for k, w in self.repos.dunning.workflows(client_id).items() if w.active}
        return now_active != workflows or self.repos.dunning.rules(client_id) != rules

    def _told_waiting(self, client_id: str, debtors: list[str]) -> bool:
        """Whether a waiting no-workflow item already names every one of ``debtors`` (one
        read of the client's open items of that kind, only when debtors wait unmarked)."""
        wanted = set(debtors)
        told: set[str] = set()
        for status in (ActionStatus.OPEN, ActionStatus.ASSIGNED):
            items, _ = self.repos.actions.list(client_id, status=status, kind="no_workflow")
            for item in items:
                told.update(
                    n.strip() for n in str((item.detail or {}).get("debtors", "")).split(",")
                )
        return wanted <= told

    def _add_once(self, item: ActionItem) -> None:
        """An item under a fixed id: written by an earlier attempt that stopped after it is
        written already."""
        if not self.repos.actions.add_once(item):
            log.info("action item %s stood already", item.action_id)

    def wake_waiting(self, client_id: str) -> int:
        """A workflow was activated or the segment rules saved: the invoices of the debtors
        a run found without one are looked at in the next run, not a week later."""
        debtors = self.repos.dunning.waiting_for_workflow(client_id)
        today = amsterdam_date(self.clock.now())
        moves: list[tuple[str | None, str | None]] = []
        for debtor in debtors:
            for invoice in self.repos.invoices.for_debtor(client_id, debtor):
                if invoice.is_collectable:
                    moves.append(
                        (None, self.repos.dunning.schedule_key(today, debtor, invoice.number))
                    )
        self.repos.dunning.reschedule(client_id, moves)
        self.repos.dunning.release_waiting(client_id, debtors)
        # on every wake, not only when marks were released: a 503 on an item's resolve after
        # the release answered the save 500, and its retry found no one waiting and closed
        # nothing (failure19 N1); an item with no mark left is done all the same
        self._close_waiting_items(client_id)
        return len(debtors)

    def _close_waiting_items(self, client_id: str) -> None:
        """The ``no_workflow`` items are done once their debtors' marks are released (now, or
        by an earlier wake a fault cut off): the next run looks at them again, and tells again
        of any still without a workflow (its marks are released, and no open item names it).
        They stayed open after the workflow was there (newcomer18 F5)."""
        now = self.clock.now()
        for status in (ActionStatus.OPEN, ActionStatus.ASSIGNED):
            items, _ = self.repos.actions.list(client_id, status=status, kind="no_workflow")
            for item in items:
                self.repos.actions.resolve_if_open(
                    client_id, item.action_id,
                    "a workflow was activated or the segment rules saved: the next run looks "
                    "at these debtors again", now,
                )  # fmt: skip

    def _keep_for_today(self, client_id: str, today: date, invoices: dict[str, list[str]]) -> None:
        """Rows of their own, for today, for invoices an import's row named: a retry of this
        run, another shard's job or tomorrow's run finds them once the import's row is gone."""
        moves: list[tuple[str | None, str | None]] = [
            (None, self.repos.dunning.schedule_key(today, debtor, number))
            for debtor, numbers in invoices.items()
            for number in numbers
        ]
        if moves:
            self.repos.dunning.reschedule(client_id, moves)

    def _refused(self, client: Client, debtor_number: str, today: date, reason: str) -> None:
        if not self.repos.dunning.mark_once(
            client.client_id, f"refused|{today:%Y%m%d}|{encode(debtor_number)}"[:400]
        ):
            return
        now = self.clock.now()
        self.repos.actions.add(ActionItem(
            client.client_id, time_ordered_id(now), "dunning_failure",
            f"Dunning step for debtor {debtor_number} refused: {reason}"[:500],
            now, debtor_number=debtor_number, detail={"date": today.isoformat(), "reason": reason[:2000]},
        ))  # fmt: skip

    def _run_debtor(
        self,
        client: Client,
        debtor_number: str,
        row_keys: list[str],
        today: date,
        workflows: dict[str, Workflow],
        rules: list[SegmentRule],
        templates: dict[str, MessageTemplate],
        imported: list[str] | None = None,
        ended_holds: AbstractSet[str] | None = None,
        slots: DaySlots | None = None,
    ) -> Counter[str]:
        """``row_keys``: the debtor's own schedule rows due; ``imported``: its invoices an
        import's row named (that row is the caller's to delete); ``slots``: the first steps
        the run may still give today (None: no limit). What its steps did, by kind
        (``MESSAGE``, ``TASK``, ``HANDOVER``, ``WRITTEN_BEFORE``; ``SPREAD_WAITING``: none, its
        first step waits for a later run)."""
        imported = imported or []
        found = self.repos.debtors.get(client.client_id, debtor_number)
        if found is None:
            self.repos.dunning.reschedule(client.client_id, [(k, None) for k in row_keys])
            return Counter()
        # a pause's (a resume's) line its request was cut off before: written now
        debtor = self.finish_debtor_line(client, *found)
        invoices = self.repos.invoices.for_debtor(client.client_id, debtor_number)
        # prescription: warnings, the hold past the date, the next look (law4 findings 3, 5, 9);
        # a debtor without a workflow is warned on its weekly re-check too
        watch = self.prescriptions.review(client, debtor, invoices, today)
        # before the workflow: the law's costs arise without one (a client's own 14-day letter)
        self._write_missing_holds(client, debtor, invoices)
        decided = self.decide(client, debtor, invoices, today, workflows, rules, watch.held,
                              ended_holds)  # fmt: skip
        if decided.outcome == NOTHING_TO_DUN:
            # only natural obligations left (a clean slate, an akkoord): nothing to dun, no
            # workflow wanted, so no "activate a workflow" count (law14b F); a weekly look
            self._recheck_later(client.client_id, debtor_number, row_keys, imported, today)
            return Counter()
        if decided.outcome == WITHOUT_WORKFLOW:
            # looked at again in a week, or as soon as a workflow is activated or the segment
            # rules are saved (``wake_waiting``); the run counts it and staff are told once
            # (marked waiting once the item stands: :meth:`_without_workflow`)
            first = not self.repos.dunning.marked(
                client.client_id, f"{WAITING}{encode(debtor_number)}"
            )
            self._recheck_later(client.client_id, debtor_number, row_keys, imported, today)
            raise _WithoutWorkflow(first)
        if decided.outcome == BELOW_MINIMUM:
            # what is left of a payment or a credit, not worth chasing: no step, no
            # hand-over; staff write it off or keep it
            self._below_minimum(client, debtor_number, decided.dunned, decided.remainder, today)
            self._recheck_later(client.client_id, debtor_number, row_keys, imported, today)
            return Counter()
        workflow, planned, figures = decided.workflow, decided.planned, decided.figures
        assert workflow is not None
        if (
            slots is not None
            and starts([m.step_index for m in planned], invoices)
            and not slots.take(debtor_number)
        ):
            # the day's first steps are given: it starts the workflow on a later run
            self._recheck_later(client.client_id, debtor_number, row_keys, imported, today,
                                after=timedelta(days=1))  # fmt: skip
            return Counter({SPREAD_WAITING: 1})
        letters, owed, void, ended = decided.letters, decided.owed, decided.void, decided.ended
        held, open_total = decided.held, decided.open_total
        done: Counter[str] = Counter()
        for message in planned:
            done[
                self._perform(
                    client,
                    debtor,
                    workflow,
                    message,
                    [i for i in invoices if i.number in message.invoice_numbers],
                    today,
                    templates,
                    figures,
                )
            ] += 1
        fresh = {
            i.number: i for i in self.repos.invoices.for_debtor(client.client_id, debtor_number)
        }
        encoded_old = {
            k.rsplit("|", 1)[1]: k for k in row_keys
        }  # encoded invoice number -> old key
        touched = (
            {decode(p) for p in encoded_old}
            | set(imported)
            | {n for m in planned for n in m.invoice_numbers}
        )
        moves: list[tuple[str | None, str | None]] = []
        for number in touched:
            inv = fresh.get(number)
            state = (
                replace(
                    _state(inv, letters.get(number), owed.get(number), workflow, void(inv)),
                    plan_ended_on=ended.get(number),
                )
                if inv
                else None
            )
            check = (
                next_check(workflow, inv, state, debtor, open_total, today, client.channels_off)
                if inv and state and number not in held
                else None
            )
            # a disputed claim keeps a row for its prescription looks only (cm24 F5)
            watched = inv is not None and (
                inv.is_collectable or inv.status is InvoiceStatus.DISPUTED
            )
            look = watch.next_check.get(number) if watched else None
            if look is not None and (check is None or look < check):
                # the next prescription look keeps a row too (the workflow ended, the claim is
                # held, or its next step comes after the warning): a warning never waits for one
                check = look
            new = self.repos.dunning.schedule_key(check, debtor_number, number) if check else None
            moves.append((encoded_old.get(encode(number)), new))
        self.repos.dunning.reschedule(client.client_id, moves)
        return done

    def decide(
        self,
        client: Client,
        debtor: Debtor,
        invoices: list[Invoice],
        today: date,
        workflows: dict[str, Workflow],
        rules: list[SegmentRule],
        prescribed: AbstractSet[str],
        ended_holds: AbstractSet[str] | None = None,
    ) -> DebtorDecision:
        """What the daily run decides for a debtor ``today``, by reading only: its workflow,
        the invoices a step may act on and the messages planned. ``prescribed``: the invoices
        the prescription hold keeps back. The run acts on it (``_run_debtor``); the preview of
        a run (``dunning_preview.py``, golive32) counts it: one copy of the rules for both."""
        open_total = sum(i.open_amount for i in invoices if i.is_collectable)
        workflow = workflows.get(
            assign_workflow(rules, debtor, open_total, debtor.workflow_override) or ""
        )
        if workflow is None and not any(
            i.is_collectable and natural_obligation(debtor, i) is None for i in invoices
        ):
            # only natural obligations left (a clean slate, an akkoord): nothing to dun
            return DebtorDecision(NOTHING_TO_DUN, None, open_total)
        if workflow is None:
            return DebtorDecision(WITHOUT_WORKFLOW, None, open_total)
        # a running payment plan holds its invoices: no dunning until it is cancelled
        dunned, held = dunnable(self.repos.store, client.client_id, invoices, ended_holds)
        # so does a claim past its prescription date, until a person decides
        dunned = [i for i in dunned if i.number not in prescribed]
        held = held | set(prescribed)
        # the debtor's claims, read once (one range read of the ledger, on the invoices read
        # above): where each invoice enters the workflow (a 14-day letter the client sent
        # itself, costs owed already) and every amount the run's messages show
        claims = self.ledger.debtor_claims(client, debtor.number, debtor, every_invoice=invoices)
        # a letter the client dated before a due or default date moved past it is none: the
        # claim enters the workflow as if it had none, and our 14-day letter is sent (law11b F1);
        # so does one sent to a consumer while he counted as a business, unconfirmed (F5)
        letters = {
            n: c.header.fourteen_day_letter_on
            for n, c in claims.stored.items()
            if n in claims.invoices
            and c.header.fourteen_day_letter_on is not None
            and in_default(c.header.fourteen_day_letter_on, claims.invoices[n].due_date,
                           c.header.interest_from)
            and not (debtor.kind is DebtorKind.B2C and c.header.as_business is not None
                     and c.header.as_business.holds_letter(c.header.fourteen_day_letter_on))
        }  # fmt: skip
        owed = {r.number: r.terms.costs_owed_from for r in claims.records}

        # our own 14-day letter that no longer counts: its step is due again (kindletter12 #2)
        def void(invoice: Invoice) -> bool:
            header = (
                claims.stored[invoice.number].header if invoice.number in claims.stored else None
            )
            return own_letter_void(invoice, consumer=debtor.kind is DebtorKind.B2C,
                                   interest_from=header.interest_from if header else None,
                                   as_business=header.as_business if header else None)  # fmt: skip

        figures: dict[str, ClaimFigures] | None = None
        remainder = sum(i.open_amount for i in dunned if i.is_collectable)
        if 0 < remainder < client.dunning_minimum and not client.client_bears_costs:
            # what the debtor owes is the principal with its costs and interest
            figures = open_claims(claims.records, today, self.rates() if self.rates else None)
            remainder = sum(
                figures[i.number].open.total if i.number in figures else i.open_amount
                for i in dunned
                if i.is_collectable
            )
        # only rests: every open invoice was paid or credited in part (a small invoice nobody
        # paid any of is dunned as any other, and with it what the others left open)
        only_rests = all(i.paid > 0 or i.credit_notes for i in dunned if i.is_collectable)
        if 0 < remainder < client.dunning_minimum and only_rests:
            # what is left of a payment or a credit, not worth chasing (the run tells staff)
            return DebtorDecision(BELOW_MINIMUM, workflow, open_total, dunned=dunned,
                                  remainder=remainder)  # fmt: skip
        ended: dict[str, date] = {}
        states = [
            (i, _state(i, letters.get(i.number), owed.get(i.number), workflow, void(i)))
            for i in dunned
        ]
        planned = plan_debtor(workflow, debtor, states, today, client.channels_off)
        if planned and _late(workflow, debtor, states, today, client.channels_off):
            # a payment plan that held an invoice and ended keeps the workflow's spacing after
            # it, as a pause does (codereview16b F2); it only holds back a step whose day fell
            # before today, so the plans are read only for a debtor with such a step due
            ended = plans_ended(self.repos.store, client.client_id, debtor.number)
            if any(i.number in ended for i in dunned):
                states = [(i, replace(st, plan_ended_on=ended.get(i.number))) for i, st in states]
                planned = plan_debtor(workflow, debtor, states, today, client.channels_off)
        if planned and figures is None and not client.client_bears_costs:
            figures = open_claims(claims.records, today, self.rates() if self.rates else None)
        return DebtorDecision(PLANNED, workflow, open_total, dunned, held, letters, owed, void,
                              ended, planned, figures, remainder)  # fmt: skip

    def _recheck_later(self, client_id: str, debtor_number: str, row_keys: list[str],
                       imported: list[str], today: date,
                       after: timedelta = RECHECK_WITHOUT_WORKFLOW) -> None:  # fmt: skip
        """The debtor's invoices are looked at again in a week (no workflow, or too little
        open; ``after``: another wait): a workflow activated, a rule saved or a new invoice
        brings them back sooner."""
        later = today + after
        recheck: list[tuple[str | None, str | None]] = [
            (k, f"{later:%Y%m%d}|{k.split('|', 1)[1]}") for k in row_keys
        ] + [(None, self.repos.dunning.schedule_key(later, debtor_number, n)) for n in imported]
        self.repos.dunning.reschedule(client_id, recheck)

    def _below_minimum(self, client: Client, debtor_number: str, invoices: Sequence[Invoice],
                       remainder: int, today: date) -> None:  # fmt: skip
        """An action item, once per debtor and set of open invoices: the debtor owes less than
        the client's dunning minimum, so no step goes out; the rest stays in the ledger until
        a person writes it off (the dossier's claim work) or keeps it."""
        numbers = tuple(sorted(i.number for i in invoices if i.is_collectable))
        told = f"below|{encode(debtor_number)}|{_digest(numbers)}"[:400]
        if self.repos.dunning.marked(client.client_id, told):
            return
        now = self.clock.now()
        # the item first, then the mark: a retry after a failed write still tells staff
        self._add_once(ActionItem(
            client.client_id, day_keyed_id(today, told), "below_dunning_minimum",
            f"Debtor {debtor_number} owes {format_eur_en(remainder)}, below the dunning minimum of "
            f"{format_eur_en(client.dunning_minimum)}: no reminder is sent; write it off or keep it"[:500],
            now, debtor_number=debtor_number, invoice_numbers=numbers,
            detail={"open": format_cents(remainder), "minimum": format_cents(client.dunning_minimum),
                    "invoices": ", ".join(numbers)[:2000], "date": today.isoformat()},
        ))  # fmt: skip
        self.repos.dunning.mark_once(client.client_id, told)

    def _write_missing_holds(
        self, client: Client, debtor: Debtor, invoices: Sequence[Invoice]
    ) -> None:
        """The costs holds of the arrangements on the open invoices and on the debtor (a
        promise, a pause until a day) that their claims lack: the hold is written after the
        invoice or debtor row, so a fault in between leaves it out until a retry or this run
        writes it, dated by the day the arrangement was agreed (failure6 #5). An invoice with
        no such arrangement costs no read; one with it, one point read of its claim header."""
        for inv in invoices:
            if not inv.is_collectable:
                continue
            wanted = arranged_holds(inv)
            if debtor.pause is not None and debtor.pause.until is not None:
                wanted.append(postponement_hold(debtor.pause.since, debtor.pause.until, "debtor"))
            if not wanted:
                continue
            header = self.ledger.ledger.header(client.client_id, inv.debtor_number, inv.number)
            have = set(header.costs_held) if header is not None else set()
            for ref, span in wanted:
                if (ref, span[0], span[1]) not in have:
                    self.ledger.set_costs_hold(client.client_id, inv.debtor_number, inv.number,
                                               ref, span)  # fmt: skip

    def _perform(self, client: Client, debtor: Debtor, workflow: Workflow, planned: PlannedMessage,
                 invoices: list[Invoice], today: date, templates: dict[str, MessageTemplate],
                 claims: dict[str, ClaimFigures] | None = None, before: str | None = None,
                 dated_on: date | None = None) -> str:  # fmt: skip
        """``claims``: the debtor's claim figures today, when the run has them (else read);
        ``before``: where the invoices stood before this step (a re-plan passes the first
        plan's, as its invoices were advanced then); ``dated_on``: the day a re-planned 14-day
        letter was dated again for when it was first sent (its term counts from it). What it
        did: ``MESSAGE`` (one written to the outbox), ``TASK``, ``HANDOVER``, or
        ``WRITTEN_BEFORE`` (an earlier attempt wrote its message: nothing new)."""
        done = WRITTEN_BEFORE
        step = planned.step
        letter_day = dated_on or today
        costs_owed_from = costs_term(planned, debtor, letter_day)
        if step.channel is StepChannel.HANDOVER:
            # a consumer's hand-over waits while the agency's Wki registration has ended
            # (art. 2 Wki; wki28): the step stays due and goes after the new day is recorded
            refuse_consumer_hand_over(
                self.repos,
                self.repos.agencies.get(client.agency_id),
                debtor,
                today,
                self.clock.now(),
            )
            if debtor.kind is not DebtorKind.B2C:
                claims = self._as_handed_over(client, debtor, invoices, today)
            amounts = self.context(client, debtor, invoices, today, claims=claims)
            # each claim's costs day as the ledger has it (a held or overtaken letter's term
            # stays on the invoice: kindletter12)
            days = claims if claims is not None else self.ledger.open_claims(
                client, [i.number for i in invoices], today, debtor=debtor)  # fmt: skip
            self.cases.hand_over(
                client,
                debtor,
                invoices,
                today,
                costs=amounts.costs,
                interest=amounts.interest,
                costs_owed_from={n: f.costs_owed_from for n, f in days.items()},
            )
            done = HANDOVER
        elif planned.channel is StepChannel.STAFF_TASK:
            self._task(client, debtor, workflow, planned)
            done = TASK
        else:
            language = debtor.language.value
            ours = {k: v for k, v in step.templates.items() if k != "whatsapp"}  # Meta's name
            template_id = ours.get(language) or next(iter(ours.values()), None)
            template = templates.get(template_id or "")
            if template is None:
                raise Invalid(
                    f"step {step.name} has no template for {language}",
                    code="step_no_template_for_language",
                    params={"step": step.name, "language": language},
                )
            prefix = step_key_prefix(debtor.number, workflow.workflow_id, step.step_id)
            fresh = planned.invoice_numbers
            cancelled: set[str] = set()
            # invoices back at a 14-day step they took, their letter void (kindletter12 #2)
            back = {i.number: i for i in invoices if _back_at(i, workflow, step)}
            for earlier, _ in self.messaging.outbox.with_prefix(client.client_id, prefix):
                if CANCELLED in earlier.extra:
                    cancelled.add(earlier.key)  # closed unsent: its invoices never had the step
                    continue
                if SENT_AGAIN in earlier.extra:
                    continue  # a 14-day letter that never arrived: the one sent again counts
                # the letter that no longer counts, sent before the invoice came back: not
                # this step for it now (a new key, below)
                void = {n for n in earlier.invoice_numbers if _before_back(earlier, back.get(n))}
                if void:
                    cancelled.add(earlier.key)
                # written by an earlier attempt (maybe days ago, before a failure): those
                # invoices have had this step; a job that never reached the queue goes again
                fresh = tuple(n for n in fresh if n not in earlier.invoice_numbers or n in void)
                if not earlier.status.final:
                    self.messaging.queues.send(
                        earlier.channel.queue, job_body(client.client_id, earlier.key)
                    )
            if fresh:
                planned = replace(planned, invoice_numbers=fresh)
                key, retake = prefix + _digest(fresh), 0
                while key in cancelled:  # that very message was closed unsent: a new one
                    retake += 1
                    key = prefix + _digest((*fresh, f"#{retake}"))
                shown = [i for i in invoices if i.number in fresh]
                context = self.context(client, debtor, shown, letter_day, costs_owed_from,
                                       claims=claims if dated_on is None else None)  # fmt: skip
                rendered = self.render(template, context)
                # an account in what this debtor reads that is not the client's or its
                # agency's (a template saved before the check, a branch its sample never
                # took): not sent, on the action list, the step waits (attack26 F3)
                if foreign := foreign_in_sent(self.repos, client, rendered, context):
                    raise Invalid(
                        f"step {step.name}: the message names the account {foreign[0]}, not "
                        "the client's or the agency's; not sent",
                        code="message_foreign_iban",
                        params={"step": step.name, "iban": foreign[0]},
                    )
                # a link elsewhere (a payment request) diverts the money all the same
                if hosts := foreign_links_in_sent(self.repos, client, rendered, context):
                    raise _links_elsewhere(step.name, hosts[0])
                if step.channel is StepChannel.FOURTEEN_DAY_LETTER:
                    # what this debtor reads, not the sample the template was saved with: a
                    # letter that fails is not sent and starts no costs term; the refusal
                    # goes on the action list (``run_client``) and the step waits for a fix
                    refused = fourteen_day_letter_refused(template, rendered, context)
                    if refused:
                        raise Invalid(
                            f"step {step.name}, 14-day letter not sent: {refused}",
                            code="letter_refused",
                            params={"step": step.name, "refused": refused},
                        )
                if before is None:
                    before = json.dumps({i.number: [i.dunning_step, _iso(i.dunning_step_on), _iso(i.costs_owed_from),
                                                    list(trail_of(i))] for i in shown})  # fmt: skip
                extra = {BEFORE: before, PLANNED_ON: today.isoformat(),
                         DEMANDED: demanded(shown, self.repos.store, client.client_id,
                                            debtor.number, costs_owed_from),
                         # what the message is, whatever later edits do to the workflow
                         FOURTEEN_DAY: "1" if step.channel is StepChannel.FOURTEEN_DAY_LETTER else "0",
                         STEP_NAME: step.name, TEMPLATE: template_id or ""}  # fmt: skip
                if dated_on is not None:
                    extra[DATED_ON] = dated_on.isoformat()
                self._send(client, debtor, planned, key, rendered, context, letter_day, extra=extra)
                done = MESSAGE
        # a letter owed since a staff task stood in for it (law19: the step taken, no letter)
        owed = costs_owed_from is not None and any(
            step.step_id and trail_mark(workflow.workflow_id, step.step_id) in trail_of(i)
            for i in invoices
        )
        # a re-planned 14-day letter keeps the day it went out: the steps after it count from it
        step_on = letter_day if step.channel is StepChannel.FOURTEEN_DAY_LETTER else today
        for invoice in invoices:
            self._advance(client.client_id, invoice.number, workflow, planned, step_on, costs_owed_from,
                          handed_over=client.agency_id if step.channel is StepChannel.HANDOVER else None)  # fmt: skip
        if done == HANDOVER and self.plans_handed_over is not None:
            self.plans_handed_over(client, debtor.number)
        if owed:
            close_sent_letter_tasks(self.repos, client.client_id, debtor.number, step.name,
                                    planned.invoice_numbers, letter_day, self.clock.now())  # fmt: skip
        return done

    def _send(
        self,
        client: Client,
        debtor: Debtor,
        planned: PlannedMessage,
        key: str,
        rendered: RenderedMessage,
        context: TemplateContext,
        today: date,
        extra: dict[str, str] | None = None,
    ) -> None:
        # the account it names, checked again when it goes: still the client's own (outbox31)
        extra = {**(extra or {}), NAMED_ACCOUNT: context.client_iban}
        message, content = self._compose(client, debtor, planned, _carrier(planned, debtor), key,
                                         rendered, context, today, extra)  # fmt: skip
        self.messaging.enqueue(message, content)

    def _compose(
        self,
        client: Client,
        debtor: Debtor,
        planned: PlannedMessage,
        channel: Channel,
        key: str,
        rendered: RenderedMessage,
        context: TemplateContext,
        today: date,
        extra: dict[str, str] | None = None,
    ) -> tuple[OutboundMessage, MessageContent]:
        """The outbox record and the content of a rendered step, sent by ``channel`` (a
        letter dated ``today``)."""
        to = {Channel.EMAIL: (debtor.emails or ("",))[0], Channel.LETTER: debtor.name}.get(
            channel, debtor.mobile or ""
        )
        attachments: tuple[Attachment, ...] = ()
        if channel is Channel.EMAIL:
            for number in planned.invoice_numbers:
                pdf_bytes = self.messaging.files.get(
                    INVOICE_PDFS, invoice_pdf_name(client.client_id, number)
                )
                if pdf_bytes:
                    attachments += (
                        Attachment(
                            f"factuur-{number}.pdf".replace("/", "-"), "application/pdf", pdf_bytes
                        ),
                    )
        address = None
        if channel is Channel.LETTER and debtor.address is not None:
            address = PostalAddress(
                debtor.name,
                debtor.address.street,
                debtor.address.postal_code,
                debtor.address.city,
                debtor.address.country,
            )
            pdf = render_letter(self._letter(client, debtor, address, rendered, context, today))
            attachments = (
                Attachment(
                    f"{planned.step.name}.pdf".replace(" ", "-").lower(), "application/pdf", pdf
                ),
            )
        message = OutboundMessage(
            client.client_id, key, channel, debtor.number, to, self.clock.now(), address=address,
            reply_to=client.contact_email, sender=client.contact_email, invoice_numbers=planned.invoice_numbers,
            extra=dict(extra or {}),
        )  # fmt: skip
        content = MessageContent(subject=rendered.subject, text=rendered.text, html=rendered.html, attachments=attachments,
                                 template=planned.step.templates.get("whatsapp"), language=_spoken(rendered, debtor),
                                 # a mail over the mailbox's size limit leaves the PDFs to the portal
                                 attachments_at=context.portal_link if channel is Channel.EMAIL else "")  # fmt: skip
        if channel is Channel.WHATSAPP and content.template:
            content = self._whatsapp_template(client, debtor, content, context)
            # the parameters are words this debtor reads: no account but the payees'
            if foreign := foreign_in_params(self.repos, client, content.template_params, context):
                step = planned.step.name
                raise Invalid(
                    f"step {step}: the message names the account {foreign[0]}, not the "
                    "client's or the agency's; not sent",
                    code="message_foreign_iban",
                    params={"step": step, "iban": foreign[0]},
                )
            if hosts := foreign_links_in_params(
                self.repos, client, content.template_params, context
            ):
                raise _links_elsewhere(planned.step.name, hosts[0])
        return message, content

    def _whatsapp_template(
        self, client: Client, debtor: Debtor, content: MessageContent, context: TemplateContext
    ) -> MessageContent:
        """The step's approved WhatsApp template with its parameters, in its approved
        language: without them Meta refuses the template (or the payment link never arrives)."""
        from shared.adapters.tables.conversations_repo import ConversationsRepository
        from shared.services.conversations.whatsapp_templates import fill_named

        filled = fill_named(ConversationsRepository(self.repos.store), client.client_id,
                            content.template or "", debtor.language.value, context, self.render)  # fmt: skip
        return replace(content, template=filled.name, language=filled.language, template_params=filled.params,
                       template_button=filled.button, template_button_index=filled.button_index)  # fmt: skip

    def _letter(
        self,
        client: Client,
        debtor: Debtor,
        address: PostalAddress,
        rendered: RenderedMessage,
        context: TemplateContext,
        today: date,
    ) -> LetterSpec:
        head = Letterhead(client.name, sender_lines(client.postal_address), client.contact_email or "", context.client_iban, client.house_style.primary_color,
                          footer_text=client.house_style.footer_text or "", country=sender_country(client.postal_address))  # fmt: skip
        from shared.services.portal import transfer_text  # the portal imports this module

        announced = context.pay_within_term is not None
        reference = context.betalingskenmerk.replace(" ", "") or None
        return LetterSpec(
            head, address, today, rendered.subject, tuple(p for p in rendered.text.split("\n\n") if p.strip()),
            tuple(LetterInvoice(i.number, i.invoice_date, i.due_date, i.open_amount) for i in context.invoices),
            costs=context.costs,
            # a 14-day letter: interest up to the term's last day, the costs only announced
            interest=context.payable - context.principal if announced else context.interest,
            # an agreed rate is no "wettelijke rente" (law15 F2)
            interest_label=interest_word(context.interest_rules, _spoken(rendered, debtor)),
            costs_from=context.costs_owed_from if announced else None,
            payment_reference=reference, language=_spoken(rendered, debtor),
            # without a betalingskenmerk (several invoices): what the portal and the e-mail's QR
            # code say to quote, printed and in the PDF's QR code (newcomer17 F7: nothing)
            description=None if reference else transfer_text(debtor.number, [i.number for i in context.invoices]),
            portal_url=context.portal_link or None,
        )  # fmt: skip

    def _task(
        self,
        client: Client,
        debtor: Debtor,
        workflow: Workflow,
        planned: PlannedMessage,
        once_for: Sequence[str] | None = None,
    ) -> None:
        """A staff task, once: a retried run (even days later) finds the first attempt's id
        and time, and writes the same item and log entry (a second insert is a no-op).
        ``once_for``: what the task is claimed by when not its invoices (a call's fallback:
        the call's own, however many of them are still due at each of its reports)."""
        now = self.clock.now()
        what = f"task|{step_key_prefix(encode(debtor.number), workflow.workflow_id, planned.step.step_id)}"
        claimed_by = planned.invoice_numbers if once_for is None else tuple(once_for)
        first = self.repos.dunning.claim_value(
            client.client_id, (what + _digest(claimed_by))[:400],
            {"ActionId": time_ordered_id(now), "At": now},
        )  # fmt: skip
        action_id, at = str(first["ActionId"]), first["At"]
        title = f"{planned.step.name}: debtor {debtor.number}"
        detail: dict[str, object] = {"step": planned.step.name}
        if planned.step.channel is StepChannel.FOURTEEN_DAY_LETTER:
            detail["note"] = unsent_letter_note(planned.step, debtor, client.channels_off)
        # once: written by the attempt that failed later
        self.repos.actions.add_once(ActionItem(client.client_id, action_id, "staff_task", title, at, debtor_number=debtor.number,
                                               invoice_numbers=planned.invoice_numbers, detail=detail))  # fmt: skip
        try:
            self.repos.contacts.add(ContactEntry(client.client_id, debtor.number, action_id, at, ContactKind.STATUS,
                                                 f"{planned.step.name} (task for staff)", invoice_numbers=planned.invoice_numbers, system=True))  # fmt: skip
        except Conflict:
            pass

    def _as_handed_over(
        self, client: Client, debtor: Debtor, invoices: list[Invoice], today: date
    ) -> dict[str, ClaimFigures]:
        """A business's claims as they stand once handed over: the hand-over makes the costs
        owed without a letter (6:96 lid 4 BW, :func:`shared.domain.ledger.terms.costs_owed_from`),
        so the case's dossier states them (newcomer26: 0.00 on a claim the run then charged)."""
        numbers = {i.number for i in invoices}
        every = [
            replace(i, handed_over_to=i.handed_over_to or client.agency_id, dunning_step_on=today)
            if i.number in numbers
            else i
            for i in self.repos.invoices.for_debtor(client.client_id, debtor.number)
        ]
        return self.ledger.open_claims(
            client, sorted(numbers), today, debtor=debtor, every_invoice=every
        )

    def _advance(
        self,
        client_id: str,
        number: str,
        workflow: Workflow,
        planned: PlannedMessage,
        today: date,
        costs_owed_from: date | None,
        handed_over: str | None,
    ) -> None:
        """The invoice has taken the planned step: its place and its trail of step ids."""
        step_id = planned.step.step_id
        for _ in range(5):
            stored = self.repos.invoices.get(client_id, number)
            if stored is None:
                return
            trail = trail_of(stored.invoice)
            ours = taken_in(workflow, trail)
            if (step_id in ours or placed(workflow, ours) >= planned.step_index) and not (
                _back_at(stored.invoice, workflow, planned.step, today)
            ):
                return  # another run got there first
            # the step with its workflow: another workflow's step of the same id is not it
            updated = replace(stored.invoice, dunning_step=planned.step_index, dunning_step_on=today,
                              dunning_trail=(*trail, trail_mark(workflow.workflow_id, step_id))[-MAX_TRAIL:],
                              costs_owed_from=costs_owed_from or stored.invoice.costs_owed_from,
                              own_letter=(today, costs_owed_from) if costs_owed_from
                              else stored.invoice.own_letter,
                              overtaken_notice=_overtaken(stored.invoice, costs_owed_from),
                              handed_over_to=handed_over or stored.invoice.handed_over_to)  # fmt: skip
            try:
                self.repos.invoices.save(updated, stored)
                return
            except TransactionFailed:
                continue

    # -- amounts in a message ----------------------------------------------------------------
    def context(
        self,
        client: Client,
        debtor: Debtor,
        invoices: list[Invoice],
        today: date,
        announce_costs_from: date | None = None,
        with_links: bool = True,
        claims: dict[str, ClaimFigures] | None = None,
        kinds: Mapping[str, tuple[InterestRule, ...]] | None = None,
    ) -> TemplateContext:
        """``kinds``: the kinds of interest each claim was charged on ``today``, when the
        caller has them (:mod:`interest_kinds`; else worked out here)."""
        collectable = [i for i in invoices if i.is_collectable]
        principal = sum(i.open_amount for i in collectable)
        costs = interest = costs_vat = paid_first = 0
        pay_within_term: int | None = None  # cents
        rules: tuple[InterestRule, ...] = ()
        if not client.client_bears_costs and principal > 0:
            # the claim ledger is the one source of the amounts: costs (with VAT) once owed,
            # interest accrued up to today
            numbers = [i.number for i in collectable]
            if claims is None:
                claims = self.ledger.open_claims(client, numbers, today, debtor=debtor)
            claims = {n: f for n, f in claims.items() if n in numbers}
            costs = sum(f.open.costs + f.open.costs_vat for f in claims.values())
            costs_vat = sum(f.open.costs_vat for f in claims.values())
            interest = sum(f.open.interest for f in claims.values())
            paid_first = sum(f.paid.total - f.paid.principal for f in claims.values())
            interest_day = today
            if announce_costs_from is not None and costs == 0:
                # the 14-day letter states the costs the ledger will charge after its term
                costs = self.ledger.announced_costs(client, debtor, numbers, announce_costs_from)
                # with the VAT a client that cannot deduct it must state (Besluit BIK 2 lid 3)
                costs_vat = 0 if client.vat_deductible else vat_in(costs)
                # and what, paid within the term, owes none: the principal and the interest
                # up to the term's last day (art. 6:96 lid 6 BW)
                term_end = self.ledger.open_claims(
                    client, numbers, announce_costs_from - timedelta(days=1), debtor=debtor
                )
                # the letter's interest is that one, as in its PDF: its figures are of one day
                # and add up, total = principal + interest, with costs = total + costs (law15
                # F1: 500.16 + 0.09 today beside a total of 501.56 and 575.25 with 75.00 costs)
                interest = sum(f.open.interest for n, f in term_end.items() if n in numbers)
                pay_within_term = principal + interest
                interest_day, kinds = announce_costs_from - timedelta(days=1), None
            # what the interest is called: the kinds the claims were really charged (an agreed
            # rate gives way to a higher statutory one on some days; misc16 #1)
            if kinds is None:
                kinds = kinds_of(self.ledger, client, debtor, claims, interest_day)
            rules = flat({n: k for n, k in kinds.items() if n in claims})
        reference = collectable[0].payment_reference if len(collectable) == 1 else None
        shown_reference = (
            betalingskenmerk.display(reference)
            if reference and betalingskenmerk.is_valid(reference)
            else ""
        )
        qr = ""
        # a 14-day letter's QR code pays what avoids the costs, never the costs it announces
        total = pay_within_term if pay_within_term is not None else principal + costs + interest
        memo = self._account_of
        account = memo[1] if memo is not None and memo[0] is client else ""
        if memo is None or memo[0] is not client:
            account = debtor_account(self.repos, client)
        if account and 0 < total <= MAX_AMOUNT:
            text = (
                f"Betalingskenmerk {shown_reference}"
                if shown_reference
                else f"{debtor.number} {' '.join(i.number for i in collectable)}"[:140]
            )
            try:
                qr = qr_svg(
                    CreditTransfer(name=client.name[:70], iban=account, amount=total, text=text),
                    scale=3,
                )
            except EpcQrError:
                qr = ""
        links = (
            self.links(client.client_id, debtor.number) if self.links and with_links else ("", "")
        )
        shown = {i.number for i in collectable}
        # the day the costs became (or, a 14-day letter's, will become) owed: the ledger's,
        # never the invoice's own term, which a due date moved past its letter, a letter sent
        # while the debtor counted as a business, an earlier client letter or an arrangement
        # may have made wrong (kindletter12); no claim figures, no costs: no day
        owed_from = announce_costs_from or min(
            (f.costs_owed_from for n, f in (claims or {}).items()
             if n in shown and f.costs_owed_from),
            default=None,
        )  # fmt: skip
        return TemplateContext(
            debtor_name=debtor.name, debtor_number=debtor.number, client_name=client.name,
            client_iban=account, client_contact=client.contact_email or "",
            invoices=tuple(InvoiceLine(i.number, i.invoice_date, i.due_date, i.open_amount) for i in collectable),
            costs=costs, costs_vat=costs_vat, interest=interest, costs_owed_from=owed_from,
            portal_link=links[0], payment_link=links[1],
            betalingskenmerk=shown_reference,
            qr_svg=qr,
            letter_date=today, primary_color=client.house_style.primary_color, logo_url=client.house_style.logo_url,
            accent_color=client.house_style.accent_color, header_image_url=client.house_style.header_image_url,
            footer_image_url=client.house_style.footer_image_url, footer_text=client.house_style.footer_text,
            pay_within_term=pay_within_term, paid_to_interest=paid_first, interest_rules=rules,
            charges_interest=any(r is not InterestRule.NONE for r in rules),
        )  # fmt: skip

    def preview(self, client: Client, template_id: str, debtor_number: str) -> RenderedMessage:
        template = self.repos.dunning.templates(client.client_id).get(template_id)
        if template is None:
            raise NotFound(f"template {template_id} not found")
        found = self.repos.debtors.get(client.client_id, debtor_number)
        if found is None:
            raise NotFound(f"debtor {debtor_number} not found")
        invoices = self.repos.invoices.for_debtor(client.client_id, debtor_number)
        today = amsterdam_date(self.clock.now())
        return self.render(
            template, self.preview_context(client, found[0], invoices, today, template)
        )

    def preview_context(
        self,
        client: Client,
        debtor: Debtor,
        invoices: list[Invoice],
        today: date,
        template: MessageTemplate,
        *,
        with_links: bool = True,
    ) -> TemplateContext:
        """What a template would read sent today: a 14-day letter announces the costs owed
        after its term as the run's letter does (debtor6 #7: the preview said "€ 0,00"), the
        term counted by post, the longer one, so the preview never promises an earlier day."""
        announce = (
            fourteen_day_term(today, LetterChannel.LETTER, country=_country(debtor)).costs_owed_from
            if template.fourteen_day_letter
            else None
        )
        return self.context(client, debtor, invoices, today, announce, with_links=with_links)

    # -- pauses and promises -----------------------------------------------------------------
    def pause_debtor(
        self, client: Client, number: str, reason: str, until: date | None, author: str
    ) -> Debtor:
        today = amsterdam_date(self.clock.now())

        def paused(d: Debtor) -> Debtor:
            if d.pause is not None and (d.pause.reason, d.pause.until) == (reason, until):
                return d  # a retry: the pause stands from the day it was granted
            refuse_past_pause(until, today)
            return replace(d, pause=Pause(reason, today, until))

        debtor = self._debtor_change(client, number, paused, ContactKind.PAUSE,
                                     f"Paused: {reason}" + (f" until {until}" if until else ""), author)  # fmt: skip
        if until is not None and debtor.pause is not None:
            # a pause of the debtor until a day is a postponement of each open invoice: inside
            # a 14-day term it moves the costs to after that day (law4 #4, docs/law.md); dated
            # by the day it was granted, also when a retry (or the run) writes a missing hold
            ref, span = postponement_hold(debtor.pause.since, until, "debtor")
            collectable = [
                i
                for i in self.repos.invoices.for_debtor(client.client_id, number)
                if i.is_collectable
            ]
            # looked at in the next run first: it writes a hold lost to a fault below
            self.schedule_invoices(client.client_id, collectable)
            for inv in collectable:
                self.ledger.set_costs_hold(client.client_id, number, inv.number, ref, span)
        return debtor

    def resume_debtor(self, client: Client, number: str, author: str) -> Debtor:
        today = amsterdam_date(self.clock.now())
        debtor = self._debtor_change(
            client, number, lambda d: resumed(d, today), ContactKind.RESUME, "Resumed", author
        )
        self.schedule_invoices(
            client.client_id, self.repos.invoices.for_debtor(client.client_id, number)
        )
        return debtor

    def _debtor_change(
        self,
        client: Client,
        number: str,
        change: object,
        kind: ContactKind,
        summary: str,
        author: str,
    ) -> Debtor:
        for _ in range(5):
            found = self.repos.debtors.get(client.client_id, number)
            if found is None:
                raise NotFound(f"debtor {number} not found")
            debtor, etag = found
            updated: Debtor = change(debtor)  # type: ignore[operator]
            if updated == debtor:
                # a retry of a change made already, or the change standing since a refused
                # save (its own, applied and its lost answer retried into a 412: failure20
                # D1; or another request's): its line, if still to write, once
                return self.finish_debtor_line(client, debtor, etag)
            now = self.clock.now()
            # the line goes with the change, in its write: a request cut off before the line
            # leaves it on the debtor for the next one to write
            line = PendingLine(time_ordered_id(now), now, kind.value, summary, author)
            try:
                self.repos.debtors.save(replace(updated, pending_line=line), etag)
            except (PreconditionFailed, Conflict):
                # lost a race (the ETag moved): read again. Storage trouble is not a race:
                # it goes to the router's 503 with Retry-After (failure6 #6), not a 422
                # after five tries at once
                continue
            saved = self.repos.debtors.get(client.client_id, number)
            if saved is None or saved[0].pending_line != line:
                return updated  # changed again meanwhile: that writer's read finishes it
            return self.finish_debtor_line(client, saved[0], saved[1])
        raise Invalid(
            f"debtor {number} keeps changing; retry",
            code="debtor_keeps_changing",
            params={"debtor": number},
        )

    def finish_debtor_line(self, client: Client, debtor: Debtor, etag: str | None) -> Debtor:
        """The contact-log line saved with a change to ``debtor`` written (once: by its id,
        whoever gets here first) and taken off the debtor; a writer that moved the row since
        leaves it to the next read, which finds the line written."""
        line = debtor.pending_line
        if line is None:
            return debtor
        self.repos.contacts.add_once(
            ContactEntry(client.client_id, debtor.number, line.entry_id, line.at,
                         ContactKind(line.kind), line.summary, system=True, author=line.author)
        )  # fmt: skip
        told = replace(debtor, pending_line=None)
        try:
            self.repos.debtors.save(told, etag)
        except (PreconditionFailed, Conflict):
            log.info("debtor %s changed before its line's mark came off", debtor.number)
        return told

    def change_invoice(self, client: Client, number: str, *, paused_until: date | None = None, resume: bool = False,
                       promise_until: date | None = None, postponement: bool = False, author: str,
                       closes_held: bool = True) -> Invoice:  # fmt: skip
        """``postponement``: the pause is a debtor's postponement (the portal's grant, staff
        granting his request), which only ever adds time: a pause already running to or past
        ``paused_until`` is kept as it is (the invoice returned unchanged: its ``paused_until``
        tells the caller), and one until a day gone is refused (``pause_until_past``)."""
        for _ in range(5):
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None:
                raise NotFound(f"invoice {number} not found")
            inv = stored.invoice
            now = self.clock.now()
            today = amsterdam_date(now)
            if resume:
                updated, summary, kind = (
                    replace(inv, paused_until=None, promise_until=None, promised_on=None,
                            paused_on=None, pause_ended_on=hold_ended_on(inv, today)),
                    f"Invoice {number} resumed",
                    ContactKind.RESUME,
                )  # fmt: skip
            elif promise_until is not None:
                # the same promise again (a retry, a second click) keeps the day it was agreed
                same = inv.promise_until == promise_until and inv.promised_on is not None
                if not same and not today <= promise_until <= today + PROMISE_AT_MOST:
                    # a day gone holds nothing; a promise years ahead is a plan (console7 #11)
                    raise Invalid(
                        f"a promise to pay is for a day from today to {today + PROMISE_AT_MOST}; "
                        "for longer, agree a payment plan",
                        "until",
                        code="promise_too_far",
                        params={"day": today + PROMISE_AT_MOST},
                    )
                updated, summary, kind = (
                    replace(inv, promise_until=promise_until,
                            promised_on=inv.promised_on if same else today),
                    f"Promise to pay invoice {number} by {promise_until}",
                    ContactKind.NOTE,
                )  # fmt: skip
            elif postponement and _pause_runs_past(inv, paused_until or date.max, today):
                # a person's pause (until resumed, 60 days) is not cut short by a debtor's
                # asked day (attack15b B1, B2: 9999-12-31 became 2025-03-30); nothing to write
                updated, summary, kind = inv, f"Invoice {number} stays paused", ContactKind.PAUSE
            else:
                if postponement:
                    refuse_past_pause(paused_until, today)
                until = paused_until or date.max
                same = inv.paused_until == until and inv.paused_on is not None
                updated, summary, kind = (
                    replace(inv, paused_until=until, paused_on=inv.paused_on if same else today),
                    f"Invoice {number} paused" + (f" until {paused_until}" if paused_until else ""),
                    ContactKind.PAUSE,
                )
            if updated != inv:  # else a retry: recorded already
                try:
                    self.repos.invoices.save(updated, stored)
                except TransactionFailed:
                    continue
                except InvoiceRuleError as exc:
                    raise Invalid(str(exc), code=exc.code, params=exc.params) from exc
            # a pause or promise is logged under a key made from it (the day it was made and
            # the day it runs to) and the resume it follows, on every pass: a request cut off
            # between the invoice's save and its entry is logged by the retry, once (failure15
            # F8), and one made again the same day after a resume is its own line
            # (codereview15b F1); a resume leaves nothing on the invoice to key it by, so it
            # is logged when it changes it
            key = None
            if not resume and _change_key(number, kind, updated, None) is not None:
                follows = self.repos.contacts.latest(
                    client.client_id, inv.debtor_number, ContactKind.RESUME, number
                )
                key = _change_key(number, kind, updated, follows.entry_id if follows else None)
            if key is not None:  # once, also when two requests for it meet
                self.repos.contacts.add_once(ContactEntry(client.client_id, inv.debtor_number, key, now, kind, summary,
                                                     invoice_numbers=(number,), system=True, author=author))  # fmt: skip
            elif key is None and updated != inv:
                self.repos.contacts.add(ContactEntry(client.client_id, inv.debtor_number, time_ordered_id(now), now, kind, summary,
                                                     invoice_numbers=(number,), system=True, author=author))  # fmt: skip
            # a postponement until a day (or a promise to pay by it the creditor accepts):
            # granted inside the 14-day term, it moves the costs to after that day (law4 #4,
            # docs/law.md); after the term, no effect. Written after the invoice, dated by the
            # day on it: a hold lost to a fault is written by the retry or by the dunning run
            # with the day the arrangement was made, not theirs (failure6 #5); looked at in the
            # next run first, so that run is never later than the hold it may have to write
            if resume and updated.status is not InvoiceStatus.DISPUTED:
                # a dispute that ended untold held the costs until a person resumes: told
                # today, they are owed 14 days from today, as after a notice (lawyer26 F6)
                end_when_told(self.ledger, client.client_id, inv.debtor_number, number, today)
            self.schedule_invoices(client.client_id, [updated])
            if resume and closes_held:  # a person's resume: the debtor knows his dispute ended
                close_untold_items(self.repos, client.client_id, number, author, now)
            for ref, span in arranged_holds(updated):
                self.ledger.set_costs_hold(client.client_id, inv.debtor_number, number, ref, span)
            return updated
        raise Invalid(
            f"invoice {number} keeps changing; retry",
            code="invoice_keeps_changing",
            params={"invoice": number},
        )

    def replan(self, message: OutboundMessage, numbers: Sequence[str]) -> str | None:
        """A waiting reminder some of whose invoices were paid, credited or put in a plan
        before it went out (messaging closes it unsent): the same step again, for ``numbers``
        (those still due), rendered as of the day it was planned, the day its invoices were
        advanced to this step with (and a 14-day letter's term counted from). Its key is the
        step's prefix and the digest of ``numbers``: a redo finds it and only queues it again.
        A 14-day letter dated again when it was first sent keeps that day (``DATED_ON``):
        its invoices carry that day's term.
        The new key, or ``None`` when the step can no longer go out as a message (the
        workflow or the debtor changed meanwhile): then those invoices go back a step too, and
        the next run plans them afresh. The other invoices go back a step (``_rewind``)."""
        client_id, debtor_number = message.client_id, message.debtor_number or ""
        named = step_of_key(debtor_number, message.key)
        if named is None:
            return None
        workflow_id, step_id = named
        self._rewind(message, step_id, [n for n in message.invoice_numbers if n not in numbers])
        if not numbers:
            return None
        found_client = self.repos.clients.get(client_id)
        found_debtor = self.repos.debtors.get(client_id, debtor_number)
        workflow = self.repos.dunning.workflows(client_id).get(workflow_id)
        # the step by its id: where an edit put it since, it is still this message's step
        at = step_by_id(workflow, step_id) if workflow else None
        step_index, step = at if at else (-1, None)
        channel = None
        if found_client is not None and found_debtor is not None and step is not None:
            channel = resolve_channel(step, found_debtor[0], found_client[0].channels_off)
        if (
            workflow is None
            or not workflow.active
            or found_client is None
            or found_debtor is None
            or step is None
            or channel is None
            or step.channel in (StepChannel.STAFF_TASK, StepChannel.HANDOVER)
        ):
            self._rewind(message, step_id, numbers)
            return None
        client, debtor = found_client[0], found_debtor[0]
        stored = self.repos.invoices.get_many(client_id, list(numbers))
        invoices = [stored[n].invoice for n in sorted(stored)]
        if not invoices:
            return None
        planned = PlannedMessage(
            debtor_number, step_index, step, channel, tuple(i.number for i in invoices)
        )
        today = _planned_on(message)
        dated = _day(message.extra.get(DATED_ON))
        templates = self.repos.dunning.templates(client_id)
        self._perform(client, debtor, workflow, planned, invoices, today, templates,
                      before=message.extra.get(BEFORE), dated_on=dated)  # fmt: skip
        found = self.messaging.outbox.with_prefix(client_id, message.key.rsplit("|", 1)[0] + "|")
        return next((m.key for m, _ in found if m.invoice_numbers == planned.invoice_numbers
                     and CANCELLED not in m.extra), None)  # fmt: skip

    def redate(self, message: OutboundMessage, day: date) -> OutboundMessage:
        """A 14-day letter about to go out on ``day`` (law7 F6, failure7 #2): its term counts
        from the day after the debtor received the letter that actually went out (art. 6:96
        lid 6 BW, HR 25-11-2016), not from the day the run planned it. One held back (contact
        hours on a Sunday or holiday, the mailbox's day limit, a provider's back-off, a job
        replayed after an outage, a person's resend) is rendered again as of ``day``: its
        date, the last day to pay it states and the amounts up to then; and its invoices get
        the term of ``day`` in place of the one the run (or an earlier date of it) wrote, or
        of none (its failure had taken it off). The message with its extras for ``day``; any
        other message as it is. A redo on the same day renders nothing and moves nothing."""
        from shared.services.letter_undelivered import (
            as_fourteen_day_letter,
            note_own_letter,
            set_term,
        )

        letter = as_fourteen_day_letter(self.repos, message)
        if letter is None:
            return message
        client_id = message.client_id
        try:
            term = fourteen_day_term(day, letter.channel, country=letter.country).costs_owed_from
            planned = fourteen_day_term(
                letter.planned_on, letter.channel, country=letter.country
            ).costs_owed_from
        except OverflowError:
            return message
        extra = dict(message.extra)
        redated = day != letter.sent_on
        if redated:
            extra[DATED_ON] = day.isoformat()
        moved: list[str] = []
        for number in message.invoice_numbers:
            stored = self.repos.invoices.get(client_id, number)
            was = stored.invoice.costs_owed_from if stored else None
            # the planned term, or a later one this letter was dated with on an earlier try
            # that stopped half-way (no other letter sets one after it: ``passed_over``)
            changed = set_term(self.repos, client_id, number, term,
                               lambda owed: owed != term and (owed is None or owed >= planned))  # fmt: skip
            if changed and was is not None and was <= day:
                moved.append(number)  # money may have gone to costs that were not owed yet
            note_own_letter(self.repos, client_id, number, day, term)
        if moved:
            self.ledger.restate_terms(client_id, moved)
        named = step_of_key(message.debtor_number or "", message.key)
        if named is not None:
            self.step_taken_on(client_id, message.invoice_numbers, named[1], letter.planned_on, day,
                               workflow_id=named[0])  # fmt: skip
        if redated:
            content, shown = self._rendered_again(message, day, term)
            self.messaging.replace_content(message, content)
            extra[DEMANDED] = demanded(shown, self.repos.store, client_id,
                                       message.debtor_number or "", term)  # fmt: skip
            log.info("14-day letter %s dated again: planned %s, sent %s", message.key,
                     letter.planned_on, day)  # fmt: skip
        return replace(message, extra=extra)

    def step_taken_on(self, client_id: str, numbers: Sequence[str], step_id: str, since: date,
                      day: date, workflow_id: str | None = None) -> None:  # fmt: skip
        """The invoices whose last step is ``step_id``, taken on ``day`` (the day a 14-day letter goes out)
        in place of a day from ``since`` before it (the planned day, an earlier date of the
        letter): the steps after a 14-day letter count from the letter as sent, never from a
        day it did not go out (letters8). An invoice moved on since (a later step, a person)
        keeps its day. Its schedule row stays: the run looks then, finds the next step not
        yet due (it moved later) and writes the new day."""
        for number in numbers:
            for _ in range(5):
                stored = self.repos.invoices.get(client_id, number)
                inv = stored.invoice if stored else None
                if (
                    stored is None
                    or inv is None
                    or not last_in_trail(trail_of(inv), step_id, workflow_id)
                    or inv.dunning_step_on is None
                    or not since <= inv.dunning_step_on < day
                ):
                    break
                try:
                    self.repos.invoices.save(replace(inv, dunning_step_on=day), stored)
                except TransactionFailed:
                    continue
                break

    def _rendered_again(
        self, message: OutboundMessage, day: date, term: date
    ) -> tuple[MessageContent, list[Invoice]]:
        """The content of a waiting 14-day letter rendered as of ``day`` with the costs term
        ``term``, by the same step and template; and the invoices it shows. ``Invalid`` when
        it can no longer be (the client, debtor, workflow or template is gone): the job fails
        and its failure takes the term off, on the list for a person."""
        client_id, debtor_number = message.client_id, message.debtor_number or ""
        named = step_of_key(debtor_number, message.key)
        if named is None:
            raise Invalid(
                f"{message.key} is no dunning step's message",
                code="not_dunning_message",
                params={"key": message.key},
            )
        workflow_id, step_id = named
        found_client = self.repos.clients.get(client_id)
        found_debtor = self.repos.debtors.get(client_id, debtor_number)
        workflow = self.repos.dunning.workflows(client_id).get(workflow_id)
        if found_client is None or found_debtor is None:
            raise Invalid(
                f"14-day letter {message.key}: its client or debtor is gone",
                code="letter_parties_gone",
                params={"key": message.key},
            )
        client, debtor = found_client[0], found_debtor[0]
        # its step by id (an edit may have moved it); one removed since, as the run made it
        at = step_by_id(workflow, step_id) if workflow else None
        index, step = at if at else (-1, _made_as(message, debtor.language.value))
        stored = self.repos.invoices.get_many(client_id, list(message.invoice_numbers))
        invoices = [stored[n].invoice for n in message.invoice_numbers if n in stored]
        ours = {k: v for k, v in step.templates.items() if k != "whatsapp"}
        template_id = ours.get(debtor.language.value) or next(iter(ours.values()), None)
        template = self.repos.dunning.templates(client_id).get(template_id or "")
        if template is None:
            raise Invalid(
                f"step {step.name} has no template for {debtor.language.value}",
                code="step_no_template_for_language",
                params={"step": step.name, "language": debtor.language},
            )
        context = self.context(client, debtor, invoices, day, term)
        rendered = self.render(template, context)
        refused = fourteen_day_letter_refused(template, rendered, context)
        if refused:
            raise Invalid(
                f"step {step.name}, 14-day letter not sent: {refused}",
                code="letter_refused",
                params={"step": step.name, "refused": refused},
            )
        planned = PlannedMessage(debtor_number, index, step, step.channel,
                                 tuple(i.number for i in invoices))  # fmt: skip
        _, content = self._compose(client, debtor, planned, message.channel, message.key,
                                   rendered, context, day)  # fmt: skip
        return content, invoices

    def _rewind(self, message: OutboundMessage, step_id: str, numbers: Sequence[str]) -> None:
        """Invoices of a reminder closed unsent that stay open (held by a plan, paused,
        disputed, promised): back where they stood before it was planned. The run advanced
        them to its step (a 14-day letter also set when costs are owed) when it queued the
        message; left so, dunning would resume after a step that never went out, and charge
        costs no letter announced. Paid, credited and withdrawn ones stay as they are. Only
        an invoice still at this step, from that day, is moved (a redo moves nothing)."""
        before = json.loads(message.extra.get(BEFORE) or "{}")
        named = step_of_key(message.debtor_number or "", message.key)
        workflow_id = named[0] if named else None
        planned_on = _planned_on(message)
        # a 14-day letter dated again took its step on the later day (``_step_taken_on``)
        dated_on = _day(message.extra.get(DATED_ON)) or planned_on
        moved: list[Invoice] = []
        for number in numbers:
            was = before.get(number)
            for _ in range(5 if was else 0):
                stored = self.repos.invoices.get(message.client_id, number)
                if stored is None:
                    break
                inv = stored.invoice
                trail = trail_of(inv)
                if (
                    inv.status in CLOSED
                    or not last_in_trail(trail, step_id, workflow_id)
                    or inv.dunning_step_on is None
                    or not planned_on <= inv.dunning_step_on <= dated_on
                ):
                    break  # settled, or moved on since (another step, a person)
                back = replace(inv, dunning_step=int(was[0]), dunning_step_on=_day(was[1]),
                               costs_owed_from=_day(was[2]),
                               dunning_trail=tuple(was[3]) if len(was) > 3 else trail[:-1])  # fmt: skip
                try:
                    self.repos.invoices.save(back, stored)
                except TransactionFailed:
                    continue
                moved.append(back)
                break
        if moved:
            self.schedule_invoices(message.client_id, moved)


class DunningRunIncomplete(RuntimeError):
    """Some debtors of a client's run failed for a reason a retry can cure."""

    def __init__(
        self, client_id: str, business_date: date, failed: int, cause: str | None = None
    ) -> None:
        # the first failure's own words (a storage error's status and table): the last
        # exception is what a poison item names, and a count alone named no cause (outage32)
        why = f" (first: {cause[:300]})" if cause else ""
        super().__init__(
            f"dunning run of client {client_id} for {business_date}: {failed} debtor(s) "
            f"failed{why}; the job is retried"
        )
        self.failed = failed


def _first_cause(errors: list[str]) -> str | None:
    """A held run's first error (its prescription looks), for the exception's message."""
    return errors[0] if errors else None


def arranged_holds(inv: Invoice) -> list[tuple[str, tuple[date, date | None]]]:
    """The costs holds the invoice's own arrangements ask for: a promise to pay by a day, a
    pause until a day (or until resumed), each dated by the day it was agreed (kept on the
    invoice; an arrangement recorded before that day was kept has no day, and no hold here)."""
    holds = []
    if inv.promise_until is not None and inv.promised_on is not None:
        holds.append(postponement_hold(inv.promised_on, inv.promise_until, "promise"))
    if inv.paused_until not in (None, date.max) and inv.paused_on is not None:
        assert inv.paused_until is not None  # (a pause until resumed holds no costs)
        holds.append(postponement_hold(inv.paused_on, inv.paused_until, "postponement"))
    return holds


def costs_term(planned: PlannedMessage, debtor: Debtor, letter_day: date) -> date | None:
    """The day costs become owed by the step's 14-day letter dated ``letter_day``; None for
    any other step. Only a 14-day letter that travels as a letter or an e-mail starts the
    costs term (art. 6:96 lid 6 BW): a staff task sends nothing, an SMS or a call is no letter."""
    if planned.step.channel is not StepChannel.FOURTEEN_DAY_LETTER:
        return None
    if planned.channel not in LETTER_CARRIERS:
        return None
    # the term of the carrier the letter really travels by (`_carrier`, as `_send` sends
    # it): an undelivered one's undo looks for exactly this date (attack5 #10)
    channel = (
        LetterChannel.EMAIL if _carrier(planned, debtor) is Channel.EMAIL else LetterChannel.LETTER
    )
    return fourteen_day_term(letter_day, channel, country=_country(debtor)).costs_owed_from


def step_key_prefix(debtor_number: str, workflow_id: str, step_id: str) -> str:
    """Outbox keys of one debtor's messages at one step. No date in it: a message written
    before a failure is found again on the next day's run (one reminder per step, never two).
    The step by its id, not its place: an edit that moves it keeps its messages (a step
    stored before ids had its place as id, so the keys written then still name it)."""
    return f"dun|{debtor_number}|{workflow_id}|{step_id}|"


def _digest(invoice_numbers: tuple[str, ...]) -> str:
    joined = "\n".join(sorted(invoice_numbers)).encode()
    return hashlib.sha256(joined).hexdigest()[:24]


def _state(
    invoice: Invoice,
    letter_sent_on: date | None = None,
    costs_owed_from: date | None = None,
    workflow: Workflow | None = None,
    letter_void: bool = False,
) -> DunningState:
    """``letter_sent_on``: the 14-day letter the client sent itself; ``costs_owed_from``: the
    claim's (its terms, from the ledger), else the invoice's own (set by our 14-day letter);
    ``workflow``: the one it is in, where its trail of steps places it (``placed``);
    ``letter_void``: our 14-day letter no longer counts (its term is not the invoice's)."""
    trail = trail_of(invoice)
    own = None if letter_void else invoice.costs_owed_from
    if workflow is not None:
        # only the steps it took in this workflow (dunning16 F1); a 14-day letter by the
        # invoice's own record of one, whatever workflow sent it
        has_letter = (costs_owed_from or own or letter_sent_on) is not None
        trail = taken_in(workflow, trail, has_letter)
    return DunningState(
        placed(workflow, trail) if workflow else invoice.dunning_step, invoice.dunning_step_on,
        invoice.paused_until, invoice.promise_until, costs_owed_from or own,
        letter_sent_on, frozenset(trail), letter_void, pause_ended_on=invoice.pause_ended_on,
        letter_went_out=invoice.own_letter is not None,
    )  # fmt: skip


def _back_at(invoice: Invoice, workflow: Workflow, step: Step, on: date | None = None) -> bool:
    """The invoice took this 14-day step before and is back at it, its letter void (the run
    plans a taken step only then: ``workflow.back_to_letter``); ``on``: the day it takes it
    again (later than the day of its last step)."""
    last = invoice.dunning_step_on
    return (
        step.channel is StepChannel.FOURTEEN_DAY_LETTER
        and bool(step.step_id)
        and in_trail(trail_of(invoice), workflow.workflow_id, step.step_id)
        and (on is None or (last is not None and last < on))
    )


def _before_back(earlier: OutboundMessage, invoice: Invoice | None) -> bool:
    """``earlier`` is the letter an invoice back at its 14-day step got before it came back:
    planned on or before the day of its last step (its retry, today, counts as sent)."""
    if invoice is None or invoice.dunning_step_on is None:
        return False
    planned_on = earlier.extra.get(PLANNED_ON)
    return planned_on is not None and date.fromisoformat(str(planned_on)) <= invoice.dunning_step_on


def _shard_of(debtor_number: str, shards: int) -> int:
    return int(hashlib.sha256(debtor_number.encode()).hexdigest()[:8], 16) % shards


def _late(
    workflow: Workflow, debtor: Debtor, states: Sequence[tuple[Invoice, DunningState]],
    today: date, off: frozenset[str] = frozenset(),
) -> bool:  # fmt: skip
    """Some invoice has a step due today whose day fell before today (held, or missed)."""
    open_total = sum(i.open_amount for i, _ in states if i.is_collectable)
    for invoice, state in states:
        due = next_due_step(workflow, invoice, state, debtor, open_total, today, off)
        if due is not None and due.due_on < today:
            return True
    return False


def plans_ended(store: TableStore, client_id: str, debtor_number: str) -> dict[str, date]:
    """For each invoice of the debtor a payment plan held and no longer holds (cancelled by
    staff or lapsed), the day the last such plan ended."""
    ended: dict[str, date] = {}
    for plan in PlanRepository(store).of_debtor(client_id, debtor_number):
        if plan.status is not PlanStatus.CANCELLED or plan.ended_on is None:
            continue
        for number in plan.invoice_numbers:
            if number not in ended or ended[number] < plan.ended_on:
                ended[number] = plan.ended_on
    return ended


def dunnable(
    store: TableStore, client_id: str, invoices: Sequence[Invoice],
    ended_holds: AbstractSet[str] | None = None,
) -> tuple[list[Invoice], set[str]]:  # fmt: skip
    """The invoices a dunning step may act on: collectable (open or partly paid: not paid,
    credited, withdrawn or disputed) and not held by a running payment plan; and the numbers
    a plan holds. The run plans by it, and messaging asks it again right before a waiting
    reminder goes out (one rule for both)."""
    held = held_by_plan(store, client_id, [i.number for i in invoices],
                        ended=True if ended_holds is None else ended_holds)  # fmt: skip
    return [i for i in invoices if i.is_collectable and i.number not in held], held


# why an invoice of a waiting reminder is no longer due, for the record and the contact log
_GONE = {"paid": "betaald", "credited": "gecrediteerd", "withdrawn": "ingetrokken",
         "disputed": "betwist"}  # fmt: skip


# a waiting reminder closed unsent because the debtor's standing holds him (its log's words)
_BLOCKED_NL = {
    HANDED_OVER: "overgedragen aan het incassobureau",
    "debtor deceased": "debiteur overleden",
    "debtor bankrupt": "debiteur failliet",
    "debtor wsnp": "debiteur in de WSNP",
}


def still_due(
    repos: Repositories,
    client_id: str,
    debtor_number: str,
    numbers: Sequence[str],
    today: date,
    extras: Mapping[str, str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """At sending time: which of a planned message's invoices the run would still dun
    ``today`` (``dunnable``, then the workflow's own ``blocked``: a paused debtor or invoice,
    a promise to pay, then the prescription hold: past its date with no person's decision),
    and why each other one is not. One batched read of the invoices and
    of the plans holding them, one of the debtor. With the message's ``extras``, an invoice
    still due whose open amount moved since it was rendered is due and in ``why`` too: the
    text must be rendered again (``dunning_recheck``)."""
    stored = repos.invoices.get_many(client_id, list(numbers))
    invoices = [stored[n].invoice for n in numbers if n in stored]
    dunned, held = dunnable(repos.store, client_id, invoices)
    found = repos.debtors.get(client_id, debtor_number)
    why: dict[str, str] = {n: "verwijderd" for n in numbers if n not in stored}
    for inv in invoices:
        if not inv.is_collectable:
            why[inv.number] = _GONE.get(inv.status.value, inv.status.value)
        elif inv.number in held:
            why[inv.number] = "in regeling"
    due = []
    for inv in dunned:
        if found is None:
            why[inv.number] = "debiteur verwijderd"
            continue
        reason = blocked(inv, _state(inv), found[0], today)
        if reason is None:
            due.append(inv.number)
        else:
            why[inv.number] = _BLOCKED_NL.get(
                reason, "betalingsbelofte" if reason.startswith("promise") else "gepauzeerd"
            )
    if due and found is not None:
        # past its prescription date and no person's decision yet: the run holds it, so a
        # reminder planned before the hold began does not go out after it either
        watch = PrescriptionWatch(repos, OutboxRepository(repos.store), SystemClock())
        held = watch.held(client_id, found[0], [i for i in dunned if i.number in due], today)
        why.update(dict.fromkeys(held, "verjaringstermijn verstreken"))
        due = [n for n in due if n not in held]
    if extras is not None:
        moved = changed_since(
            extras, [i for i in dunned if i.number in due], repos.store, client_id, debtor_number
        )
        why.update(moved)
    return due, why


# extras on a dunning message: where its invoices stood before the step (JSON: number ->
# [step, step date, costs owed from]) and the day it was planned, for a rewind or a re-plan
BEFORE = "before"
PLANNED_ON = "planned_on"
DATED_ON = "dated_on"  # a 14-day letter sent later than planned: the day it went out
# a 14-day letter that never arrived, sent again by a person (``letter_again``): on the new
# letter the key of the failed one, on the failed one the new letter's
AGAIN_OF = "again_of"
SENT_AGAIN = "sent_again"
# what the message is, kept from when it was made (an edit of the workflow may move or remove
# its step meanwhile: failure8 #1): "1" for a 14-day letter; its step's name and template
FOURTEEN_DAY = "fourteen_day_letter"
STEP_NAME = "step_name"
TEMPLATE = "template"
MAX_TRAIL = 60  # steps an invoice remembers (a workflow has at most 30)


def _links_elsewhere(step: str, host: str) -> Invalid:
    """A message of the run linking to a host that is not its own link nor one of the
    client's registered domains (people27 F8): not sent, on the action list, the step waits."""
    return Invalid(
        f"step {step}: the message links to {host}, not the portal's or the payment's link or "
        "one of the client's registered domains; not sent",
        code="message_foreign_link",
        params={"step": step, "host": host},
    )


def _spoken(rendered: RenderedMessage, debtor: Debtor) -> str:
    """The language of a message: its text's (a step without a text in the debtor's language
    sends the one it has, and all of the message in that language), else the debtor's."""
    return rendered.language or debtor.language.value


def _made_as(message: OutboundMessage, language: str) -> Step:
    """The 14-day letter step a waiting message was made from, once its step is removed."""
    template = message.extra.get(TEMPLATE)
    if message.extra.get(FOURTEEN_DAY) != "1" or not template:
        raise Invalid(
            f"14-day letter {message.key}: its workflow step is gone",
            code="letter_step_removed",
            params={"key": message.key},
        )
    name = message.extra.get(STEP_NAME) or "Veertiendagenbrief"
    return Step(name, StepChannel.FOURTEEN_DAY_LETTER, 0, templates={language: template})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _overtaken(invoice: Invoice, costs_owed_from: date | None) -> date | None:
    """The notice an invoice stays in when a new 14-day letter replaces the term of an earlier
    one of ours (only one a moved due date or a kind correction made none brings the workflow
    back to its letter): that letter's day of costs, the first such (law12c #4)."""
    was = invoice.costs_owed_from
    if invoice.overtaken_notice is not None or costs_owed_from is None or was is None:
        return invoice.overtaken_notice
    return was if was != costs_owed_from else None


def _planned_on(message: OutboundMessage) -> date:
    text = message.extra.get(PLANNED_ON)
    return date.fromisoformat(text) if text else amsterdam_date(message.created_at)


def _country(debtor: Debtor) -> str | None:
    """Where a letter to the debtor goes by post: its term counts the post's days to there
    (a letter abroad travels longer: law13b F2)."""
    return debtor.address.country if debtor.address is not None else None


def _carrier(planned: PlannedMessage, debtor: Debtor) -> Channel:
    """The channel a planned message goes out by: a 14-day letter by post, or by e-mail when
    its step says so and the debtor has an address."""
    if (
        planned.step.channel is StepChannel.FOURTEEN_DAY_LETTER
        and planned.step.letter_by is StepChannel.EMAIL
        and debtor.emails
    ):
        return Channel.EMAIL
    if planned.channel is StepChannel.FOURTEEN_DAY_LETTER:
        return Channel.LETTER
    return CHANNELS[planned.channel]


def _change_key(
    number: str, kind: ContactKind, invoice: Invoice, follows: str | None
) -> str | None:
    """The contact entry's id of the invoice's pause (``PAUSE``) or promise (``NOTE``): one
    per arrangement (the day it was made, the day it runs to and ``follows``, the id of the
    invoice's last resume entry: a pause made, resumed and made again the same day to the same
    day is a second arrangement), the same on every attempt. Without a resume the key is the
    one written before resumes counted, so a retry across the deploy finds its entry."""
    if kind is ContactKind.NOTE and invoice.promised_on and invoice.promise_until:
        made = f"promise|{invoice.promised_on}|{invoice.promise_until}"
    elif kind is ContactKind.PAUSE and invoice.paused_on and invoice.paused_until:
        made = f"pause|{invoice.paused_on}|{invoice.paused_until}"
    else:
        return None
    if follows is not None:
        made += f"|after|{follows}"
    return f"{made.split('|')[0]}-{hashlib.sha256(f'{number}|{made}'.encode()).hexdigest()[:16]}"
