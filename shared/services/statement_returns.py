"""A bank's return of a credit that quoted no end-to-end id, and a person undoing one.

Most Dutch transfers carry ``NOTPROVIDED`` as their end-to-end id, and the bank's return
(an MT940 ``/RTRN/``, a camt.053 reversal or ``RtrInf``) quotes the original's id: nothing a
payment can be found by (newcomer12 #1). So every bank payment is also remembered under its
payer's account (:func:`~shared.adapters.tables.banking_repo.payer_reference`), with its
amount, the structured reference it quoted and a digest of its text. A return without a
payment under its id undoes the one booked payment that fits: the same payer's account, the
same amount (or what arrived of it), received within :data:`RETURN_WINDOW_DAYS` before the
return, not returned yet, and the same reference when both quote one (narrowed by the
reference, then the text, when several fit). The payment it undid is written down under the
return's line first, so a redelivered return undoes that one again (idempotent), never a
second. Anything else (none fits, several do) is an ``unmatched_return`` item naming the
payer, the return and the candidate payments; a person reverses the right one there
(:class:`ReturnedPayments`: the API's ``…/actions/{action}/reverse-payment``, the console's
button), as a matched return would: the same :meth:`PaymentService.reverse`, so the invoices
reopen and the next settlement takes back what was paid out (``Reason.REVERSED``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from shared.adapters.tables.banking_repo import (
    AccountOwner,
    PaymentRef,
    payer_reference,
    received_of,
    return_reference,
)
from shared.clock import Clock
from shared.domain.money import format_eur_nl
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.records import ActionItem, ActionStatus, Payment, PaymentSource, Receiver
from shared.domain.scopes import agency_scope, is_agency_scope
from shared.domain.statements.model import StatementLine
from shared.services.action_saves import save_item
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.statement_sources import CLIENT_WRITTEN

if TYPE_CHECKING:
    from shared.services.statements import StatementService

log = logging.getLogger("inning.statements")

# how long before a return its original may have been received: a beneficiary bank's return
# (AC04, MS03) comes within days, a recall after a camt.056 (DUPL, TECH, FRAD) within 13
# months of the transfer (SEPA Credit Transfer rulebook); older is no candidate
RETURN_WINDOW_DAYS = 400
KIND = "unmatched_return"
# the titles of a return no payment under its id was found for (action_text translates them)
NO_ORIGINAL = "Returned payment of {amount} ({reason}) without a booked original"
SEVERAL = (
    "Returned payment of {amount} ({reason}) without an end-to-end id: {count} booked "
    "payments of that payer's account and amount fit; reverse the one it returned"
)
RETURNED_BY_BANK = "returned by the bank ({reason})"
# one booked payment fits, but so does a credit of that payer and amount that was not booked
# (a duplicate transfer listed for a person): which went back is a person's call
UNBOOKED_TOO = (
    "Returned payment of {amount} ({reason}) without an end-to-end id: a credit of that "
    "payer's account and amount that was not booked fits it as well as the booked payment; "
    "check which one went back"
)
# the agency's pooled account: the one booked payment that fits is not undone when the
# return's reference and text differ from its own (it may be another client's money)
TEXT_DIFFERS = (
    "Returned payment of {amount} ({reason}) without an end-to-end id: the booked payment of "
    "that payer's account and amount quoted another reference and text; reverse it only if it "
    "is the one that went back"
)
# the not-booked credits a return is checked against (statements.action_for's kinds)
UNBOOKED_KINDS = ("payment_suggestion", "unmatched_credit")


def remittance_digest(text: str | None) -> str | None:
    """What tells two payments of one payer apart by their text, without keeping the text."""
    words = " ".join((text or "").split()).upper()
    return hashlib.sha256(words.encode()).hexdigest()[:16] if words else None


def payer_ref(line: StatementLine, payment: Payment, written: bool) -> PaymentRef | None:
    """The row a bank payment booked from ``line`` is remembered by under its payer's account
    (None: the line names no account)."""
    return by_payer(line.counterparty_iban, payment, written, line.reference, line.remittance,
                    received_of(line))  # fmt: skip


def by_payer(
    iban: str | None,
    payment: Payment,
    written: bool,
    reference: str | None,
    remittance: str | None,
    received: int | None = None,
) -> PaymentRef | None:
    """:func:`payer_ref` from what a statement line's item kept of it (a person's booking)."""
    if not iban:
        return None
    return PaymentRef(
        payer_reference(iban), payment.payment_id, payment.amount, iban, written, received,
        _plain(reference), remittance_digest(remittance),
    )  # fmt: skip


def return_refs(line: StatementLine, payment: Payment, written: bool) -> list[PaymentRef]:
    """Every row a return of ``payment`` may find it by: its end-to-end id and its payer."""
    refs = []
    if line.end_to_end_id:
        refs.append(PaymentRef(line.end_to_end_id, payment.payment_id, payment.amount,
                               line.counterparty_iban, written, received_of(line)))  # fmt: skip
    by_payer = payer_ref(line, payment, written)
    return refs + ([by_payer] if by_payer is not None else [])


def _plain(reference: str | None) -> str | None:
    return "".join((reference or "").split()).upper() or None


@dataclass(frozen=True)
class _Fit:
    client: Client
    payment: Payment
    ref: PaymentRef


def returned_by_payer(
    service: StatementService,
    line: StatementLine,
    line_id: str | None,
    clients: list[Client],
    owner: AccountOwner,
    reason: str,
    written: bool,
    action_id: str | None,
) -> str | None:
    """The return of a payment no end-to-end id names, found by its payer's account:
    ``"returned"`` when undone or listed, ``"held"`` for a client's upload naming a payment
    the bank's file booked, None when the line names no account (the caller lists it)."""
    iban = line.counterparty_iban
    if not iban:
        return None
    banking, amount = service.repos.banking, abs(line.amount)
    if line_id is not None:
        for client in clients:  # this very return undid one before: that one, again
            for decided in banking.payments_for(client.client_id, return_reference(line_id)):
                _undo(service, client, decided.payment_id, line, reason)
                return "returned"
    earliest = line.booking_date - timedelta(days=RETURN_WINDOW_DAYS)
    quoted = _plain(line.reference)
    fits: list[_Fit] = []
    for client in clients:
        for ref in banking.payments_for(client.client_id, payer_reference(iban)):
            if ref.amount is not None and amount not in (ref.amount, ref.received):
                continue
            if quoted and ref.quoted and ref.quoted != quoted:
                continue  # the return names another invoice's payment
            payment = service.repos.payments.get(client.client_id, ref.payment_id)
            if payment is None or amount not in (payment.amount, ref.received):
                continue
            if earliest <= payment.received_on <= line.booking_date:
                fits.append(_Fit(client, payment, ref))
    if written and any(not f.ref.client_written for f in fits):
        # a client's upload never reopens what the bank's file booked (attack10 F7)
        service._client_return(line, reason, line.end_to_end_id or "",
                               [f.ref for f in fits], owner)  # fmt: skip
        return "held"
    open_ = _narrowed([f for f in fits if not f.payment.reversed], quoted, line.remittance)
    digest = remittance_digest(line.remittance)
    unbooked: list[ActionItem] = []
    doubt = None
    if len(open_) == 1 and line_id is not None:
        mine = _likeness(quoted, digest, open_[0].ref.quoted, open_[0].ref.remittance)
        unbooked = [
            x for x in _unbooked(service, line, owner, clients, earliest)
            if _likeness(quoted, digest, _plain(_text(x, "reference")),
                         remittance_digest(_text(x, "remittance"))) >= mine
        ]  # fmt: skip
        if unbooked:
            doubt = UNBOOKED_TOO
        elif owner.client_id is None and (quoted or digest) and mine == 0:
            doubt = TEXT_DIFFERS
    if len(open_) == 1 and line_id is not None and doubt is None:
        chosen = open_[0]
        # written down first: a redelivery (a crash before the line was settled) undoes this
        # one again, not the next payment that fits
        banking.remember_payment(chosen.client.client_id, PaymentRef(
            return_reference(line_id), chosen.payment.payment_id, chosen.payment.amount, iban,
        ))  # fmt: skip
        _undo(service, chosen.client, chosen.payment.payment_id, line, reason)
        log.info("return without end-to-end id matched by payer's account and amount")
        return "returned"
    shown = format_eur_nl(amount)
    if doubt is not None:
        title = doubt.format(amount=shown, reason=reason)
    elif len(open_) > 1:
        title = SEVERAL.format(amount=shown, reason=reason, count=len(open_))
    else:
        title = NO_ORIGINAL.format(amount=shown, reason=reason)
    detail: dict[str, object] = {
        "amount": line.amount,
        "date": line.booking_date.isoformat(),
        "return_reason": reason,
        "end_to_end_id": line.end_to_end_id,
        "payer_iban": iban,
        "payer_name": line.counterparty_name,
        "reference": line.reference,
        "remittance": line.remittance,
        "payments": [f.payment.payment_id for f in open_],
    }
    if line_id is not None:  # a person's choice is written under it (ReturnedPayments.reverse)
        detail["line_id"] = line_id
    if written:  # a client's upload: only the agency may undo what its bank's file booked
        detail[CLIENT_WRITTEN] = True
    if unbooked:  # the listed credits that may be what went back, on their own items
        detail["unbooked_lines"] = [x.action_id for x in unbooked]
    reversed_ = [f.payment.payment_id for f in fits if f.payment.reversed]
    if reversed_:
        detail["reversed_already"] = reversed_
    # the agency's list for its pooled account, whichever clients' payments fit (pooled11)
    scope = owner.action_list
    service._add_action(scope, KIND, title, detail, action_id=action_id)
    return "returned"


def _likeness(
    quoted: str | None, digest: str | None, their_quoted: str | None, their_text: str | None
) -> int:
    """How well a return's reference and text fit a credit's: the same reference counts most,
    then the same text; 0: neither (or the return has none)."""
    return 2 * bool(quoted and their_quoted == quoted) + bool(digest and their_text == digest)


def _text(item: ActionItem, key: str) -> str | None:
    value = item.detail.get(key)
    return value if isinstance(value, str) else None


def _unbooked(
    service: StatementService,
    line: StatementLine,
    owner: AccountOwner,
    clients: list[Client],
    earliest: date,
) -> list[ActionItem]:
    """The credits of the return's account, payer and amount that were not booked and wait on
    a list (a duplicate transfer, a transfer meant for another client) within the window: the
    money a return without end-to-end id may have sent back instead of a booked payment
    (attack13 F3). Read only when a return would undo a booked payment by itself (rare): the
    open items of those kinds on the account's list, and on the pooled account each client's
    (a line one of them claimed)."""
    iban, amount = line.counterparty_iban, abs(line.amount)
    scopes = [owner.action_list]
    if owner.client_id is None:
        scopes += [c.client_id for c in clients]
    found: list[ActionItem] = []
    for scope in dict.fromkeys(scopes):
        for kind in UNBOOKED_KINDS:
            token: str | None = None
            while True:
                items, token = service.repos.actions.list(
                    scope, status=ActionStatus.OPEN, kind=kind, page_size=200, continuation=token
                )
                found += [
                    x for x in items
                    if _same_credit(x, owner.account, iban, amount, earliest, line.booking_date)
                    and _not_booked(service, owner.account, x)
                ]  # fmt: skip
                if token is None:
                    break
    return found


def _not_booked(service: StatementService, account: str, item: ActionItem) -> bool:
    """The item's line is still waiting for a person (an item left open while its line was
    booked, by a claim another person finished, is that booked payment's own line)."""
    line_id = _text(item, "line_id")
    record = service.repos.banking.line(account, line_id) if line_id else None
    return record is not None and record.status in ("suggested", "unmatched")


def _same_credit(
    item: ActionItem, account: str, iban: str | None, amount: int, earliest: date, until: date
) -> bool:
    d = item.detail
    sent, charges = d.get("amount"), d.get("charges")
    if not isinstance(sent, int) or d.get("payer_iban") != iban or d.get("account") != account:
        return False
    arrived = sent - charges if isinstance(charges, int) else sent
    day = _day(d.get("date"))
    return amount in (sent, arrived) and day is not None and earliest <= day <= until


def _narrowed(fits: list[_Fit], quoted: str | None, remittance: str | None) -> list[_Fit]:
    """Several payments fit: those quoting the return's reference, then its text, if any do."""
    digest = remittance_digest(remittance)
    tests: tuple[Callable[[_Fit], bool], ...] = (
        lambda f: quoted is not None and f.ref.quoted == quoted,
        lambda f: digest is not None and f.ref.remittance == digest,
    )
    for same in tests:
        if len(fits) <= 1:
            break
        fits = [f for f in fits if same(f)] or fits
    return fits


def _undo(
    service: StatementService, client: Client, payment_id: str, line: StatementLine, reason: str
) -> None:
    service.payments.reverse(
        client, payment_id, RETURNED_BY_BANK.format(reason=reason), line.booking_date
    )


REVERSED_BY_PERSON = "reversed payment {payment}: {note}"


class ReturnedPayments:
    """A person reverses the booked bank payment an ``unmatched_return`` item's return sent
    back: the item says which return (its amount, day, payer), the person which payment.
    Only a bank payment of that amount (or what arrived of it), received on or before the
    return's day and of the item's client, is accepted, and only one the item names: its
    candidates, or a payment of the return's payer account (attack13 F2: a client's own item
    was a door to any payment); the agency's staff, on an item naming none, any. Only the agency's staff choose on an item of the agency's
    list, a payment that arrived on its pooled account (the agency's money), or one the
    bank's file booked for the return of a file the client uploaded (attack10 F7). The choice is written on the item
    first (under its ETag), so a retry finishes it and a second choice is refused; the
    reversal is :meth:`PaymentService.reverse`, as a matched return's; on the audit log."""

    def __init__(
        self,
        repos: Repositories,
        payments: PaymentService,
        clock: Clock,
        audit: Callable[..., None] | None = None,
    ) -> None:
        self.repos = repos
        self.payments = payments
        self.clock = clock
        self.audit = audit

    def reverse(
        self,
        scope: str,
        action_id: str,
        client: Client,
        payment_id: str,
        note: str,
        author: str,
        actor: str,
        *,
        by_agency: bool,
    ) -> ActionItem:
        """``scope``: the item's list (the client's, or the agency's for its pooled account);
        ``author``: who, as an item's resolution names it (a key id); ``actor``: as the audit
        log does; ``by_agency``: the person is the agency's (an agency key or its staff), not
        the client's."""
        found = self.repos.actions.get(scope, action_id)
        if found is None or (is_agency_scope(scope) and scope != agency_scope(client.agency_id)):
            raise NotFound(f"action {action_id} not found")
        item, etag = found
        if is_agency_scope(scope) and not by_agency:
            raise Invalid(f"action {action_id} is on the agency's list", field="payment",
                          code="return_agency_decides", params={"payment": payment_id})  # fmt: skip
        if item.kind != KIND:
            raise Invalid(
                f"action {action_id} is a {item.kind}, not a returned payment",
                field="kind", code="action_other_kind", params={"kind": item.kind},
            )  # fmt: skip
        chosen = item.detail.get("reversing")
        if item.status is ActionStatus.RESOLVED:
            if chosen == payment_id:
                return item  # the same request again: done
            raise Invalid(f"action {action_id} is resolved already", field="status",
                          code="action_resolved")  # fmt: skip
        if chosen not in (None, payment_id):
            raise Invalid(
                f"action {action_id} reverses payment {chosen} already",
                field="payment", code="return_reversing_other", params={"payment": chosen},
            )  # fmt: skip
        payment = self._fitting(item, client, payment_id, chosen is None, by_agency)
        assert etag is not None
        if chosen is None:
            item = self._save(replace(item, detail={**item.detail, "reversing": payment_id}), etag)
            found = self.repos.actions.get(scope, action_id)
            assert found is not None
            item, read = found
            assert read is not None
            etag = read
            if self.audit is not None:
                self.audit(
                    Event.PAYMENT_REVERSED, agency_id=client.agency_id, client_id=client.client_id,
                    actor=actor, subject=payment_id, action=action_id, reason=note,
                    amount=str(payment.amount),
                )  # fmt: skip
        reason = str(item.detail.get("return_reason") or "reversal")
        on = _day(item.detail.get("date"))
        line_id = item.detail.get("line_id")
        if isinstance(line_id, str):
            # under the return line, as an automatic match is: the same return read again (a
            # crash before its line was settled) undoes this one again, not the other that fits
            iban = item.detail.get("payer_iban")
            self.repos.banking.remember_payment(client.client_id, PaymentRef(
                return_reference(line_id), payment_id, payment.amount,
                iban if isinstance(iban, str) else None,
            ))  # fmt: skip
        self.payments.reverse(client, payment_id, RETURNED_BY_BANK.format(reason=reason), on)
        resolved = replace(
            item,
            status=ActionStatus.RESOLVED,
            resolved_at=self.clock.now(),
            resolution=f"{REVERSED_BY_PERSON.format(payment=payment_id, note=note)} ({author})",
        )
        try:
            return self._save(resolved, etag)
        except ConflictingUpdate:
            again = self.repos.actions.get(scope, action_id)
            if again is not None and again[0].status is ActionStatus.RESOLVED:
                return again[0]
            raise

    def _fitting(
        self, item: ActionItem, client: Client, payment_id: str, new: bool, by_agency: bool
    ) -> Payment:
        payment = self.repos.payments.get(client.client_id, payment_id)
        if payment is None:
            raise NotFound(f"payment {payment_id} not found")
        payer = self._of_payer(item, client, payment_id)
        # the agency's staff may name another where the item names none: a payment booked
        # before payers were remembered (newcomer12's upgrade) has no row to be found by
        unnamed = by_agency and not item.detail.get("payments")
        if not self._named(item, payment_id) and payer is None and not unnamed:
            raise Invalid(
                f"payment {payment_id} is none of the return's: neither named on the item nor "
                "of the return's payer account",
                field="payment", code="return_payment_not_named", params={"payment": payment_id},
            )  # fmt: skip
        if not by_agency and self.agency_decides(item, payment, payer):
            raise Invalid(
                f"payment {payment_id} is the agency's to reverse: it arrived on its account, "
                "or its bank's file booked it and the return is of a file the client uploaded",
                field="payment", code="return_agency_decides", params={"payment": payment_id},
            )  # fmt: skip
        amount = abs(int(str(item.detail.get("amount") or 0)))
        day = _day(item.detail.get("date"))
        if (
            payment.source is not PaymentSource.BANK
            or amount not in (payment.amount, payment.amount - payment.bank_charges)
            or (day is not None and payment.received_on > day)
        ):
            raise Invalid(
                f"payment {payment_id} is no bank payment of {format_eur_nl(amount)} received "
                "before the return",
                field="payment", code="return_payment_unfit", params={"payment": payment_id},
            )  # fmt: skip
        if payment.reversed and new:
            raise Invalid(f"payment {payment_id} is reversed already", field="payment",
                          code="return_payment_reversed", params={"payment": payment_id})  # fmt: skip
        return payment

    @staticmethod
    def _named(item: ActionItem, payment_id: str) -> bool:
        """The item names the payment as the return's candidate (or as reversed already)."""
        return any(
            isinstance(named, list) and payment_id in named
            for named in (item.detail.get("payments"), item.detail.get("reversed_already"))
        )

    def agency_decides(self, item: ActionItem, payment: Payment, payer: PaymentRef | None) -> bool:
        """Whether only the agency's people may reverse ``payment`` for return ``item``: it
        arrived on the agency's account, or the return is of a file the client uploaded and
        the payment was booked by the bank's (``payer``: its row under the return's payer
        account). The service's refusal and the console's offer both ask
        this (codereview13 #9: the form offered a client's admin what reverse refused)."""
        return payment.received_by is Receiver.THIRD_PARTY or (
            item.detail.get(CLIENT_WRITTEN) is True and not (payer and payer.client_written)
        )

    def clients_to_reverse(self, item: ActionItem, client: Client, payment: Payment) -> bool:
        """Whether the client's own people may reverse ``payment`` for ``item`` (the console
        offers them only those)."""
        return not self.agency_decides(item, payment, self._of_payer(item, client,
                                                                     payment.payment_id))  # fmt: skip

    def _of_payer(self, item: ActionItem, client: Client, payment_id: str) -> PaymentRef | None:
        """The payment's row under the return's payer account (None: not that payer's)."""
        iban = item.detail.get("payer_iban")
        if not isinstance(iban, str) or not iban:
            return None
        rows = self.repos.banking.payments_for(client.client_id, payer_reference(iban))
        return next((r for r in rows if r.payment_id == payment_id), None)

    def _save(self, item: ActionItem, etag: str) -> ActionItem:
        return save_item(self.repos, item, etag)


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
