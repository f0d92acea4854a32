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
    SENT_BACK,
    AccountOwner,
    BankingRepository,
    PaymentRef,
    ReturnChoice,
    SentBack,
    payer_reference,
    received_of,
    return_reference,
)
from shared.clock import Clock, amsterdam_date
from shared.domain.money import format_eur_nl
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.records import ActionItem, ActionStatus, Payment, PaymentSource, Receiver
from shared.domain.scopes import agency_scope, is_agency_scope
from shared.domain.statements.model import StatementLine
from shared.ports.tables import Conflict
from shared.services.action_saves import RETURN_PENDING, save_item
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.statement_sources import CLIENT_WRITTEN
from shared.services.statements_redo import day_keyed_id

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
# the resolution of a credit nobody booked that the bank sent back (action_text translates it)
SENT_BACK_BY_BANK = "sent back by the bank ({reason}) on {day}"
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
# a pooled line's money for an invoice its client never handed over (matching.NOT_HANDED):
# the client's, paid on to it, or booked by the agency once the client hands the invoice over
CLIENT_MONEY = "client_money"
UNBOOKED_KINDS = ("payment_suggestion", "unmatched_credit", CLIENT_MONEY)


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
        # this very return undid one before (or a person chose it on its item): that one, again
        decided = _decided(service, clients, line_id)
        if decided is not None:
            client, payment_id = decided
            # the choice and the payment's claim are two writes: a return cut off between them
            # left a choice whose payment another return may have claimed and undone since
            # (failure14 F6). Only its own claim undoes it; else the choice is dropped and
            # the return weighed as any, the payment listed as reversed already
            if banking.claim_returned(client.client_id, payment_id, line_id) == line_id:
                _undo(service, client, payment_id, line, reason)
                return "returned"
            banking.drop_return_choice(line_id, ReturnChoice(client.client_id, payment_id))
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
    # a payment another return undoes (its line's claim came first) is that return's, as if
    # reversed already: one payment is never the money of two returns (failure13 F5)
    taken = {
        f.payment.payment_id for f in fits
        if not f.payment.reversed and line_id is not None
        and banking.returned_by(f.client.client_id, f.payment.payment_id) not in (None, line_id)
    }  # fmt: skip
    open_ = _narrowed(
        [f for f in fits if not f.payment.reversed and f.payment.payment_id not in taken],
        quoted, line.remittance,
    )  # fmt: skip
    digest = remittance_digest(line.remittance)
    unbooked: list[ActionItem] = []
    doubt = None
    if not open_ and line_id is not None:
        # no booked payment: the money it sends back may be a credit nobody booked yet
        unbooked, sent = _sent_back(service, line, line_id, owner, clients, earliest, written,
                                    reason)  # fmt: skip
        if sent:
            return "returned"
    if len(open_) == 1 and line_id is not None:
        mine = _likeness(quoted, digest, open_[0].ref.quoted, open_[0].ref.remittance)
        unbooked = [
            x for x in _unbooked(service, line, owner, clients, earliest, line_id)
            if _likeness(quoted, digest, _plain(_text(x, "reference")),
                         remittance_digest(_text(x, "remittance"))) >= mine
        ]  # fmt: skip
        if unbooked:
            doubt = UNBOOKED_TOO
        elif owner.client_id is None and (quoted or digest) and mine == 0:
            doubt = TEXT_DIFFERS
    if len(open_) == 1 and line_id is not None and doubt is None:
        chosen = open_[0]
        # chosen once, before the undoing: a redelivery (a crash before the line was settled)
        # undoes this one again, and a person choosing on the item at the same moment either
        # came first (his payment is undone here) or is refused (failure13 F4)
        won = choose_return(banking, line_id, chosen.client.client_id, chosen.payment, iban)
        if won is None:  # the payment another return took meanwhile: weigh the fits again
            return returned_by_payer(service, line, line_id, clients, owner, reason, written,
                                     action_id)  # fmt: skip
        client = next((c for c in clients if c.client_id == won.client_id), chosen.client)
        _undo(service, client, won.payment_id, line, reason)
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
        if action_id is not None:
            _hold_twins(service, unbooked, owner.action_list, action_id)
    reversed_ = [f.payment.payment_id for f in fits
                 if f.payment.reversed or f.payment.payment_id in taken]  # fmt: skip
    if reversed_:
        detail["reversed_already"] = reversed_
    # the agency's list for its pooled account, whichever clients' payments fit (pooled11)
    scope = owner.action_list
    service._add_action(scope, KIND, title, detail, action_id=action_id)
    return "returned"


def _hold_twins(
    service: StatementService, twins: list[ActionItem], scope: str, action_id: str
) -> None:
    """Each credit a return may have sent back names the return's item before that item is
    written, so its confirm waits for a person's decision on the return (codereview13 #5:
    the recalled duplicate was confirmed and booked while the return's item listed it). A
    crash before the item leaves a name of no item, which holds nothing; its redelivery
    names it again."""
    pending = {"scope": scope, "action": action_id}
    for twin in twins:
        for _ in range(5):
            found = service.repos.actions.get(twin.client_id, twin.action_id)
            if found is None or found[0].detail.get(RETURN_PENDING) == pending:
                break
            item, etag = found
            held = replace(item, detail={**item.detail, RETURN_PENDING: pending})
            try:
                save_item(service.repos, held, etag or "")
            except ConflictingUpdate:
                continue
            break


def _decided(
    service: StatementService, clients: list[Client], line_id: str
) -> tuple[Client, str] | None:
    """The payment the return's line chose before, and its client: the choice's own row, or
    (a choice written before it had one) a row under the line's key in a client's partition."""
    banking = service.repos.banking
    choice = banking.return_choice(line_id)
    if choice is not None:
        client = next((c for c in clients if c.client_id == choice.client_id), None)
        if client is not None:
            return client, choice.payment_id
    for client in clients:
        for decided in banking.payments_for(client.client_id, return_reference(line_id)):
            return client, decided.payment_id
    return None


def choose_return(
    banking: BankingRepository, line_id: str, client_id: str, payment: Payment, iban: str | None
) -> ReturnChoice | None:
    """The payment the return's line undoes, chosen once (the first chooser's stands) and
    given to that line (a payment is undone by one return): the chosen one, another chooser's,
    or None when the winner's payment is another return's (its choice is then dropped)."""
    won = banking.choose_for_return(line_id, ReturnChoice(client_id, payment.payment_id))
    if banking.claim_returned(won.client_id, won.payment_id, line_id) != line_id:
        banking.drop_return_choice(line_id, won)
        return None
    if won == ReturnChoice(client_id, payment.payment_id):
        # also as before the choice had its own row: an instance of the code before it reads
        # this during a deploy
        banking.remember_payment(client_id, PaymentRef(
            return_reference(line_id), payment.payment_id, payment.amount, iban,
        ))  # fmt: skip
    return won


def _sent_back(
    service: StatementService,
    line: StatementLine,
    line_id: str,
    owner: AccountOwner,
    clients: list[Client],
    earliest: date,
    written: bool,
    reason: str,
) -> tuple[list[ActionItem], bool]:
    """A return no booked payment fits, of a credit that waits unbooked on a list (the bank
    sent it back before anyone confirmed it: newcomer13 #1). The one that fits it best by
    itself (the same reference, then text) is marked sent back: its line (under its ETag, so
    a confirm racing it either claimed it first, its booking then the return's to undo, or
    is refused ``credit_sent_back``) and its item, resolved naming the return. Answers the
    credits that fit and whether one was marked (several alike: a person's call, listed)."""
    found = _unbooked(service, line, owner, clients, earliest, line_id)
    if not found:
        # a redelivery after the credit's item was resolved (a crash before this line was
        # settled): what the first delivery sent back, finished (returns14 #2)
        return found, _sent_back_before(service, line, line_id, owner.account, reason)
    quoted, digest = _plain(line.reference), remittance_digest(line.remittance)
    alike = {
        x.action_id: _likeness(quoted, digest, _plain(_text(x, "reference")),
                               remittance_digest(_text(x, "remittance")))
        for x in found
    }  # fmt: skip
    best = [x for x in found if alike[x.action_id] == max(alike.values())]
    if len(best) != 1 or (written and best[0].detail.get(CLIENT_WRITTEN) is not True):
        return found, False  # a client's upload never marks what the bank's file listed
    credit = best[0]
    account, credit_line = owner.account, str(credit.detail["line_id"])
    banking = service.repos.banking
    record = banking.line(account, credit_line)
    if record is None:
        return found, False
    if record.status != SENT_BACK and not banking.send_back(account, record, line_id):
        return found, False  # a confirm claimed it meanwhile: listed as the return it is
    # written down before the item is resolved: the item resolved is no longer found open
    banking.note_sent_back(line_id, SentBack(credit_line, credit.client_id, credit.action_id))
    _resolve_sent_back(service, credit.client_id, credit.action_id, line, line_id, reason)
    log.info("return without a booked original matched the credit nobody booked")
    return found, True


def _sent_back_before(
    service: StatementService, line: StatementLine, line_id: str, account: str, reason: str
) -> bool:
    """Whether this return sent back a credit before (its note, and the credit's line marked
    sent back by it): its item resolved, if a crash left it open."""
    banking = service.repos.banking
    sent = banking.sent_back_by(line_id)
    if sent is None:
        return False
    record = banking.line(account, sent.line_id)
    if record is None or record.status != SENT_BACK or record.returned_by != line_id:
        return False
    _resolve_sent_back(service, sent.scope, sent.action_id, line, line_id, reason)
    return True


def _resolve_sent_back(
    service: StatementService, scope: str, action_id: str, line: StatementLine, line_id: str,
    reason: str,
) -> None:  # fmt: skip
    """The credit's item resolved, naming the return that sent it back."""
    when = line.booking_date.isoformat()
    detail = {"sent_back_on": when, "sent_back_reason": reason, "sent_back_line": line_id}
    resolution = SENT_BACK_BY_BANK.format(reason=reason, day=when)
    for _ in range(3):  # under its ETag: a person's change meanwhile is read again
        got = service.repos.actions.get(scope, action_id)
        if got is None or got[1] is None or got[0].status is ActionStatus.RESOLVED:
            break
        done = replace(got[0], detail={**got[0].detail, **detail}, status=ActionStatus.RESOLVED,
                       resolved_at=service.clock.now(), resolution=resolution)  # fmt: skip
        try:
            save_item(service.repos, done, got[1])
            break
        except ConflictingUpdate:
            continue


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
    line_id: str,
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
        # the client's money is an item of the agency's own list only (no read elsewhere)
        pooled = owner.client_id is None and scope == owner.action_list
        for kind in (k for k in UNBOOKED_KINDS if pooled or k != CLIENT_MONEY):
            token: str | None = None
            while True:
                items, token = service.repos.actions.list(
                    scope, status=ActionStatus.OPEN, kind=kind, page_size=200, continuation=token
                )
                found += [
                    x for x in items
                    if _same_credit(x, owner.account, iban, amount, earliest, line.booking_date)
                    and _not_booked(service, owner.account, x, line_id)
                ]  # fmt: skip
                if token is None:
                    break
    return found


def _not_booked(service: StatementService, account: str, item: ActionItem, by: str) -> bool:
    """The item's line is still waiting for a person (an item left open while its line was
    booked, by a claim another person finished, is that booked payment's own line), or was
    marked sent back by the return ``by`` (read again after a cut-off)."""
    line_id = _text(item, "line_id")
    record = service.repos.banking.line(account, line_id) if line_id else None
    return record is not None and (
        record.status in ("suggested", "unmatched")
        or (record.status == SENT_BACK and record.returned_by == by)
    )


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
# a person's choice refused: the return, read again, had undone another payment first
UNDID_OTHER = "the return undid payment {payment} when it was read again"


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
        reason = str(item.detail.get("return_reason") or "reversal")
        on = _day(item.detail.get("date"))
        line_id = item.detail.get("line_id")
        if isinstance(line_id, str):
            self._choose(item, etag, client, payment, line_id)
        self.payments.reverse(client, payment_id, RETURNED_BY_BANK.format(reason=reason), on)
        # audited after the reversal, once (keyed on it): never for a reversal that did not
        # happen, and a retry after a cut-off between the two audits it then (failure13 F3)
        self._audit(client, payment_id, action_id, actor, note)
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

    def _choose(
        self, item: ActionItem, etag: str, client: Client, payment: Payment, line_id: str
    ) -> None:
        """The person's payment chosen under the return line, as an automatic match is: the
        same return read again (a crash before its line was settled, or at this very moment)
        undoes this one again, not the other that fits (failure13 F4). Refused, the item
        saying what happened, when the line undid another payment first (the item is resolved
        with it) or the payment is another return's (reversed or taken by it: the item stays
        open, the payment listed as reversed already; failure13 F5)."""
        iban = item.detail.get("payer_iban")
        mine = ReturnChoice(client.client_id, payment.payment_id)
        banking = self.repos.banking
        holder = banking.returned_by(client.client_id, payment.payment_id)
        if holder is None and any(  # chosen before the choice had its own row (a deploy)
            r.payment_id == payment.payment_id
            for r in banking.payments_for(client.client_id, return_reference(line_id))
        ):
            holder = line_id
        won: ReturnChoice | None = None
        if not (payment.reversed and holder != line_id):
            won = choose_return(self.repos.banking, line_id, client.client_id, payment,
                                iban if isinstance(iban, str) else None)  # fmt: skip
        if won == mine:
            return
        if won is not None:  # the return, read again, undid another payment first
            self._save(replace(
                item, detail={**item.detail, "reversing": won.payment_id},
                status=ActionStatus.RESOLVED, resolved_at=self.clock.now(),
                resolution=UNDID_OTHER.format(payment=won.payment_id),
            ), etag)  # fmt: skip
            raise Invalid(
                f"the return undid payment {won.payment_id} already",
                field="payment", code="return_reversing_other", params={"payment": won.payment_id},
            )  # fmt: skip
        self.repos.banking.drop_return_choice(line_id, mine)
        detail = {k: v for k, v in item.detail.items() if k != "reversing"}
        gone = [p for p in _names(detail.get("reversed_already")) if p != payment.payment_id]
        detail["reversed_already"] = [*gone, payment.payment_id]
        detail["payments"] = [p for p in _names(detail.get("payments")) if p != payment.payment_id]
        self._save(replace(item, detail=detail), etag)
        raise Invalid(
            f"payment {payment.payment_id} is reversed already, by another return",
            field="payment", code="return_payment_reversed", params={"payment": payment.payment_id},
        )  # fmt: skip

    def _audit(
        self, client: Client, payment_id: str, action_id: str, actor: str, note: str
    ) -> None:
        """The person's reversal on the audit log, once: keyed on the payment and the day it
        was reversed, a retry's insert is refused."""
        if self.audit is None:
            return
        done = self.repos.payments.get(client.client_id, payment_id)
        if done is None or not done.reversed:
            return
        day = done.reversed_on or amsterdam_date(self.clock.now())
        try:
            self.audit(
                Event.PAYMENT_REVERSED, agency_id=client.agency_id, client_id=client.client_id,
                actor=actor, subject=payment_id, action=action_id, reason=note,
                amount=str(done.amount),
                event_id=day_keyed_id(day, Event.PAYMENT_REVERSED.value, payment_id),
            )  # fmt: skip
        except Conflict:
            pass  # audited by the first attempt

    def candidates(self, item: ActionItem, limit: int = 20) -> list[Payment]:
        """The booked payments a return's item may undo as they stand now, not as when the
        return was read (newcomer13 #1: a credit of the payer confirmed after its return was
        listed was no candidate, the form said "no booked payment found"): those it named,
        and the bank payments of its payer account and amount received by its day, neither
        reversed nor another return's."""
        if item.kind != KIND:
            return []
        scope, detail = item.client_id, item.detail
        amount, day = abs(int(str(detail.get("amount") or 0))), _day(detail.get("date"))
        iban, line_id = detail.get("payer_iban"), detail.get("line_id")
        banking = self.repos.banking
        rows = (
            banking.payments_for(scope, payer_reference(iban))
            if isinstance(iban, str) and iban and not is_agency_scope(scope)
            else []
        )
        ids = dict.fromkeys([
            *_names(detail.get("payments")),
            *(r.payment_id for r in rows if r.amount is None or amount in (r.amount, r.received)),
        ])  # fmt: skip
        found: list[Payment] = []
        for payment_id in ids:
            payment = self.repos.payments.get(scope, payment_id)
            if (
                payment is None
                or payment.reversed
                or payment.source is not PaymentSource.BANK
                or amount not in (payment.amount, payment.amount - payment.bank_charges)
                or (day is not None and payment.received_on > day)
                or banking.returned_by(scope, payment_id) not in (None, line_id)
            ):
                continue
            found.append(payment)
            if len(found) >= limit:
                break
        return found

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


def _names(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
