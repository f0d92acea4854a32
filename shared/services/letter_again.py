"""A 14-day letter that never reached the debtor, sent again by a person (letters8).

A letter whose sending failed (the outbox gave up, its job went to poison and was drained)
or that came back (bounced, undeliverable) starts no costs term: its failure took the term
off (``letter_undelivered``). Its step stays taken, so the daily run never plans it again
(the same outbox key is never sent twice). A credit manager sends it again from the item that
reports the failure (:meth:`RequestDecisionService.send_letter_again`): a **fresh** letter of
the same step, rendered and dated for the day it goes out (and dated again when it leaves
later, as any 14-day letter: ``DunningService.redate``), to the debtor's address or e-mail as
they are now, for the letter's invoices still due. Its term is its own (art. 6:96 lid 6 BW:
fourteen days from the day after it is received), and the steps after it count from it.

Once: the new letter's key is the step's prefix and a digest of the invoices and the item
that asked for it, so sending again twice (a retry after a failure, two clicks) finds the
letter already written and writes nothing more."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.clock import amsterdam_date
from shared.domain.dunning.templates import fourteen_day_letter_refused
from shared.domain.dunning.workflow import (
    LETTER_CARRIERS,
    PlannedMessage,
    StepChannel,
    resolve_channel,
    step_by_id,
    step_of_key,
)
from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.messaging import Channel, OutboundMessage, OutboxStatus
from shared.domain.parties import Client
from shared.ports.tables import PreconditionFailed
from shared.services.dunning import (
    AGAIN_OF,
    BEFORE,
    PLANNED_ON,
    SENT_AGAIN,
    DunningService,
    _carrier,
    _country,
    _digest,
    step_key_prefix,
    still_due,
)
from shared.services.dunning_account_hold import refuse_without_account
from shared.services.dunning_recheck import DEMANDED, demanded
from shared.services.errors import Invalid, NotFound
from shared.services.letter_undelivered import as_fourteen_day_letter, note_own_letter, set_term
from shared.services.messaging import job_body

NEVER_ARRIVED = (OutboxStatus.FAILED, OutboxStatus.BOUNCED, OutboxStatus.UNDELIVERABLE)


def failed_letter(dunning: DunningService, client_id: str, key: str) -> OutboundMessage:
    """The 14-day letter under ``key`` that never reached the debtor, or ``Invalid``."""
    found = dunning.messaging.outbox.get(client_id, key)
    if found is None:
        raise NotFound(f"message {key} not found")
    message = found[0]
    if as_fourteen_day_letter(dunning.repos, message) is None:
        raise Invalid(
            "only a 14-day letter can be sent again this way",
            field="key",
            code="letter_again_not_fourteen_day",
        )
    if message.status not in NEVER_ARRIVED:
        raise Invalid(
            f"the 14-day letter is {message.status.value}: only one that failed or came back "
            "can be sent again",
            field="key",
            code="letter_again_not_failed",
            params={"letter_status": message.status},
        )
    return message


def send_again(dunning: DunningService, client: Client, key: str, tag: str) -> OutboundMessage:
    """A fresh 14-day letter for the failed one under ``key``, once per ``tag`` (the item
    that asked for it); the new letter's record. ``Invalid`` when it cannot go out: none of
    its invoices is still due, the workflow's step is gone, no address or e-mail."""
    outbox = dunning.messaging.outbox
    failed = failed_letter(dunning, client.client_id, key)
    debtor_number = failed.debtor_number or ""
    named = step_of_key(failed.debtor_number or "", failed.key)
    if named is None:
        raise Invalid(
            "only a 14-day letter can be sent again this way",
            field="key",
            code="letter_again_not_fourteen_day",
        )
    workflow_id, step_id = named
    new_key = step_key_prefix(debtor_number, workflow_id, step_id) + _digest(
        (*failed.invoice_numbers, f"again|{tag}")
    )
    existing = outbox.get(client.client_id, new_key)
    if existing is None:
        message = _write(dunning, client, failed, workflow_id, step_id, new_key)
    else:
        message = existing[0]
        if not message.status.final:  # written before a failure: its job may be lost
            dunning.messaging.queues.send(
                message.channel.queue, job_body(client.client_id, new_key)
            )
    # also when the new letter went out already: a send-again cut off after it was queued
    # (answered "retry") had not yet taken its step, and the steps after it would count
    # from the letter that never arrived (failure15b Q4). Taking it is idempotent (a term
    # only where none, the step a set); a new letter that failed in turn took its own off.
    if message.status not in NEVER_ARRIVED:
        _take_step(dunning, message, step_id)
    _mark(dunning, failed, new_key)
    return message


def _write(
    dunning: DunningService,
    client: Client,
    failed: OutboundMessage,
    workflow_id: str,
    step_id: str,
    key: str,
) -> OutboundMessage:
    repos = dunning.repos
    client_id, debtor_number = client.client_id, failed.debtor_number or ""
    workflow = repos.dunning.workflows(client_id).get(workflow_id)
    # the step by its id: an edit of the workflow since may have moved it (failure8 #5)
    index, step = (step_by_id(workflow, step_id) if workflow else None) or (-1, None)
    if step is None or step.channel is not StepChannel.FOURTEEN_DAY_LETTER:
        raise Invalid(
            "the workflow no longer has this 14-day letter's step",
            field="workflow",
            code="letter_step_gone",
        )
    found = repos.debtors.get(client_id, debtor_number)
    if found is None:
        raise NotFound(f"debtor {debtor_number} not found")
    debtor = found[0]
    today = amsterdam_date(dunning.clock.now())
    due, why = still_due(repos, client_id, debtor_number, failed.invoice_numbers, today)
    if not due:
        gone = ", ".join(f"{n}: {w}" for n, w in sorted(why.items()))
        raise Invalid(
            f"none of the letter's invoices is still due ({gone})",
            field="invoices",
            code="letter_nothing_due",
            params={"why": gone},
        )
    channel = resolve_channel(step, debtor, client.channels_off)
    if channel is None or channel not in LETTER_CARRIERS:
        raise Invalid(
            "the debtor has no postal address or e-mail the letter can go to; add one first",
            field="debtor",
            code="letter_no_address",
        )
    planned = PlannedMessage(debtor_number, index, step, channel, tuple(due))
    carrier = (
        LetterChannel.EMAIL if _carrier(planned, debtor) is Channel.EMAIL else LetterChannel.LETTER
    )
    term = fourteen_day_term(today, carrier, country=_country(debtor)).costs_owed_from
    ours = {k: v for k, v in step.templates.items() if k != "whatsapp"}
    template = repos.dunning.templates(client_id).get(
        ours.get(debtor.language.value) or next(iter(ours.values()), "")
    )
    if template is None:
        raise Invalid(
            f"step {step.name} has no template for {debtor.language.value}",
            code="step_no_template_for_language",
            params={"step": step.name, "language": debtor.language},
        )
    stored = repos.invoices.get_many(client_id, list(due))
    invoices = [stored[n].invoice for n in due if n in stored]
    context = dunning.context(client, debtor, invoices, today, term)
    # its payment block would name no account of the client's own: the run holds such a
    # client's letters (heldplan31), a person's "send again" is refused with the same words
    refuse_without_account(client, context.client_iban, "The 14-day letter")
    rendered = dunning.render(template, context)
    refused = fourteen_day_letter_refused(template, rendered, context)
    if refused:
        raise Invalid(
            f"step {step.name}: {refused}",
            code="letter_refused",
            params={"step": step.name, "refused": refused},
        )
    extra = {
        # where the invoices stood before the first letter: an undelivered report of this
        # one takes its term back to that (``letter_undelivered.undo_costs_term``)
        BEFORE: failed.extra.get(BEFORE) or "{}",
        PLANNED_ON: today.isoformat(),
        DEMANDED: demanded(invoices, repos.store, client_id, debtor_number, term),
        AGAIN_OF: failed.key,
    }
    dunning._send(client, debtor, planned, key, rendered, context, today, extra=extra)
    found_message = dunning.messaging.outbox.get(client_id, key)
    assert found_message is not None
    return found_message[0]


def _take_step(dunning: DunningService, message: OutboundMessage, step_id: str) -> None:
    """The new letter's invoices: its term (those without one: the failure took it off) and
    its step taken today, so the steps after it count from it."""
    letter = as_fourteen_day_letter(dunning.repos, message)
    if letter is None:
        return
    term = letter.term
    for number in message.invoice_numbers:
        set_term(dunning.repos, message.client_id, number, term, lambda owed: owed is None)
        note_own_letter(dunning.repos, message.client_id, number, letter.sent_on, term)
    dunning.step_taken_on(message.client_id, message.invoice_numbers, step_id, date.min,
                          letter.planned_on)  # fmt: skip


def _mark(dunning: DunningService, failed: OutboundMessage, new_key: str) -> None:
    """The failed letter names the one that replaced it: a re-plan of that step (an invoice
    paid before the new letter went out) no longer counts its invoices as sent."""
    outbox = dunning.messaging.outbox
    for _ in range(5):
        found = outbox.get(failed.client_id, failed.key)
        if found is None or found[0].extra.get(SENT_AGAIN) == new_key:
            return
        marked = replace(found[0], extra={**found[0].extra, SENT_AGAIN: new_key})
        try:
            outbox.save(marked, found[1])
        except PreconditionFailed:
            continue
        return
