"""A person corrects the designation of a booked payment (art. 6:43 lid 1 BW: the payer's
designation holds; 6:30: a third party's payment may not be made to serve another debt than
the one it paid; law13 F5).

A bank line confirmed on the wrong invoice, a portal or sync payment booked on a claim its
payer did not name: staff say which invoices of the same debtor it paid. The row keeps the new
designation and the ledger books the payment again as if it had been designated so from the
day it was received (:func:`~shared.domain.ledger.designation.rebook_designated`): it is taken
off every claim it holds money on, those claims are restated without it (interest runs on,
costs as their term says), and it goes on the named claims first (earliest due first), the
rest by 6:43 lid 2, each claim by 6:44. Costs a claim paid inside its 14-day term never owed
disappear; interest is computed again. The invoices and the payment row follow the ledger,
and the settlement follows the row: money a payout already paid out on the wrong invoice is a
``reallocated`` correction of the next settlement, never a rewrite of the one made.

The claims it leaves are restated as a lowering restatement (:data:`DESIGNATION_RESTATED`):
their accrual counts the money as never having been there, so a later storno of the payment
changes nothing more (codereview13 #1). A kind letter's share let go because the payment paid
a claim as told follows it (:mod:`~shared.domain.ledger.kind_letter`): owed again on a claim it
leaves, let go on a claim of the letter it pays as told (codereview13 #2), that letter written
in the ledger's transaction that puts the money there, so a correction cut off, refused or
overtaken by a return before it lets no share go (failure14 F1).

Idempotent and finished: what is to be done is marked first (a row ``e|`` in the client's
Invoices partition, :data:`~shared.adapters.tables.invoices_repo.REDESIGNATING_ROW`, with the
designation and invoices before, for the audit), then the designation is written on the row,
and the ledger's change is keyed on it, so the same request again finds the money where the
designation puts it and moves nothing, and a correction cut off between the row and the
ledger is finished by its retry (with the version the page read too: its own half-write is no
change by another) or by the client's daily run (:meth:`Redesignation.finish_left_over`); the
mark goes once the ledger holds what the row says (failure13b G2).

The version (:func:`version_of`) guards two people correcting the same payment from stale
pages: the row is saved only under the ETag of the read whose version was checked, and the
re-booking books what the row says (read again with the claims, and after the ledger's write),
so of two requests from one page one is refused and the row and the ledger agree (G4). A bank
return saved meanwhile is read again and refused, and a payment the ledger shows returned (its
row not yet) is never spread again (G1). The booked invoices the finish writes on the row after
the re-booking are saved under the ETag of their own read too: a return saved after the
re-booking stays on the row (failure14 F4: saved back ``reversed=False``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from shared.adapters.tables.invoices_repo import REDESIGNATING_ROW
from shared.adapters.tables.keys import encode
from shared.clock import amsterdam_date
from shared.domain.invoices import Invoice
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.designation import came_back, rebook_designated
from shared.domain.ledger.kind_letter import LetterAsBusiness
from shared.domain.ledger.model import (
    DESIGNATION_RESTATED,
    ClaimFigures,
    EventKind,
    LedgerEvent,
)
from shared.domain.ledger.replay import open_claims
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.records import Payment
from shared.ports.tables import Conflict, PreconditionFailed, TransactionFailed
from shared.services.due_date_restatement import GRACE
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.ledger.designation import settle_item
from shared.services.ledger.service import RETRIES, DebtorClaims, LedgerService
from shared.services.statements_redo import day_keyed_id
from shared.telemetry.context import log_extra

log = logging.getLogger(__name__)

REDESIGNATED = "designation corrected by hand"  # the ledger's and the overpayment item's word
# a payment takes no new designation to an invoice that takes no payment
# (``Invoice.takes_payments``: credited, or withdrawn and not written off)


class StaleVersion(Exception):
    """The payment changed since the caller read it (its ``If-Match`` is stale)."""


def version_of(payment: Payment) -> str:
    """The payment's version as the designation form and the API see it: its designation and
    where its money is (a move by anyone changes it)."""
    key = "|".join(
        [
            ",".join(payment.designated),
            ";".join(f"{a.invoice_number}:{a.component}:{a.amount}" for a in payment.allocations),
            str(payment.unallocated),
            str(payment.reversed),
        ]
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:20] + '"'


def _held(records: Sequence[ClaimRecord], payment_id: str) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for r in records:
        for e in r.events:
            if e.payment_id != payment_id:
                continue
            sign = {EventKind.ALLOCATED: 1, EventKind.REVERSAL: -1}.get(e.kind, 0)
            key = (r.number, e.component.value)
            out[key] = out.get(key, 0) + sign * e.amount
    return {k: v for k, v in out.items() if v}


# the reason a correction is audited with, as long as the API's (DesignationIn) and the console
# form's: one rule for both, here (codereview13 #8: the form booked the money again on '-')
REASON_MIN, REASON_MAX = 3, 1000


def checked_reason(reason: str) -> str:
    """``reason`` stripped, or refused: the audit log says why the money moved."""
    said = reason.strip()
    if not REASON_MIN <= len(said) <= REASON_MAX:
        raise Invalid(
            f"say why the designation is corrected ({REASON_MIN} to {REASON_MAX} characters): "
            "it goes on the audit log", field="reason", code="designation_no_reason",
            params={"min": REASON_MIN, "max": REASON_MAX},
        )  # fmt: skip
    return said


# the payer's own word for a new designation: he asked for it himself (he says he meant these
# invoices), or his remittance named them and was misread when the payment was booked
PAYER_WORDS = ("asked", "misread")


def checked_payer_word(payment: Payment, named: tuple[str, ...], payer_word: str | None) -> None:
    """Refused: moving a payment off the invoices its payer designated (his remittance, the
    reference, the portal or his plan named them) without his word. 6:43 lid 1 BW: the
    payment goes where he designated it, and the creditor may not make it serve another debt
    (6:44 lid 2 only lets him refuse a payment); a person may correct only his own tick or
    money nobody designated, or follow the payer's own word (law14 F5)."""
    own = payment.designated and not payment.designated_by_staff
    if own and set(named) != set(payment.designated) and payer_word is None:
        raise Invalid(
            f"payment {payment.payment_id} was designated by its payer to "
            f"{', '.join(payment.designated)}: it moves only on his word (he asked for it, or "
            "his remittance was misread)", field="payer_word",
            code="designation_payer_own", params={"invoices": ", ".join(payment.designated)},
        )  # fmt: skip


class Redesignation:
    def __init__(
        self,
        ledger: Callable[[], LedgerService],
        audit: Callable[..., None] | None = None,
    ) -> None:
        self._ledger = ledger  # late: the container's, with its listeners
        self.audit = audit
        # an invoice the payment leaves is open again, one the run had dropped as paid: the
        # dunning must look at it again (lawyer20 L7); wired in the container
        self.resume_dunning: Callable[[str, list[Invoice]], object] | None = None

    @property
    def ledger(self) -> LedgerService:
        return self._ledger()

    def redesignate(
        self,
        client: Client,
        payment_id: str,
        invoices: Sequence[str],
        actor: str,
        reason: str,
        *,
        version: str | None = None,
        payer_word: str | None = None,
    ) -> Payment:
        """Payment ``payment_id`` of ``client`` paid ``invoices`` (of its own debtor): booked
        again so from its received day (see the module's text). ``version``: the
        :func:`version_of` the caller read (None: whatever is stored); ``actor``: who, on the
        audit log, with ``reason``. ``payer_word``: the payer's own word for the new
        designation (:data:`PAYER_WORDS`), required to move a payment off invoices its payer
        designated (:func:`checked_payer_word`); the designation then stays his. The payment
        as it stands after."""
        reason = checked_reason(reason)
        if payer_word is not None and payer_word not in PAYER_WORDS:
            raise Invalid(f"payer_word is one of {', '.join(PAYER_WORDS)}", field="payer_word",
                          code="designation_payer_word_unknown")  # fmt: skip
        named = tuple(dict.fromkeys(n.strip() for n in invoices if n.strip()))
        for _ in range(RETRIES):
            try:
                return self._attempt(client, payment_id, named, actor, reason, version,
                                     payer_word)  # fmt: skip
            except _Changed:
                continue  # the row changed under the request: read it again and decide
        raise ConflictingUpdate(f"payment {payment_id} keeps changing")

    def _attempt(
        self, client: Client, payment_id: str, named: tuple[str, ...], actor: str, reason: str,
        version: str | None, payer_word: str | None,
    ) -> Payment:  # fmt: skip
        repos = self.ledger.repos
        read = repos.payments.get_versioned(client.client_id, payment_id)
        if read is None:
            raise NotFound(f"payment {payment_id} not found")
        found, etag = read
        if set(named) == set(found.designated):
            # the same invoices in another order (the console posts its ticks in page order) are
            # no change: the designation stays as found, and whose it is (codereview14 F0: the
            # payer's own resent reordered became staff's, and the next move needed no word)
            named = found.designated
        key = _mark_key(payment_id, named)
        pending = self._pending(client, key)
        # a correction to this designation cut off before its re-booking: the row says it, the
        # ledger may not; its retry with the version the page read is no change by another
        # (its own half-write), and it is finished with what stood before (failure13b G2)
        resumes = pending is not None and found.designated == named
        if (
            version is not None
            and version != version_of(found)
            and not (resumes and pending is not None and pending[1].get("version") == version)
        ):
            raise StaleVersion(f"payment {payment_id} was changed since it was read")
        self._check(client, found, named)
        if not resumes:
            checked_payer_word(found, named, payer_word)
        if resumes and pending is not None:
            mark_etag, mark = pending
        else:
            mark_etag, mark = None, _mark(found, named, actor, reason, self._today())
        if found.designated != named:
            # what is to be done is written first: a cut after the row's save leaves it to the
            # retry or the daily run, with the designation before for the audit
            mark = {**mark, "at": self.ledger.clock.now().isoformat()}
            mark_etag = repos.invoices.put_mark(client.client_id, REDESIGNATING_ROW, key, mark)
            try:  # the version checked is the write's condition: a return or another
                # person's correction saved since is read again (failure13b G1, G4)
                by_staff = payer_word is None
                # misread: his remittance named these all along, so they are his act (6:43, and
                # the acknowledgement of 3:318); asked: his later word back-dates nothing
                paid = named if payer_word == "misread" else _debtor_paid_before(found)
                repos.payments.save_if(
                    replace(found, designated=named, designated_by_staff=by_staff,
                            debtor_paid=paid), etag,
                )  # fmt: skip
            except PreconditionFailed:
                self._drop_if_moot(client, payment_id, key, mark_etag, named)
                raise _Changed() from None
        try:
            moved = self._rebook(client, payment_id, str(found.debtor_number), named)
        except (Invalid, _Changed):
            self._drop_if_moot(client, payment_id, key, mark_etag, named)
            raise
        return self._finish(client, payment_id, moved, mark, key, mark_etag)

    def finish_left_over(self, client: Client) -> None:
        """Corrections a request wrote on the payment row and did not re-book (cut off between):
        booked as the row says, audited with the designation before (kept in the mark); a mark
        whose row never took its designation (cut before, or corrected again since) or whose
        payment came back goes, after :data:`GRACE` (its request may still be writing)."""
        repos = self.ledger.repos
        now = self.ledger.clock.now()
        for key, etag, mark in repos.invoices.marks(client.client_id, REDESIGNATING_ROW):
            payment_id = str(mark.get("payment", ""))
            named = tuple(str(n) for n in mark.get("designated", []))
            found = repos.payments.get(client.client_id, payment_id)
            if found is None or found.reversed or found.designated != named:
                if now - datetime.fromisoformat(str(mark["at"])) > GRACE:
                    repos.invoices.drop_mark(client.client_id, REDESIGNATING_ROW, key, etag)
                continue
            try:
                moved = self._rebook(client, payment_id, str(found.debtor_number), named)
                self._finish(client, payment_id, moved, mark, key, etag)
            except (_Changed, Invalid, ConflictingUpdate, NotFound) as exc:  # looked at again
                log.warning(
                    "payment designation left to finish",
                    extra=log_extra({"client_id": client.client_id, "payment_id": payment_id,
                                     "error": type(exc).__name__}),
                )  # fmt: skip

    def _finish(
        self, client: Client, payment_id: str, moved: bool, mark: Mapping[str, Any], key: str,
        mark_etag: str | None,
    ) -> Payment:  # fmt: skip
        """The row's booked invoices and the overpayment item as the ledger now says; the
        audit (once per designation) with the designation before kept in the mark; the mark
        dropped."""
        ledger = self.ledger
        after = (
            self._booked_to(client, payment_id)
            if moved
            else ledger.repos.payments.get(client.client_id, payment_id)
        )
        if after is None:
            raise NotFound(f"payment {payment_id} not found")
        settle_item(ledger, client, payment_id, REDESIGNATED)
        # the correction the mark names, as asked (a later one saved over it is its own)
        named = tuple(str(n) for n in mark.get("designated", after.designated))
        if moved or tuple(str(n) for n in mark.get("was", named)) != named:
            self._audited(client, after, named, mark, mark_etag)
        if self.resume_dunning is not None and after.debtor_number:
            # the debtor's invoices, as the money left some (its surplus too, not only those
            # designated) and the run had dropped them as paid: looked at again (a manual,
            # rare correction; one not collectable gets no row)
            self.resume_dunning(client.client_id, list(
                ledger.repos.invoices.for_debtor(client.client_id, after.debtor_number)
            ))  # fmt: skip
        if mark_etag is not None:
            ledger.repos.invoices.drop_mark(client.client_id, REDESIGNATING_ROW, key, mark_etag)
        log.info(
            "payment designation corrected",
            extra=log_extra({"client_id": client.client_id, "payment_id": payment_id,
                             "invoices": len(after.designated), "moved": bool(moved)}),
        )  # fmt: skip
        return after

    def _booked_to(self, client: Client, payment_id: str) -> Payment | None:
        """The row's booked invoices made the ones its allocations (as the ledger's follow-up
        wrote them) name, saved under the ETag of the read it changes: a bank return or another
        correction saved since is read again and kept (failure14 F4: the row was saved back
        ``reversed=False`` over the return). A payment that came back keeps its row as the
        return left it. The row as it stands after (None: gone)."""
        payments = self.ledger.repos.payments
        for _ in range(RETRIES):
            read = payments.get_versioned(client.client_id, payment_id)
            if read is None:
                return None
            row, etag = read
            booked_to = tuple(sorted({a.invoice_number for a in row.allocations}))
            if row.reversed or row.booked_to == booked_to:
                return row
            try:
                payments.save_if(replace(row, booked_to=booked_to), etag)
            except PreconditionFailed:
                continue  # saved by another since the read: read again
            return replace(row, booked_to=booked_to)
        raise ConflictingUpdate(f"payment {payment_id} keeps changing")

    def _pending(self, client: Client, key: str) -> tuple[str | None, dict[str, Any]] | None:
        """The mark of this correction a request left standing: (its etag, the mark)."""
        for found, etag, mark in self.ledger.repos.invoices.marks(client.client_id,
                                                                  REDESIGNATING_ROW):  # fmt: skip
            if found == key:
                return etag, mark
        return None

    def _drop_if_moot(
        self, client: Client, payment_id: str, key: str, etag: str | None,
        named: tuple[str, ...],
    ) -> None:  # fmt: skip
        """The request's own mark goes when it ends without its designation to finish on the
        row (another request that wrote the same designation since keeps its own mark: it
        replaced this one under the same key, so the ETag no longer matches)."""
        if etag is None:
            return
        now = self.ledger.repos.payments.get(client.client_id, payment_id)
        if now is None or now.reversed or now.designated != named:
            self.ledger.repos.invoices.drop_mark(client.client_id, REDESIGNATING_ROW, key, etag)

    def _today(self) -> date:
        return amsterdam_date(self.ledger.clock.now())

    def _check(self, client: Client, payment: Payment, named: tuple[str, ...]) -> None:
        """Refused: a payment that came back, one on no debtor, and invoices that are not
        its debtor's claims of this client or take no payment."""
        if not named:
            raise Invalid("choose at least one invoice", field="invoices", code="no_invoices")
        if payment.reversed:
            raise Invalid(
                f"payment {payment.payment_id} came back (reversed): it pays no invoice to "
                "designate", field="payment", code="designation_payment_reversed",
            )  # fmt: skip
        if payment.debtor_number is None:
            raise Invalid(
                f"payment {payment.payment_id} is not booked on a debtor: confirm it on the "
                "action list", field="payment", code="designation_payment_no_debtor",
            )  # fmt: skip
        stored = self.ledger.repos.invoices.get_many(client.client_id, list(named))
        missing = [n for n in named if n not in stored]
        if missing:  # another client's invoice is not this client's: unknown here
            raise Invalid(
                f"not invoices of this client: {', '.join(missing)}", field="invoices",
                code="designation_unknown_invoices", params={"invoices": ", ".join(missing)},
            )  # fmt: skip
        other = [n for n in named if stored[n].invoice.debtor_number != payment.debtor_number]
        if other:
            raise Invalid(
                f"invoices {', '.join(other)} are another debtor's: a payment is designated "
                "only to its own debtor's claims", field="invoices",
                code="designation_other_debtor", params={"invoices": ", ".join(other)},
            )  # fmt: skip
        closed = [n for n in named if not stored[n].invoice.takes_payments]
        if closed:
            raise Invalid(
                f"invoice {', '.join(closed)} takes no payment any more (credited or "
                "withdrawn)", field="invoices", code="designation_invoice_closed",
                params={"invoices": ", ".join(closed)},
            )  # fmt: skip

    def _rebook(self, client: Client, payment_id: str, debtor: str, named: tuple[str, ...]) -> bool:
        """The ledger as if the payment had named its designation from its day; whether it
        moved anything (a repeat finds the money where the designation puts it). Booked as the
        row says when read with the claims, and again when the row changed by the time the
        ledger took it (another correction saved since books the row's, not the request's):
        ``named`` is what the request wrote, a row saying otherwise before anything moved
        is read again by the request (:class:`_Changed`). A payment that came back (its row
        or the ledger says so) moves nothing: 422."""
        from shared.services.ledger.credit import follow_ledger

        ledger = self.ledger
        repos = ledger.repos
        today = amsterdam_date(ledger.clock.now())
        moved = False  # by this request's own ledger write
        for _ in range(RETRIES):
            payment = repos.payments.get(client.client_id, payment_id)
            if payment is None:
                raise NotFound(f"payment {payment_id} not found")
            if payment.reversed:
                raise _came_back(payment_id)
            if not moved and payment.designated != named:
                raise _Changed()  # another correction before ours moved anything: decide again
            # (once ours is on the ledger, one saved after it is booked as the row says)
            key = f"redesignate {payment.payment_id} {','.join(payment.designated)}"
            try:  # a correction a crash left half written is finished first
                [claims], finished = ledger.read_finished(client, [debtor])
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            if key in finished:
                follow_ledger(ledger, client, claims, {payment.payment_id, *finished[key].moved},
                              payment.payment_id, REDESIGNATED, "restated")  # fmt: skip
            if came_back(claims.records, payment.payment_id):
                raise _came_back(payment_id)  # its return's ledger is in, its row not yet
            if ledger.share_owed_again(client, [claims], payment.payment_id, payment.designated):
                continue  # read again: a claim it leaves owes its kind letter's share now
            # the claims it goes to that it pays as told: booked with their share let go, and
            # the letters written with the money (codereview13 #2; failure14 F1)
            told = self._paid_as_told(client, payment, debtor, claims, today)
            view = self._letting_go(client, debtor, claims, told)
            result = rebook_designated(
                view.records, payment.payment_id, payment.amount, payment.designated,
                payment.received_on, today, ledger.rates(), ledger.named(client),
                DESIGNATION_RESTATED,
            )  # fmt: skip
            if result is None or not result.events or not _moves(view.records, result.events,
                                                                 payment.payment_id):  # fmt: skip
                if told:  # the money is where it pays them as told already: only the letters
                    self._let_go(client, debtor, claims, told)
                    continue
                follow_ledger(ledger, client, claims, {payment.payment_id},
                              payment.payment_id, REDESIGNATED, "restated")  # fmt: skip
                if self._still(client, payment):
                    return moved or key in finished
                continue
            beside = {n: letter for n, letter in told.items() if n not in result.events}
            if beside:  # paid as told by money on them already (the change moves none there)
                self._let_go(client, debtor, claims, beside)
                continue
            day = max(e.on for new in result.events.values() for e in new)
            try:  # the letters of ``view`` are its claims' headers: they land with the events
                ledger.write_change(
                    client, [view], key, result.events, on=day,
                    payments_added=(payment.payment_id, *result.moved),
                    moved=tuple(result.moved),
                )  # fmt: skip
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue  # another change on these claims won: read again
            claims = ledger.debtor_claims(client, debtor)
            follow_ledger(ledger, client, claims, {payment.payment_id, *result.moved},
                          payment.payment_id, REDESIGNATED, "restated")  # fmt: skip
            moved = True
            if self._still(client, payment):
                return True
            # the row changed while the ledger was written: the next round books the row's
        raise ConflictingUpdate(f"the claims of payment {payment_id} keep changing")

    def _still(self, client: Client, booked: Payment) -> bool:
        """Whether the row still names what was just booked (another correction, or a return,
        saved since is booked or refused in the next round)."""
        now = self.ledger.repos.payments.get(client.client_id, booked.payment_id)
        return now is not None and not now.reversed and now.designated == booked.designated

    def _paid_as_told(
        self, client: Client, payment: Payment, debtor: str, claims: DebtorClaims, today: date
    ) -> dict[str, LetterAsBusiness]:
        """The claims the payment is designated to whose kind letter was confirmed with its
        share claimed, but which the payment, booked there from its day, pays in full as the
        consumer was told while the letter was held: their letters with the share let go, as
        the confirm decides for a claim so paid (:mod:`kind_letter`; codereview13 #2:
        corrected to F2, the 2,524.66 F2 was told paid its 312.50 costs first and left 312.50
        open). Nothing is written here: a share is let go only with the money that pays it
        (:meth:`_rebook`), so a correction cut off, refused or overtaken by a return before
        its ledger write leaves every share as it was (failure14 F1: F2's 312.50 was let go
        for good while F2 never held a cent)."""
        ledger = self.ledger
        letters = {
            n: c.header.as_business for n, c in claims.stored.items()
            if n in payment.designated and c.header.as_business is not None
            and c.header.as_business.confirmed and not c.header.as_business.forgone
        }  # fmt: skip
        if not letters:
            return {}
        held_rows = {
            n: replace(c, header=replace(c.header, as_business=replace(letters[n],
                                                                       confirmed=False)))
            if n in letters else c
            for n, c in claims.stored.items()
        }  # fmt: skip
        held = ledger.debtor_claims(client, debtor, every_invoice=list(claims.invoices.values()),
                                    ledger_rows=(held_rows, []))  # fmt: skip
        before, after = (self._booked(ledger, client, payment, c.records, today)
                         for c in (held, claims))  # fmt: skip
        return {
            number: letter.confirm(forgone=True)
            for number, letter in sorted(letters.items())
            if before[number].paid.total > 0 and before[number].open.total <= 0
            < after[number].open.total
        }  # fmt: skip

    def _letting_go(
        self, client: Client, debtor: str, claims: DebtorClaims,
        told: Mapping[str, LetterAsBusiness],
    ) -> DebtorClaims:  # fmt: skip
        """``claims`` as they stand once the letters ``told`` are written: the same rows (and
        ETags, so a write of them is conditional on the read) with those letters."""
        if not told:
            return claims
        rows = {
            n: replace(c, header=replace(c.header, as_business=told[n])) if n in told else c
            for n, c in claims.stored.items()
        }  # fmt: skip
        view = self.ledger.debtor_claims(client, debtor,
                                         every_invoice=list(claims.invoices.values()),
                                         ledger_rows=(rows, []))  # fmt: skip
        return replace(view, pending=claims.pending)

    def _let_go(
        self, client: Client, debtor: str, claims: DebtorClaims,
        told: Mapping[str, LetterAsBusiness],
    ) -> None:  # fmt: skip
        """The letters ``told`` of claims the money pays as told already, each under its
        claim's ETag as read (a claim moved since is decided again by the caller's next
        round)."""
        for number, letter in sorted(told.items()):
            try:
                self.ledger.ledger.set_as_business(client.client_id, debtor, number, letter,
                                                   claims.stored[number].header.etag)  # fmt: skip
            except (PreconditionFailed, TransactionFailed, Conflict):
                return

    @staticmethod
    def _booked(
        ledger: LedgerService, client: Client, payment: Payment,
        records: Sequence[ClaimRecord], today: date,
    ) -> dict[str, ClaimFigures]:  # fmt: skip
        """The claims with the payment booked again as designated, on the change's day."""
        result = rebook_designated(
            records, payment.payment_id, payment.amount, payment.designated,
            payment.received_on, today, ledger.rates(), ledger.named(client),
            DESIGNATION_RESTATED,
        )  # fmt: skip
        events = result.events if result is not None else {}
        after = [ClaimRecord(r.terms, (*r.events, *events.get(r.number, ()))) for r in records]
        day = max((e.on for r in after for e in r.events), default=today)
        return open_claims(after, max(day, today), ledger.rates())

    def _audited(
        self, client: Client, after: Payment, named: tuple[str, ...], mark: Mapping[str, Any],
        mark_etag: str | None,
    ) -> None:  # fmt: skip
        """Who corrected it, when, from what to what (the designation and the invoices before,
        as the mark kept them before the row changed): once per correction, keyed by its mark's
        version (a retry's or the daily run's insert of the same id is refused by the log; F1 ->
        F2 -> F1 -> F2 on one day is three entries, codereview13 #7: the third was lost)."""
        if self.audit is None:
            return
        key = f"{after.payment_id}|{','.join(named)}|{mark_etag or mark.get('at', '')}"
        day = date.fromisoformat(str(mark.get("day") or self._today().isoformat()))
        event_id = day_keyed_id(day, Event.PAYMENT_REDESIGNATED.value, key)
        try:
            self.audit(
                Event.PAYMENT_REDESIGNATED, agency_id=client.agency_id,
                client_id=client.client_id, actor=str(mark.get("actor", "")),
                subject=after.payment_id, event_id=event_id, amount=str(after.amount),
                received_on=after.received_on.isoformat(),
                designated_before=",".join(str(n) for n in mark.get("was", [])),
                booked_on_before=",".join(str(n) for n in mark.get("booked_before", [])),
                designated=",".join(named),
                booked_on=",".join(sorted({a.invoice_number for a in after.allocations})),
                reason=str(mark.get("reason", "")),
            )  # fmt: skip
        except Conflict:
            pass  # audited by the attempt before (the same day)


class _Changed(Exception):
    """The payment row changed under the request before it moved anything: read it again."""


def _came_back(payment_id: str) -> Invalid:
    return Invalid(
        f"payment {payment_id} came back (reversed): it pays no invoice to designate",
        field="payment", code="designation_payment_reversed",
    )  # fmt: skip


def _debtor_paid_before(found: Payment) -> tuple[str, ...]:
    """What the debtor's own act paid, as the row read before the correction says, written
    with the correction's first save: a row stored before ``DebtorPaid`` was kept, and with
    no designation or first booking to fall back on, reads as where its money is now (the
    claims its allocations name), as the prescription watch read it; saved as None, every
    read after would take the correction's own designation for the debtor's act (failure14b
    Q7, attack14 A3: a held claim released by staff's correction, art. 3:318 BW)."""
    if found.debtor_paid is not None:
        return found.debtor_paid
    return tuple(dict.fromkeys(a.invoice_number for a in found.allocations))


def _mark_key(payment_id: str, named: tuple[str, ...]) -> str:
    """The correction's mark: one per payment and designation asked (two people asking two
    designations at once each keep their own)."""
    digest = hashlib.sha256(",".join(named).encode()).hexdigest()[:16]
    return f"{encode(payment_id)}|{digest}"


def _mark(
    found: Payment, named: tuple[str, ...], actor: str, reason: str, day: date
) -> dict[str, Any]:
    """What the correction is to do and what stood before (for the audit): the designation
    and the invoices its money was on, the version the request was checked against."""
    return {
        "payment": found.payment_id, "debtor": found.debtor_number,
        "designated": list(named), "was": list(found.designated),
        "booked_before": sorted({a.invoice_number for a in found.allocations}),
        "version": version_of(found), "actor": actor, "reason": reason,
        "day": day.isoformat(),
    }  # fmt: skip


def _moves(
    records: Sequence[ClaimRecord],
    events: Mapping[str, tuple[LedgerEvent, ...]],
    payment_id: str,
) -> bool:
    """Whether the change puts the payment's money anywhere else than it is now."""
    now = _held(records, payment_id)
    after = [ClaimRecord(r.terms, (*r.events, *events.get(r.number, ()))) for r in records]
    return now != _held(after, payment_id)
