"""Conversations: quick texts, the client's approved WhatsApp templates, messages by hand and
the channels open for a debtor. The handlers translate; :mod:`shared.services.conversations`
decides (the console calls the same service)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from shared.api.common import principal, validate_body
from shared.api.documents import list_of
from shared.api.http import ApiResponse, BadRequest
from shared.api.router import Context, Query, Route, Router
from shared.api.schemas_conversations import (
    ChannelOut,
    MessageIn,
    MessageQueuedOut,
    QuickTextIn,
    QuickTextOut,
    QuickTextSavedOut,
    QuickTextUpdateIn,
    ReminderOut,
    WhatsappTemplateIn,
    WhatsappTemplateOut,
    WhatsappTemplateSavedOut,
)
from shared.domain.conversations.quick_texts import HAND_CHANNELS, QuickText, QuickTextCheck
from shared.domain.conversations.whatsapp import WhatsappTemplate
from shared.domain.messaging import Channel
from shared.services.container import Services


def _quick_out(qt: QuickText) -> dict[str, Any]:
    return {**asdict(qt), "channel": qt.channel.value}


def _saved(qt: QuickText, checked: QuickTextCheck) -> dict[str, Any]:
    sample = (
        checked.sample.text
        if not checked.sample.subject
        else f"{checked.sample.subject}\n\n{checked.sample.text}"
    )
    return {**_quick_out(qt), "sample": sample, "sms_parts": checked.sms_parts, "warnings": list(checked.warnings)}  # fmt: skip


def register(router: Router, services: Services) -> None:
    def client_of(ctx: Context):  # type: ignore[no-untyped-def]
        return services.access.client_for(principal(ctx), ctx.params["client"])

    def list_quick(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        wanted = ctx.request.query.get("channel")
        if wanted is not None and wanted not in {c.value for c in HAND_CHANNELS}:
            raise BadRequest("channel: one of email, sms, whatsapp, letter")
        items = services.by_hand.quick_texts(client.client_id, Channel(wanted) if wanted else None)
        return ApiResponse(body={"items": [_quick_out(q) for q in items]})

    def create_quick(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, QuickTextIn)
        qt = QuickText(body.quick_text_id, Channel(body.channel), body.name, body.text, body.language, body.subject, body.whatsapp_template)  # fmt: skip
        checked = services.by_hand.create_quick_text(client.client_id, qt)
        return ApiResponse(status=201, body=_saved(qt, checked))

    def get_quick(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        return ApiResponse(body=_quick_out(services.by_hand.quick_text(client.client_id, ctx.params["quick_text"])))  # fmt: skip

    def put_quick(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, QuickTextUpdateIn)
        qt = QuickText(ctx.params["quick_text"], Channel(body.channel), body.name, body.text, body.language, body.subject, body.whatsapp_template)  # fmt: skip
        checked = services.by_hand.update_quick_text(client.client_id, qt)
        return ApiResponse(body=_saved(qt, checked))

    def delete_quick(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        services.by_hand.delete_quick_text(client.client_id, ctx.params["quick_text"])
        return ApiResponse(status=204)

    def put_wa_template(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, WhatsappTemplateIn)
        definition = WhatsappTemplate(ctx.params["template"], tuple(body.languages), tuple(body.body_params),
                                      body.url_button_base, body.url_button_index)  # fmt: skip
        sample = services.by_hand.save_whatsapp_template(client.client_id, definition)
        return ApiResponse(body={**_wa_out(definition), "sample_params": list(sample)})

    def list_wa_templates(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        return ApiResponse(body={"items": [_wa_out(t) for t in services.by_hand.whatsapp_templates(client.client_id)]})  # fmt: skip

    def channels(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        found = services.by_hand.channels_for(client.client_id, ctx.params["debtor"])
        return ApiResponse(
            body={"items": [{**asdict(c), "channel": c.channel.value} for c in found]}
        )

    def reminders(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        found = services.by_hand.reminders_for(client.client_id, ctx.params["debtor"])
        return ApiResponse(body={"items": [{**asdict(r), "channel": r.channel.value, "invoice_numbers": list(r.invoice_numbers)} for r in found]})  # fmt: skip

    def send(ctx: Context) -> ApiResponse:
        from shared.services.conversations.by_hand import HandMessage

        client = client_of(ctx)
        body = validate_body(ctx.request, MessageIn)
        key = ctx.request.header("Idempotency-Key")
        if key is not None and not 1 <= len(key) <= 200:
            raise BadRequest("Idempotency-Key: 1 to 200 characters")
        request = HandMessage(Channel(body.channel), body.quick_text, body.template, body.subject, body.body,
                              tuple(body.invoices), body.whatsapp_template, body.reminder, key)  # fmt: skip
        result = services.by_hand.send_by_hand(
            client.client_id, ctx.params["debtor"], request, principal(ctx).key_id
        )
        out = {**asdict(result), "channel": result.channel.value, "warnings": list(result.warnings)}
        return ApiResponse(status=202, body=out)

    base = "/v1/clients/{client}"
    tag = "conversations"
    for route in (
        Route("GET", base + "/quick-texts", list_quick, "Quick texts (snelteksten), optionally of one channel", tag,
              response=list_of(QuickTextOut),
              query=[Query("channel", "Only this channel's quick texts", enum=("email", "sms", "whatsapp", "letter"), example="sms")],
              errors={400: "channel is not one of email, sms, whatsapp, letter"}),
        Route("POST", base + "/quick-texts", create_quick, "Create a quick text (checked like a template: line and reason)", tag,
              body=QuickTextIn, response=QuickTextSavedOut, status=201,
              errors={422: "A variable that does not exist, a syntax error, a layout that does not fit the channel, the id is taken, or the text names an account that is not the client's or the agency's (tpl_foreign_iban)"},
              example={"quick_text_id": "betaallink", "channel": "whatsapp", "name": "Betaallink",
                       "text": "Beste {{ debtor.name }}, betaal {{ total|money }} via {{ payment_link }}"}),
        Route("GET", base + "/quick-texts/{quick_text}", get_quick, "One quick text", tag, response=QuickTextOut),
        Route("PUT", base + "/quick-texts/{quick_text}", put_quick, "Change a quick text (checked again)", tag,
              body=QuickTextUpdateIn, response=QuickTextSavedOut,
              example={"channel": "sms", "name": "Herinnering", "text": "Zie {{ reminder_link }}"}),
        Route("DELETE", base + "/quick-texts/{quick_text}", delete_quick, "Delete a quick text", tag, status=204),
        Route("PUT", base + "/whatsapp-templates/{template}", put_wa_template,
              "Describe a WhatsApp template approved by Meta: its languages, body parameters and payment-link button", tag,
              body=WhatsappTemplateIn, response=WhatsappTemplateSavedOut,
              errors={422: "An expression that does not render, a button URL that does not fit, or a parameter that names an account that is not the client's or the agency's (tpl_foreign_iban)"},
              example=lambda c: {"languages": ["nl"], "body_params": ["debtor.name", "total|money"],
                                 "url_button_base": f"{c.public_base_url}/api/p/"}),
        Route("GET", base + "/whatsapp-templates", list_wa_templates, "The described WhatsApp templates", tag,
              response=list_of(WhatsappTemplateOut)),
        Route("GET", base + "/debtors/{debtor}/channels", channels,
              "Which channels staff can write in now, and why not (WhatsApp: consent, 24-hour window)", tag,
              response=list_of(ChannelOut)),
        Route("GET", base + "/debtors/{debtor}/reminders", reminders,
              "Letters and e-mails sent to the debtor, newest first: what an SMS can link to", tag,
              response=list_of(ReminderOut)),
        Route("POST", base + "/debtors/{debtor}/messages", send,
              "Send a message by hand (queued; outside the contact hours it waits: see not_before)", tag,
              body=MessageIn, response=MessageQueuedOut, status=202,
              errors={422: "The channel is not open for this debtor, the text does not render, WhatsApp needs an approved template now, or the text names an account that is not the client's or the agency's (hand_message_foreign_iban)"},
              example={"channel": "sms", "body": "Beste {{ debtor.name }}, u kunt {{ total|money }} betalen via {{ payment_link }}"},
              description="Idempotent: the `Idempotency-Key` header, or else the same request on the same day, sends once."),
    ):  # fmt: skip
        router.add(route)


def _wa_out(t: WhatsappTemplate) -> dict[str, Any]:
    return {"name": t.name, "languages": list(t.languages), "body_params": list(t.body_params),
            "url_button_base": t.url_button_base, "url_button_index": t.url_button_index}  # fmt: skip
