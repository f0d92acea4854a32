"""A robocall that did not reach the debtor goes by its step's fallback channel.

A step's fallback is the channel for a debtor the step's own channel cannot reach
(``resolve_channel``: no mobile number, the channel switched off). A call that was placed and
did not reach him (busy, no answer, a failed or cancelled call, and a voicemail box, a fax or
an undecided answer, which the call is ended for before the message: ``callbacks.twilio``)
reached him no more than one never placed: the step goes again by its fallback when the
workflow names one the debtor can be reached on (an SMS, an e-mail, a letter, or a staff
task). Nothing else is sent: the invoices took the step with the call (their place in the
workflow stays), and a step without a fallback leaves the call to the action list's
``delivery_failure`` item, as before.

Once per call: the message's key is the call's own step prefix with a digest of its invoices
and ``fallback``, so a second report of the same call (Twilio posts the status callback more
than once, and the verdict and the final report both say "machine") finds it written and
sends nothing again; a staff task is claimed once by its step and the call's invoices
(``DunningService._task``), not by those still due at each report, which a payment between
the verdict and the final report changes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from shared.clock import amsterdam_date
from shared.domain.dunning.workflow import (
    PlannedMessage,
    StepChannel,
    resolve_channel,
    step_by_id,
    step_of_key,
)
from shared.domain.messaging import Channel, OutboundMessage
from shared.services.dunning_account_hold import hold_without_account

if TYPE_CHECKING:
    from shared.services.dunning import DunningService

FALLBACK = "fallback"  # the digest's mark: the fallback of the step's call for these invoices


def fallback_key(message: OutboundMessage) -> str:
    """The fallback message's outbox key: the call's step prefix (so it is that step's
    message wherever the workflow's edits put the step), a digest of its own."""
    from shared.services.dunning import _digest

    prefix = message.key.rsplit("|", 1)[0] + "|"
    return prefix + _digest((*message.invoice_numbers, FALLBACK))


def fall_back(dunning: DunningService, message: OutboundMessage) -> str | None:
    """The step of ``message`` (a dunning robocall that did not reach the debtor) again by
    its fallback channel, for the invoices still due. What went instead (the channel's name),
    or ``None`` when nothing does: not a dunning call, the client or the workflow inactive
    now, no fallback, the debtor not reachable on it, no invoice still due, or the client held
    for want of a bank account of its own (``dunning_account_hold``)."""
    from shared.services.dunning import (
        BEFORE,
        FOURTEEN_DAY,
        PLANNED_ON,
        STEP_NAME,
        TEMPLATE,
        still_due,
    )
    from shared.services.dunning_recheck import DEMANDED, demanded

    debtor_number = message.debtor_number or ""
    named = step_of_key(debtor_number, message.key)
    if message.channel is not Channel.ROBOCALL or named is None or not message.invoice_numbers:
        return None
    workflow_id, step_id = named
    client_id = message.client_id
    workflow = dunning.repos.dunning.workflows(client_id).get(workflow_id)
    at = step_by_id(workflow, step_id) if workflow is not None else None
    found_client = dunning.repos.clients.get(client_id)
    found_debtor = dunning.repos.debtors.get(client_id, debtor_number)
    if at is None or found_client is None or found_debtor is None or workflow is None:
        return None
    if not found_client[0].active or not workflow.active:
        # staff stopped the dunning while the call rang (the client deactivated, the workflow
        # saved or kept inactive): as the run and ``replan``, no step goes out, the fallback
        # is one (codereview17 F4: the SMS went to D1 after both)
        return None
    index, step = at
    if step.channel is not StepChannel.ROBOCALL or step.fallback in (None, StepChannel.ROBOCALL):
        return None
    client, debtor = found_client[0], found_debtor[0]
    # the fallback on its own: reachable on it, and not a channel the client switched off
    channel = resolve_channel(
        replace(step, channel=step.fallback, fallback=None), debtor, client.channels_off
    )
    if channel is None:
        return None
    key = fallback_key(message)
    if channel is not StepChannel.STAFF_TASK:
        written = dunning.messaging.outbox.get(client_id, key)
        if written is not None:  # a report of the same call again: written once
            # its job may never have reached the queue (a 503 on the send failed the report
            # that wrote it): queued again while not final; the send finds it done, or
            # rechecks what is still due (failure18 F5: a PENDING SMS no job ever came for,
            # the item saying it went instead)
            dunning.messaging.queue_again(written[0])
            return channel.value
    today = amsterdam_date(dunning.clock.now())
    due, _ = still_due(
        dunning.repos, client_id, debtor_number, list(message.invoice_numbers), today
    )
    if not due:
        return None
    planned = PlannedMessage(debtor_number, index, step, channel, tuple(due))
    if channel is StepChannel.STAFF_TASK:
        # claimed by the call, as the message's key is: the verdict and the final report
        # each get here, and an invoice paid or held between them must not make a second task
        dunning._task(
            client, debtor, workflow, planned, once_for=(*message.invoice_numbers, FALLBACK)
        )
        return channel.value
    language = debtor.language.value
    ours = {k: v for k, v in step.templates.items() if k != "whatsapp"}
    template_id = ours.get(language) or next(iter(ours.values()), None)
    template = dunning.repos.dunning.templates(client_id).get(template_id or "")
    if template is None:
        return None  # the call's own template is gone: the failure item asks a person
    stored = dunning.repos.invoices.get_many(client_id, list(due))
    shown = [stored[n].invoice for n in due if n in stored]
    context = dunning.context(client, debtor, shown, today)
    if hold_without_account(dunning.repos, client, today, dunning.clock.now(), context.client_iban):
        # no account of the client's own to name: held as the run holds its steps (heldplan31);
        # the call's failure item asks a person, as for a step without a fallback
        return None
    rendered = dunning.render(template, context)
    extra = {
        BEFORE: message.extra.get(BEFORE, "{}"),
        PLANNED_ON: today.isoformat(),
        DEMANDED: demanded(shown, dunning.repos.store, client_id, debtor_number, None),
        FOURTEEN_DAY: "0",
        STEP_NAME: step.name,
        TEMPLATE: template_id or "",
        FALLBACK: message.key,  # the call this message stands in for
    }
    dunning._send(client, debtor, planned, key, rendered, context, today, extra=extra)
    return channel.value
