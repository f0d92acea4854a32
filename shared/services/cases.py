"""Hand-over to a collection agency: a case with the whole dossier as it stood (invoices,
messages and letters sent with their dates, the contact log, the amounts by law), and its
withdrawal ("teruggetrokken") by the agency or by the client. Both sides are told: each by
e-mail (through the outbox, so it is sent exactly once), the other side also on its action list."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from shared.adapters.tables.cases_repo import Case
from shared.adapters.tables.keys import encode
from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import CLOSED, Invoice
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.domain.money import Cents, format_cents, format_eur_nl
from shared.domain.parties import Client, Debtor
from shared.domain.records import ActionItem, ContactEntry, ContactKind
from shared.domain.scopes import agency_scope
from shared.ports.tables import Conflict, PreconditionFailed, TransactionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.messaging import MessagingService
from shared.services.repositories import Repositories

# the invoice's step, for the agency's Dutch e-mail
_WHY_NL = {"credited": "gecrediteerd", "withdrawn": "ingetrokken"}
_WHY_EN = {"credited": "credited", "withdrawn": "withdrew"}


class CaseService:
    def __init__(self, repos: Repositories, messaging: MessagingService, clock: Clock) -> None:
        self.repos = repos
        self.messaging = messaging
        self.clock = clock

    def hand_over(
        self,
        client: Client,
        debtor: Debtor,
        invoices: list[Invoice],
        today: date,
        *,
        costs: Cents,
        interest: Cents,
    ) -> Case:
        # no date in the id: a run retried the next day (after a failure between the case and
        # the invoices' step) finds the case it made, and hands nothing over twice
        numbers = tuple(sorted(i.number for i in invoices))
        digest = hashlib.sha256("\n".join(numbers).encode()).hexdigest()[:12]
        case_id = f"{client.client_id}-{encode(debtor.number)}-{digest}"
        now = self.clock.now()
        case = Case(client.agency_id, case_id, client.client_id, debtor.number, numbers, now,
                    self._dossier(client, debtor, invoices, costs, interest))  # fmt: skip
        if not self.repos.cases.add(case):
            found = self.repos.cases.get(client.agency_id, case_id)
            assert found is not None
            case = found[0]  # handed over already: make sure what follows happened too
        # what follows is keyed by the case (its id and time), so a retry repeats nothing
        at = case.created_at
        mark = (
            f"{int(at.timestamp() * 1000):012x}{hashlib.sha256(case_id.encode()).hexdigest()[:10]}"
        )
        principal = sum(i.open_amount for i in invoices)
        try:
            self.repos.actions.add(ActionItem(agency_scope(client.agency_id), mark, "new_case",
                                              f"New case from {client.name}: debtor {debtor.number}, {format_eur_nl(principal)}", at,
                                              debtor_number=debtor.number, invoice_numbers=case.invoice_numbers,
                                              detail={"case_id": case_id, "client_id": client.client_id}))  # fmt: skip
        except Conflict:
            pass
        try:
            self.repos.contacts.add(ContactEntry(client.client_id, debtor.number, mark, at, ContactKind.STATUS,
                                                 f"Handed over to the collection agency (case {case_id})",
                                                 invoice_numbers=case.invoice_numbers))  # fmt: skip
        except Conflict:
            pass
        self._tell_client(client, f"case-{case_id}", f"Dossier {debtor.number} overgedragen aan incasso",
                          f"Het dossier van {debtor.name} ({debtor.number}) met {len(invoices)} facturen, samen {format_eur_nl(principal)}, "
                          f"is overgedragen aan het incassobureau (zaak {case_id}).")  # fmt: skip
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
        try:
            case = self.repos.cases.withdraw(case, etag, self.clock.now(), reason)
        except PreconditionFailed as exc:
            raise ConflictingUpdate(f"case {case_id} changed meanwhile") from exc
        client_found = self.repos.clients.get(case.client_id)
        if client_found is None:
            return case
        client = client_found[0]
        for number in case.invoice_numbers:
            self._release(client.client_id, number)
        now = self.clock.now()
        by_client = client_id is not None
        who = client.name if by_client else "the agency"
        self._log(
            client,
            case.debtor_number,
            f"Case {case_id} withdrawn by {'the client' if by_client else 'the agency'}: {reason}",
            case.invoice_numbers,
            author,
        )
        if by_client:  # the agency must stop working the case: on its own list
            self.repos.actions.add(ActionItem(agency_scope(agency_id), time_ordered_id(now), "case_withdrawn",
                                              f"{client.name} withdrew case {case_id} (debtor {case.debtor_number}): {reason}", now,
                                              debtor_number=case.debtor_number, invoice_numbers=case.invoice_numbers, detail={"case_id": case_id}))  # fmt: skip
        else:
            self.repos.actions.add(ActionItem(client.client_id, time_ordered_id(now), "case_withdrawn",
                                              f"The agency withdrew case {case_id} (debtor {case.debtor_number}): {reason}", now,
                                              debtor_number=case.debtor_number, invoice_numbers=case.invoice_numbers, detail={"case_id": case_id}))  # fmt: skip
            self.repos.actions.add(ActionItem(agency_scope(agency_id), time_ordered_id(now), "case_withdrawn_confirmation",
                                              f"Case {case_id} withdrawn; {client.name} was told", now, detail={"case_id": case_id}))  # fmt: skip
        subject = f"Zaak {case_id} teruggetrokken"
        text = (f"De zaak van debiteur {case.debtor_number} (facturen {', '.join(case.invoice_numbers)}) is "
                f"teruggetrokken door {who}: {reason}")  # fmt: skip
        self._tell_client(client, f"case-{case_id}-withdrawn", subject, text)
        self._tell_agency(agency_id, client, f"case-{case_id}-withdrawn-agency", subject, text)
        return case

    def invoice_left(self, client: Client, invoice: Invoice, why: str, author: str) -> Case | None:
        """The client credited or withdrew an invoice of an open case (review console8 #4:
        the agency kept collecting it): the agency must stop. The invoice leaves the case
        (back with the client, where it is closed); a case with nothing left to collect is
        withdrawn as when the client withdraws it. Either way the agency is told on its
        action list and by e-mail, and the contact log says so. None: no open case holds it.
        Idempotent: a repeat finds the invoice out of the case (or the case withdrawn)."""
        agency_id = invoice.handed_over_to
        if agency_id is None:
            return None
        if invoice.status not in CLOSED:  # a credit note for part of it: the case collects the rest
            self._tell_lowered(client, agency_id, invoice, why, author)
            return None
        for _ in range(5):
            found = self._open_case_of(agency_id, client.client_id, invoice)
            if found is None:
                self._release(client.client_id, invoice.number)
                return None
            case, etag = found
            rest = [n for n in case.invoice_numbers if n != invoice.number]
            stored = self.repos.invoices.get_many(client.client_id, rest)
            if not any(n in stored and stored[n].invoice.status not in CLOSED for n in rest):
                reason = f"invoice {invoice.number} {why} by the client; nothing left to collect"
                return self.withdraw(
                    agency_id, case.case_id, reason, author, client_id=client.client_id
                )
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
        self._release(client.client_id, invoice.number)
        text = (f"{client.name} {_WHY_EN.get(why, why)} invoice {invoice.number} (EUR {gone} when handed over) of case "
                f"{case.case_id} (debtor {case.debtor_number}): stop collecting it. Still in the "
                f"case: {', '.join(case.invoice_numbers)}.")  # fmt: skip
        mark = f"{case.case_id}-left-{hashlib.sha256(invoice.number.encode()).hexdigest()[:10]}"
        try:
            self.repos.actions.add(ActionItem(agency_scope(agency_id), mark, "case_invoice_left", text, now,
                                              debtor_number=case.debtor_number, invoice_numbers=(invoice.number,),
                                              detail={"case_id": case.case_id, "client_id": client.client_id}))  # fmt: skip
        except Conflict:
            pass
        self._log(client, case.debtor_number,
                  f"Invoice {invoice.number} left case {case.case_id} ({why}); the agency was told",
                  (invoice.number,), author)  # fmt: skip
        self._tell_agency(agency_id, client, f"case-{case.case_id}-left-{invoice.number}",
                          f"Factuur {invoice.number} uit zaak {case.case_id}",
                          f"Factuur {invoice.number} van debiteur {case.debtor_number} is door {client.name} "
                          f"{_WHY_NL.get(why, why)} en valt niet meer onder de zaak: niet meer innen. "
                          f"Nog in de zaak: {', '.join(case.invoice_numbers)}.")  # fmt: skip
        return case

    def _tell_lowered(
        self, client: Client, agency_id: str, invoice: Invoice, why: str, author: str
    ) -> None:
        """A credit note lowered an invoice of an open case: it stays in the case, the agency
        collects only what is open now (told once per note: the item's id and mail's key)."""
        found = self._open_case_of(agency_id, client.client_id, invoice)
        if found is None:
            return
        case = found[0]
        now = self.clock.now()
        key = hashlib.sha256(f"{invoice.number}|{why}".encode()).hexdigest()[:10]
        text = (f"{client.name} booked {why} on invoice {invoice.number} of case {case.case_id} "
                f"(debtor {case.debtor_number}): its principal open is now "
                f"EUR {format_cents(invoice.open_amount)}; collect no more than that.")  # fmt: skip
        try:
            self.repos.actions.add(ActionItem(agency_scope(agency_id), f"{case.case_id}-lowered-{key}", "case_invoice_lowered",
                                              text, now, debtor_number=case.debtor_number, invoice_numbers=(invoice.number,),
                                              detail={"case_id": case.case_id, "client_id": client.client_id}))  # fmt: skip
        except Conflict:
            return  # told already (a retry)
        self._log(client, case.debtor_number,
                  f"Invoice {invoice.number} of case {case.case_id} lowered ({why}); the agency was told",
                  (invoice.number,), author)  # fmt: skip
        self._tell_agency(agency_id, client, f"case-{case.case_id}-lowered-{key}",
                          f"Factuur {invoice.number} in zaak {case.case_id} verlaagd",
                          f"{client.name} heeft op factuur {invoice.number} van debiteur {case.debtor_number} "
                          f"een creditnota geboekt ({why}): open hoofdsom nu {format_eur_nl(invoice.open_amount)}. "
                          "Int niet meer dan dat.")  # fmt: skip

    def _open_case_of(
        self, agency_id: str, client_id: str, invoice: Invoice
    ) -> tuple[Case, str] | None:
        for case in self.repos.cases.list(agency_id):
            if (case.client_id == client_id and case.status == "open"
                    and case.debtor_number == invoice.debtor_number
                    and invoice.number in case.invoice_numbers):  # fmt: skip
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
        self, client: Client, debtor: Debtor, invoices: list[Invoice], costs: Cents, interest: Cents
    ) -> dict[str, object]:
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
                          "costs_owed_from": i.costs_owed_from.isoformat() if i.costs_owed_from else None} for i in invoices],
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
    ) -> None:
        now = self.clock.now()
        self.repos.contacts.add(ContactEntry(client.client_id, debtor_number, time_ordered_id(now), now, ContactKind.STATUS, summary,
                                             invoice_numbers=invoices, author=author))  # fmt: skip

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
