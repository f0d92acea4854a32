"""Why a 14-day letter step became a staff task, in terms a person can act on.

The step's task used to say "no postal address or e-mail" whatever was missing, also for a
debtor with an e-mail address whose letter travels by post and whose step has no fallback
(newcomer18 F3): staff looked for a missing e-mail that was there, and the invoices went on to
the hand-over without the letter. The note names the carrier, what the debtor lacks for it,
what the fallback did, and the change that lets the letter go; for a consumer, that the
hand-over waits for the letter (law19)."""

from __future__ import annotations

from shared.domain.dunning.workflow import Step, StepChannel
from shared.domain.parties import Debtor, DebtorKind

_HOW = {
    StepChannel.LETTER: "by post",
    StepChannel.EMAIL: "by e-mail",
    StepChannel.SMS: "by SMS",
    StepChannel.WHATSAPP: "by WhatsApp",
    StepChannel.ROBOCALL: "by robocall",
}
_LACKS = {
    StepChannel.LETTER: "the debtor has no postal address",
    StepChannel.EMAIL: "the debtor has no e-mail address",
    StepChannel.SMS: "the debtor has no mobile number",
    StepChannel.ROBOCALL: "the debtor has no mobile number",
    StepChannel.WHATSAPP: "the debtor has no mobile number with WhatsApp consent",
}
_ADD = {
    StepChannel.LETTER: "add the debtor's postal address",
    StepChannel.EMAIL: "add the debtor's e-mail address",
}


def _why(channel: StepChannel, off: frozenset[str]) -> str:
    if channel.value in off:
        return f"the client switched {channel.value} off"
    return _LACKS.get(channel, f"{channel.value} cannot reach the debtor")


def unsent_letter_note(step: Step, debtor: Debtor, off: frozenset[str] = frozenset()) -> str:
    """The staff task's note for a 14-day step no channel could carry for ``debtor``."""
    carrier = step.letter_by
    said = [f"it goes {_HOW.get(carrier, carrier.value)} and {_why(carrier, off)}"]
    if step.fallback is None:
        said.append("the step has no fallback")
    elif step.fallback is StepChannel.STAFF_TASK:
        said.append("its fallback is this task")
    else:
        said.append(
            f"its fallback ({step.fallback.value}) cannot either: {_why(step.fallback, off)}"
        )
    remedies = [_ADD[carrier]] if carrier.value not in off and carrier in _ADD else []
    email_reaches = bool(debtor.emails) and StepChannel.EMAIL.value not in off
    if email_reaches and StepChannel.EMAIL not in (carrier, step.fallback):
        remedies.append("give the step the e-mail fallback, as the debtor has an e-mail address")
    remedy = f" ({' or '.join(remedies)})" if remedies else ""
    waits = ""
    if debtor.kind is DebtorKind.B2C:
        # the run holds them (``workflow.letter_owed``): say what the invoices wait for
        waits = (
            ". Until it goes out the hand-over and the steps after the letter's term wait: "
            "the next run sends the letter once it can reach the debtor, and they count from "
            "its day"
        )
    return (
        f"the 14-day letter was not sent: {'; '.join(said)}{remedy}{waits}. Until a letter is "
        "sent and its term has passed no collection costs are owed; import its date with "
        "fourteen_day_letter_on"
    )
