"""Quick texts (snelteksten): short texts staff pick when writing to a debtor by hand.

A quick text belongs to one client and one channel, uses the same variables as the workflow
templates and is checked the same way when saved (syntax, unknown variables, the sandbox's
budget). Only the layout that fits its channel is accepted: a subject for e-mail and letters,
never for SMS or WhatsApp; an SMS shows how many parts it will cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from shared.domain.dunning.templates import (
    MessageTemplate,
    RenderedMessage,
    TemplateContext,
    TemplateError,
    sample_context,
)
from shared.domain.messaging import Channel
from shared.domain.reasons import Reason
from shared.domain.sms import is_gsm7, sms_parts

# the channels a person can write in by hand (a robocall is not written)
HAND_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.LETTER)
WITH_SUBJECT = frozenset({Channel.EMAIL, Channel.LETTER})
MAX_TEXT = {
    Channel.SMS: 1_530,
    Channel.WHATSAPP: 4_096,
    Channel.EMAIL: 20_000,
    Channel.LETTER: 20_000,
}
SMS_PARTS_WARNING = 3  # more parts than this costs noticeably more: say so
ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# variables a message by hand has on top of a workflow template's
HAND_VARIABLES = {"reminder_link": "https://portal.example/api/p/abc/reminder/xyz"}


@dataclass(frozen=True)
class QuickText:
    quick_text_id: str
    channel: Channel
    name: str
    text: str
    language: str = "nl"
    subject: str = ""
    # WhatsApp: the approved template to send instead when the debtor's 24-hour window is
    # closed (free text is only allowed inside it)
    whatsapp_template: str | None = None


@dataclass(frozen=True)
class QuickTextCheck:
    """What saving found: the sample rendering and warnings that do not block saving."""

    sample: RenderedMessage
    warnings: tuple[str, ...] = ()
    sms_parts: int | None = None


def layout_errors(qt: QuickText) -> list[tuple[str, str]]:
    """(field, reason) for every part that does not fit the channel; each reason a
    :class:`Reason` a page says in its reader's language."""
    errors: list[tuple[str, str]] = []
    if qt.channel not in HAND_CHANNELS:
        channels = ", ".join(c.value for c in HAND_CHANNELS)
        errors.append(("channel", Reason(f"quick texts are for {channels}",
                                         code="qt_channel", params={"channels": channels})))  # fmt: skip
        return errors
    if not ID.match(qt.quick_text_id):
        errors.append(
            ("quick_text_id", Reason("1 to 64 letters, digits, '-' or '_'", code="qt_id"))
        )
    if not qt.name.strip():
        errors.append(
            ("name", Reason("give the quick text a name staff recognise", code="qt_name"))
        )
    if not qt.text.strip():
        errors.append(("text", Reason("the text is empty", code="qt_text_empty")))
    if qt.subject and qt.channel not in WITH_SUBJECT:
        errors.append(("subject", Reason(f"a {qt.channel.value} message has no subject",
                                         code="no_subject_on_channel", params={"channel": qt.channel})))  # fmt: skip
    if qt.channel is Channel.EMAIL and not qt.subject.strip():
        errors.append(("subject", Reason("an e-mail needs a subject", code="email_needs_subject")))
    if qt.whatsapp_template and qt.channel is not Channel.WHATSAPP:
        errors.append(("whatsapp_template", Reason(
            "only a WhatsApp quick text names a WhatsApp template", code="qt_whatsapp_only")))  # fmt: skip
    if len(qt.text) > MAX_TEXT[qt.channel]:
        most = MAX_TEXT[qt.channel]
        errors.append(("text", Reason(f"at most {most} characters for {qt.channel.value}",
                                      code="qt_text_too_long",
                                      params={"limit": most, "channel": qt.channel})))  # fmt: skip
    if qt.language not in ("nl", "en"):
        errors.append(
            ("language", Reason("quick texts are written in nl or en", code="qt_language"))
        )
    return errors


def as_template(qt: QuickText) -> MessageTemplate:
    """The quick text as a message template: rendered by the same engine and sandbox."""
    return MessageTemplate(qt.language, qt.subject, qt.text, None)


def hand_context(context: TemplateContext, reminder_link: str) -> TemplateContext:
    """A workflow template's variables plus the ones only a message by hand has."""
    return replace(context, extra={**context.extra, "reminder_link": reminder_link})


def sample_hand_context(language: str) -> TemplateContext:
    return hand_context(sample_context(language), HAND_VARIABLES["reminder_link"])


def sms_warnings(channel: Channel, text: str) -> tuple[int | None, tuple[str, ...]]:
    """Parts an SMS costs and what staff should know about it (not a refusal)."""
    if channel is not Channel.SMS:
        return None, ()
    parts = sms_parts(text)
    warnings: list[str] = []
    if parts > SMS_PARTS_WARNING:
        warnings.append(Reason(f"this SMS is sent in {parts} parts (each billed)",
                               code="qt_sms_parts", params={"parts": parts}))  # fmt: skip
    if not is_gsm7(text):
        warnings.append(Reason(
            "characters outside the GSM alphabet: 70 characters per part instead of 160",
            code="qt_not_gsm7",
        ))  # fmt: skip
    return parts, tuple(warnings)


def check(
    qt: QuickText, render: Callable[[MessageTemplate, TemplateContext], RenderedMessage]
) -> QuickTextCheck:
    """Check a quick text as a template is checked when saved; ``render`` is the sandboxed
    renderer. Raises :class:`TemplateError` with the field, line and reason."""
    for field_name, reason in layout_errors(qt):
        raise TemplateError(field_name, reason)
    rendered = render(as_template(qt), sample_hand_context(qt.language))
    parts, warnings = sms_warnings(qt.channel, rendered.text)
    return QuickTextCheck(rendered, warnings, parts)
