"""Hand-over to a collection agency: a case with the whole dossier as it stood (invoices,
messages and letters sent with their dates, the contact log, the amounts by law), and its
withdrawal ("teruggetrokken") by the agency or by the client. Both sides are told: each by
e-mail (through the outbox, so it is sent exactly once), the other side also on its action list."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from shared.adapters.tables.cases_repo import Case
from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.ledger.terms import default_from
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.domain.money import Cents, format_cents, format_eur_nl
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.records import (
    ActionItem,
    ActionStatus,
    ContactEntry,
    ContactKind,
    Payment,
    Receiver,
)
from shared.domain.scopes import agency_scope
from shared.ports.tables import Conflict, PreconditionFailed, TransactionFailed
from shared.services.case_items import (
    FOLLOW_DAYS,
    PAID,
    _paid_in_full,
    close_case_item,
    new_case_item_id,
    withdrawn_note,
)
from shared.services.case_money import may_tell, not_written, own_receipts
from shared.services.case_names import case_id_of, case_name
from shared.services.ended_items import close_handed_over_tasks
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.messaging import MessagingService
from shared.services.repositories import Repositories

# an invoice's status that takes it out of its case, as the follow-up names it
_FOLLOWED = {InvoiceStatus.CREDITED: "credited", InvoiceStatus.WITHDRAWN: "withdrawn"}
# the invoice's step, for the agency's Dutch e-mail
_WHY_NL = {"credited": "gecrediteerd", "withdrawn": "ingetrokken"}
_WHY_EN = {"credited": "credited", "withdrawn": "withdrew"}


if TYPE_CHECKING:
    from shared.services.ledger.service import LedgerService


class CaseService:
    def __init__(self, repos: Repositories, messaging: MessagingService, clock: Clock) -> None:
        self.repos = repos
        self.messaging = messaging
        self.clock = clock
        # ends the agency's plans on a withdrawn case (set by the container; agencyplan26)
        self.plans_withdrawn: Callable[[Client, Case], object] | None = None
        # the claims' ledger (set by the dunning service): a business claim withdrawn keeps
        # the hand-over as its sommatie (:meth:`_hand_over_kept`)
        self.ledger: LedgerService | None = None

    def hand_over(
        self,
        client: Client,
        debtor: Debtor,
        invoices: list[Invoice],
        today: date,
        *,
        costs: Cents,
        interest: Cents,
        costs_owed_from: Mapping[str, date | None] | None = None,
    ) -> Case:
        numbers = tuple(sorted(i.number for i in invoices))
        case_id = case_id_of(client.client_id, debtor.number, numbers)
        now = self.clock.now()
        case = Case(client.agency_id, case_id, client.client_id, debtor.number, numbers, now,
                    self._dossier(client, debtor, invoices, costs, interest,
                                  costs_owed_from))  # fmt: skip
        if not self.repos.cases.add(case):
            found = self.repos.cases.get(client.agency_id, case_id)
            assert found is not None
            case = found[0]  # handed over already: make sure what follows happened too
        # what follows is keyed by the case (its id and time), so a retry repeats nothing
        at = case.created_at
        mark = new_case_item_id(case)
        principal = sum(i.open_amount for i in invoices)
        self.repos.actions.add_once(ActionItem(agency_scope(client.agency_id), mark, "new_case",
                                               f"New case from {client.name}: debtor {debtor.number}, {format_eur_nl(principal)}", at,
                                               debtor_number=debtor.number, invoice_numbers=case.invoice_numbers,
                                               detail={"case_id": case_id, "client_id": client.client_id}))  # fmt: skip
        try:
            self.repos.contacts.add(ContactEntry(client.client_id, debtor.number, mark, at, ContactKind.STATUS,
                                                 f"Handed over to the collection agency (case {case_id})",
                                                 invoice_numbers=case.invoice_numbers))  # fmt: skip
        except Conflict:
            pass
        self._tell_client(client, f"case-{case_id}", f"Dossier {debtor.number} overgedragen aan incasso",
                          _handed_over_text(debtor, len(invoices), principal, self._agency_name(client), case_name(client.client_id, debtor.number)))  # fmt: skip
        # before the run marks the invoices handed over: a run cut off after this repeats the
        # hand-over and finds the tasks closed; cut off before it, the repeat closes them
        close_handed_over_tasks(self.repos, client.client_id, debtor.number, case.invoice_numbers,
                                self._agency_name(client) or client.agency_id, case_id, now)  # fmt: skip
        return case

    def withdraw(
        self,
        agency_id: str,
        case_id: str,
        reason: str,
        author: str,
        *,
        client_id: str | None = None,
    ) -> Case:
        """The case goes back to the client ("teruggetrokken"): by the agency, or, when
        ``client_id`` is given, by that client (another client's case is not found). Its
        invoices return to the client's own dunning; both sides get a confirmation e-mail
        through the outbox, and the other side an action item."""
        found = self.repos.cases.get(agency_id, case_id)
        if found is None or (client_id is not None and found[0].client_id != client_id):
            raise NotFound(f"case {case_id} not found")
        case, etag = found
        if case.status == "withdrawn":
            raise Invalid(
                f"case {case_id} was withdrawn already",
                field="status",
                code="case_withdrawn_already",
            )
        assert etag is not None
        by = "client" if client_id is not None else "agency"
        try:
            case = self.repos.cases.withdraw(
                replace(case, dossier={**case.dossier, "withdrawn_by": by}),
                etag, self.clock.now(), reason,
            )  # fmt: skip
        except PreconditionFailed as exc:
            raise ConflictingUpdate(f"case {case_id} changed meanwhile") from exc
        self._withdrawn_told(case, author)
        return case

    def _withdrawn_told(self, case: Case, author: str | None) -> None:
        """Both sides told of a withdrawn case, then its invoices back with the client. Keyed
        by the case and its withdrawal's time (items, log line, e-mails), so a repeat after a
        crash tells nobody twice; the invoices' release comes last: an invoice of a withdrawn
        case still marked handed over means the telling may be unfinished (failure9 #3)."""
        client_found = self.repos.clients.get(case.client_id)
        if client_found is None:
            return
        client = client_found[0]
        agency_id, case_id, reason = case.agency_id, case.case_id, case.withdrawn_reason or ""
        at = case.withdrawn_at or case.created_at
        by_client = case.dossier.get("withdrawn_by", "client") == "client"
        who = client.name if by_client else "the agency"
        mark = _mark(at, case_id, "withdrawn")
        self._log(
            client,
            case.debtor_number,
            f"Case {case_id} withdrawn by {'the client' if by_client else 'the agency'}: {reason}",
            case.invoice_numbers,
            author,
            entry_id=mark,
            at=at,
        )
        if by_client:  # the agency must stop working the case: on its own list
            self._item(ActionItem(agency_scope(agency_id), mark, "case_withdrawn",
                                  f"{client.name} withdrew case {case_id} (debtor {case.debtor_number}): {reason}", at,
                                  debtor_number=case.debtor_number, invoice_numbers=case.invoice_numbers, detail={"case_id": case_id}))  # fmt: skip
        else:
            self._item(ActionItem(client.client_id, mark, "case_withdrawn",
                                  f"The agency withdrew case {case_id} (debtor {case.debtor_number}): {reason}", at,
                                  debtor_number=case.debtor_number, invoice_numbers=case.invoice_numbers, detail={"case_id": case_id}))  # fmt: skip
            self._item(ActionItem(agency_scope(agency_id), _mark(at, case_id, "confirmation"), "case_withdrawn_confirmation",
                                  f"Case {case_id} withdrawn; {client.name} was told", at, detail={"case_id": case_id}))  # fmt: skip
        # nothing left for the agency to take up (agency21 N3)
        close_case_item(self.repos, case, withdrawn_note(who, author), at)
        subject = f"Zaak {case_name(case.client_id, case.debtor_number)} teruggetrokken"
        who_nl = client.name if by_client else "het incassobureau"
        text = (f"De zaak van debiteur {case.debtor_number} (facturen {', '.join(case.invoice_numbers)}) is "
                f"teruggetrokken door {who_nl}: {reason}")  # fmt: skip
        self._tell_client(client, f"case-{case_id}-withdrawn", subject, text)
        self._tell_agency(agency_id, client, f"case-{case_id}-withdrawn-agency", subject, text)
        # the agency's plan on it ends before its invoices go back (a repeat ends none twice)
        if self.plans_withdrawn is not None:
            self.plans_withdrawn(client, case)
        self._hand_over_kept(client, case)  # before the release: a retry still finds it
        for number in case.invoice_numbers:
            if (
                self._open_case_holding(agency_id, client.client_id, case.debtor_number, number)
                is None
            ):
                self._release(client.client_id, number)

    def _hand_over_kept(self, client: Client, case: Case) -> None:
        """A business's claim handed over by the run owes the collection costs from the
        hand-over (newfix26: no reminder is needed, 6:96 lid 4 BW; the costs were made in
        engaging collection while he was in default). Withdrawn, the case's invoices lose
        ``handed_over_to`` and with it that day: the costs fell away, and a client collecting
        again claimed none of them (newfix26 F6). They are damage already suffered, not undone
        by the client taking collection back: the hand-over day is kept as the claim's
        sommatie day (the ledger's letter day, which a business owes the costs from), unless
        the claim has a letter day already. A consumer's costs rest on his 14-day letter and
        are untouched; a case handed over by hand (no step day) owed none from it."""
        if self.ledger is None:
            return
        found = self.repos.debtors.get(client.client_id, case.debtor_number)
        if found is None or found[0].kind is DebtorKind.B2C or client.client_bears_costs:
            return
        stored = self.repos.invoices.get_many(client.client_id, list(case.invoice_numbers))
        for number in sorted(stored):
            invoice = stored[number].invoice
            if invoice.handed_over_to != case.agency_id or invoice.dunning_step_on is None:
                continue
            header = self.ledger.ledger.header(client.client_id, case.debtor_number, number)
            if header is not None and header.fourteen_day_letter_on is not None:
                continue
            interest_from = header.interest_from if header is not None else None
            day = max(default_from(invoice.due_date, interest_from), invoice.dunning_step_on)
            self.ledger.set_imported_dates(client.client_id, case.debtor_number, number, day,
                                           interest_from)  # fmt: skip

    def _item(self, item: ActionItem) -> None:
        # once: added by an earlier attempt
        self.repos.actions.add_once(item)

    def invoice_left(self, client: Client, invoice: Invoice, why: str, author: str) -> Case | None:
        """The client credited or withdrew an invoice of an open case (review console8 #4:
        the agency kept collecting it): the agency must stop. The invoice leaves the case
        (back with the client, where it is closed); a case with nothing left to collect is
        withdrawn as when the client withdraws it. Either way the agency is told on its
        action list and by e-mail, and the contact log says so. None: no case held it.
        Idempotent, and a repeat finishes what a crash cut off (failure9 #3): the invoice
        stays marked handed over until the agency is told, so a retry of the same credit or
        withdrawal, or the daily run (:meth:`follow_closed`), finds the case it left."""
        agency_id = invoice.handed_over_to
        if agency_id is None:
            return None
        if (
            invoice.status not in _FOLLOWED
        ):  # a credit note for part of it: the case collects the rest
            self._tell_lowered(client, agency_id, invoice, why, author)
            # a paid invoice lowered stays paid (cases26): its case may be paid, not withdrawn
            if invoice.status is InvoiceStatus.PAID:
                found = self._open_case_of(agency_id, client.client_id, invoice)
                if found is not None:
                    self._closed_if_paid(client, found[0])
            return None
        for _ in range(5):
            found = self._open_case_of(agency_id, client.client_id, invoice)
            if found is None:
                return self._finish_left(client, agency_id, invoice, author)
            case, etag = found
            rest = [n for n in case.invoice_numbers if n != invoice.number]
            stored = self.repos.invoices.get_many(client.client_id, rest)
            # withdrawn only when nothing is left that the debtor owes or paid: a case whose
            # rest is paid is a paid case (its new_case item, its settlement), not one the
            # client took back (cases26: "Client C1 withdrew case" though the debtor paid)
            if not any(n in stored and stored[n].invoice.status not in _FOLLOWED for n in rest):
                reason = f"invoice {invoice.number} {why} by the client; nothing left to collect"
                try:
                    return self.withdraw(
                        agency_id, case.case_id, reason, author, client_id=client.client_id
                    )
                except (Invalid, ConflictingUpdate) as exc:
                    if isinstance(exc, Invalid) and exc.code != "case_withdrawn_already":
                        raise
                    # withdrawn meanwhile (the daily run's follow_closed, another request):
                    # the goal is reached; read again and finish what that one told
                    continue
            shot = {i.get("number"): i for i in case.dossier.get("invoices", [])}
            gone = str(shot.get(invoice.number, {}).get("open", format_cents(invoice.open_amount)))
            now = self.clock.now()
            left = [*case.dossier.get("left", []),
                    {"number": invoice.number, "why": why, "at": now.isoformat(), "open": gone}]  # fmt: skip
            try:
                case = self.repos.cases.save(
                    replace(case, invoice_numbers=tuple(rest), dossier={**case.dossier, "left": left}),
                    etag,
                )  # fmt: skip
            except PreconditionFailed:
                continue
            break
        else:
            raise ConflictingUpdate(f"the case of invoice {invoice.number} keeps changing; retry")
        self._left_told(client, case, invoice.number, author)
        return case

    def _finish_left(
        self, client: Client, agency_id: str, invoice: Invoice, author: str
    ) -> Case | None:
        """No open case holds the invoice any more: the case it left (or that was withdrawn
        because of it) tells the agency what a crash may have left untold, then the invoice
        is released."""
        cases = [
            c
            for c in self.repos.cases.of_client(agency_id, client.client_id)
            if c.debtor_number == invoice.debtor_number
        ]
        for case in cases:
            if any(e.get("number") == invoice.number for e in case.dossier.get("left", [])):
                self._left_told(client, case, invoice.number, author)
                return case
        withdrawn = [
            c for c in cases if c.status == "withdrawn" and invoice.number in c.invoice_numbers
        ]
        if withdrawn:  # the last one: an earlier case of the same invoice was told long ago
            case = max(withdrawn, key=lambda c: c.withdrawn_at or c.created_at)
            self._withdrawn_told(case, author)
            return case
        self._release(client.client_id, invoice.number)
        return None

    def _left_told(self, client: Client, case: Case, number: str, author: str) -> None:
        """The agency told that ``number`` left ``case`` (the case's "left" entry says why,
        when and for how much), keyed by that entry; then the invoice is released."""
        entry = next(e for e in reversed(case.dossier.get("left", [])) if e.get("number") == number)
        why, gone = str(entry.get("why", "")), str(entry.get("open", ""))
        at = datetime.fromisoformat(str(entry["at"]))
        agency_id = case.agency_id
        text = (f"{client.name} {_WHY_EN.get(why, why)} invoice {number} (EUR {gone} when handed over) of case "
                f"{case.case_id} (debtor {case.debtor_number}): stop collecting it. Still in the "
                f"case: {', '.join(case.invoice_numbers)}.")  # fmt: skip
        mark = f"{case.case_id}-left-{hashlib.sha256(number.encode()).hexdigest()[:10]}"
        self._item(ActionItem(agency_scope(agency_id), mark, "case_invoice_left", text, at,
                              debtor_number=case.debtor_number, invoice_numbers=(number,),
                              detail={"case_id": case.case_id, "client_id": client.client_id}))  # fmt: skip
        self._log(client, case.debtor_number,
                  f"Invoice {number} left case {case.case_id} ({why}); the agency was told",
                  (number,), author, entry_id=_mark(at, case.case_id, "left", number), at=at)  # fmt: skip
        self._tell_agency(agency_id, client, f"case-{case.case_id}-left-{number}",
                          f"Factuur {number} uit zaak {case_name(case.client_id, case.debtor_number)}",
                          f"Factuur {number} van debiteur {case.debtor_number} is door {client.name} "
                          f"{_WHY_NL.get(why, why)} en valt niet meer onder de zaak: niet meer innen. "
                          f"Nog in de zaak: {', '.join(case.invoice_numbers)}.")  # fmt: skip
        self._release(client.client_id, number)
        self._closed_if_paid(client, case)

    def _closed_if_paid(self, client: Client, case: Case) -> None:
        """The case's new_case item resolved as paid when every invoice still in it is paid
        (a credit note lowered or took out what was not); once: ``resolve_if_open``."""
        if case.status != "open" or not case.invoice_numbers:
            return
        stored = self.repos.invoices.get_many(client.client_id, list(case.invoice_numbers))
        if _paid_in_full(case, {n: s.invoice for n, s in stored.items()}):
            close_case_item(self.repos, case, PAID, self.clock.now())

    def follow_closed(self, client: Client, today: date) -> int:
        """The daily run's repair (failure9 #3): an invoice credited or withdrawn that still
        sits in an open case, or is still marked handed over to a case it left or that was
        withdrawn (a crash between the case's save and the agency's e-mail), is taken out and
        the agency told, once (all it writes is keyed). Cases withdrawn more than
        ``FOLLOW_DAYS`` ago are not read again. Returns how many invoices it followed."""
        agency_id = client.agency_id
        cases = self.repos.cases.of_client(agency_id, client.client_id)
        held = {
            (c.debtor_number, n) for c in cases if c.status == "open" for n in c.invoice_numbers
        }
        since = today - timedelta(days=FOLLOW_DAYS)
        followed = 0
        for case in cases:
            if case.status != "open" and (
                case.withdrawn_at is None or case.withdrawn_at.date() < since
            ):
                continue
            left = [str(e.get("number")) for e in case.dossier.get("left", [])]
            stored = self.repos.invoices.get_many(
                client.client_id, list(dict.fromkeys([*case.invoice_numbers, *left]))
            )
            ours = {
                n: f.invoice for n, f in stored.items() if f.invoice.handed_over_to == agency_id
            }
            for number in case.invoice_numbers if case.status == "open" else ():
                why = _FOLLOWED.get(ours[number].status) if number in ours else None
                if why is not None:
                    self.invoice_left(client, ours[number], why, "")
                    followed += 1
            untold = [n for n in ours if n in left and (case.debtor_number, n) not in held]
            for number in untold:
                self._left_told(client, case, number, "")
                followed += 1
            if case.status == "withdrawn" and any(
                n in ours and (case.debtor_number, n) not in held for n in case.invoice_numbers
            ):
                self._withdrawn_told(case, "")
                followed += 1
        return followed

    def _tell_lowered(
        self, client: Client, agency_id: str, invoice: Invoice, why: str, author: str
    ) -> None:
        """A credit note lowered an invoice of an open case: it stays in the case, the agency
        collects only what is open now (told once per note: the item's id, the contact
        entry's and the mail's keys; a retry finishes what a cut-off attempt left)."""
        found = self._open_case_of(agency_id, client.client_id, invoice)
        if found is None:
            return
        case = found[0]
        now = self.clock.now()
        key = hashlib.sha256(f"{invoice.number}|{why}".encode()).hexdigest()[:10]
        text = (f"{client.name} booked {why} on invoice {invoice.number} of case {case.case_id} "
                f"(debtor {case.debtor_number}): its principal open is now "
                f"EUR {format_cents(invoice.open_amount)}; collect no more than that.")  # fmt: skip
        item_id = f"{case.case_id}-lowered-{key}"
        if not self.repos.actions.add_once(ActionItem(agency_scope(agency_id), item_id, "case_invoice_lowered",
                                                      text, now, debtor_number=case.debtor_number, invoice_numbers=(invoice.number,),
                                                      detail={"case_id": case.case_id, "client_id": client.client_id})):  # fmt: skip
            # added by an earlier attempt, which may have been cut off before the contact
            # entry and the mail (failure15 F7): both are keyed, so they are finished here,
            # the entry dated as the item (the same key on every attempt)
            added = self.repos.actions.get(agency_scope(agency_id), item_id)
            now = added[0].created_at if added is not None else now
        self._log(client, case.debtor_number,
                  f"Invoice {invoice.number} of case {case.case_id} lowered ({why}); the agency was told",
                  (invoice.number,), author, entry_id=_mark(now, case.case_id, "lowered", key), at=now)  # fmt: skip
        self._tell_agency(agency_id, client, f"case-{case.case_id}-lowered-{key}",
                          f"Factuur {invoice.number} in zaak {case_name(case.client_id, case.debtor_number)} verlaagd",
                          f"{client.name} heeft op factuur {invoice.number} van debiteur {case.debtor_number} "
                          f"een creditnota geboekt ({why}): open hoofdsom nu {format_eur_nl(invoice.open_amount)}. "
                          "Int niet meer dan dat.")  # fmt: skip

    def money_told(
        self, client: Client, written: Sequence[Invoice], payments: Sequence[Payment]
    ) -> None:
        """A booking wrote these invoices with these payments (the payment service's
        ``written_listener``): each payment the client received itself (a line of its own
        account, its own Mollie, a plan's direct debit, a receipt its books report) on an
        invoice of an open case is told to the agency (:meth:`receipt_told`). The agency's own
        account's money it books itself and is not told. Nothing is read unless such a
        payment took money on an invoice the booking did not write (costs or interest only)."""
        own = own_receipts(payments)
        handed = {i.number: i for i in written if i.handed_over_to is not None}
        missing = not_written(written, own)
        if missing:
            stored = self.repos.invoices.get_many(client.client_id, missing).values()
            handed |= {s.invoice.number: s.invoice for s in stored if s.invoice.handed_over_to}
        for payment in own:
            for number in sorted({a.invoice_number for a in payment.allocations} & handed.keys()):
                self.receipt_told(client, handed[number], payment)

    # whether a booking may have money to tell (no read; shared.services.case_money)
    may_tell = staticmethod(may_tell)

    def receipt_told(self, client: Client, invoice: Invoice, payment: Payment) -> None:
        """Money the debtor paid the client itself on an invoice of an open case, as booked
        (``invoice`` as the booking left it; cm24 F1): the payment discharges him (6:32 BW)
        and was booked by 6:44, so the agency, which collects outside Inning, must not ask it
        again. Told once per payment and invoice (the item's id, the contact entry's and the
        mail's keys): a retried booking tells nothing twice."""
        agency_id, number = invoice.handed_over_to, invoice.number
        if agency_id is None or payment.reversed:
            return
        found = self._open_case_of(agency_id, client.client_id, invoice)
        if found is None:
            return
        case = found[0]
        parts = _parts(payment, number)
        day, costs = payment.received_on, parts["costs"] + parts["costs_vat"]
        text = (f"{client.name} received EUR {format_cents(payment.amount)} from the debtor itself "
                f"on invoice {number} of case {case.case_id} (debtor {case.debtor_number}) on "
                f"{day.isoformat()}: booked to costs EUR {format_cents(costs)}, interest EUR "
                f"{format_cents(parts['interest'])}, principal EUR {format_cents(parts['principal'])}; "
                f"its principal open is now EUR {format_cents(invoice.open_amount)}; do not "
                "collect this money again.")  # fmt: skip
        self._tell_case_news(
            client, case, invoice, "case_invoice_lowered", f"received-{_key(number, payment)}", text,
            f"Rechtstreeks betaald op factuur {number} in zaak {case_name(case.client_id, case.debtor_number)}",
            f"De debiteur {case.debtor_number} heeft {client.name} rechtstreeks "
            f"{format_eur_nl(payment.amount)} betaald op factuur {number} (ontvangen op "
            f"{day:%d-%m-%Y}), geboekt op kosten {format_eur_nl(costs)}, rente "
            f"{format_eur_nl(parts['interest'])} en hoofdsom {format_eur_nl(parts['principal'])} "
            f"(art. 6:44 BW): open hoofdsom nu {format_eur_nl(invoice.open_amount)}. "
            "Vorder dit geld niet nog eens.",
            f"Invoice {number} of case {case.case_id}: EUR {format_cents(payment.amount)} paid "
            "to the client directly; the agency was told",
        )  # fmt: skip

    def receipt_taken_back_told(self, client: Client, payment: Payment) -> None:
        """Money the client received itself came back or was taken off its books (a bank's
        return, a chargeback, a receipt re-dated or no longer counted): on an invoice of an
        open case the agency must collect it again, having been told (or shown in the
        dossier) that it was paid. Told once per payment and invoice; a re-dated receipt is
        then told again as received on its new day, so the agency's sum stays right.
        Whoever received it, a case it had paid in full is reopened (:meth:`_paid_case_reopened`)."""
        from shared.services.case_disputed_take_back import disputed_receipt_taken_back_told

        self._paid_case_reopened(client, payment)
        for case, invoice in self.cases_of_receipt(client, payment):
            number, day = invoice.number, payment.received_on
            back = sum(_parts(payment, number).values())
            if invoice.status is InvoiceStatus.DISPUTED:  # not "collect it again" (law28)
                disputed_receipt_taken_back_told(self, client, case, invoice, payment)
                continue
            self._tell_case_news(
                client, case, invoice, "case_invoice_lowered",
                f"taken-back-{_key(number, payment)}",
                f"The earlier payment of EUR {format_cents(back)} that {client.name} received "
                f"on invoice {number} of case {case.case_id} (debtor {case.debtor_number}) on "
                f"{day.isoformat()} was taken back: collect it again; its principal open is now "
                f"EUR {format_cents(invoice.open_amount)}.",
                f"Betaling op factuur {number} in zaak {case_name(case.client_id, case.debtor_number)} teruggedraaid",
                f"De eerdere betaling van {format_eur_nl(back)} die {client.name} op factuur "
                f"{number} van debiteur {case.debtor_number} ontving (op {day:%d-%m-%Y}) is "
                "teruggedraaid: vorder dit bedrag weer. Open hoofdsom nu "
                f"{format_eur_nl(invoice.open_amount)}.",
                f"Invoice {number} of case {case.case_id}: EUR {format_cents(back)} received by "
                "the client taken back; the agency was told",
            )  # fmt: skip

    def _paid_case_reopened(self, client: Client, payment: Payment) -> None:
        """A payment came back (the payment service's ``taken_back_listener``) on invoices of
        a case closed as paid (cases26: money26 F7, its new_case item stayed resolved and
        nobody collected): the item is opened again and the agency told, once per payment and
        invoice (money the client received itself is told by :meth:`receipt_taken_back_told`).
        A redelivered return finds the item open, or the case paid again meanwhile: nothing."""
        numbers = sorted({a.invoice_number for a in payment.allocations})
        stored = self.repos.invoices.get_many(client.client_id, numbers)
        cases: dict[str, tuple[Case, list[Invoice]]] = {}
        for invoice in sorted((s.invoice for s in stored.values()), key=lambda i: i.number):
            if invoice.handed_over_to is None or invoice.status is InvoiceStatus.PAID:
                continue
            found = self._open_case_of(invoice.handed_over_to, client.client_id, invoice)
            if found is not None:
                cases.setdefault(found[0].case_id, (found[0], []))[1].append(invoice)
        for case, invoices in cases.values():
            scope, item_id = agency_scope(case.agency_id), new_case_item_id(case)
            item = self.repos.actions.get(scope, item_id)
            if item is None or item[0].status is not ActionStatus.RESOLVED or item[0].resolution != PAID:  # fmt: skip
                continue
            # each invoice told before the item waits again: a retry after a cut-off finds
            # the item still resolved as paid and finishes the telling (keyed, once)
            for invoice in invoices if payment.received_by is not Receiver.CLIENT else ():
                number = invoice.number
                back = sum(_parts(payment, number).values())
                if invoice.status is InvoiceStatus.DISPUTED:  # revived: not "collect" (law28)
                    from shared.services.case_disputed_take_back import (
                        paid_case_reopened_disputed_told,
                    )

                    paid_case_reopened_disputed_told(self, client, case, invoice, payment)
                    continue
                self._tell_case_news(
                    client, case, invoice, "case_invoice_lowered", f"reopened-{_key(number, payment)}",
                    f"Case {case.case_id} (debtor {case.debtor_number}) is open again: the payment "
                    f"of EUR {format_cents(back)} on invoice {number} received on "
                    f"{payment.received_on.isoformat()} came back; its principal open is now EUR "
                    f"{format_cents(invoice.open_amount)}: collect it again.",
                    f"Zaak {case_name(case.client_id, case.debtor_number)} weer open",
                    f"De betaling van {format_eur_nl(back)} op factuur {number} van debiteur "
                    f"{case.debtor_number} (ontvangen op {payment.received_on:%d-%m-%Y}) is "
                    "teruggeboekt: de zaak is niet meer betaald. Open hoofdsom nu "
                    f"{format_eur_nl(invoice.open_amount)}: vorder dit bedrag weer.",
                    f"Case {case.case_id} open again: EUR {format_cents(back)} on invoice {number} "
                    "came back; the agency was told",
                )  # fmt: skip
            self._reopen_item(scope, item_id)

    def _reopen_item(self, scope: str, item_id: str) -> None:
        """The case's new_case item waiting again, unless a person or a closing changed it
        meanwhile into something other than "case paid" (read again on a lost ETag)."""
        for _ in range(5):
            found = self.repos.actions.get(scope, item_id)
            if found is None:
                return
            item, etag = found
            if etag is None or item.status is not ActionStatus.RESOLVED or item.resolution != PAID:
                return
            try:
                self.repos.actions.save(
                    replace(item, status=ActionStatus.OPEN, resolved_at=None, resolution=None), etag
                )
                return
            except PreconditionFailed:
                continue

    def dispute_told(
        self,
        client: Client,
        number: str,
        reason: str | None,
        *,
        retry: bool = False,
        again: str = "",
    ) -> None:
        """A dispute on an invoice of an open case raised (``reason``) or ended (None), by
        the client or by the debtor in the portal (cm24 F2): the agency collects it outside
        Inning, so it must stop while the dispute is looked into and may go on after. Told
        once per dispute and once per end, whatever day a retry comes: keyed by the case's
        dispute news so far, not by the day (a request cut off before midnight and sent again
        after it told the agency twice: disputes27). A raise is the one after the ends told
        (with its reason); an end is the end of the disputes told, and told only while one
        is not told ended. An end's ``retry`` (the invoice found not disputed: a first attempt
        cut off, or never disputed) is told only to an agency that was told of a dispute."""
        stored = self.repos.invoices.get(client.client_id, number)
        agency_id = stored.invoice.handed_over_to if stored is not None else None
        if stored is None or agency_id is None:
            return
        invoice = stored.invoice
        found = self._open_case_of(agency_id, client.client_id, invoice)
        if found is None:
            return
        case, name = found[0], case_name(found[0].client_id, found[0].debtor_number)
        disputes, ends = self._dispute_news(case, number)
        if reason is not None:
            key = self.dispute_key(number, reason, ends, again)
            self._tell_case_news(
                client, case, invoice, "case_invoice_disputed", f"disputed-{key}",
                f"Invoice {number} of case {case.case_id} (debtor {case.debtor_number}) is "
                f"disputed: {reason}. Stop collecting it until {client.name} ends the dispute.",
                f"Factuur {number} in zaak {name} betwist",
                f"Factuur {number} van debiteur {case.debtor_number} wordt betwist: {reason}. "
                f"Int haar niet verder tot {client.name} de betwisting beëindigt.",
                f"Invoice {number} of case {case.case_id} disputed; the agency was told",
            )  # fmt: skip
            return
        if retry and not disputes:
            return
        key = _digest(f"{number}|dispute-ended|{disputes}")
        if ends >= max(disputes, 1) and not self._has_news(case, f"dispute-ended-{key}"):
            return  # every dispute told is told ended (under a key of before disputes27 too)
        self._tell_case_news(
            client, case, invoice, "case_invoice_dispute_ended", f"dispute-ended-{key}",
            f"{client.name} ended the dispute on invoice {number} of case {case.case_id} "
            f"(debtor {case.debtor_number}): it may be collected again.",
            f"Betwisting factuur {number} in zaak {name} beëindigd",
            f"{client.name} heeft de betwisting van factuur {number} van debiteur "
            f"{case.debtor_number} beëindigd: u mag haar weer innen.",
            f"Dispute on invoice {number} of case {case.case_id} ended; the agency was told",
        )  # fmt: skip

    @staticmethod
    def dispute_key(number: str, reason: str, ends: int, again: str = "") -> str:
        """The key of a dispute's news: the raise after ``ends`` ends told, in its words.
        ``again``: a dispute revived by a take-back, after no end (the payment ended it, told
        as money received): its own news, once (takeback27); the client's receipt taken back
        tells it first under this key, in words that say both (law28)."""
        return _digest(f"{number}|dispute|{ends}|{reason}" + (f"|{again}" if again else ""))

    def _dispute_news(self, case: Case, number: str) -> tuple[int, int]:
        """How many disputes on invoice ``number`` of ``case`` the agency was told of, and how
        many ends: the ids of both start with the case's and "-dispute" (:meth:`dispute_told`),
        so one range of the agency's partition is read (the case's dispute news), not all its
        items of the kinds page by page (cases26)."""
        from shared.adapters.tables import schema
        from shared.adapters.tables.keys import encode
        from shared.adapters.tables.records_repo import ActionRepository
        from shared.ports.tables import prefix_range

        span = prefix_range(f"{case.case_id}-dispute")
        continuation: str | None = None
        disputes = ends = 0
        while True:
            page = self.repos.store.query(
                schema.ACTIONS, pk=encode(agency_scope(case.agency_id)), rk_range=span,
                continuation=continuation,
            )  # fmt: skip
            for item in (ActionRepository.from_row(r) for r in page.rows):
                if number in item.invoice_numbers:
                    disputes += item.kind == "case_invoice_disputed"
                    ends += item.kind == "case_invoice_dispute_ended"
            continuation = page.continuation
            if not continuation:
                return disputes, ends

    def _has_news(self, case: Case, what: str) -> bool:
        """Whether the agency's item ``what`` of ``case`` is written: a retry cut off after it
        finishes the contact entry and the mail."""
        return (
            self.repos.actions.get(agency_scope(case.agency_id), f"{case.case_id}-{what}")
            is not None
        )

    def _tell_case_news(
        self,
        client: Client,
        case: Case,
        invoice: Invoice,
        kind: str,
        what: str,
        text: str,
        subject_nl: str,
        text_nl: str,
        logged: str,
    ) -> None:
        """The agency's item of ``kind``, the client's contact entry and the agency's
        mail about an invoice of ``case``, each keyed by ``what``: a retry finishes what a
        cut-off attempt left, dated as the item."""
        now = self.clock.now()
        item_id = f"{case.case_id}-{what}"
        if not self.repos.actions.add_once(ActionItem(agency_scope(case.agency_id), item_id, kind, text, now,
                                                      debtor_number=case.debtor_number, invoice_numbers=(invoice.number,),
                                                      detail={"case_id": case.case_id, "client_id": client.client_id})):  # fmt: skip
            added = self.repos.actions.get(agency_scope(case.agency_id), item_id)
            now = added[0].created_at if added is not None else now
        self._log(client, case.debtor_number, logged, (invoice.number,), None,
                  entry_id=_mark(now, case.case_id, what), at=now)  # fmt: skip
        self._tell_agency(
            case.agency_id, client, f"case-{case.case_id}-{what}", subject_nl, text_nl
        )

    def cases_of_receipt(self, client: Client, payment: Payment) -> list[tuple[Case, Invoice]]:
        """The open cases whose invoices money the client received itself was allocated to,
        each with its invoice; none for money the agency or Inning received."""
        if payment.received_by is not Receiver.CLIENT:
            return []
        numbers = sorted({a.invoice_number for a in payment.allocations})
        found: list[tuple[Case, Invoice]] = []
        for stored in self.repos.invoices.get_many(client.client_id, numbers).values():
            invoice = stored.invoice
            if invoice.handed_over_to is None:
                continue
            case = self._open_case_of(invoice.handed_over_to, client.client_id, invoice)
            if case is not None:
                found.append((case[0], invoice))
        return found

    def _open_case_of(
        self, agency_id: str, client_id: str, invoice: Invoice
    ) -> tuple[Case, str] | None:
        return self._open_case_holding(agency_id, client_id, invoice.debtor_number, invoice.number)

    def _open_case_holding(
        self, agency_id: str, client_id: str, debtor_number: str, number: str
    ) -> tuple[Case, str] | None:
        for case in self.repos.cases.list(agency_id):
            if (case.client_id == client_id and case.status == "open"
                    and case.debtor_number == debtor_number
                    and number in case.invoice_numbers):  # fmt: skip
                found = self.repos.cases.get(agency_id, case.case_id)
                if found is not None and found[1] is not None:
                    return found[0], found[1]
        return None

    def _release(self, client_id: str, number: str) -> None:
        for _ in range(5):
            stored = self.repos.invoices.get(client_id, number)
            if stored is None or stored.invoice.handed_over_to is None:
                return
            try:
                self.repos.invoices.save(replace(stored.invoice, handed_over_to=None), stored)
                return
            except TransactionFailed:
                continue

    def _dossier(
        self, client: Client, debtor: Debtor, invoices: list[Invoice], costs: Cents, interest: Cents,
        costs_owed_from: Mapping[str, date | None] | None = None,
    ) -> dict[str, object]:  # fmt: skip
        """``costs_owed_from``: each claim's costs day as the ledger has it (the invoice's own
        term may be one a held or overtaken letter set); none given: the invoice's."""
        owed = {i.number: (costs_owed_from.get(i.number) if costs_owed_from is not None
                           else i.costs_owed_from) for i in invoices}  # fmt: skip
        messages = self._debtor_messages(client.client_id, debtor.number)
        contacts, _ = self.repos.contacts.for_debtor(client.client_id, debtor.number, page_size=500)
        return {
            "client": {"number": client.number, "name": client.name},
            "debtor": {"number": debtor.number, "name": debtor.name, "kind": debtor.kind.value, "emails": list(debtor.emails),
                       "mobile": debtor.mobile, "kvk_number": debtor.kvk_number,
                       "address": None if debtor.address is None else [debtor.address.street, debtor.address.postal_code, debtor.address.city]},
            "invoices": [{"number": i.number, "invoice_date": i.invoice_date.isoformat(), "due_date": i.due_date.isoformat(),
                          "amount": format_cents(i.amount), "paid": format_cents(i.paid), "open": format_cents(i.open_amount),
                          "payment_reference": i.payment_reference,
                          "costs_owed_from": _iso(owed[i.number])} for i in invoices],
            "amounts": {"principal": format_cents(sum(i.open_amount for i in invoices)), "costs": format_cents(costs), "interest": format_cents(interest)},
            "messages": [{"channel": m.channel.value, "created_at": m.created_at.isoformat(), "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                          "status": m.status.value, "invoices": list(m.invoice_numbers), "key": m.key}
                         for m in messages],
            "contact_log": [{"at": e.at.isoformat(), "kind": e.kind.value, "summary": e.summary} for e in contacts],
        }  # fmt: skip

    def _debtor_messages(self, client_id: str, debtor_number: str) -> list[OutboundMessage]:
        """The debtor's messages, oldest first: the workflow's and those sent by hand (keyed
        under the debtor) and his payment plans' (keyed under the plan). Not the first
        1,000 of the client's whole outbox, which a busy client's hand-over outgrew."""
        from shared.adapters.tables.plans_repo import PlanRepository
        from shared.services.conversations.by_hand import KEY_PREFIX

        plans = PlanRepository(self.repos.store).of_debtor(client_id, debtor_number)
        prefixes = [f"dun|{debtor_number}|", f"{KEY_PREFIX}{debtor_number}|"]
        prefixes += [f"plan|{plan.plan_id}|" for plan in plans]
        found = [
            message
            for prefix in prefixes
            for message, _ in self.messaging.outbox.with_prefix(client_id, prefix)
            # a longer debtor number sharing the prefix ("12" and "12|A")
            if message.debtor_number == debtor_number
        ]
        return sorted(found, key=lambda m: (m.created_at, m.key))

    def _log(
        self,
        client: Client,
        debtor_number: str,
        summary: str,
        invoices: tuple[str, ...],
        author: str | None = None,
        *,
        entry_id: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """A line on the debtor's contact log; with ``entry_id`` (made from what it is about,
        and its time ``at``) written once whichever attempt gets there."""
        now = at or self.clock.now()
        try:
            self.repos.contacts.add(ContactEntry(client.client_id, debtor_number, entry_id or time_ordered_id(now), now,
                                                 ContactKind.STATUS, summary, invoice_numbers=invoices, author=author))  # fmt: skip
        except Conflict:
            if entry_id is None:
                raise

    def _tell_agency(
        self, agency_id: str, client: Client, key: str, subject: str, text: str
    ) -> None:
        """E-mail to the agency's contact address, from the client's mailbox (Inning sends
        in the client's name) or, without one, the agency's own; under the client's outbox
        like every message about its debtors."""
        agency = self.repos.agencies.get(agency_id)
        if agency is None or not agency.contact_email:
            return
        message = OutboundMessage(
            client.client_id,
            key,
            Channel.EMAIL,
            None,
            agency.contact_email,
            self.clock.now(),
            sender=client.contact_email or agency.contact_email,
        )
        self.messaging.enqueue(message, MessageContent(subject=subject, text=text))

    def _agency_name(self, client: Client) -> str | None:
        agency = self.repos.agencies.get(client.agency_id)
        return agency.name if agency is not None and agency.name else None

    def _tell_client(self, client: Client, key: str, subject: str, text: str) -> None:
        if not client.contact_email:
            return
        message = OutboundMessage(
            client.client_id,
            key,
            Channel.EMAIL,
            None,
            client.contact_email,
            self.clock.now(),
            sender=client.contact_email,
        )
        self.messaging.enqueue(message, MessageContent(subject=subject, text=text))


def _handed_over_text(
    debtor: Debtor, count: int, principal: Cents, agency: str | None, case: str
) -> str:
    """The client's mail on a hand-over, in Dutch as its subject: one invoice is "1 factuur",
    and the agency by its name, which the client pays and asks from now on (newcomer19 F8:
    "met 1 facturen ... overgedragen aan het incassobureau"); the case by its name
    (:func:`case_name`), not its id."""
    invoices = "1 factuur" if count == 1 else f"{count} facturen"
    to = f"incassobureau {agency}" if agency else "het incassobureau"
    return (
        f"Het dossier van {debtor.name} ({debtor.number}) met {invoices}, samen "
        f"{format_eur_nl(principal)} hoofdsom, is overgedragen aan {to} (zaak {case})."
    )


def _mark(at: datetime, *parts: str) -> str:
    """An id in time order (``at`` first) whose tail is made from ``parts``: the same event
    gets the same id on every attempt."""
    return f"{int(at.timestamp() * 1000):012x}{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:10]}"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _parts(payment: Payment, number: str) -> dict[str, Cents]:
    """What ``payment`` paid on invoice ``number``, by the ledger's components (6:44)."""
    parts: dict[str, Cents] = {c: 0 for c in ("costs", "costs_vat", "interest", "principal")}
    for a in payment.allocations:
        if a.invoice_number == number and a.component in parts:
            parts[a.component] += a.amount
    return parts


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _key(number: str, payment: Payment) -> str:
    """The telling's key: one per invoice and payment (a retried booking finds it)."""
    return hashlib.sha256(f"{number}|{payment.payment_id}".encode()).hexdigest()[:10]
