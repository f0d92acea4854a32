"""Messages by hand: staff write to one debtor (e-mail, SMS, WhatsApp, letter) from a quick
text, a workflow template or their own words.

A message by hand goes the way a workflow's message goes: rendered with the same variables in
the same sandbox, written to the outbox under an idempotency key and delivered by the channel's
queue (contact hours: deferred to the next allowed moment, never dropped; metered when sent;
on the contact log). On top of the workflow's variables it has ``reminder_link``: the debtor's
own link to the last reminder sent by letter or e-mail, opened on the portal behind the
debtor's token (the SMS "with a link to the reminder that was also sent by post or e-mail").

WhatsApp follows Meta's rules: only with the debtor's consent; free text only inside the
24-hour window after the debtor's last WhatsApp message; otherwise an approved template, with
its parameters and the payment link in its button.

The console calls :meth:`ByHandService.send_by_hand`, :meth:`channels_for` and the quick-text
methods directly; the integration API calls the same methods.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from shared.adapters.letters.pdf_letter import render_letter
from shared.adapters.tables.conversations_repo import ConversationsRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.conversations import quick_texts as qt_rules
from shared.domain.conversations.quick_texts import QuickText, QuickTextCheck
from shared.domain.conversations.whatsapp import (
    WhatsappTemplate,
    definition_errors,
    in_service_window,
    window_closes,
)
from shared.domain.dunning.foreign_links import without_template_code
from shared.domain.dunning.template_reasons import foreign_iban, foreign_link
from shared.domain.dunning.templates import (
    MessageTemplate,
    RenderedMessage,
    TemplateError,
    sample_context,
)
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice
from shared.domain.messaging import (
    Attachment,
    Channel,
    MessageContent,
    OutboundMessage,
    OutboxStatus,
    PostalAddress,
)
from shared.domain.parties import Client, Debtor
from shared.domain.records import ContactEntry, ContactKind
from shared.services.conversations import whatsapp_templates
from shared.services.dunning import DunningService
from shared.services.dunning_account_hold import names_the_account, refuse_without_account
from shared.services.errors import Invalid, NotFound
from shared.services.messaging import MessagingService
from shared.services.named_account import NAMED_ACCOUNT
from shared.services.payee_accounts import (
    foreign_in_params,
    foreign_in_sent,
    foreign_links_in_params,
    foreign_links_in_sent,
    own_links,
    refuse_foreign_in_template,
)
from shared.services.repositories import Repositories

log = logging.getLogger("inning.conversations")
KEY_PREFIX = "hand|"
MAX_INVOICES = 50


def template_refusal(exc: TemplateError) -> Invalid:
    """A quick text's or template's fault as a refusal of its field: the page says it beside
    the field, with the line where there is one (the reason's code; the API keeps the English
    with the part)."""
    said = exc if exc.line else exc.reason
    code, params = getattr(said, "code", None), getattr(said, "params", None)
    return Invalid(str(exc), field=exc.part, code=code, params=params)


def _names_foreign(masked: str, field_name: str) -> Invalid:
    """A message by hand naming an account that is not the client's or the agency's (in its
    words, or in an approved WhatsApp template's parameters): not sent."""
    return Invalid(
        f"the message names the account {masked}, not the client's or the agency's; not sent",
        field=field_name,
        code="hand_message_foreign_iban",
        params={"iban": masked},
    )


def _links_elsewhere(host: str, field_name: str) -> Invalid:
    """A message by hand linking to a host that is not its own link nor one of the client's
    registered domains (people27 F8: "Betaal via https://tikkie.me/…" was sent): not sent."""
    return Invalid(
        f"the message links to {host}, not the portal's or the payment's link or one of the "
        "client's registered domains; not sent",
        field=field_name,
        code="hand_message_foreign_link",
        params={"host": host},
    )


@dataclass(frozen=True)
class HandMessage:
    """What staff asked to send. Exactly one of ``quick_text``, ``template`` or ``body``
    (with ``subject`` for e-mail and letters); a WhatsApp message outside the window names an
    approved ``whatsapp_template`` (or its quick text does)."""

    channel: Channel
    quick_text: str | None = None
    template: str | None = None
    subject: str = ""
    body: str = ""
    invoices: tuple[str, ...] = ()  # none: every open invoice of the debtor
    whatsapp_template: str | None = None
    reminder: str | None = None  # the outbox key of the reminder to link; none: the latest
    idempotency_key: str | None = None  # the caller's; none: derived from the request
    # words of someone else's (a client's reason through the API) the text names as variables,
    # so they are printed as written and never read as template code
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class HandResult:
    key: str
    channel: Channel
    created: bool  # False: this request was received before (nothing sent twice)
    status: str  # the outbox record's status now
    not_before: datetime | None  # when it may go out; later than now: deferred (contact hours)
    deferred: bool
    free_text: bool  # WhatsApp: free text (inside the window) or an approved template
    whatsapp_template: str | None = None
    sms_parts: int | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChannelAvailability:
    channel: Channel
    available: bool
    reason: str = ""  # why not (or what limits it)
    free_text: bool = True  # WhatsApp: free text allowed now (inside the 24-hour window)
    window_closes_at: datetime | None = None
    quick_texts: int = 0


@dataclass(frozen=True)
class Reminder:
    key: str
    channel: Channel
    created_at: datetime
    status: str
    invoice_numbers: tuple[str, ...] = ()
    link_id: str = field(default="")


def reminder_id(key: str) -> str:
    """The outbox key as it appears in a portal URL."""
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def key_of_reminder(link_id: str) -> str:
    padded = link_id + "=" * (-len(link_id) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotFound("no such reminder") from exc


class ByHandService:
    def __init__(
        self,
        repos: Repositories,
        messaging: MessagingService,
        dunning: DunningService,
        clock: Clock,
        portal_link: Callable[[str, str], str],
        public_base_url: str,
    ) -> None:
        self.repos = repos
        self.messaging = messaging
        self.dunning = dunning
        self.render = dunning.render  # the sandboxed renderer, as for workflow messages
        self.clock = clock
        self.portal_link = portal_link  # (client id, debtor) -> the debtor's portal link
        self.public_base_url = public_base_url
        self.conversations = ConversationsRepository(repos.store)

    # -- quick texts ---------------------------------------------------------------------------
    def quick_texts(self, client_id: str, channel: Channel | None = None) -> list[QuickText]:
        return self.conversations.quick_texts(client_id, channel)

    def quick_text(self, client_id: str, quick_text_id: str) -> QuickText:
        found = self.conversations.quick_text(client_id, quick_text_id)
        if found is None:
            raise NotFound(f"quick text {quick_text_id} not found")
        return found

    def check_quick_text(self, client_id: str, qt: QuickText) -> QuickTextCheck:
        """The checks a template gets when saved, plus the channel's layout; a WhatsApp quick
        text's template must be described (with its parameters) for this client."""
        try:
            checked = qt_rules.check(qt, self.render)
            # refused when sent (attack26 F3): refused when saved too, as a template is
            refuse_foreign_in_template(
                self.repos, self._client(client_id),
                MessageTemplate(qt.language, qt.subject, qt.text, None), checked.sample,
                sample_context().client_iban, own_links(qt_rules.sample_hand_context(qt.language)),
            )  # fmt: skip
        except TemplateError as exc:
            raise template_refusal(exc) from None
        if qt.whatsapp_template and not self.conversations.whatsapp_template(
            client_id, qt.whatsapp_template
        ):
            raise Invalid(
                f"WhatsApp template {qt.whatsapp_template} is not described for this client",
                field="whatsapp_template",
                code="wa_template_not_described",
                params={"template": qt.whatsapp_template},
            )
        return checked

    def create_quick_text(self, client_id: str, qt: QuickText) -> QuickTextCheck:
        checked = self.check_quick_text(client_id, qt)
        if not self.conversations.add_quick_text(client_id, qt):
            raise Invalid(
                f"quick text {qt.quick_text_id} exists already",
                field="quick_text_id",
                code="quick_text_exists",
                params={"quick_text": qt.quick_text_id},
            )
        return checked

    def update_quick_text(self, client_id: str, qt: QuickText) -> QuickTextCheck:
        checked = self.check_quick_text(client_id, qt)
        if not self.conversations.replace_quick_text(client_id, qt):
            raise NotFound(f"quick text {qt.quick_text_id} not found")
        return checked

    def delete_quick_text(self, client_id: str, quick_text_id: str) -> None:
        if not self.conversations.delete_quick_text(client_id, quick_text_id):
            raise NotFound(f"quick text {quick_text_id} not found")

    def hand_templates(self, client_id: str) -> list[str]:
        """The ids of the client's workflow templates staff may send by hand (the 14-day
        letter is the workflow's alone, see :meth:`_source`)."""
        found = self.repos.dunning.templates(client_id)
        return sorted(name for name, t in found.items() if not t.fourteen_day_letter)

    # -- approved WhatsApp templates -----------------------------------------------------------
    def save_whatsapp_template(
        self, client_id: str, definition: WhatsappTemplate
    ) -> tuple[str, ...]:
        """Describe a template approved by Meta; its sample parameters when it checks out."""
        for field_name, reason in definition_errors(definition):
            raise Invalid(reason, field=field_name)
        example = f"{self.public_base_url}/api/p/TOKEN/pay"
        try:
            filled = whatsapp_templates.check(definition, self.render, example)
        except TemplateError as exc:
            raise template_refusal(exc) from None
        # a parameter is a template's words all the same: no account but the payees'
        written = [*definition.body_params, *filled.params]
        client = self._client(client_id)
        if foreign := foreign_in_params(self.repos, client, written, sample_context()):
            raise template_refusal(TemplateError("body_params", foreign_iban(foreign[0])))
        # nor a link elsewhere (people27 F8); the example payment link is the app's own
        said = [without_template_code(p) for p in written]
        example_context = replace(sample_context(), payment_link=example)
        if hosts := foreign_links_in_params(self.repos, client, said, example_context):
            raise template_refusal(TemplateError("body_params", foreign_link(hosts[0])))
        self.conversations.save_whatsapp_template(client_id, definition)
        return filled.params + ((filled.button,) if filled.button else ())

    def whatsapp_templates(self, client_id: str) -> list[WhatsappTemplate]:
        return self.conversations.whatsapp_templates(client_id)

    # -- what can be sent now ------------------------------------------------------------------
    def channels_for(self, client_id: str, debtor_id: str) -> list[ChannelAvailability]:
        """Per channel: can staff write to this debtor now, and if not, why (the console's
        channel icons; WhatsApp green when free text is allowed)."""
        client, debtor = self._parties(client_id, debtor_id)
        counts: dict[Channel, int] = {}
        for q in self.conversations.quick_texts(client_id):
            counts[q.channel] = counts.get(q.channel, 0) + 1
        now = self.clock.now()
        out = [
            ChannelAvailability(Channel.EMAIL, bool(debtor.emails), "" if debtor.emails else "no e-mail address", quick_texts=counts.get(Channel.EMAIL, 0)),
            ChannelAvailability(Channel.SMS, bool(debtor.mobile), "" if debtor.mobile else "no mobile number", quick_texts=counts.get(Channel.SMS, 0)),
        ]  # fmt: skip
        last = self.conversations.last_inbound(client_id, debtor.number)
        open_window = in_service_window(last, now)
        if not debtor.mobile:
            wa = ChannelAvailability(Channel.WHATSAPP, False, "no mobile number", False)
        elif not debtor.whatsapp_consent:
            wa = ChannelAvailability(
                Channel.WHATSAPP, False, "no WhatsApp consent (or STOP received)", False
            )
        elif open_window:
            wa = ChannelAvailability(Channel.WHATSAPP, True, "", True, window_closes(last))
        else:
            has_templates = bool(self.conversations.whatsapp_templates(client_id))
            wa = ChannelAvailability(
                Channel.WHATSAPP, has_templates,
                "no message from the debtor in the last 24 hours: an approved template only"
                if has_templates else "outside the 24-hour window and no approved template described",
                False, window_closes(last),
            )  # fmt: skip
        out.append(replace(wa, quick_texts=counts.get(Channel.WHATSAPP, 0)))
        has_address = debtor.address is not None
        out.append(ChannelAvailability(Channel.LETTER, has_address, "" if has_address else "no postal address", quick_texts=counts.get(Channel.LETTER, 0)))  # fmt: skip
        off = client.channels_off
        return [
            replace(a, available=False, reason="the client does not use this channel", free_text=False)
            if a.channel.value in off else a
            for a in out
        ]  # fmt: skip

    def reminders_for(self, client_id: str, debtor_id: str) -> list[Reminder]:
        """Letters and e-mails sent to the debtor (workflow and by hand), newest first: what
        an SMS can link to."""
        _, debtor = self._parties(client_id, debtor_id)
        found: list[Reminder] = []
        for prefix in (f"dun|{debtor.number}|", f"{KEY_PREFIX}{debtor.number}|"):
            for message, _etag in self.messaging.outbox.with_prefix(client_id, prefix):
                if message.debtor_number != debtor.number:
                    continue  # a longer debtor number sharing the prefix ("12" and "12|A")
                if message.channel in (Channel.LETTER, Channel.EMAIL) and message.status not in (
                    OutboxStatus.FAILED, OutboxStatus.BOUNCED, OutboxStatus.UNDELIVERABLE,
                ):  # fmt: skip
                    found.append(Reminder(message.key, message.channel, message.created_at,
                                          message.status.value, message.invoice_numbers, reminder_id(message.key)))  # fmt: skip
        found.sort(key=lambda r: r.created_at, reverse=True)
        return found

    # -- sending -------------------------------------------------------------------------------
    def send_by_hand(
        self, client_id: str, debtor_id: str, request: HandMessage, actor: str
    ) -> HandResult:
        client, debtor = self._parties(client_id, debtor_id)
        key = (
            KEY_PREFIX
            + f"{debtor.number}|"
            + _digest(request, amsterdam_date(self.clock.now()).isoformat())
        )
        existing = self.messaging.outbox.get(client_id, key)
        if existing is not None:
            if existing[0].extra.get("request", _fingerprint(request)) != _fingerprint(request):
                raise Invalid(
                    "this Idempotency-Key was used for another message",
                    field="Idempotency-Key",
                    code="idempotency_reused",
                )
            # the request that wrote it may have failed before its job reached the queue (a
            # 503 there answered 500): its retry queues it again (failure18 F6: 202 'pending'
            # and no job); the record decides, one message goes
            self.messaging.queue_again(existing[0])
            return self._result(existing[0], created=False)
        message, content, rendered, sms_parts, warnings = self._compose(
            client, debtor, request, actor, key
        )
        channel = message.channel
        now = message.created_at
        if not self.messaging.enqueue(message, content):
            # the same request at the same moment from another worker: it logged the message
            return self._result(self.messaging.outbox.get(client_id, key)[0], created=False)  # type: ignore[index]
        not_before = (
            self.messaging.window.next_allowed(now) if channel.bound_by_contact_hours else now
        )
        deferred = not_before > now
        what = rendered.subject or rendered.text[:80] or f"template {content.template}"
        when = f"; waits for the contact hours until {not_before.isoformat()}" if deferred else ""
        self.repos.contacts.add(ContactEntry(client_id, debtor.number, time_ordered_id(now), now, ContactKind.MESSAGE,
                                             f"{channel.value} by hand queued: {what}{when}"[:1000], channel=channel.value,
                                             invoice_numbers=message.invoice_numbers, author=actor))  # fmt: skip
        log.info(
            "message by hand %s queued for client %s (deferred: %s)",
            channel.value,
            client_id,
            deferred,
        )
        return HandResult(key, channel, True, OutboxStatus.PENDING.value, not_before, deferred,
                          free_text=channel is Channel.WHATSAPP and bool(content.text), whatsapp_template=content.template,
                          sms_parts=sms_parts, warnings=warnings)  # fmt: skip

    def check(self, client_id: str, debtor_id: str, request: HandMessage) -> None:
        """Refuse now (Invalid) what :meth:`send_by_hand` would refuse, sending nothing: a
        decision checks its message before it changes anything."""
        client, debtor = self._parties(client_id, debtor_id)
        self._compose(client, debtor, request, "check", KEY_PREFIX + "check")

    def text_of(self, client_id: str, debtor_id: str, request: HandMessage) -> str:
        """The text ``request`` would be sent with (rendered, nothing sent): a caller that
        must fit an SMS to its parts measures it as sent."""
        client, debtor = self._parties(client_id, debtor_id)
        return self._compose(client, debtor, request, "check", KEY_PREFIX + "check")[2].text

    def sent_under(self, client_id: str, debtor_id: str, idempotency_key: str) -> str | None:
        """The outbox key of the message queued under the caller's ``idempotency_key``, if one
        was (whatever it said): a retry asks before it sends again."""
        _, debtor = self._parties(client_id, debtor_id)
        probe = HandMessage(Channel.EMAIL, idempotency_key=idempotency_key)
        key = KEY_PREFIX + f"{debtor.number}|" + _digest(probe, "")
        found = self.messaging.outbox.get(client_id, key)
        if found is None:
            return None
        self.messaging.queue_again(found[0])  # its job may be lost with the attempt (F6)
        return key

    def _compose(
        self, client: Client, debtor: Debtor, request: HandMessage, actor: str, key: str
    ) -> tuple[OutboundMessage, MessageContent, RenderedMessage, int | None, tuple[str, ...]]:
        """The message and its content as they would be queued, or Invalid."""
        client_id, debtor_id = client.client_id, debtor.number
        channel = request.channel
        availability = {a.channel: a for a in self.channels_for(client_id, debtor_id)}.get(channel)
        if availability is None:
            raise Invalid(
                f"staff cannot write by {channel.value}",
                field="channel",
                code="staff_cannot_write",
                params={"channel": channel},
            )
        source, quick = self._source(client_id, request)
        wa_template = request.whatsapp_template or (quick.whatsapp_template if quick else None)
        free_text = availability.free_text
        if not availability.available and not (
            channel is Channel.WHATSAPP
            and wa_template
            and debtor.mobile
            and debtor.whatsapp_consent
        ):
            raise Invalid(
                f"{channel.value} to debtor {debtor.number} is not possible now: "
                f"{availability.reason}",
                field="channel",
                code="channel_not_now",
                params={
                    "channel": channel,
                    "debtor": debtor.number,
                    "channel_reason": availability.reason,
                },
            )
        if channel is Channel.WHATSAPP and not free_text and not wa_template:
            raise Invalid(
                "the debtor has not written on WhatsApp in the last 24 hours: only an approved "
                "template may be sent (name whatsapp_template)",
                field="whatsapp_template",
                code="wa_window_closed",
            )
        invoices = self._invoices(client_id, debtor.number, request.invoices)
        today = amsterdam_date(self.clock.now())
        context = self.dunning.context(client, debtor, invoices, today)
        names = source is not None and names_the_account(
            source.subject, source.text, source.html or ""
        )
        if names:
            # the daily run would hold it: no account of the client's own to name (heldplan31)
            refuse_without_account(client, context.client_iban, "This message")
        uses_link = source is not None and "reminder_link" in (
            source.subject + source.text + (source.html or "")
        )
        link = self._reminder_link(client_id, debtor, request.reminder) if uses_link else ""
        context = qt_rules.hand_context(context, link)
        if request.values:
            context = replace(context, extra={**context.extra, **dict(request.values)})
        rendered = RenderedMessage("", "", None)
        if source is not None:
            try:
                rendered = self.render(source, context)
            except TemplateError as exc:
                raise template_refusal(exc) from None
        # an account the client never registered, in words staff typed or a quick text's, is
        # not sent: the daily run refuses it in a template (attack26 F3), one debtor at a time
        # by hand went through before
        if foreign := foreign_in_sent(self.repos, client, rendered, context):
            raise _names_foreign(foreign[0], "body")
        if hosts := foreign_links_in_sent(self.repos, client, rendered, context):
            raise _links_elsewhere(hosts[0], "body")
        if channel is Channel.EMAIL and not rendered.subject.strip():
            raise Invalid("an e-mail needs a subject", field="subject", code="email_needs_subject")
        sms_parts, warnings = qt_rules.sms_warnings(channel, rendered.text)
        content = MessageContent(subject=rendered.subject if channel in qt_rules.WITH_SUBJECT else "",
                                 text=rendered.text, html=rendered.html if channel is Channel.EMAIL else None,
                                 language=rendered.language or debtor.language.value)  # fmt: skip
        if channel is Channel.WHATSAPP:
            if not free_text:
                content = replace(content, text="")  # outside the window: the template only
            if wa_template:
                filled = whatsapp_templates.fill_named(
                    self.conversations,
                    client_id,
                    wa_template,
                    debtor.language.value,
                    context,
                    self.render,
                )
                if foreign := foreign_in_params(self.repos, client, filled.params, context):
                    raise _names_foreign(foreign[0], "whatsapp_template")
                if hosts := foreign_links_in_params(self.repos, client, filled.params, context):
                    raise _links_elsewhere(hosts[0], "whatsapp_template")
                content = replace(content, template=filled.name, language=filled.language, template_params=filled.params,
                                  template_button=filled.button, template_button_index=filled.button_index)  # fmt: skip
        address = None
        if channel is Channel.LETTER:
            assert debtor.address is not None
            address = PostalAddress(debtor.name, debtor.address.street, debtor.address.postal_code, debtor.address.city, debtor.address.country)  # fmt: skip
            pdf = render_letter(
                self.dunning._letter(client, debtor, address, rendered, context, today)
            )
            content = replace(
                content, attachments=(Attachment("brief.pdf", "application/pdf", pdf),)
            )
        to = {Channel.EMAIL: (debtor.emails or ("",))[0], Channel.LETTER: debtor.name}.get(
            channel, debtor.mobile or ""
        )
        now = self.clock.now()
        message = OutboundMessage(
            client_id, key, channel, debtor.number, to, now, address=address, reply_to=client.contact_email,
            sender=client.contact_email, invoice_numbers=tuple(i.number for i in invoices),
            extra={"by_hand": actor[:200], "source": _source_name(request), "request": _fingerprint(request)},
        )  # fmt: skip
        if names or channel is Channel.LETTER:  # a letter's payment block names it too
            # checked again when it goes: still the client's own (outbox31)
            extra = {**message.extra, NAMED_ACCOUNT: context.client_iban}
            message = replace(message, extra=extra)
        return message, content, rendered, sms_parts, warnings

    # -- helpers -------------------------------------------------------------------------------
    def _client(self, client_id: str) -> Client:
        found = self.repos.clients.get(client_id)
        if found is None:
            raise NotFound(f"client {client_id} not found")
        return found[0]

    def _parties(self, client_id: str, debtor_id: str) -> tuple[Client, Debtor]:
        client = self._client(client_id)
        debtor = self.repos.debtors.get(client_id, debtor_id)
        if debtor is None:
            raise NotFound(f"debtor {debtor_id} not found")
        return client, debtor[0]

    def _source(
        self, client_id: str, request: HandMessage
    ) -> tuple[MessageTemplate | None, QuickText | None]:
        given = [
            n
            for n, v in (
                ("quick_text", request.quick_text),
                ("template", request.template),
                ("body", request.body),
            )
            if v
        ]
        if len(given) > 1:
            raise Invalid(
                f"give one of quick_text, template or body, not {' and '.join(given)}",
                field=given[1],
                code="hand_sources_twice",
            )
        if request.subject and request.channel not in qt_rules.WITH_SUBJECT:
            raise Invalid(
                f"a {request.channel.value} message has no subject",
                field="subject",
                code="no_subject_on_channel",
                params={"channel": request.channel},
            )
        if request.quick_text:
            qt = self.quick_text(client_id, request.quick_text)
            if qt.channel is not request.channel:
                raise Invalid(
                    f"quick text {qt.quick_text_id} is for {qt.channel.value}, not {request.channel.value}",
                    field="quick_text",
                    code="quick_text_other_channel",
                    params={
                        "quick_text": qt.quick_text_id,
                        "quick_channel": qt.channel,
                        "channel": request.channel,
                    },
                )
            return qt_rules.as_template(qt), qt
        if request.template:
            template = self.repos.dunning.templates(client_id).get(request.template)
            if template is None:
                raise NotFound(f"template {request.template} not found")
            if template.fourteen_day_letter:
                # the 14-day letter announces the costs from the day it sets; written by hand
                # it would state no costs and start no legal term: only the workflow sends it
                raise Invalid(
                    "the 14-day letter is sent by the workflow only, not by hand",
                    field="template",
                    code="fourteen_day_by_hand",
                )
            if request.channel not in qt_rules.WITH_SUBJECT:
                template = replace(template, subject="", html=None)
            return template, None
        if request.body:
            if len(request.body) > qt_rules.MAX_TEXT[request.channel]:
                raise Invalid(
                    f"at most {qt_rules.MAX_TEXT[request.channel]} characters",
                    field="body",
                    code="hand_text_too_long",
                    params={"limit": qt_rules.MAX_TEXT[request.channel]},
                )
            return MessageTemplate("nl", request.subject, request.body, None), None
        if request.channel is Channel.WHATSAPP and request.whatsapp_template:
            return None, None  # the approved template alone
        raise Invalid("give a quick_text, a template or a body", field="body", code="hand_no_source")  # fmt: skip

    def _invoices(
        self, client_id: str, debtor_number: str, numbers: tuple[str, ...]
    ) -> list[Invoice]:
        mine = [i for i in self.repos.invoices.for_debtor(client_id, debtor_number)]
        if not numbers:
            return [i for i in mine if i.is_collectable]
        if len(numbers) > MAX_INVOICES:
            raise Invalid(
                f"at most {MAX_INVOICES} invoices",
                field="invoices",
                code="hand_too_many_invoices",
                params={"limit": MAX_INVOICES},
            )
        by_number = {i.number: i for i in mine}
        unknown = [n for n in numbers if n not in by_number]
        if unknown:
            raise Invalid(
                f"not invoices of this debtor: {', '.join(unknown[:5])}",
                field="invoices",
                code="hand_invoices_not_debtors",
                params={"invoices": ", ".join(unknown[:5])},
            )
        return [by_number[n] for n in dict.fromkeys(numbers)]

    def _reminder_link(self, client_id: str, debtor: Debtor, wanted: str | None) -> str:
        reminders = self.reminders_for(client_id, debtor.number)
        if wanted is not None:
            chosen = next((r for r in reminders if r.key == wanted or r.link_id == wanted), None)
            if chosen is None:
                raise Invalid(
                    f"no letter or e-mail {wanted} was sent to this debtor",
                    field="reminder",
                    code="reminder_not_sent",
                    params={"reminder": wanted},
                )
        elif reminders:
            chosen = reminders[0]
        else:
            raise Invalid(
                "the text links to the reminder, but no letter or e-mail was sent to this debtor yet",
                field="reminder",
                code="reminder_none_yet",
            )
        return f"{self.portal_link(client_id, debtor.number)}/reminder/{chosen.link_id}"

    def waiting_until(self, client_id: str, number: str, key: str) -> datetime | None:
        """When a message by hand to this debtor, waiting for the contact hours, will go; None
        when there is no such message (another debtor's, a made-up key) or it is not waiting.
        The page shows this, read from the outbox, never a time the link carries."""
        if not key or len(key) > 200:
            return None
        try:
            found = self.messaging.outbox.get(client_id, key)
        except ValueError:  # a key no table key can hold (InvalidKey) names nothing
            return None
        if found is None or found[0].debtor_number != number:
            return None
        result = self._result(found[0], created=False)
        return result.not_before if result.deferred else None

    def _result(self, message: OutboundMessage, created: bool) -> HandResult:
        now = self.clock.now()
        not_before = (
            self.messaging.window.next_allowed(now)
            if message.channel.bound_by_contact_hours and not message.status.final
            else None
        )
        return HandResult(message.key, message.channel, created, message.status.value, not_before,
                          bool(not_before and not_before > now), free_text=False)  # fmt: skip


def _fingerprint(request: HandMessage) -> str:
    """What the message says and where it goes: one Idempotency-Key, one message."""
    basis = json.dumps([request.channel.value, request.quick_text, request.template, request.subject, request.body,
                        list(request.invoices), request.whatsapp_template, request.reminder]
                       + ([[list(v) for v in request.values]] if request.values else []))  # fmt: skip
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def _digest(request: HandMessage, day: str) -> str:
    """The caller's idempotency key, or the request itself on this Amsterdam day (a double
    click or a retried request sends once; the same words tomorrow are a new message)."""
    if request.idempotency_key:
        basis = "key\n" + request.idempotency_key
    else:
        basis = json.dumps([request.channel.value, request.quick_text, request.template, request.subject, request.body,
                            list(request.invoices), request.whatsapp_template, request.reminder, day])  # fmt: skip
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def _source_name(request: HandMessage) -> str:
    if request.quick_text:
        return f"quick_text:{request.quick_text}"[:200]
    if request.template:
        return f"template:{request.template}"[:200]
    if request.whatsapp_template and not request.body:
        return f"whatsapp_template:{request.whatsapp_template}"[:200]
    return "text"
