"""Credits that come back: a statement credit flagged as a reversal, or carrying a return reason.

Money *in*, never a debtor's payment to match, and never dropped (review newcomer6 #2):

- a credit with ``RvslInd`` true (CAMT) or ``RD`` (MT940, reversal of a debit) is the bank
  undoing a debit it booked: most often the return of one of our direct debits (an
  R-transaction undone: the money is back after all). When its end-to-end id names exactly one
  payment that a return took back, that money is booked again on the same invoices (a new
  payment: a reversed booking is never booked again), so a plan's installment is paid again;
  the return's items ("payment reversed", a plan's "debit failed") are resolved. Otherwise it goes on the action list as a
  reversal credit for a person to tie.
- a reversal in a file the client uploaded (statement_sources: the client's own writing) is the
  mirror of its returns (attack11 A6): it books again only a payment its own uploads booked,
  as the client's word, and never a plan's collection; one the bank's file booked (a return the
  bank's file made, a plan's storno) stays returned, its items open, and the line goes on the
  agency's list, held for the bank's own delivery of it.
- a credit with a return reason (CAMT ``RtrInf``, ING ``/RTRN/``, SWIFT ``NRTI``) is money the
  account sent that came back (a refund to a debtor, a payout, a transfer to a closed
  account): on the action list, with the reason in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from shared.adapters.tables.banking_repo import AccountOwner, LineRecord
from shared.domain.money import format_eur_nl
from shared.domain.parties import Client
from shared.domain.plans.sepa_reasons import describe
from shared.domain.records import ActionStatus, Payment
from shared.domain.statements.details_nl import id_candidates
from shared.domain.statements.model import StatementLine

if TYPE_CHECKING:  # the service imports this module; only its type is needed here
    from shared.services.plans.service import PlanService
    from shared.services.statements import IngestReport, StatementService

# a plan's collection whose return the bank reversed, told on the plan's timeline, wired in the
# container: (client, end-to-end id, why) -> True when it was one of its plans' collections
RestoredNote = Callable[[Client, str, str], bool]


def credit_back(
    service: StatementService,
    account: str,
    line: StatementLine,
    line_id: str,
    record: LineRecord,
    clients: list[Client],
    owner: AccountOwner,
    report: IngestReport,
    written: bool = False,
) -> tuple[str, str | None, str | None]:
    """The line's status (and the client and payment a restored booking went to).
    ``written``: the line is of a file the client uploaded."""
    if line.reversal and written and (named := _bank_booked(service, line, clients)):
        return _client_reversal(service, account, line, line_id, record, owner, report, named)
    if line.reversal:
        restored = _restore(service, line, line_id, clients, owner, written)
        if restored is not None:
            client, payment = restored
            report.booked += 1
            if not written and record.action_id:
                # a client's upload of this reversal held it for the bank's own delivery: its
                # item on the agency's list is answered now (failure11b B5)
                from shared.domain.scopes import agency_scope

                service.repos.actions.resolve_if_open(
                    agency_scope(owner.agency_id), record.action_id,
                    f"the bank's statement booked it again as {payment.payment_id}",
                    service.clock.now(),
                )  # fmt: skip
            return "booked", client.client_id, payment.payment_id
        kind = "reversal_credit"
        title = (
            f"Reversal credit of {format_eur_nl(line.amount)}: the bank undid an earlier debit "
            "of this account; no return of ours it names could be booked again: check and book "
            "it (or refund it)"
        )
        report.unmatched += 1
    else:
        reason = line.return_reason or "NRTI"
        kind = "returned_transfer"
        title = (
            f"Returned transfer of {format_eur_nl(line.amount)} ({reason}: {describe(reason)}): "
            "money sent from this account came back; pay it again to the right account, or "
            "book it"
        )
        report.returned += 1
    scope = owner.action_list  # on the pooled account the agency's, never a client's
    service._add_action(
        scope,
        kind,
        title,
        {
            "account": account,
            "line_id": line_id,
            "amount": line.amount,
            "date": line.booking_date.isoformat(),
            "end_to_end_id": line.end_to_end_id,
            "return_reason": line.return_reason,
            "counterparty_iban": line.counterparty_iban,
            "counterparty_name": line.counterparty_name,
            "remittance": line.remittance,
        },
        action_id=record.action_id,
    )
    return ("reversal" if line.reversal else "returned"), None, None


def _restore(
    service: StatementService,
    line: StatementLine,
    line_id: str,
    clients: list[Client],
    owner: AccountOwner,
    written: bool = False,
) -> tuple[Client, Payment] | None:
    """Book again the one payment a return took back that this reversal names: the same
    amount, the same payer's account when both are known. None: none (or more than one) fits,
    or the invoices refused it (credited meanwhile): a person ties it. The money is where this
    statement's account is (a plan's collection into the client's own account comes back
    there), whatever the payment it restores said. ``written``: a file the client uploaded
    (only payments its own uploads booked reach here): booked again as the client's word."""

    repos = service.repos
    iban = (line.counterparty_iban or "").replace(" ", "").upper()
    ids = [line.end_to_end_id] if line.end_to_end_id else id_candidates(line.remittance)
    for e2e in ids:
        for client in clients:
            taken_back: list[Payment] = []
            for ref in repos.banking.payments_for(client.client_id, e2e):
                if iban and ref.payer_iban and ref.payer_iban != iban:
                    continue
                payment = repos.payments.get(client.client_id, ref.payment_id)
                if payment is not None and payment.reversed and payment.amount == line.amount:
                    taken_back.append(payment)
            if len(taken_back) != 1:
                continue
            original = taken_back[0]
            numbers = list(original.designated) or sorted(
                {a.invoice_number for a in original.allocations}
            )
            payment = service._book(client, line, line_id, "bank-" + line_id, numbers,
                                    received_by=owner.received_by, reference=e2e,
                                    written=written,  # the original's designation, or none
                                    designated=list(original.designated),
                                    act_of=original)  # fmt: skip
            if payment.reversed:
                return None  # an invoice refused it: the item says what came in
            why = f"the bank reversed the return of {original.payment_id} on {line.booking_date}"
            if service.plan_restored is not None and not written:
                service.plan_restored(client, e2e, why)
            _resolve_return_items(service, client, original.payment_id, e2e, payment)
            return client, payment
    return None


def _bank_booked(
    service: StatementService, line: StatementLine, clients: list[Client]
) -> list[str]:
    """The payments a client-written reversal names that the bank's file (or a plan's
    collection, or Mollie) booked: not booked again on the client's word. Empty: none."""
    ids = [line.end_to_end_id] if line.end_to_end_id else id_candidates(line.remittance)
    for e2e in ids:
        for client in clients:
            refs = service.repos.banking.payments_for(client.client_id, e2e)
            if any(not ref.client_written for ref in refs):
                return [ref.payment_id for ref in refs]
    return []


def _client_reversal(
    service: StatementService,
    account: str,
    line: StatementLine,
    line_id: str,
    record: LineRecord,
    owner: AccountOwner,
    report: IngestReport,
    named: list[str],
) -> tuple[str, str | None, str | None]:
    """A reversal in a client's upload naming a payment the bank's file booked: nothing booked
    again and no item of the return resolved; on the agency's list, the line held so that the
    bank's own delivery of it still books it (statements ``_claim``)."""
    from shared.domain.scopes import agency_scope
    from shared.services.statement_sources import CLIENT_WRITTEN
    from shared.services.statements import HELD

    service._add_action(
        agency_scope(owner.agency_id),
        "reversal_credit",
        CLIENT_REVERSAL.format(amount=format_eur_nl(line.amount)),
        {"account": account, "line_id": line_id, "amount": line.amount,
         "date": line.booking_date.isoformat(), "end_to_end_id": line.end_to_end_id,
         "counterparty_iban": line.counterparty_iban,
         "counterparty_name": line.counterparty_name, "remittance": line.remittance,
         "payments": named, CLIENT_WRITTEN: True},
        action_id=record.action_id,
    )  # fmt: skip
    report.unmatched += 1
    return HELD, None, None


CLIENT_REVERSAL = (
    "Reversal credit of {amount} in a file the client uploaded: the return it undoes was "
    "booked from the bank's statement and is not undone on the client's word; check the "
    "reversal with the bank's statement"
)


def _resolve_return_items(
    service: StatementService, client: Client, original: str, e2e: str, payment: Payment
) -> None:
    """The items the return made (the payment reversed, the plan's failed collection) are
    answered by the money that came back: resolved, saying where it was booked."""
    actions = service.repos.actions
    at = service.clock.now()
    said = f"the bank reversed the return: booked again as {payment.payment_id}"
    actions.resolve_if_open(client.client_id, f"sdd-failed-{e2e}", said, at)
    items, _ = actions.list(
        client.client_id, status=ActionStatus.OPEN, kind="payment_reversed", page_size=1000
    )
    for item in items:
        if item.detail.get("payment_id") == original:
            actions.resolve_if_open(client.client_id, item.action_id, said, at)


def note_collection_restored(plans: PlanService, client: Client, e2e: str, why: str) -> bool:
    """A plan's collection whose return the bank reversed: collected again on its plan (see
    :meth:`PlanService.collection_restored`). False: not one of the client's plans'
    collections."""
    return plans.collection_restored(client, e2e, why)


def undo_restored(
    service: StatementService, line: StatementLine, clients: list[Client], ids: list[str]
) -> None:
    """A return of money that a reversal booked again (the bank returns the collection a
    second time): that booking is the one the return takes back, before the plan hears of the
    return (else the plan would count it as paid otherwise and not fail the installment). A
    booking made again sits under the end-to-end id beside the one the first return took."""
    repos = service.repos
    reason = line.return_reason or "reversal"
    iban = (line.counterparty_iban or "").replace(" ", "").upper()
    for e2e in ids:
        for client in clients:
            refs = repos.banking.payments_for(client.client_id, e2e)
            if len(refs) < 2:
                continue  # nothing was booked again under this id
            payments = [
                p
                for ref in refs
                if not (iban and ref.payer_iban and ref.payer_iban != iban)
                and (p := repos.payments.get(client.client_id, ref.payment_id)) is not None
                and p.amount == abs(line.amount)
            ]
            if not any(p.reversed for p in payments):
                continue  # no return took any of them back: no booking made again
            again = [p for p in payments if not p.reversed and p.payment_id.startswith("bank-")]
            if len(again) == 1:
                service.payments.reverse(
                    client, again[0].payment_id, f"returned by the bank ({reason})",
                    line.booking_date,
                )  # fmt: skip
