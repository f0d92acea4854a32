"""The claim ledger's use cases: a claim's figures on a day, booking and reversing payments
over claims, waivers and write-offs. One source of truth for every amount a debtor owes.

A claim is replayed from its events (:mod:`shared.domain.ledger`) with terms built from the
invoice, the debtor, the client's settings and the imported letter dates. Writes go through
:class:`~shared.adapters.tables.ledger_repo.LedgerRepository` guarded by etags; on a lost race
the claims are read again and the change recomputed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.adapters.tables.invoices_repo import StoredInvoice
from shared.adapters.tables.ledger_journal import Journal, journal_from, journal_op
from shared.adapters.tables.ledger_repo import (
    CLAIMS_PER_TRANSACTION,
    ClaimHeader,
    ClaimWrite,
    LedgerRepository,
    StoredClaim,
    named_op,
)
from shared.adapters.tables.plans_repo import PlanRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice
from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger import booking
from shared.domain.ledger.booking import Booking, LedgerRuleError
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import (
    RATES_RESTATED,
    RESTATED,
    STANDING_RESTATED,
    TERMS_RESTATED,
    ClaimFigures,
    ClaimTerms,
    Component,
    EventKind,
    LedgerEvent,
)
from shared.domain.ledger.replay import open_claims
from shared.domain.ledger.terms import claim_terms
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.plans.plan import PaymentPlan
from shared.domain.records import ActionStatus, ContactEntry, ContactKind
from shared.domain.standing import natural_obligation
from shared.ports.tables import Conflict, PreconditionFailed, Row, TransactionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.ledger.costs_holds import held_terms, principal_plan_ran_on
from shared.services.ledger.discounts import follow_discounts
from shared.services.ledger.plan_parts import PlansById, with_plan_parts
from shared.services.repositories import Repositories

RETRIES = 5


@dataclass(frozen=True)
class DebtorClaims:
    """A debtor's claims as stored, with the records the domain replays; ``pending``: the
    changes of the debtor written in parts and not finished (:mod:`ledger_journal`)."""

    invoices: dict[str, Invoice]
    stored: dict[str, StoredClaim]
    records: list[ClaimRecord]
    pending: tuple[Journal, ...] = ()


class LedgerService:
    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        rates: Callable[[], RateTable] | None = None,
    ) -> None:
        # the statutory rates in force (blob storage, cached); none: the shipped table
        self.rates_in_force = rates
        self.repos = repos
        self.clock = clock
        self.ledger = LedgerRepository(repos.store)
        # told after a restatement (terms, rates) with the invoices it looked at: the payment
        # plans that hold them follow what the claims owe now (law11 #2); a listener that
        # fails makes the restatement's delivery fail, and its retry changes nothing twice
        self.restated_listener: Callable[[Client, list[str]], object] | None = None
        # told the invoices a credit's or a restatement's follow-up closed (money moved onto
        # them paid them in full): the usage meter bills them in this month (banks28)
        self.closed_listener: Callable[[Client, list[str]], object] | None = None

    def today(self) -> date:
        return amsterdam_date(self.clock.now())

    # -- reading -------------------------------------------------------------------------------
    def debtor_claims(
        self,
        client: Client,
        debtor_number: str,
        debtor: Debtor | None = None,
        every_invoice: Sequence[Invoice] | None = None,
        *,
        ledger_rows: tuple[dict[str, StoredClaim], list[Row]] | None = None,
        plans: PlansById | None = None,
    ) -> DebtorClaims:
        """``every_invoice``: all the debtor's invoices when the caller has read them already
        (the costs of a notice are shared over all its claims, paid ones included).
        ``ledger_rows``: the debtor's ledger as :meth:`LedgerRepository.read_debtor` returns
        it, when the caller read it beside its other reads (the portal's overview).
        ``plans``: the client's plans by id the caller has read (None: gone), filled with
        those its claims' headers name that it had not (the statement window's, a plan's
        own run): each read once, not on every claims read (codereview18 F3)."""
        if every_invoice is None:
            every_invoice = self.repos.invoices.for_debtor(client.client_id, debtor_number)
        invoices = {i.number: i for i in every_invoice}
        if debtor is None:
            found = self.repos.debtors.get(client.client_id, debtor_number)
            debtor = found[0] if found else None
        consumer = debtor is None or debtor.kind is DebtorKind.B2C
        stored, marks = (
            ledger_rows
            if ledger_rows is not None
            else self.ledger.read_debtor(client.client_id, debtor_number)
        )
        pending = tuple(j for j in map(journal_from, marks) if j is not None)
        records = []
        for number, invoice in sorted(invoices.items()):
            header = stored.get(number)
            terms = claim_terms(
                invoice,
                consumer=consumer,
                client=client,
                letter_on=header.header.fourteen_day_letter_on if header else None,
                interest_from=header.header.interest_from if header else None,
                as_business=header.header.as_business if header else None,
                country=debtor.address.country if debtor and debtor.address else None,
                natural=debtor is not None and natural_obligation(debtor, invoice) is not None,
            )
            if header and header.header.interest_paused:  # a payment plan froze interest
                terms = replace(
                    terms,
                    interest_paused=tuple((a, b) for _, a, b in header.header.interest_paused),
                )
            if header:  # a plan or postponement agreed inside the 14-day term (law4 #4)
                terms = held_terms(terms, header.header)
            records.append(ClaimRecord(terms, header.events if header else ()))
        known: PlansById = {} if plans is None else plans
        records = with_plan_parts(records, (c.header for c in stored.values()),
                                  lambda plan_id: self._plan(client, plan_id, known))  # fmt: skip
        return DebtorClaims(invoices, stored, records, pending)

    def _plan(self, client: Client, plan_id: str, known: PlansById) -> PaymentPlan | None:
        if plan_id not in known:
            found = PlanRepository(self.repos.store).get(client.client_id, plan_id)
            known[plan_id] = found[0] if found else None
        return known[plan_id]

    def figures(self, claims: DebtorClaims, on: date | None = None) -> dict[str, ClaimFigures]:
        """The figures of claims read (or shaped) by the caller, on ``on`` (default today)."""
        return open_claims(claims.records, on or self.today(), self._rates())

    def _rates(self) -> RateTable | None:
        return self.rates_in_force() if self.rates_in_force else None

    def open_claims(
        self,
        client: Client,
        invoice_numbers: Sequence[str],
        on: date | None = None,
        *,
        debtor: Debtor | None = None,
        every_invoice: Sequence[Invoice] | None = None,
    ) -> dict[str, ClaimFigures]:
        """The claim of each of these invoices on ``on`` (default: today in Amsterdam), per
        component: ``result[n].open`` has ``principal``, ``costs``, ``costs_vat``,
        ``interest`` and ``total`` in cents; ``result[n].charged``/``paid``/``waived`` the
        same. Invoices that do not exist are left out. The costs are computed over every
        claim of the debtor demanded together (art. 6:96 lid 7 BW), so a line paying the
        ``open.total`` of one or more claims is an exact payment, not an overpayment.

        One read of the invoices by number, then one range read of invoices and one of the
        ledger per debtor involved. A caller that knows the invoices are all ``debtor``'s
        passes it and saves the first read and the debtor's; one that read all of that
        debtor's invoices already passes them as ``every_invoice``.
        """
        day = on or self.today()
        if debtor is not None:
            wanted = set(invoice_numbers)
            claims = self.debtor_claims(client, debtor.number, debtor, every_invoice)
            figures = open_claims(claims.records, day, self._rates())
            return {n: f for n, f in figures.items() if n in wanted}
        stored = self.repos.invoices.get_many(client.client_id, list(invoice_numbers))
        out: dict[str, ClaimFigures] = {}
        for number in sorted({s.invoice.debtor_number for s in stored.values()}):
            claims = self.debtor_claims(client, number)
            figures = open_claims(claims.records, day, self._rates())
            out.update({n: f for n, f in figures.items() if n in stored})
        return out

    def announced_costs(
        self, client: Client, debtor: Debtor, invoice_numbers: Sequence[str], owed_from: date
    ) -> Cents:
        """The costs (with VAT) a 14-day letter or sommatie must state for these invoices: what
        the ledger will charge once its term expires on ``owed_from`` (one amount over the
        claims together, the client's minimum and the Wki cap applied), if nothing is paid."""
        if client.client_bears_costs:
            return 0
        claims = self.debtor_claims(client, debtor.number, debtor)
        wanted = set(invoice_numbers)
        records = [
            ClaimRecord(_letter_for(r.terms, owed_from), r.events)
            if r.number in wanted and not r.terms.closed and r.terms.costs_owed_from is None
            else r
            for r in claims.records
        ]
        figures = open_claims(records, owed_from, self._rates())
        return sum(
            figures[n].open.costs + figures[n].open.costs_vat for n in wanted if n in figures
        )

    def claim(self, client: Client, number: str, on: date | None = None) -> ClaimFigures:
        found = self.open_claims(client, [number], on)
        if number not in found:
            raise NotFound(f"invoice {number} not found")
        return found[number]

    def debtor_open_claims(
        self, client: Client, debtor_number: str, on: date | None = None
    ) -> list[ClaimFigures]:
        """Every claim of the debtor with something open on ``on``, oldest first."""
        claims = self.debtor_claims(client, debtor_number)
        if not claims.invoices and self.repos.debtors.get(client.client_id, debtor_number) is None:
            raise NotFound(f"debtor {debtor_number} not found")
        figures = open_claims(claims.records, on or self.today(), self._rates())
        return sorted(
            (f for f in figures.values() if f.open.total > 0),
            key=lambda f: (f.due_date, f.invoice_number),
        )

    # -- money in and out ----------------------------------------------------------------------
    def book(
        self,
        client: Client,
        payment_id: str,
        amount: Cents,
        on: date,
        invoice_numbers: Sequence[str],
        principal_first: frozenset[str] = frozenset(),
        designated: Sequence[str] | None = None,
    ) -> Booking:
        """Allocate a payment over the designated invoices (6:43, 6:44) exactly once: a
        payment id already in the claims returns the booking made then. ``designated``: the
        invoices the debtor named, when ``invoice_numbers`` only say whose money it is (a
        bank line attributed by its payer: () is undesignated, 6:43 lid 2); None: all of
        ``invoice_numbers`` are his designation. ``principal_first``:
        the invoices whose principal is paid first by agreement (a running principal-only plan;
        one that held a claim on the day ``on`` and ended since is read from the claim's costs
        hold, :func:`principal_plan_ran_on`)."""
        named = invoice_numbers if designated is None else designated
        # a plan's reference designates its invoices the booking does not use too (codereview14
        # F6): read with the booked ones, and kept only as the same debtor's claims
        stored = self.repos.invoices.get_many(
            client.client_id, list(dict.fromkeys([*invoice_numbers, *named]))
        )
        debtors = sorted({stored[n].invoice.debtor_number for n in invoice_numbers if n in stored})
        designation = [n for n in dict.fromkeys(named)
                       if n in stored and stored[n].invoice.debtor_number in debtors]  # fmt: skip
        for _ in range(RETRIES):
            try:  # a credit or return a crash left half written is finished first
                every, _ = self.read_finished(client, debtors)
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            records = [r for c in every for r in c.records]
            done = _booked(records, payment_id, amount, on)
            unfinished = done is not None and self._parts_missing(client, debtors, payment_id)
            if done is not None and not unfinished:
                # (a repeat after a crash between the ledger's write and the invoice's)
                follow_discounts(self.repos, self.clock, client, records, {})
                return done
            # a booking written in parts that stopped between them (a crash, a lost race on a
            # later part) holds only its first parts: the rest of the money goes over the
            # claims as they stand now, as the first attempt would have put it (finding 10)
            rest = amount - sum(x.amount for x in done.lines) if done else amount
            # a plan over the principal that held a claim on the day received, ended since
            agreed = principal_first | principal_plan_ran_on(
                (s.header for c in every for s in c.stored.values()), on
            )
            result = booking.allocate(records, payment_id, rest, on, designation, self._rates(),
                                      agreed, continuing=unfinished,
                                      named=self.named(client))  # fmt: skip
            changes = self._changes(
                client, every, result.events, payments_added=(payment_id, *result.moved),
                on=result.on,
            )  # fmt: skip
            try:
                self._write_in_parts(client, debtors, payment_id, changes, unfinished,
                                     designation)  # fmt: skip
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue  # another booking on these claims won: read again, allocate again
            # a discount this payment, received before it, capped (law16b F3): the invoice
            # follows before the payment's principal is applied to it
            follow_discounts(self.repos, self.clock, client, records, result.events)
            if not unfinished:
                return result
            # finished now: the whole booking as the claims hold it, read again
        raise ConflictingUpdate("these claims keep changing; the payment will be retried")

    def _parts_missing(self, client: Client, debtors: Sequence[str], payment_id: str) -> bool:
        return any(self.ledger.parts_missing(client.client_id, d, payment_id) for d in debtors)

    def _write_in_parts(
        self, client: Client, debtors: Sequence[str], key: str, changes: list[ClaimWrite],
        unfinished: bool, designation: Sequence[str] = (),
    ) -> None:  # fmt: skip
        """Write ``changes``; more claims than one transaction holds are marked unfinished
        before the first part and finished after the last (``LedgerRepository.begin_parts``),
        so a repeat that finds only the first parts finishes the rest rather than taking them
        for the whole. ``unfinished``: an earlier attempt's mark is there, taken away now.
        ``designation``: the invoices payment ``key``'s debtor named, written with the first
        part (what :meth:`named` reads while the payment has no row yet)."""
        parts = len(changes) > CLAIMS_PER_TRANSACTION
        if parts:
            for debtor in debtors:
                self.ledger.begin_parts(client.client_id, debtor, key)
        intent = named_op(client.client_id, key, designation) if designation else None
        self.ledger.write(changes, intent)
        if parts or unfinished:
            for debtor in debtors:
                self.ledger.end_parts(client.client_id, debtor, key)

    # -- changes written in parts (ledger_journal; ledger-rest6 item 1) ------------------------
    def read_finished(
        self, client: Client, debtors: Sequence[str]
    ) -> tuple[list[DebtorClaims], dict[str, Journal]]:
        """The debtors' claims once every change of theirs that a crash or a lost race left
        written in part only is finished as journaled, and those changes by key: a change is
        computed over whole changes only. A lost race raises (the caller reads again)."""
        every = [self.debtor_claims(client, d) for d in debtors]
        finished: dict[str, Journal] = {}
        for journal in (j for c in every for j in c.pending):
            self._finish(client, journal)
            finished[journal.key] = journal
        if finished:
            every = [self.debtor_claims(client, d) for d in debtors]
        return every, finished

    def write_change(
        self,
        client: Client,
        every: list[DebtorClaims],
        key: str,
        events: dict[str, tuple[LedgerEvent, ...]],
        *,
        on: date,
        payments_added: tuple[str, ...] = (),
        reversed_: tuple[str, ...] = (),
        moved: tuple[str, ...] = (),
    ) -> None:
        """Write change ``key`` (events per claim, the claims as read in ``every``): in one
        transaction, or, over more claims than one holds, in parts with its journal, so a
        crash between them leaves a change the next reader finishes (:meth:`read_finished`)
        rather than half a credit or a return. ``moved``: the payments whose money it moved
        (kept in the journal for the follow-ups of a redelivery)."""
        writes = self._changes(client, every, events, on=on, payments_added=payments_added,
                               reversed_=reversed_)  # fmt: skip
        if len(writes) <= CLAIMS_PER_TRANSACTION:
            self.ledger.write(writes)
        else:
            claims = tuple((w.header.debtor_number, w.header.invoice_number, w.events)
                           for w in writes)  # fmt: skip
            journal = Journal(key, writes[0].header.debtor_number, on, claims, payments_added,
                              reversed_, moved)  # fmt: skip
            self._write_parts(client, journal, {w.header.invoice_number: w for w in writes})
        # a discount the change capped or gave back (a payment received before it came back):
        # the invoice's note follows (law16b F3)
        records = [r for c in every for r in c.records]
        follow_discounts(self.repos, self.clock, client, records, events)

    def _finish(self, client: Client, journal: Journal) -> None:
        """Write the claims ``journal`` still misses, as journaled, onto the claims as they
        stand: a claim another change wrote meanwhile takes the events after its own."""
        rest = journal.rest
        every = [self.debtor_claims(client, d) for d in sorted({d for d, _, _ in rest})]
        stored = {n: c for claims in every for n, c in claims.stored.items()}
        events: dict[str, tuple[LedgerEvent, ...]] = {}
        for _, number, new in rest:
            now = stored.get(number)
            after = max([now.header.next_seq, *(e.seq + 1 for e in now.events)]) if now else 1
            shift = max(0, after - min(e.seq for e in new))
            events[number] = tuple(replace(e, seq=e.seq + shift) for e in new)
        writes = self._changes(client, every, events, on=journal.on,
                               payments_added=journal.payments, reversed_=journal.reversed)  # fmt: skip
        self._write_parts(client, journal, {w.header.invoice_number: w for w in writes})

    def _write_parts(self, client: Client, journal: Journal, writes: dict[str, ClaimWrite]) -> None:
        """The claims of ``journal.rest`` (``writes`` by invoice; an invoice gone meanwhile
        has none) in transactions of at most ``CLAIMS_PER_TRANSACTION``, each carrying the
        journal: inserted with the first part, moved on with each, deleted with the last."""
        rest, base = journal.rest, journal.done
        step = CLAIMS_PER_TRANSACTION
        for start in range(0, len(rest), step):
            numbers = [n for _, n, _ in rest[start : start + step]]
            ops = [op for n in numbers if n in writes for op in self.ledger.write_ops(writes[n])]
            done = base + start + len(numbers)
            ops.append(journal_op(client.client_id, journal, done))
            etags = self.ledger.transact(client.client_id, ops)
            journal = replace(journal, done=done, etag=etags[-1])

    def reverse(
        self,
        client: Client,
        payment_id: str,
        invoice_numbers: Sequence[str],
        reason: str,
        on: date | None = None,
        debtor: str | None = None,
    ) -> dict[str, tuple[LedgerEvent, ...]]:
        """Undo exactly what the payment was allocated to; a second call changes nothing.
        ``on``: the day the money came back when its source says (Mollie's ``createdAt`` of a
        refund or chargeback, a bank return's date), else today; never before a claim's latest
        event (:func:`booking.booking_day`). ``debtor``: the payment's debtor, whose claims are
        read too (a payment whose money later payments keep in its place holds none itself:
        storno11)."""
        stored = self.repos.invoices.get_many(client.client_id, list(invoice_numbers))
        debtors = sorted({s.invoice.debtor_number for s in stored.values()}
                         | ({debtor} if debtor else set()))  # fmt: skip
        today = on or self.today()
        key = f"return {payment_id}"
        for _ in range(RETRIES):
            try:  # a return (or credit) a crash left half written is finished first
                every, finished = self.read_finished(client, debtors)
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            if key in finished:  # its own: what it moved follows as on the first attempt
                self._follow_moved(client, debtors, finished[key].moved, payment_id)
            if self.share_owed_again(client, every, payment_id):
                continue  # read again: the claims it paid as told owe their share now
            records = [r for c in every for r in c.records]
            from shared.services.ledger.returned import close_overpayments

            # the claims it paid are restated as never paid (law5 finding 2): costs of a
            # payment only "made" inside the term, interest over the days it was held
            result = booking.return_payment(records, payment_id, today, reason, self._rates(),
                                            self.named(client),
                                            self.spare(client, debtors, records))  # fmt: skip
            events = result.events
            if not events:
                # handled before (a redelivery): its overpayment items may still be open
                close_overpayments(self.repos, client.client_id, payment_id, reason,
                                   self.clock.now())  # fmt: skip
                return {}
            try:
                self.write_change(client, every, key, events, reversed_=(payment_id,), on=today,
                                  payments_added=tuple(result.moved),
                                  moved=tuple(result.moved))  # fmt: skip
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            self._follow_moved(client, debtors, tuple(result.moved), payment_id)
            self._settle_spent(client, tuple(result.moved),
                               f"taken by the claims the return of {payment_id} reopened",
                               payment_id)  # fmt: skip
            close_overpayments(self.repos, client.client_id, payment_id, reason, self.clock.now())
            return events
        raise ConflictingUpdate("these claims keep changing; the reversal will be retried")

    def share_owed_again(
        self,
        client: Client,
        claims: Sequence[DebtorClaims],
        payment_id: str,
        keep: Collection[str] = (),
    ) -> bool:
        """A claim whose share of a kind letter's costs was not claimed because the consumer
        paid it in full as told (:mod:`kind_letter`, ``forgone``) is no longer so paid once the
        money on it comes back or is moved to another claim: its share is owed as for any
        member of the notice (codereview13 #2: refunded, 625.00 of costs stayed off for good).
        Written before the ledger's change, so the restatement charges them, and a retry
        finds it written. ``keep``: claims the payment stays on (named again). Whether any
        letter changed (the caller reads the claims again)."""
        changed = False
        for debtor in claims:
            by_number = {r.number: r for r in debtor.records}
            for number, stored in sorted(debtor.stored.items()):
                letter = stored.header.as_business
                record = by_number.get(number)
                if letter is None or not letter.forgone or number in keep or record is None:
                    continue
                if record.terms.natural:
                    # let go as a natural obligation (a clean slate, an akkoord), not as paid:
                    # nothing more is made owed on it whatever the money does (codereview13b #1)
                    continue
                if held_by(record, payment_id) > 0:
                    changed |= self.ledger.set_as_business(
                        client.client_id, record.terms.debtor_number, number,
                        letter.confirm(forgone=False),
                    )  # fmt: skip
        return changed

    def _follow_moved(
        self, client: Client, debtors: Sequence[str], moved: Sequence[str], payment_id: str
    ) -> None:
        """A return moved the claims' other payments: their rows and invoices follow."""
        from shared.services.ledger.credit import follow_ledger

        because = f"restated when payment {payment_id} came back"
        others = {p for p in moved if p != payment_id}
        if not others:
            return
        for debtor in debtors:
            claims = self.debtor_claims(client, debtor)
            follow_ledger(self, client, claims, others, payment_id, because, "returned")

    def release_credited(self, client: Client, number: str) -> booking.Release:
        """Invoice ``number`` was credited: its payments' allocations are reversed and their
        money allocated by 6:43 over the debtor's other claims, in one etag-guarded write
        (:func:`shared.domain.ledger.booking.release_credited`); a second call changes
        nothing."""
        stored = self.repos.invoices.get(client.client_id, number)
        if stored is None:
            raise NotFound(f"invoice {number} not found")
        today = self.today()
        for _ in range(RETRIES):
            try:  # a credit a crash left half written is finished first (then nothing moves)
                [claims], _ = self.read_finished(client, [stored.invoice.debtor_number])
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            result = booking.release_credited(claims.records, number, today, self._rates(),
                                              self.named(client))  # fmt: skip
            if not result.events:
                return result
            on = max(e.on for new in result.events.values() for e in new)
            try:
                self.write_change(client, [claims], f"credit {number}", result.events, on=on,
                                  payments_added=tuple(result.moved),
                                  moved=tuple(result.moved))  # fmt: skip
                return result
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue  # another change on these claims won: read again, release again
        raise ConflictingUpdate(f"claim {number} keeps changing; retry")

    def credit_part(
        self, client: Client, number: str, cents: Cents, on: date, reference: str, reason: str,
        discount: bool = False,
    ) -> booking.Release:  # fmt: skip
        """A credit note for part of invoice ``number``'s principal, in one etag-guarded write
        (:func:`shared.domain.ledger.booking.credit_part`; ``discount``: from its day, what was
        owed before it stays); the same note again changes nothing, the same reference with
        another amount is a conflict."""
        stored = self.repos.invoices.get(client.client_id, number)
        if stored is None:
            raise NotFound(f"invoice {number} not found")
        for _ in range(RETRIES):
            try:  # a note a crash left half written is finished first (then it is booked)
                [claims], _ = self.read_finished(client, [stored.invoice.debtor_number])
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            try:
                result = booking.credit_part(
                    claims.records,
                    number,
                    cents,
                    on,
                    reference,
                    reason,
                    self._rates(),
                    self.named(client),
                    discount=discount,
                )
            except booking.CreditNoteConflict as exc:
                # the reference stands with its amount: refused again, so it names its code
                raise ConflictingUpdate(str(exc), code=exc.code, params=exc.params) from exc
            except LedgerRuleError as exc:
                raise Invalid(str(exc), field="amount", code=exc.code, params=exc.params) from exc
            if not result.events:
                return result
            day = max(e.on for new in result.events.values() for e in new)
            try:
                self.write_change(client, [claims], f"note {number} {reference}", result.events,
                                  on=day, payments_added=tuple(result.moved),
                                  moved=tuple(result.moved))  # fmt: skip
                return result
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue  # another change on these claims won: read again, credit again
        raise ConflictingUpdate(f"claim {number} keeps changing; retry")

    # -- staff ---------------------------------------------------------------------------------
    def waive(
        self, client: Client, number: str, component: Component, amount: Cents, reason: str,
        author: str, stop_interest: bool = False,
    ) -> ClaimFigures:  # fmt: skip
        """Let part of the costs or interest go (a settlement for less), on the contact log;
        ``stop_interest`` also gives up the interest to come (booking.waive)."""
        stopped = "; no further interest" if stop_interest else ""
        return self._staff_change(
            client, number, author,
            lambda records, day: booking.waive(records, number, component, amount, day, reason,
                                               self._rates(), stop_interest=stop_interest),
            f"Waived {format_eur_nl(amount)} of the {component.value} on {number}{stopped}: {reason}",
        )  # fmt: skip

    def write_off(self, client: Client, number: str, reason: str, author: str) -> ClaimFigures:
        """The claim is uncollectable: all that is open is written off, the invoice leaves
        collection (withdrawn), the reason goes on the contact log."""
        figures = self._staff_change(
            client, number, author,
            lambda records, day: booking.write_off(records, number, day, reason, self._rates()),
            f"Claim {number} written off as uncollectable: {reason}",
        )  # fmt: skip
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None or not stored.invoice.is_collectable:
                break
            try:
                # marked, so money paid for it later still pays it (ledger31)
                self.repos.invoices.save(stored.invoice.write_off(figures.on), stored)
                break
            except TransactionFailed:
                continue
        return figures

    def set_imported_dates(
        self,
        client_id: str,
        debtor: str,
        invoice: str,
        letter_on: date | None,
        interest_from: date | None,
    ) -> None:
        """What an import says about the 14-day letter (or sommatie) the client sent and the
        default date for interest."""
        for _ in range(RETRIES):
            try:
                self.ledger.set_imported(client_id, debtor, invoice, letter_on, interest_from)
                return
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
        raise ConflictingUpdate(f"claim {invoice} keeps changing; retry")

    def set_interest_pause(
        self, client_id: str, debtor: str, invoice: str, plan_id: str,
        span: tuple[date, date | None] | None,
    ) -> None:  # fmt: skip
        """A payment plan freezes interest on this claim from ``span[0]`` until ``span[1]``
        (None: while it runs); ``span`` None: it never did (an activation that failed)."""
        for _ in range(RETRIES):
            try:
                self.ledger.set_interest_pause(client_id, debtor, invoice, plan_id, span)
                return
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
        raise ConflictingUpdate(f"claim {invoice} keeps changing; retry")

    def set_costs_hold(
        self, client_id: str, debtor: str, invoice: str, ref: str,
        span: tuple[date, date | None] | None,
    ) -> None:  # fmt: skip
        """An arrangement agreed on ``span[0]`` keeps the collection costs from arising before
        ``span[1]`` (a postponement: the day after the granted day; None: while a plan over
        the principal runs, or once it was kept); ``span`` None: it never did (an activation
        that failed); see costs_holds."""
        for _ in range(RETRIES):
            try:
                self.ledger.set_costs_hold(client_id, debtor, invoice, ref, span)
                return
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
        raise ConflictingUpdate(f"claim {invoice} keeps changing; retry")

    # -- for callers that book many payments and write them together (bank statement windows)
    def restate_terms(
        self,
        client_id: str,
        numbers: Sequence[str],
        because: str = "restated: its costs term was cleared",
        replay_from: Mapping[str, date] | None = None,
        changed: str | None = None,
    ) -> list[str]:
        """Invoices ``numbers`` had their terms changed after money reached them (a 14-day
        letter reported undeliverable: no costs term; a due date moved; the debtor's kind
        corrected; ``because`` says which): each claim restated to what its
        history gives now (:func:`booking.restate_claims`: costs charged without a term taken
        back, the payments allocated again), the moved payments' rows and invoices following;
        the numbers whose claim changed. Idempotent: a second call finds nothing to change and
        lets the rows and invoices a crash kept from following follow now. ``replay_from``:
        see :func:`booking.restate_claims` (an invoice's due date before it moved later).
        ``changed``: the terms that changed (the due date, the debtor's kind): the interest
        fixed under the old ones that the new ones do not give is taken off the interest
        fixed (:data:`TERMS_RESTATED`), not credited."""
        reason = None if changed is None else f"{TERMS_RESTATED}{changed}"
        return self._restate(client_id, numbers, "terms", because, reason=reason,
                             replay_from=replay_from)  # fmt: skip

    def restate_rates(
        self, client_id: str, numbers: Sequence[str], version: str, since: date,
        *, made_before: bool = False,
    ) -> list[str]:  # fmt: skip
        """A statutory rate table (blob ``version``) was put in force: invoices ``numbers``
        restated to the interest it gives (both ways: a lower half-year rate lowers the
        interest fixed, a higher one raises it) and their payments allocated again by 6:44
        (law9 F4), as :meth:`restate_terms`, those booked on or after ``since`` (the first
        day the new table differs); the numbers whose claim changed, with ``made_before``
        also those an earlier delivery of this restatement changed (a crash cut it off after
        its ledger write: the retry's audit counts them; failure11 F8)."""
        return self._restate(client_id, numbers, "rates",
                             f"restated: statutory rates {version} put in force",
                             reason=f"{RATES_RESTATED}{version}", since=since,
                             made_before=made_before)  # fmt: skip

    def restate_standing(self, client_id: str, numbers: Sequence[str], said: str) -> list[str]:
        """The debtor's standing changed what interest his claims bear (a bankruptcy or WSNP
        ruling stops it from its day, art. 128 Fw; lifted, it runs again): the money booked
        since is allocated again to what the claims owe now, as :meth:`restate_terms`.
        ``said`` names the change (one restatement per change: a later one is not taken for
        it)."""
        return self._restate(client_id, numbers, "standing", f"restated: {said}",
                             reason=f"{STANDING_RESTATED}{said}")  # fmt: skip

    def _restate(
        self, client_id: str, numbers: Sequence[str], tag: str, because: str,
        reason: str | None = None, since: date | None = None, made_before: bool = False,
        replay_from: Mapping[str, date] | None = None,
    ) -> list[str]:  # fmt: skip
        found = self.repos.clients.get(client_id)
        stored = self.repos.invoices.get_many(client_id, list(numbers))
        if found is None or not stored:
            return []
        changed = self._restate_claims(found[0], stored, tag, because, reason, since,
                                       made_before, replay_from)  # fmt: skip
        if self.restated_listener is not None:
            # every invoice looked at, not only those whose ledger changed: a cleared costs
            # term or a new kind lowers a claim without money to move (nothing written), and
            # a redelivery after a crash before this call lets the plans follow now
            self.restated_listener(found[0], sorted(stored))
        return changed

    def _restate_claims(
        self, client: Client, stored: Mapping[str, StoredInvoice], tag: str, because: str,
        reason: str | None, since: date | None, made_before: bool,
        replay_from: Mapping[str, date] | None,
    ) -> list[str]:  # fmt: skip
        debtors = sorted({s.invoice.debtor_number for s in stored.values()})
        # (a costs-term restatement keeps the key it had: a journal a crash left is found)
        said = (
            ",".join(sorted(stored)) if reason is None else f"{reason}|{','.join(sorted(stored))}"
        )
        key = f"{tag} " + hashlib.sha256(said.encode()).hexdigest()[:32]
        for _ in range(RETRIES):
            try:  # a restatement a crash left half written is finished first
                every, finished = self.read_finished(client, debtors)
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            records = [r for c in every for r in c.records]
            named = self.named(client)
            result = booking.restate_claims(records, sorted(stored), self._rates(),
                                            named=named, reason=reason, since=since,
                                            replay_from=replay_from)  # fmt: skip
            # the debtor's money left over pays what the restated claims ask now, as it would
            # have booked in the order received (law12b #2); read only when a claim changes
            # (a redelivery, most claims of a rate restatement: nothing to offer it to)
            # (and with it known, even when there is none, the debtor's claims are replayed
            # from the final facts: replayed.py)
            if result.events:
                spare = self.spare(client, debtors, records)
                result = booking.restate_claims(records, sorted(stored), self._rates(),
                                                named=named, reason=reason, since=since,
                                                replay_from=replay_from, spare=spare)  # fmt: skip
            if result.events:
                day = max(e.on for new in result.events.values() for e in new)
                try:
                    self.write_change(client, every, key, result.events, on=day,
                                      payments_added=tuple(result.moved),
                                      moved=tuple(result.moved))  # fmt: skip
                except (TransactionFailed, Conflict, PreconditionFailed):
                    continue
            elif key in finished:  # its own, finished now: its follow-ups run as on the first
                journal = finished[key]
                result = booking.Release({n: e for _, n, e in journal.claims},
                                         dict.fromkeys(journal.moved, ()), {})  # fmt: skip
                day = journal.on
            else:
                # made already (a report delivered again): a crash or timeout between the
                # ledger's write and the follow-ups below left the rows as they were, and
                # nothing here knows which payments it moved (failure6 #8)
                from shared.services.ledger.follow import follow_debtors

                follow_debtors(self, client, debtors, ",".join(sorted(stored)), because,
                               tag)  # fmt: skip
                if not made_before:
                    return []
                return sorted({r.number for r in records if r.number in stored
                               and any(e.reason == reason for e in r.events)})  # fmt: skip
            from shared.services.ledger.credit import follow_ledger

            moved = dict.fromkeys(result.moved, day)
            for debtor in debtors:
                claims = self.debtor_claims(client, debtor)
                follow_ledger(self, client, claims, moved, ",".join(sorted(result.events)),
                              because, tag)  # fmt: skip
            self._settle_spent(client, tuple(result.moved),
                               f"taken by the claims it pays ({because})")  # fmt: skip
            return sorted(result.events)
        raise ConflictingUpdate("these claims keep changing; the restatement will be retried")

    def named(self, client: Client) -> Callable[[str], Sequence[str]]:
        """The invoices a payment's debtor named (its row's designation; () for a payment
        without one or a row written before it was kept): where the ledger puts its money
        first when it allocates it again (6:43 lid 1; law5 finding 4). Read only when money
        is allocated again, once per payment. A payment booked on the ledger whose row is not
        written yet (a crash between the two, its redelivery still to come) has the
        designation its booking wrote with it (banks28 F5: a return replaying the claims
        meanwhile put a back-dated 50.00 named for F2 on F1)."""
        known: dict[str, tuple[str, ...]] = {}

        def designated(payment_id: str) -> Sequence[str]:
            if payment_id not in known:
                row = self.repos.payments.get(client.client_id, payment_id)
                known[payment_id] = (
                    row.designated
                    if row is not None
                    else self.ledger.designated(client.client_id, payment_id) or ()
                )
            return known[payment_id]

        return designated

    def _settle_spent(
        self, client: Client, moved: Sequence[str], why: str, returned: str = ""
    ) -> None:
        """The overpayment items of payments whose spare money claims a return reopened or a
        restatement raised took whole: resolved (nothing of them is over any more; the rows
        followed the ledger)."""
        from shared.services.ledger.designation import settle_item

        for payment_id in moved:
            if payment_id != returned:
                settle_item(self, client, payment_id, why)

    def spare(
        self, client: Client, debtors: Sequence[str], records: Sequence[ClaimRecord]
    ) -> dict[str, tuple[Cents, date, str]]:
        """The money of ``debtors``' payments that no claim holds (their rows'
        ``unallocated``: on these claims, or on an open overpayment item) and the day each
        was received: a return that reopens the claims lets it pay them again (storno11).
        Not a payment that came back, nor one whose overpayment a person resolved (they
        refunded or re-booked it)."""
        from shared.services.ledger.designation import payments_over
        from shared.services.ledger.overpayment import overpayment_id

        over = payments_over(self, client, debtors)
        # what the claims hold of each payment, read from the ledger itself: a row saved after
        # the ledger (a crash between the two) still names money the claims hold as over, and
        # a replay of the debtor's claims (replayed.py) would book it twice
        here = {r.number for r in records}
        held: dict[str, Cents] = {}
        for r in records:
            for e in r.events:
                if e.payment_id and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
                    sign = 1 if e.kind is EventKind.ALLOCATED else -1
                    held[e.payment_id] = held.get(e.payment_id, 0) + sign * e.amount
        out: dict[str, tuple[Cents, date, str]] = {}
        for payment_id in sorted({e.payment_id for r in records for e in r.events
                                  if e.payment_id}
                                 | {p for d in debtors for p in over.get(d, set())}):  # fmt: skip
            row = self.repos.payments.get(client.client_id, payment_id)
            if row is None or row.reversed or row.unallocated <= 0:
                continue
            item = self.repos.actions.get(client.client_id, overpayment_id(row))
            if item is not None and item[0].status is ActionStatus.RESOLVED:
                continue
            if row.debtor_number is not None and row.debtor_number in debtors:
                elsewhere = sum(a.amount for a in row.allocations if a.invoice_number not in here)
                left = row.amount - held.get(payment_id, 0) - elsewhere
                if left > 0:
                    out[payment_id] = (left, row.received_on, row.debtor_number)
        return out

    def rates(self) -> RateTable | None:
        """The statutory rates in force (None: the shipped table)."""
        return self._rates()

    def changes_for(
        self,
        client: Client,
        every: list[DebtorClaims],
        events: dict[str, tuple[LedgerEvent, ...]],
        *,
        on: date,
        payments_added: tuple[str, ...] = (),
    ) -> list[ClaimWrite]:
        """The claim writes :meth:`book` would make for ``events`` on these claims (headers
        with the etags they were read with), for a caller that writes them itself."""
        return self._changes(client, every, events, on=on, payments_added=payments_added)

    # -- internals -----------------------------------------------------------------------------
    def _staff_change(
        self,
        client: Client,
        number: str,
        author: str,
        change: Callable[[list[ClaimRecord], date], tuple[LedgerEvent, ...]],
        summary: str,
    ) -> ClaimFigures:
        stored = self.repos.invoices.get(client.client_id, number)
        if stored is None:
            raise NotFound(f"invoice {number} not found")
        debtor = stored.invoice.debtor_number
        today = self.today()
        for _ in range(RETRIES):
            claims = self.debtor_claims(client, debtor)
            try:
                events = change(claims.records, today)
            except LedgerRuleError as exc:
                raise Invalid(str(exc), code=exc.code, params=exc.params) from exc
            try:
                self.ledger.write(self._changes(client, [claims], {number: events}, on=today))
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            now = self.clock.now()
            self.repos.contacts.add(
                ContactEntry(
                    client.client_id, debtor, time_ordered_id(now), now, ContactKind.NOTE,
                    summary, invoice_numbers=(number,), author=author,
                )
            )  # fmt: skip
            return self.claim(client, number, today)
        raise ConflictingUpdate(f"claim {number} keeps changing; retry")

    def _changes(
        self,
        client: Client,
        every: list[DebtorClaims],
        events: dict[str, tuple[LedgerEvent, ...]],
        *,
        on: date,
        payments_added: tuple[str, ...] = (),
        reversed_: tuple[str, ...] = (),
    ) -> list[ClaimWrite]:
        out = []
        for claims in every:
            records = {r.number: r for r in claims.records}
            after = [
                ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in claims.records
            ]
            figures = open_claims(after, on, self._rates())
            for number, new in events.items():
                if number not in records:
                    continue
                invoice = claims.invoices[number]
                current = claims.stored.get(number)
                header = (
                    current.header
                    if current
                    else ClaimHeader(client.client_id, invoice.debtor_number, number)
                )
                header = replace(
                    header,
                    next_seq=max([header.next_seq, *(e.seq + 1 for e in new)]),
                    payments=tuple(dict.fromkeys((*header.payments, *payments_added))),
                    reversed=tuple(dict.fromkeys((*header.reversed, *reversed_))),
                    summary=_summary(figures[number]),
                )
                out.append(ClaimWrite(header, new))
        return out


def _summary(f: ClaimFigures) -> dict[str, object]:
    """The figures on the day of the last change (lists read these without a replay)."""
    return {
        "on": f.on.isoformat(),
        "charged": vars(f.charged),
        "paid": vars(f.paid),
        "waived": vars(f.waived),
        "written_off": vars(f.written_off),
        "open": vars(f.open),
    }


def _booked(records: list[ClaimRecord], payment_id: str, amount: Cents, on: date) -> Booking | None:
    """The booking of ``payment_id`` as the claims hold it, or None when it is not there.

    ``moved``: the later payments its restatement moved (their lines as the claims hold them
    now), so a repeat after a crash lets them follow the ledger as the first booking did
    (failure5 finding 1); ``left`` stays empty: what no claim took of a moved payment is on
    its payment row (the claims do not know its amount), and the follow-ups read it there."""
    # a back-dated payment whose money all stands in on the claims (earlier payments keep it
    # in its place, it is an overpayment) holds no event of its own: its restatement's marks
    # say it was booked (failure11 F6: each redelivery after a crash restated it again)
    why = f"{RESTATED}payment {payment_id} received "
    held = any(
        e.payment_id == payment_id
        or (e.stands_in is not None and e.stands_in.payment_id == payment_id)
        or (e.reason or "").startswith(why)
        for r in records
        for e in r.events
    )
    if not held:
        return None
    lines = _lines(records, payment_id)
    events = (e for r in records for e in r.events)
    moved = {pid: _lines(records, pid) for pid in booking.restated_moves(events, payment_id)}
    day = max([on, *(e.on for r in records for e in r.events if e.payment_id == payment_id)])
    return Booking(payment_id, amount, day, lines, amount - sum(x.amount for x in lines),
                   moved=moved)  # fmt: skip


def _lines(records: list[ClaimRecord], payment_id: str) -> tuple[booking.AllocationLine, ...]:
    """What ``payment_id`` pays per claim and component as the claims hold it."""
    net: dict[tuple[str, Component], Cents] = {}
    for r in records:
        for e in r.events:
            if e.payment_id != payment_id:
                continue
            key = (r.number, e.component)
            if e.kind is EventKind.ALLOCATED:
                net[key] = net.get(key, 0) + e.amount
            elif e.kind is EventKind.REVERSAL and (e.reason or "").startswith(RESTATED):
                net[key] = net.get(key, 0) - e.amount  # moved by a restatement, not returned
    return tuple(booking.AllocationLine(n, c, v) for (n, c), v in net.items() if v > 0)


def _letter_for(terms: ClaimTerms, owed_from: date) -> ClaimTerms:
    """The claim's terms as a 14-day letter whose term ends on ``owed_from`` makes them; a
    claim a moved due date took out of an earlier letter stays in that notice (law12c #4)."""
    notice = terms.notice_from
    return replace(terms, costs_owed_from=owed_from,
                   notice_from=notice if notice is not None and notice < owed_from else None)  # fmt: skip


def held_by(record: ClaimRecord, payment_id: str) -> Cents:
    """What ``payment_id`` holds on the claim (allocated less reversed)."""
    sign = {EventKind.ALLOCATED: 1, EventKind.REVERSAL: -1}
    return sum(sign.get(e.kind, 0) * e.amount for e in record.events if e.payment_id == payment_id)
