"""Working the action list: assign, resolve, and confirm a suggested bank payment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from shared.adapters.tables.banking_repo import SENT_BACK, ClaimNote, LineRecord
from shared.clock import Clock
from shared.domain.access import Principal
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.scopes import agency_scope
from shared.services.action_saves import RETURN_PENDING, save_item
from shared.services.claimed_lines import CONFIRMABLE_KINDS, TAKEN, ClaimedLines
from shared.services.ended_items import UNTOLD
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.kind_letter_words import reads_as_confirm
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.ruling_decisions import RulingDecisions

CONFIRMABLE = set(CONFIRMABLE_KINDS)
CLAIM_ATTEMPTS = 4  # a claim that loses to another writer reads the line again
# an invoice that takes no payment (credited, withdrawn but not written off:
# ``Invoice.takes_payments``): a confirm naming one is refused before the line is
# claimed (the money would be the client's overpayment while it may be another's claim), and
# a claim naming one is released when finished later (claimed_lines)


class ActionService:
    def __init__(
        self,
        repos: Repositories,
        payments: PaymentService,
        clock: Clock,
        rulings: RulingDecisions,
    ) -> None:
        self.repos = repos
        self.payments = payments
        self.clock = clock
        self.claims = ClaimedLines(repos, payments, clock)
        # who may resolve a ruling's filing item
        self.rulings = rulings
        # a dispute_untold item closed by a person is his word that the debtor knows: its
        # held invoices resume first (dispute_ending; wired in the container), so closing it
        # never leaves a claim paused with nothing left to say so
        self.untold_closing: Callable[[ActionItem, str], object] | None = None

    def _open(self, scope: str, action_id: str) -> tuple[ActionItem, str]:
        return self._opened(self.repos.actions.get(scope, action_id), action_id)

    def _confirmable(self, scope: str, action_id: str) -> tuple[ActionItem, str]:
        """The item to confirm, read once: a credit sent back (resolved as such) is refused in
        its own words before the resolved item's."""
        found = self.repos.actions.get(scope, action_id)
        self._refuse_sent_back(found, action_id)
        return self._opened(found, action_id)

    @staticmethod
    def _opened(
        found: tuple[ActionItem, str | None] | None, action_id: str
    ) -> tuple[ActionItem, str]:
        if found is None:
            raise NotFound(f"action {action_id} not found")
        item, etag = found
        if item.status is ActionStatus.RESOLVED:
            raise Invalid(
                f"action {action_id} is resolved already", field="status", code="action_resolved"
            )
        assert etag is not None
        return item, etag

    def _save(self, item: ActionItem, etag: str) -> ActionItem:
        return save_item(self.repos, item, etag)

    def assign(self, scope: str, action_id: str, assignee: str) -> ActionItem:
        item, etag = self._open(scope, action_id)
        return self._save(replace(item, status=ActionStatus.ASSIGNED, assigned_to=assignee), etag)

    def resolve(
        self, scope: str, action_id: str, resolution: str, author: str,
        principal: Principal | None = None,
    ) -> ActionItem:  # fmt: skip
        """Close the item with ``resolution``. ``principal``: who asks; a ruling's filing item
        releases the money held under the ruling, so only its decider closes it (attack15
        P1: :mod:`shared.services.ruling_decisions`)."""
        item, etag = self._open(scope, action_id)
        self._refuse_while_claimed(item)
        refused = self.rulings.refusal(item, principal)
        if refused is not None:
            raise refused
        if item.kind == UNTOLD and self.untold_closing is not None:
            self.untold_closing(item, author)
        if item.kind == "kind_letter_check" and reads_as_confirm(resolution):
            # closing the item keeps the costs off; a confirm is the confirm route's, an
            # administrator's act: a person's text saying it would read as one (attack14b K1)
            raise Invalid(
                f"action {action_id}: a letter is confirmed through …/letter-qualified, not by "
                "the words of a resolution",
                field="resolution", code="kind_letter_confirm_words",
            )  # fmt: skip
        resolved = replace(
            item,
            status=ActionStatus.RESOLVED,
            resolved_at=self.clock.now(),
            resolution=f"{resolution} ({author})",
        )
        return self._save(resolved, etag)

    def confirm_payment(
        self,
        client: Client,
        action_id: str,
        invoices: list[str],
        author: str,
        *,
        by_agency: bool = False,
    ) -> ActionItem:
        """Staff say which invoices a bank payment was for: book it, learn the payer's IBAN.

        Money on an account the client does not hold (the agency's pooled third-party
        account) is the agency's to assign among its clients: only the agency's people
        (``by_agency``) book it, never a client's own staff on an invoice of their own
        choosing (attack10 F5)."""
        item, etag = self._confirmable(client.client_id, action_id)
        return self._confirm(item, etag, client, invoices, author, by_agency=by_agency)

    def _refuse_sent_back(
        self, found: tuple[ActionItem, str | None] | None, action_id: str
    ) -> None:
        """A credit the bank sent back before anyone booked it is not booked: its money is gone
        (newcomer13 #1: confirmed the day after its return, F-1 was paid 120.07 with it)."""
        if found is None or found[0].kind not in CONFIRMABLE:
            return
        if found[0].detail.get("sent_back_on"):
            raise _sent_back(action_id)
        pending = found[0].detail.get(RETURN_PENDING)
        if isinstance(pending, dict):
            # a return whose item names this credit among what may have gone back: booked
            # only once a person decided that return (codereview13 #5)
            ret = self.repos.actions.get(str(pending["scope"]), str(pending["action"]))
            if ret is not None and ret[0].status is not ActionStatus.RESOLVED:
                raise Invalid(
                    f"action {action_id}'s credit may be what the bank sent back "
                    f"(return item {ret[0].action_id}): decide that return first",
                    field="status", code="credit_return_undecided",
                    params={"action": ret[0].action_id},
                )  # fmt: skip

    def confirm_for_agency(
        self, agency_id: str, client: Client, action_id: str, invoices: list[str], author: str
    ) -> ActionItem:
        """The agency's people book a line of the agency's own list (money on its pooled
        account that several of its clients could claim, or none by itself) on invoices of
        the one client they decide it is for."""
        if client.agency_id != agency_id:
            raise NotFound(f"action {action_id} not found")
        item, etag = self._confirmable(agency_scope(agency_id), action_id)
        return self._confirm(item, etag, client, invoices, author, by_agency=True)

    def _confirm(
        self,
        item: ActionItem,
        etag: str,
        client: Client,
        invoices: list[str],
        author: str,
        *,
        by_agency: bool,
    ) -> ActionItem:
        action_id = item.action_id
        if item.kind not in CONFIRMABLE:
            raise Invalid(
                f"action {action_id} is a {item.kind}, not a payment to confirm",
                field="kind",
                code="action_other_kind",
                params={"kind": item.kind},
            )
        stored = self.repos.invoices.get_many(client.client_id, invoices)
        missing = [n for n in invoices if n not in stored]
        if missing or not invoices:
            raise Invalid(
                f"unknown invoices: {', '.join(missing) or '(none given)'}",
                field="invoices",
                code="unknown_invoices" if missing else "no_invoices",
                params={"invoices": ", ".join(missing)},
            )
        detail = item.detail
        line_id = str(detail["line_id"])
        # where the money is follows the statement's account, not what staff tick: a line of
        # the client's own account stays the client's money (settlement pays out none of it)
        owner = self.repos.banking.owner(str(detail["account"]))
        if owner is None or owner.agency_id != client.agency_id:
            raise Invalid(
                f"the account of action {action_id}'s statement line is not known: whose money "
                "it is cannot be told", field="account", code="statement_account_unknown",
            )  # fmt: skip
        if owner.client_id not in (None, client.client_id):
            # another client's own account: its money is never this client's
            raise Invalid(
                f"action {action_id}'s statement line is another client's money",
                field="account", code="statement_account_other_client",
            )  # fmt: skip
        if owner.client_id != client.client_id and not by_agency:
            raise Invalid(
                f"action {action_id}'s statement line is money on the agency's account: the "
                "agency books it", field="account", code="pooled_line_agency_only",
            )  # fmt: skip
        account, amount = str(detail["account"]), int(str(detail["amount"]))
        received_on = date.fromisoformat(str(detail["date"]))
        closed = [n for n in dict.fromkeys(invoices) if not stored[n].invoice.takes_payments]
        if closed and not self._booked_for(item, account, line_id, client, invoices):
            # credited or withdrawn since the line was proposed: booking it would make the
            # client's overpayment of money another invoice (or client) may be owed; the line
            # stays unbooked (a claim of this booking whose payment never followed is
            # released) and the item open, for a person to choose again
            words = ", ".join(f"{n} ({stored[n].invoice.status.value})" for n in closed)
            raise Invalid(
                f"action {action_id}: invoice {words} takes no payment any more; the statement "
                "line is not booked: choose the invoice it pays",
                field="invoices", code="invoice_not_payable",
                params={"invoices": ", ".join(closed)},
            )  # fmt: skip
        claim = self._claim_line(item, account, line_id, client, invoices, amount, received_on)
        # the designation the line was claimed with (a repeated confirm may tick the same
        # invoices in another order)
        payment = self.claims.book(
            client, item, claim, list(claim.invoices) or invoices, owner.received_by
        )
        if claim.status != "booked":  # under the claim's ETag: a writer since keeps its word
            self.repos.banking.settle_line(
                account, claim, "booked", client_id=client.client_id,
                payment_id=payment.payment_id, amount=amount, booked_on=received_on,
            )  # fmt: skip
        resolved = replace(
            item,
            status=ActionStatus.RESOLVED,
            resolved_at=self.clock.now(),
            resolution=_booked_words(payment.booked_to, invoices, author),
        )
        try:
            saved = self._save(resolved, etag)
            # the claim's note goes once its item is closed (before, a crash between would
            # leave a booked line's item open with nothing to close it)
            self.repos.banking.drop_claim(client.client_id, account, line_id)
            return saved
        except ConflictingUpdate:
            # the same confirm, made twice at once, resolved the item first: one booking,
            # and both callers are told it is done
            found = self.repos.actions.get(item.client_id, action_id)
            if found is not None and found[0].status is ActionStatus.RESOLVED:
                return found[0]
            raise

    def _claim_line(
        self,
        item: ActionItem,
        account: str,
        line_id: str,
        client: Client,
        invoices: list[str],
        amount: int,
        received_on: date,
    ) -> LineRecord:
        """The statement line claimed for this client and these invoices before anything is
        booked (failure11 F3): the line's money arrived once, so it is booked for one client
        however confirms race or fail. A line another confirm (or a delivery of its
        statement) claimed for another client or other invoices is refused; one claimed for
        exactly this booking is returned, so that a confirm repeated after one that failed
        half-way finishes that booking instead of refusing it."""
        action_id = item.action_id
        banking = self.repos.banking
        record = banking.line(account, line_id)
        for _ in range(CLAIM_ATTEMPTS):
            if record is not None and record.status == SENT_BACK:
                raise _sent_back(action_id)  # the return came first: marked under the ETag
            if record is not None and record.status in TAKEN and record.client_id:
                if record.client_id != client.client_id or (
                    record.invoices and set(record.invoices) != set(invoices)
                ):
                    # another confirm's claim: finished as that confirm would be first
                    done = "booked" if record.status == "booked" else self.claims.finish(
                        item, record, say=False)  # fmt: skip
                    if done in ("released", "changed"):
                        record = banking.line(account, line_id)  # free now, or another's
                        continue
                    raise self._taken(item, record, booked=done == "booked")
                return record
            now = self.clock.now()
            record, mine = banking.claim_for_booking(
                account, line_id, record, client_id=client.client_id,
                payment_id="bank-" + line_id, invoices=invoices, amount=amount,
                booked_on=received_on, claimed_at=now,
                note=ClaimNote(account, line_id, item.client_id, action_id, now),
                # decided before anything is booked and written down with the claim, for a
                # retry after the ledger took the money (returns14's leftover)
                designated=self.claims.designation(client, line_id, item.detail, invoices),
            )  # fmt: skip
            if mine:
                assert record is not None
                return record
        raise ConflictingUpdate(
            f"the statement line of action {action_id} keeps changing; try again"
        )

    def _booked_for(
        self, item: ActionItem, account: str, line_id: str, client: Client, invoices: list[str]
    ) -> bool:
        """Whether the line is claimed for exactly this booking and its payment was booked
        before the invoice was credited: the confirm repeated after one that failed half-way
        then is finished, not refused. A claim of this booking whose payment never followed
        is released here (the same confirm, made later, asks again: failure12b C)."""
        record = self.repos.banking.line(account, line_id)
        if not (
            record is not None
            and record.status in TAKEN
            and record.client_id == client.client_id
            and set(record.invoices) == set(invoices)
        ):
            return False
        if record.status == "booked":
            return True
        closed = self.claims.unpayable(client.client_id, record)
        if closed:
            self.claims.release(item, record, closed)
            return False
        return True

    def _taken(self, item: ActionItem, record: LineRecord, *, booked: bool) -> Invalid:
        """The refusal of a confirm naming another client or other invoices than the line's
        claim. A claim whose booking never followed (its confirm stopped after the claim,
        failure12 F1) was booked first, as that confirm would have (``booked``): the refusal's
        "booked" is then true, and the money is not left on no invoice by a colleague who
        believes it. One that could not be booked is said to be claimed, not booked."""
        assert record.client_id is not None
        taken = self._number_of(record.client_id)
        numbers = ", ".join(record.invoices) or "-"
        if not booked:
            return Invalid(
                f"action {item.action_id}'s statement line is claimed for client {taken} on "
                f"{numbers} and could not be booked: it is booked for one client only",
                field="invoices", code="statement_line_claimed",
                params={"client": taken, "invoices": numbers},
            )  # fmt: skip
        return Invalid(
            f"action {item.action_id}'s statement line is booked for client {taken} on "
            f"{numbers} already: it is booked for one client only",
            field="invoices", code="statement_line_taken",
            params={"client": taken, "invoices": numbers},
        )  # fmt: skip

    def _refuse_while_claimed(self, item: ActionItem) -> None:
        """An item whose statement line a confirm claimed and did not book is not closed by
        hand (failure12 F1): closing it would leave the money that arrived on no invoice.
        Repeating the confirm books it as claimed and closes the item; a confirm naming
        another client books it as claimed and is refused; the daily run of the claimed
        client books it and closes the item."""
        if item.kind not in CONFIRMABLE:
            return
        account, line_id = item.detail.get("account"), item.detail.get("line_id")
        if not account or not line_id:
            return
        record = self.repos.banking.line(str(account), str(line_id))
        if record is None or record.status != "booking" or not record.client_id:
            return
        taken = self._number_of(record.client_id)
        numbers = ", ".join(record.invoices) or "-"
        raise Invalid(
            f"action {item.action_id}'s statement line is being booked for client {taken} on "
            f"{numbers}: a confirm claimed it and did not finish; confirm the action again to "
            "book it and close it",
            field="status", code="statement_line_booking",
            params={"client": taken, "invoices": numbers},
        )  # fmt: skip

    def _number_of(self, client_id: str) -> str:
        """The client as the agency knows it (its own number), for a refusal's sentence."""
        found = self.repos.clients.get(client_id)
        return found[0].number if found is not None else client_id


def _booked_words(booked_to: tuple[str, ...] | None, ticked: list[str], author: str) -> str:
    """Where the money went as the ledger booked it, not the invoices the person ticked: a line
    naming none is the debtor's undesignated money (6:43 lid 2) and may go elsewhere, or be
    spare (codereview13b #3: "booked on F-0001" of money booked on F-0002)."""
    if booked_to is None:
        return f"booked on {', '.join(ticked)} ({author})"
    if not booked_to:
        return f"booked as spare money: no claim takes it ({author})"
    return f"booked on {', '.join(booked_to)} ({author})"


def _sent_back(action_id: str) -> Invalid:
    return Invalid(
        f"action {action_id}'s credit was sent back by the bank before it was booked: the "
        "money is gone and is not booked",
        field="status", code="credit_sent_back",
    )  # fmt: skip
