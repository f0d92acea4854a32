"""A statement line a person's confirm claimed and never booked (failure12 F1).

A confirm writes its booking down on the line (client, invoices, payment id) before it books;
a worker that dies between the two leaves the line ``booking`` and the money on no invoice.
Nothing redelivers a confirm, so whoever next meets the claim finishes it exactly as that
confirm would have: a colleague's confirm of the line (refused after, truthfully "booked"),
the same confirm repeated, or the daily run of the client the claim names once the claim is
older than a confirm could take.

Finishing is the same confirm made later, so it asks what the confirm asks (failure12b C): an
invoice credited or withdrawn since the claim takes no payment, and booking on it would make
the money that client's overpayment while another invoice (or client) may be owed it. Such a
claim whose payment was not booked yet is released instead: the line back to unbooked (under
its ETag) and the item left open, naming the invoices it was not booked on, for a person to
choose again. A claim is noted under its client (banking_repo ``LineClaims``) so that the
client's daily run reads its own claims, not the agency's whole list (failure12b E)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from typing import Literal

from shared.adapters.tables.banking_repo import ClaimNote, LineRecord
from shared.clock import Clock
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ActionStatus, Payment, PaymentSource, Receiver
from shared.domain.statements.designation import (
    BillAmounts,
    another_set_fits,
    line_designation,
    named_in_line,
)
from shared.domain.statements.matching import OpenInvoice
from shared.domain.statements.model import StatementLine, findable_reference
from shared.ports.tables import PreconditionFailed
from shared.services.errors import Invalid
from shared.services.payments import PaymentService
from shared.services.plan_designation import plan_designation
from shared.services.repositories import Repositories
from shared.services.statement_returns import CLIENT_MONEY, UNBOOKED_KINDS, by_payer
from shared.services.statement_sources import CLIENT_WRITTEN
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.actions")

# the items a person confirms a bank payment on (their detail names the statement line): the
# credits nobody booked, the client's money on the agency's account among them (booked24)
CONFIRMABLE_KINDS = UNBOOKED_KINDS
# a line claimed for a booking (a confirm under way, or done)
TAKEN = ("booking", "booked")
# a confirm books within seconds of its claim: one still ``booking`` after this has stopped
LEASE = timedelta(minutes=15)
# invoices that take no payment (``Invoice.takes_payments``: credited, or withdrawn and not
# written off): a claim on one is released, not booked (failure12b C)
# the item detail naming the invoices a released claim was not booked on
NOT_BOOKED_ON = "not_booked_on"

# what finishing a claim came to: booked as claimed; released (an invoice takes no payment any
# more); changed (another writer moved the line meanwhile: read it again); stuck (it cannot be
# booked: no invoices, its client gone, a booking refused), the line stays claimed
Outcome = Literal["booked", "released", "changed", "stuck"]


class ClaimedLines:
    def __init__(self, repos: Repositories, payments: PaymentService, clock: Clock) -> None:
        self.repos = repos
        self.payments = payments
        self.clock = clock

    def finish(self, item: ActionItem, claim: LineRecord, *, say: bool = True) -> Outcome:
        """Book what ``claim`` wrote down on the statement line of ``item`` (its client, its
        invoices, its payment id) as the confirm that wrote it would have, and mark the line
        booked; or release it when an invoice it names takes no payment any more and its
        payment was not booked yet (:meth:`release`, ``say`` passed on). "stuck" when neither can be done (the
        claim names no invoices, its client is gone): the line stays claimed, and whoever
        asked says so."""
        detail = item.detail
        account = str(detail["account"])
        found = self.repos.clients.get(claim.client_id) if claim.client_id else None
        owner = self.repos.banking.owner(account)
        if found is None or owner is None or not claim.invoices or claim.booked_at is not None:
            return "stuck"  # (booked_at: a statement window's booking, its redelivery's to finish)
        client = found[0]
        closed = self.unpayable(client.client_id, claim)
        if closed:
            return self.release(item, claim, closed, say=say)
        amount, received_on = int(str(detail["amount"])), date.fromisoformat(str(detail["date"]))
        try:
            payment = self.book(client, item, claim, list(claim.invoices), owner.received_by)
        except Invalid:
            log.warning(
                "a claimed statement line cannot be booked as claimed",
                extra=log_extra({"action_id": item.action_id, "line_id": claim.line_id}),
            )
            return "stuck"
        line: LineRecord | None = claim
        for _ in range(2):  # under the claim's ETag: a writer since keeps its word ...
            if line is None or line.status != "booking" or line.client_id != client.client_id:
                break
            if self.repos.banking.settle_line(
                account, line, "booked", client_id=client.client_id,
                payment_id=payment.payment_id, amount=amount, booked_on=received_on,
            ):  # fmt: skip
                break
            # ... unless it only touched the row and left this claim standing: settled again
            line = self.repos.banking.line(account, claim.line_id)
            if line is not None and line.payment_id != claim.payment_id:
                break
        # the claim's note stays until the item is closed: a colleague's refused confirm
        # books it here and leaves the item open, for the daily run to close
        return "booked"

    def book(
        self,
        client: Client,
        item: ActionItem,
        claim: LineRecord,
        invoices: list[str],
        received_by: Receiver,
    ) -> Payment:
        """The payment of the statement line of ``item`` as ``claim`` wrote it down, booked on
        ``invoices`` (the one booking of a confirmed line: a person's confirm, and whoever
        finishes its claim, book it here alike), and remembered under its payer's account so
        that a return quoting no end-to-end id finds it (statement_returns, codereview12 #5)."""
        detail = item.detail
        amount = int(str(detail["amount"]))
        written = detail.get(CLIENT_WRITTEN) is True
        payer_iban = str(detail.get("payer_iban") or "") or None
        received_on = date.fromisoformat(str(detail["date"]))
        payment = self.payments.book(
            client,
            payment_id=_payment_id(claim),
            amount=amount,
            received_on=date.fromisoformat(str(detail["date"])),
            source=PaymentSource.BANK,
            invoice_numbers=invoices,
            external_id=claim.line_id,
            payer_iban=payer_iban,
            received_by=received_by,
            # a line of the client's own upload stays the client's word when a person books
            # it: its payer is not learned as paid (statement_sources, attack10 F1)
            client_written=written,
            bank_charges=int(str(detail.get("charges") or 0)),
            # what a person finds the credit by, from what the item kept of the line, as the
            # automatic booking keeps it (an item of before booked24 holds no bank reference)
            reference=findable_reference(
                _text(detail.get("end_to_end_id")), _text(detail.get("bank_reference")),
                _text(detail.get("reference")), _text(detail.get("remittance")),
                payer_iban=payer_iban,
            ),
            # as the confirm decided it before booking (written down with its claim): a retry
            # after the ledger took the money and the payment row was lost reads the claims
            # holding that money already, where a tacit designation is none (returns14)
            designated=list(claim.designated) if claim.designated is not None
            else self._designation(client, _payment_id(claim), detail, invoices, amount,
                                   received_on),
        )  # fmt: skip
        payer = by_payer(payer_iban, payment, written, _text(detail.get("reference")),
                         _text(detail.get("remittance")),
                         amount - payment.bank_charges if payment.bank_charges else None)  # fmt: skip
        if payer is not None and not payment.reversed:
            self.repos.banking.remember_payment(client.client_id, payer)
        return payment

    def designation(
        self, client: Client, line_id: str, detail: dict[str, object], invoices: list[str]
    ) -> list[str] | None:
        """The designation a confirm of the line ``line_id`` (its item's ``detail``) on
        ``invoices`` books, decided before its claim is written and written down with it
        (banking_repo ``claim_for_booking``): what :meth:`book` then uses, also on a retry."""
        amount, received_on = int(str(detail["amount"])), date.fromisoformat(str(detail["date"]))
        return self._designation(client, "bank-" + line_id, detail, invoices, amount,
                                 received_on)  # fmt: skip

    def _designation(
        self, client: Client, payment_id: str, detail: dict[str, object], invoices: list[str],
        amount: int, received_on: date,
    ) -> list[str] | None:  # fmt: skip
        """What of ``invoices`` the debtor designated (6:43 lid 1): a person's ticks say whose
        money the line is, not which claim he meant; the line's own text, or an amount that
        is their open total to the cent, does (:func:`line_designation`). None when the
        payment is booked already (its row holds what was decided then)."""
        if self.repos.payments.get(client.client_id, payment_id) is not None:
            return None
        line = StatementLine(
            received_on, None, amount, "EUR", remittance=_text(detail.get("remittance")),
            reference=_text(detail.get("reference")),
        )  # fmt: skip
        stored = self.repos.invoices.get_many(client.client_id, invoices)
        found = [
            OpenInvoice(n, s.invoice.debtor_number, "", s.invoice.open_amount,
                        s.invoice.payment_reference)
            for n in dict.fromkeys(invoices) if (s := stored.get(n)) is not None
        ]  # fmt: skip
        figures = self.payments.ledger.open_claims(client, [i.number for i in found], received_on)
        totals = {n: f.open.total for n, f in figures.items()}
        faces = {n: s.invoice.amount for n in totals if (s := stored.get(n)) is not None}
        plans = plan_designation(self.repos.store, client.client_id, line,
                                 [(i.number, i.debtor) for i in found])  # fmt: skip
        chosen = list(line_designation(line, found, totals, plans, faces))
        if chosen and found and not named_in_line(line, found, plans):
            # an exact amount is his tacit choice only when no other of his open bills, nor
            # another set of them, is that amount too: of two bills of 100.00, or of the sets
            # {50.00, 100.00} and {50.00, 100.00}, the person's tick is no word of the
            # debtor's (codereview13b #2, law14 F4)
            debtor = found[0].debtor
            mine = [i for i in self.repos.invoices.for_debtor(client.client_id, debtor)
                    if i.is_collectable or i.number in chosen]  # fmt: skip
            now = self.payments.ledger.open_claims(client, [i.number for i in mine], received_on)
            bills = {
                i.number: BillAmounts(now[i.number].open.total, i.open_amount, i.amount)
                for i in mine
                if i.number in now and now[i.number].open.total > 0
            }
            if another_set_fits(amount, chosen, bills):
                return []
        return chosen

    def unpayable(self, client_id: str, claim: LineRecord) -> list[str]:
        """The invoices of ``claim`` credited or withdrawn since it was written, when its
        payment was not booked yet (one booked before is finished as it stands: the booking
        path undoes what an invoice refuses); empty when the claim may be booked."""
        if self.repos.payments.get(client_id, _payment_id(claim)) is not None:
            return []
        stored = self.repos.invoices.get_many(client_id, list(claim.invoices))
        return [
            n for n in dict.fromkeys(claim.invoices)
            if n in stored and not stored[n].invoice.takes_payments
        ]  # fmt: skip

    def release(
        self, item: ActionItem, claim: LineRecord, closed: list[str], *, say: bool = True
    ) -> Outcome:
        """The line of ``claim`` back to unbooked under the claim's ETag (as it was when the
        item was made: suggested, or an unmatched credit), its note dropped and its item kept
        open with the invoices it was not booked on (``say`` False: a confirm under way on the
        item, which it closes or refuses itself). "changed" when another writer changed
        the line since: its word stands, and the caller reads the line again."""
        detail = item.detail
        account = str(detail["account"])
        amount, received_on = int(str(detail["amount"])), date.fromisoformat(str(detail["date"]))
        # as the statement left the line: suggested when the item offered invoices
        status = "suggested" if item.kind == "payment_suggestion" or (
            item.kind == CLIENT_MONEY and item.detail.get("suggestions")) else "unmatched"  # fmt: skip
        freed = replace(claim, invoices=())
        if not self.repos.banking.settle_line(
            account, freed, status, client_id=None, payment_id=None, amount=amount,
            booked_on=received_on,
        ):  # fmt: skip
            return "changed"
        if claim.client_id:
            self.repos.banking.drop_claim(claim.client_id, account, claim.line_id)
        if say:
            self._say_not_booked(item, closed)
        log.warning(
            "a claimed statement line names an invoice that takes no payment: released",
            extra=log_extra({"action_id": item.action_id, "line_id": claim.line_id}),
        )
        return "released"

    def _say_not_booked(self, item: ActionItem, closed: list[str]) -> None:
        """The item, still waiting, names the invoices its claim was not booked on: the person
        who opens it sees why the money is not booked and chooses again."""
        found = self.repos.actions.get(item.client_id, item.action_id)
        if found is None:
            return
        now, etag = found
        if etag is None or now.status is ActionStatus.RESOLVED:
            return
        said = {**now.detail, NOT_BOOKED_ON: ", ".join(closed)}
        try:
            self.repos.actions.save(replace(now, detail=said), etag)
        except PreconditionFailed:  # a person changed the item meanwhile: theirs stands
            log.info("item %s changed meanwhile; not-booked note left out", item.action_id)

    def sweep(self, client_id: str) -> int:
        """The daily run's look at the client's claims, as noted under it: a line claimed for
        this client and still ``booking`` after :data:`LEASE` is finished (:meth:`finish`)
        and its item closed when booked, or kept open when released; one booked already (a
        colleague's refused confirm finished it) closes its item. A note whose line is not
        this client's claim (any more) is dropped. Costs one partition read on a day without
        claims, whatever the agency's list holds. Returns how many items it closed."""
        closed = 0
        for note in self.repos.banking.claims_of(client_id):
            closed += self._sweep_one(client_id, note)
        return closed

    def _closed(self, note: ClaimNote) -> bool:
        found = self.repos.actions.get(note.scope, note.action_id)
        return found is None or found[0].status is ActionStatus.RESOLVED

    def _sweep_one(self, client_id: str, note: ClaimNote) -> int:
        banking = self.repos.banking
        now = self.clock.now()
        if now - note.noted_at < LEASE:
            return 0  # a confirm may still be on its way (the note is written before the claim)
        record = banking.line(note.account, note.line_id)
        if record is None or record.client_id != client_id or record.status not in TAKEN:
            banking.drop_claim(client_id, note.account, note.line_id)  # not its claim
            return 0
        found = self.repos.actions.get(note.scope, note.action_id)
        item = found[0] if found is not None else None
        if record.status == "booking":
            started = record.claimed_at
            if started is not None and now - started < LEASE:
                return 0  # a confirm may still be on its way
            outcome = self.finish(item, record) if item is not None else "stuck"
            if outcome != "booked":
                # the item stays open on its list, where people see it (released: naming
                # the invoices it was not booked on)
                log.warning(
                    "a claimed statement line was not booked: its item stays open",
                    extra=log_extra({"action_id": note.action_id, "client_id": client_id,
                                     "outcome": outcome}),
                )  # fmt: skip
                return 0
            how = "a confirm claimed the line and stopped; booked as claimed"
        else:
            how = "the line was booked already"
        done = False
        if item is not None:
            resolution = f"booked on {', '.join(record.invoices)}: {how} (daily run)"
            done = self.repos.actions.resolve_if_open(
                item.client_id, item.action_id, resolution, now
            )
        # the line is booked: the note goes once its item is closed (or found closed or gone);
        # an item changed meanwhile keeps it, for the next run to close
        if done or self._closed(note):
            banking.drop_claim(client_id, note.account, note.line_id)
        if done:
            log.info(
                "a claimed statement line booked and its item closed",
                extra=log_extra({"action_id": note.action_id, "client_id": client_id}),
            )
        return int(done)


def _payment_id(claim: LineRecord) -> str:
    return claim.payment_id or "bank-" + claim.line_id


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
