"""The daily run's watch over prescription (verjaring): warnings, the hold, the next look.

For every open claim of a debtor the run looks at (law4 findings 3, 5 and 9):
- **the dates.** Counted from the due date with the claim's term (``term_years``), interrupted
  by the written demands of Inning's dunning that reached the debtor and the client's own
  14-day letter or sommatie imported with the invoice (``shared.domain.law.demands``; never
  proven) and by what staff recorded (a demand the client sent itself,
  the debtor's acknowledgement, each with its date), and by the acknowledgements Inning booked
  itself of the debtor's own acts (art. 3:318 BW, law7 finding 3, law10 F1/F3/F4): a payment
  on the claim he named or it was booked on (its received day; one that came back in full
  never paid and counts not), a payment plan over it he agreed to himself (not its activation
  by staff), his written proposal or request in the portal, a message of his staff marked as
  his acknowledgement of named claims (see :meth:`_acknowledgements`).
  Two dates: *counted* with every such
  demand, *proven* with only those whose receipt rests on more than a send log. A debtor who
  denies receipt makes the creditor prove it (3:37 lid 3 BW), so until the proven date is
  the counted one, the warning comes before both.
- **warnings** on the action list (kind ``prescription``), 60 days ahead, once per date;
- **the hold.** Past the counted date a claim is not dunned (no 14-day letter, no costs, no
  hand-over) until staff record an interruption that moves the date or release it: a demand
  then revives nothing (3:317), and prescription is not applied by itself (3:322 BW), so a
  person decides; it is no write-off;
- **the next look**: the day the next warning or the date falls due, a schedule row of its
  own when the workflow has nothing more for the claim (or it is held). The warning thus
  comes for a claim whose workflow ended, and a debtor without a workflow is looked at on
  its weekly re-check. Cost: one more row in the reschedule's batch when the workflow ends
  (no extra request in the same transaction), and per claim two or three more looks at its
  debtor in its life (the warning days and the date): measured in the unit world, 11-12
  storage requests each (debtor, invoices 2, outbox range, decisions range, ledger, plans,
  one or two once-marks, the item, portfolio figures, the schedule write) on top of the 9
  of a client's run with nothing due; no scan of the client's invoices. The watch reads the
  debtor's ledger and plans once more for the acknowledgements (two range reads, and a read
  of each payment on his claims, only on a look within 60 days of a date).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from shared.adapters.tables.keys import encode
from shared.adapters.tables.ledger_repo import LedgerRepository, StoredClaim
from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.adapters.tables.plans_repo import PlanRepository
from shared.adapters.tables.prescription_repo import PrescriptionDecision, PrescriptionDecisions
from shared.clock import Clock, amsterdam_date
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.law.demands import (
    client_letter_received_on,
    demand_received_on,
    plan_demand,
    proven_demand,
)
from shared.domain.law.prescription import (
    CLIENT_LETTER,
    WARNING_DAYS,
    filed_warning,
    next_prescription_check,
    prescription,
    prescription_warning,
    term_years,
    unproven_warning,
)
from shared.domain.ledger.accrual import _returned_in_full
from shared.domain.ledger.model import EventKind
from shared.domain.ledger.restate import received_day
from shared.domain.messaging import Channel
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.plans.plan import DEBTOR_PORTAL, PaymentPlan
from shared.domain.records import ActionItem, ContactEntry, ContactKind, Payment, Receiver
from shared.domain.scopes import agency_scope
from shared.domain.standing import INSOLVENT, DebtorStanding, Standing, arose_on, natural_obligation
from shared.services.client_receipts import SYNC_PREFIX
from shared.services.errors import Invalid, NotFound
from shared.services.repositories import Repositories

WARNING = timedelta(days=WARNING_DAYS)
# the longest sentence is about 800 characters (a held claim counted from an acknowledgement);
# cut at 500 as before, the console could not read its shape and showed a Dutch page English
TITLE_MAX = 2000
_HOW = {Channel.LETTER: "letter", Channel.EMAIL: "e-mail"}


@dataclass(frozen=True)
class Demand:
    received_on: date
    how: str  # "letter" / "e-mail" (Inning's), CLIENT_LETTER (the client's imported one)
    proven: bool


@dataclass
class Review:
    held: set[str] = field(default_factory=set)  # past the date, no person's decision yet
    next_check: dict[str, date | None] = field(default_factory=dict)


def debtor_agreed(plan: PaymentPlan) -> set[date]:
    """The days the debtor agreed to ``plan`` as it stands himself (3:318 BW): the consent
    recorded on it (his portal proposal, or the call, e-mail or letter staff recorded), a plan
    he made in the portal before that was recorded (its creation day), a mandate he signed for
    it. Not its activation: that is the creditor's act (law10 F3). Once staff added invoices
    to it (``widened_on``), what he did before named fewer invoices and is kept on those claims
    (ack11 #2): only a consent recorded since, or a mandate signed after that day, counts."""
    days = {plan.agreed_on} if plan.agreed_on else set()
    if plan.created_by == DEBTOR_PORTAL and plan.widened_on is None:
        days.add(amsterdam_date(plan.created_at))
    if plan.mandate is not None and (
        plan.widened_on is None or plan.mandate.signed_on > plan.widened_on
    ):
        days.add(plan.mandate.signed_on)
    return days


def acknowledged_on(payment: Payment) -> date | None:
    """The day ``payment`` counts as the debtor's acknowledgement (3:318 BW): the day the money
    came. A receipt a client's sync reported (or an admin re-dated) has no day the debtor is
    shown to have paid on: its ``received_on`` is the earliest it can have come (a bound for
    costs, 6:96 lid 6) or a day typed afterwards, so it counts on the latest, the day Inning
    booked it; past a claim's date that is too late, and a person decides (3:322; attack11b
    B1: a 1-cent receipt dated on the sync before the date revived a held claim). None for
    such a row stored before its booking day was kept: a person records the act."""
    if payment.received_by is Receiver.CLIENT and payment.payment_id.startswith(SYNC_PREFIX):
        return None if payment.booked_on is None else max(payment.received_on, payment.booked_on)
    return payment.received_on


class PrescriptionWatch:
    def __init__(self, repos: Repositories, outbox: OutboxRepository, clock: Clock) -> None:
        self.repos = repos
        self.outbox = outbox
        self.clock = clock
        self.decisions = PrescriptionDecisions(repos.store)

    def review(
        self, client: Client, debtor: Debtor, invoices: list[Invoice], today: date
    ) -> Review:
        """Warn, hold and plan the next look for the debtor's open claims (see the module)."""
        return self._look(client.client_id, debtor, invoices, today, warn=True)

    def held(
        self, client_id: str, debtor: Debtor, invoices: list[Invoice], today: date
    ) -> set[str]:
        """The invoices the hold keeps from dunning ``today``, by the run's own rule and
        without its warnings: asked again right before a planned reminder goes out, so one
        planned before the hold began does not go out after it. Reads nothing for claims
        more than 60 days before their uninterrupted date (nearly all)."""
        return self._look(client_id, debtor, invoices, today, warn=False).held

    def _look(
        self, client_id: str, debtor: Debtor, invoices: list[Invoice], today: date, *, warn: bool
    ) -> Review:
        consumer = debtor.kind is DebtorKind.B2C
        demands: dict[str, list[Demand]] | None = None
        acknowledged: dict[str, set[date]] = {}
        decisions: dict[str, PrescriptionDecision] = {}
        out = Review()
        for invoice in invoices:
            # a dispute stops the dunning, not prescription (no ground of 3:320/3:321 BW): a
            # disputed claim is warned about too (the dunning sends it nothing either way) (cm24 F5)
            if not (invoice.is_collectable or (warn and invoice.status is InvoiceStatus.DISPUTED)):
                continue
            if natural_obligation(debtor, invoice) is not None:
                # a clean slate or an akkoord left it a natural obligation (art. 6:3 BW, 358
                # lid 1, 160 Fw): nothing can be claimed, so nothing to keep from prescribing
                # and no demand or suit to advise (law14b F)
                continue
            ruling = _filed_under(debtor.standing, invoice)
            years = term_years(invoice.claim_kind, consumer=consumer)
            try:
                plain = prescription(invoice.due_date, consumer_purchase=False, years=years)
                if today < plain.prescribed_on - WARNING:
                    # demands and decisions only move the date later: no need to read them
                    out.next_check[invoice.number] = plain.prescribed_on - WARNING
                    continue
                if demands is None:  # one range read of each per debtor, when needed
                    claims = LedgerRepository(self.repos.store).for_debtor(client_id, debtor.number)
                    demands = self._written_demands(client_id, debtor.number, today, claims)
                    decisions = self.decisions.for_debtor(client_id, debtor.number)
                    acknowledged = self._acknowledgements(
                        client_id, debtor.number, today, decisions, claims
                    )
                decided = decisions.get(invoice.number)
                own = acknowledged.get(invoice.number, set())
                # the ledger and the plan prove these as well as staff's record would
                staff = (list(decided.interruptions) if decided else []) + sorted(own)
                mine = demands.get(invoice.number, [])
                counted = prescription(
                    invoice.due_date, consumer_purchase=False, years=years,
                    interruptions=[d.received_on for d in mine] + staff,
                )  # fmt: skip
                proven = prescription(
                    invoice.due_date, consumer_purchase=False, years=years,
                    interruptions=[d.received_on for d in mine if d.proven] + staff,
                )  # fmt: skip
            except OverflowError:
                continue  # prescribes after the calendar ends: nothing to warn about
            when = counted.prescribed_on
            out.next_check[invoice.number] = next_prescription_check(
                [proven.prescribed_on, when], today
            )
            # a release decides for the date it was given on or after: one given before (or
            # before an interruption moved the date) decides nothing in advance (attack5 #4)
            released = (
                decided is not None
                and decided.released_on is not None
                and decided.released_on >= when
            )
            if today >= when and not released:
                out.held.add(invoice.number)
            weak = tuple(
                (d.received_on, d.how)
                for d in mine
                if not d.proven and d.received_on in counted.interrupted_by
            )
            if not warn:
                continue
            if (
                weak
                and ruling is None  # under a ruling the filing interrupts: its own sentence
                and proven.prescribed_on < when
                and today >= proven.prescribed_on - WARNING
            ):
                self._item(
                    client_id, debtor, invoice,
                    f"prescription|{encode(invoice.number)}|unproven|{proven.prescribed_on:%Y%m%d}",
                    # on a claim at the agency the client's words name it as the one to send
                    # the stuitingsbrief; the agency's keep the advice (stuiting25)
                    unproven_warning(invoice.number, proven.prescribed_on, weak, years, today=today,
                                     held_by=self._held_by(invoice)),
                    {"prescribes_on": proven.prescribed_on.isoformat(), "term_years": years,
                     "unless_proven": [d.isoformat() for d, _ in weak]},
                    agency_title=unproven_warning(invoice.number, proven.prescribed_on, weak,
                                                  years, today=today),
                )  # fmt: skip
            if today < when - WARNING or (today >= when and released):
                continue
            detail: dict[str, object] = {
                "prescribes_on": when.isoformat(), "term_years": years,
                "claim_kind": invoice.claim_kind.value if invoice.claim_kind else None,
                "interrupted_by": [d.isoformat() for d in counted.interrupted_by],
            }  # fmt: skip
            # the uninterrupted date keeps the key warnings had before demands were counted;
            # the day it passes (or an import already past it) the hold has an item of its own
            key = f"prescription|{encode(invoice.number)}" + (
                f"|{when:%Y%m%d}" if counted.interrupted_by else ""
            )
            if today >= when:
                key, detail = f"{key}|held|{when:%Y%m%d}", {**detail, "held": True}
            if ruling is not None:
                # its own key: once the ruling ends, the ordinary advice comes as before
                key, detail = f"{key}|filed", {**detail, "ruling": ruling.standing.value}
                title = filed_warning(
                    invoice.number, invoice.claim_kind, when, years, consumer=consumer,
                    interrupted_by=counted.interrupted_by, today=today,
                    acknowledged=frozenset(own), wsnp=ruling.standing is Standing.WSNP,
                    since=ruling.since,
                )  # fmt: skip
            else:
                title = prescription_warning(
                    invoice.number, invoice.claim_kind, when, years, consumer=consumer,
                    interrupted_by=counted.interrupted_by, today=today,
                    acknowledged=frozenset(own),
                )  # fmt: skip
                if invoice.handed_over_to is not None:
                    # the agency's list keeps the advice to demand or sue; the client's says
                    # the agency holds the claim and was warned (told24)
                    held = prescription_warning(
                        invoice.number, invoice.claim_kind, when, years, consumer=consumer,
                        interrupted_by=counted.interrupted_by, today=today,
                        acknowledged=frozenset(own), held_by=self._held_by(invoice),
                    )  # fmt: skip
                    self._item(client_id, debtor, invoice, key, held, detail, agency_title=title)
                    continue
            self._item(client_id, debtor, invoice, key, title, detail)
        return out

    def record(
        self,
        client: Client,
        number: str,
        *,
        interrupted_on: date | None,
        release: bool,
        author: str,
        reason: str = "",
    ) -> PrescriptionDecision:
        """Staff record an interruption Inning did not send (its date) and/or release a held
        claim; the invoice is looked at again in the next run. Recording the same again
        changes nothing."""
        if interrupted_on is None and not release:
            raise Invalid(
                "give interrupted_on (the day it reached the debtor), release, or both",
                code="interruption_nothing",
            )
        stored = self.repos.invoices.get(client.client_id, number)
        if stored is None:
            raise NotFound(f"invoice {number} not found")
        invoice = stored.invoice
        now = self.clock.now()
        today = amsterdam_date(now)
        if interrupted_on is not None and not invoice.due_date < interrupted_on <= today:
            raise Invalid(
                "interrupted_on must lie after the due date and not in the future",
                field="interrupted_on",
                code="interruption_day_range",
            )
        if release and not self._past_plain_date(client, invoice, today):
            raise Invalid(
                "nothing to release: the claim is not past its prescription date; a release "
                "is given for a held claim",
                field="release",
                code="release_not_prescribed",
            )
        decision = self.decisions.record(
            client.client_id, invoice.debtor_number, number,
            interrupted_on=interrupted_on, release_on=today if release else None, by=author, at=now,
        )  # fmt: skip
        said = []
        if interrupted_on is not None:
            said.append(f"interrupted on {interrupted_on:%d-%m-%Y} (recorded by staff)")
        if release:
            said.append("released for dunning past its prescription date")
        self.repos.contacts.add(ContactEntry(
            client.client_id, invoice.debtor_number, time_ordered_id(now), now, ContactKind.NOTE,
            f"Prescription of invoice {number}: {'; '.join(said)}"
            + (f"; reason: {reason.strip()[:500]}" if reason.strip() else ""),
            invoice_numbers=(number,),
            system=True, author=author,
        ))  # fmt: skip
        key = self.repos.dunning.schedule_key(today, invoice.debtor_number, number)
        self.repos.dunning.reschedule(client.client_id, [(None, key)])
        return decision

    def _past_plain_date(self, client: Client, invoice: Invoice, today: date) -> bool:
        """Today at or past the date the claim prescribes without any interruption (those
        only move it later): before it, no run can hold the claim."""
        found = self.repos.debtors.get(client.client_id, invoice.debtor_number)
        consumer = found is not None and found[0].kind is DebtorKind.B2C
        years = term_years(invoice.claim_kind, consumer=consumer)
        try:
            plain = prescription(invoice.due_date, consumer_purchase=False, years=years)
        except OverflowError:
            return False
        return today >= plain.prescribed_on

    def _item(
        self,
        client_id: str,
        debtor: Debtor,
        invoice: Invoice,
        key: str,
        title: str,
        detail: dict[str, object],
        *,
        agency_title: str | None = None,
    ) -> None:
        """The warning or hold item, once per ``key``. The once-mark keeps the item's id and
        time, and the item is inserted after it on every look (a second insert is a no-op):
        a run that fails between the two writes the same item on its retry or the next look
        (failure5 finding 5). A mark without an id predates this and had its item."""
        now = self.clock.now()
        first = self.repos.dunning.claim_value(
            client_id, key[:400], {"ActionId": time_ordered_id(now), "At": now}
        )
        if "ActionId" not in first:
            return
        # once: on the list already: this look repeats an earlier one
        self.repos.actions.add_once(ActionItem(
            client_id, str(first["ActionId"]), "prescription", title[:TITLE_MAX],
            first["At"], debtor_number=debtor.number, invoice_numbers=(invoice.number,),
            detail=detail,
        ))  # fmt: skip
        if invoice.handed_over_to is None:
            return
        # the agency collects a handed-over claim outside Inning: its sommaties are what
        # interrupt it now, and only it may demand or sue, so it gets the warning too (cm24
        # F4: only the client was told to send a stuitingsbrief on a claim at the agency)
        self.repos.actions.add_once(ActionItem(
            agency_scope(invoice.handed_over_to), str(first["ActionId"]), "prescription",
            (agency_title or title)[:TITLE_MAX], first["At"], debtor_number=debtor.number,
            invoice_numbers=(invoice.number,), detail={**detail, "client_id": client_id},
        ))  # fmt: skip

    def _held_by(self, invoice: Invoice) -> str | None:
        """The name of the agency a handed-over claim is at (its id if it has none on file)."""
        if invoice.handed_over_to is None:
            return None
        agency = self.repos.agencies.get(invoice.handed_over_to)
        return agency.name if agency is not None else invoice.handed_over_to

    def _acknowledgements(
        self,
        client_id: str,
        debtor_number: str,
        today: date,
        decisions: dict[str, PrescriptionDecision] | None = None,
        claims: dict[str, StoredClaim] | None = None,
    ) -> dict[str, set[date]]:
        """Per invoice, the days the debtor acknowledged it by his own act that Inning holds
        in writing (art. 3:318 BW: the debtor's erkenning; the new period runs from the next
        day, 3:319; law10 F1, F3, F4):
        - a payment, on the day it was received, for the claims he paid: those he named, or
          without a designation those it went to when it was booked (``debtor_paid``); money
          the creditor moved to another claim later (a credit note, a restatement, an overflow
          of a designated payment, a person's correction of its designation) acknowledges
          nothing there (attack14 A3: a correction is no act of the debtor's). A payment that came back in full never paid.
          A payment row written before its first booking was kept counts as before: the
          claims its money is on now. A client's receipt from its sync counts on the day
          Inning booked it (:func:`acknowledged_on`);
        - a payment plan he agreed to himself: proposed or accepted in the portal (the day he
          did), a mandate he signed for it, or the agreement staff recorded with the day and
          the way he gave it; a plan staff made and activated without that is the creditor's
          act and counts not (its installments he pays do, as payments);
        - what the portal recorded on the claim the day he wrote it (a plan proposal, also one
          refused and deleted; a request to move an installment), kept with the decisions
          (``decisions``: as read already, else read here);
        - a message of his (portal, e-mail, WhatsApp) staff marked as his acknowledgement of
          the claim, on the day it was received (kept with the decisions; ack11 #1).
        Two range reads per debtor (the ledger's: ``claims`` as read already, else here) and
        one read per payment on its claims, only for claims within 60 days of their date."""
        out: dict[str, set[date]] = defaultdict(set)
        if claims is None:
            claims = LedgerRepository(self.repos.store).for_debtor(client_id, debtor_number)
        on_claims: dict[str, set[tuple[str, date]]] = defaultdict(set)
        for number, claim in claims.items():
            events = list(claim.events)
            gone = _returned_in_full(events)
            for e in events:
                if e.kind is EventKind.ALLOCATED and e.payment_id and e.payment_id not in gone:
                    on_claims[e.payment_id].add((number, received_day(e)))
        for payment_id, where in on_claims.items():
            payment = self.repos.payments.get(client_id, payment_id)
            named = () if payment is None else payment.debtor_paid
            if payment is None and payment_id.startswith(SYNC_PREFIX):
                continue  # a client's receipt without its row: no day but a guessed bound
            if payment is None or named is None:
                found = where  # no row yet, or one from before: where the money is now
            elif payment.reversed or (day := acknowledged_on(payment)) is None:
                continue
            else:
                found = {(number, day) for number in named}
            for number, day in found:
                if day <= today:
                    out[number].add(day)
        for plan in PlanRepository(self.repos.store).of_debtor(client_id, debtor_number):
            for day in debtor_agreed(plan):
                if day <= today:
                    for number in plan.invoice_numbers:
                        out[number].add(day)
        if decisions is None:
            decisions = self.decisions.for_debtor(client_id, debtor_number)
        for number, decided in decisions.items():
            out[number].update(d for d in decided.acknowledged if d <= today)
            out[number].update(d for _, d in decided.messages if d <= today)
        return out

    def _written_demands(
        self, client_id: str, debtor_number: str, today: date, claims: dict[str, StoredClaim]
    ) -> dict[str, list[Demand]]:
        """Per invoice, the written demands the debtor received up to ``today`` (a letter
        still on its way does not count yet), each with whether its receipt is proven:
        every dunning message (keyed ``dun|<debtor>|...``) and his payment plans' messages
        that ask payment (``plan|<plan id>|...``, :func:`plan_demand`; law16 F3: a plan's
        reminders and lapse notice were left out, and a live claim was held as prescribed
        "no written demand of Inning reached the debtor"), and the client's own 14-day letter
        or sommatie imported with the invoice (``fourteen_day_letter_on`` on its ledger
        header, ``claims``: never proven; law17 P2: the letter Inning charged 150.00 costs on
        did not count, and a live claim was held as prescribed). One range read more per
        plan of his that ran."""
        out: dict[str, list[Demand]] = defaultdict(list)
        for number, claim in claims.items():
            letter_on = claim.header.fourteen_day_letter_on
            if letter_on is not None and (on := client_letter_received_on(letter_on)) <= today:
                out[number].append(Demand(on, CLIENT_LETTER, proven=False))
        messages = [m for m, _ in self.outbox.with_prefix(client_id, f"dun|{debtor_number}|")]
        for plan in PlanRepository(self.repos.store).of_debtor(client_id, debtor_number):
            if plan.activated_at is None:
                continue  # a draft sends the debtor nothing
            prefix = f"plan|{plan.plan_id}|"
            messages.extend(
                m
                for m, _ in self.outbox.with_prefix(client_id, prefix)
                if m.debtor_number == debtor_number and plan_demand(m.key.removeprefix(prefix))
            )
        for message in messages:
            if message.sent_at is None:
                continue
            try:
                received = demand_received_on(
                    message.channel, message.status, amsterdam_date(message.sent_at)
                )
            except OverflowError:
                continue
            if received is not None and received <= today:
                proven = proven_demand(message.channel, message.status)
                for number in message.invoice_numbers:
                    out[number].append(Demand(received, _HOW[message.channel], proven))
        return out


def _filed_under(standing: DebtorStanding | None, invoice: Invoice) -> DebtorStanding | None:
    """The bankruptcy or WSNP in force that covers the claim (it arose before the ruling's
    day): the claim is filed with the curator or administrator, not demanded of the debtor."""
    if (
        standing is None
        or not standing.in_force
        or not standing.confirmed
        or standing.standing not in INSOLVENT
        or not standing.covers(arose_on(invoice.contract_date, invoice.invoice_date))
    ):
        return None
    return standing
