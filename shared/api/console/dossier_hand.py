"""A message by hand from the dossier: e-mail, SMS, WhatsApp or letter, from a quick text, a
workflow template or the person's own words, through :mod:`shared.services.conversations.by_hand`
(the service the API's ``POST .../debtors/{debtor}/messages`` calls).

No script: the channel is picked with links (``?hand=whatsapp``), and the form then offers
that channel's quick texts. WhatsApp is shown as the product documents it: a green icon when
the debtor consented and free text is allowed now (the 24-hour window), otherwise "approved
template only" with the approved templates, or the reason it cannot be used. Every render
carries a fresh Idempotency-Key (hidden field): a double submit sends the message once.
Contact hours: a deferred message says when it will go (read from the outbox by the
message's key, ``?sent=``)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from shared.api.console.clock_text import local_time
from shared.api.console.shell import Desk, templates, words
from shared.api.http import ApiResponse
from shared.domain.messaging import Channel

CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP, Channel.LETTER)


def hand_context(desk: Desk, number: str) -> dict[str, Any]:
    """What the form needs: the channels open now, the chosen one's quick texts, the
    templates and approved WhatsApp templates, and a fresh idempotency key."""
    service = desk.services.by_hand
    client_id = desk.client.client_id
    channels = service.channels_for(client_id, number)
    by_channel = {c.channel: c for c in channels}
    asked = desk.query("hand")
    chosen = next((c for c in CHANNELS if c.value == asked), None)
    if chosen is None:  # the first channel that can be used now, else e-mail
        chosen = next((c.channel for c in channels if c.available), Channel.EMAIL)
    return {
        "hand_channels": channels,
        "hand_chosen": by_channel[chosen],
        "hand_quick": service.quick_texts(client_id, chosen),
        "hand_templates": service.hand_templates(client_id),
        "hand_wa_templates": [t.name for t in service.whatsapp_templates(client_id)]
        if chosen is Channel.WHATSAPP
        else [],
        "hand_idem": secrets.token_urlsafe(18),
        "hand_not_before": _waiting(desk, number),
    }


def _waiting(desk: Desk, number: str) -> str:
    """After a deferred message (``?sent=<outbox key>``): when it goes, from the outbox."""
    at = desk.services.by_hand.waiting_until(desk.client.client_id, number, desk.query("sent"))
    return local_time(at)


def send(desk: Desk, number: str) -> ApiResponse:
    """``do=hand``: the form's fields as the API's message request; Invalid goes back to the
    dossier with the reason (the page's error path)."""
    from shared.services.conversations.by_hand import HandMessage
    from shared.services.errors import Invalid

    try:
        channel = Channel(desk.field("channel"))
    except ValueError:
        raise Invalid(
            "choose e-mail, SMS, WhatsApp or letter", field="channel", code="choose_channel"
        ) from None
    if channel not in CHANNELS:
        raise Invalid(
            "choose e-mail, SMS, WhatsApp or letter", field="channel", code="choose_channel"
        )
    source = desk.field("source")
    request = HandMessage(
        channel,
        quick_text=desk.field("quick_text") or None if source == "quick" else None,
        template=desk.field("template") or None if source == "template" else None,
        subject=desk.field("subject") if source == "text" else "",
        body=(desk.form.get("body") or [""])[0] if source == "text" else "",
        invoices=tuple(desk.fields("invoices")),
        whatsapp_template=desk.field("whatsapp_template") or None,
        idempotency_key=desk.field("idem")[:200] or None,
    )
    result = desk.services.by_hand.send_by_hand(
        desk.client.client_id, number, request, desk.principal.key_id
    )
    if result.deferred and result.not_before is not None:
        # the message's key, not its time: the page reads the time from the outbox, so a
        # link cannot put words of its own into the page's notice
        return desk.redirect(f"/dossier/{quote(number, safe='')}", done="hand_deferred",
                             sent=result.key)  # fmt: skip
    return desk.redirect(f"/dossier/{quote(number, safe='')}",
                         done="hand_sent" if result.created else "hand_again")  # fmt: skip


# the green WhatsApp icon (drawn here: no external images), with its text alternative
WA_ICON = (
    '<svg role="img" aria-labelledby="wa-ok-t" width="20" height="20" viewBox="0 0 24 24">'
    '<title id="wa-ok-t">{{ t.hand_wa_free }}</title><circle cx="12" cy="12" r="11" fill="#1b6e20"/>'
    '<path d="M7 17l1-3a5 5 0 1 1 2 2z" fill="none" stroke="#fff" stroke-width="1.6"/></svg>'
)

HAND = (
    """{% extends "dossier" %}{% block hand_message %}
<section aria-labelledby="hand-h"><h2 id="hand-h">{{ t.hand_title }}</h2>
{% if hand_not_before %}<p class="notice warning" role="status">{{ t.hand_goes_at.format(at=hand_not_before) }}</p>{% endif %}
<nav aria-label="{{ t.hand_channel }}"><ul class="inline">
{% for c in hand_channels %}<li><a href="{{ desk.url('/dossier/' + debtor.number|segment, hand=c.channel.value) }}"{% if c.channel == hand_chosen.channel %} aria-current="true"{% endif %}>{{ t['hand_ch_' + c.channel.value] }}</a>
{% if c.channel.value == 'whatsapp' %}{% if c.available and c.free_text %} """
    + WA_ICON
    + """{% elif c.available %} <span class="badge">{{ t.hand_wa_template_only }}</span>{% else %} <span class="muted">({{ reason_of(c.reason) }})</span>{% endif %}
{% elif not c.available %} <span class="muted">({{ reason_of(c.reason) }})</span>{% endif %}</li>{% endfor %}</ul></nav>
{% set c = hand_chosen %}
{% if not c.available %}<p class="notice warning">{{ t.hand_not_now.format(channel=t['hand_ch_' + c.channel.value], reason=reason_of(c.reason)) }}</p>
{% else %}<form method="post" action="{{ desk.url('/dossier/' + debtor.number|segment) }}" class="card">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="idem" value="{{ hand_idem }}"><input type="hidden" name="channel" value="{{ c.channel.value }}">
<h3>{{ t['hand_ch_' + c.channel.value] }}</h3>
{% if c.channel.value == 'whatsapp' %}<p>{% if c.free_text %}"""
    + WA_ICON
    + """ {{ t.hand_wa_free }}{% if c.window_closes_at %} ({{ t.hand_wa_until }} {{ c.window_closes_at|local }}){% endif %}{% else %}<strong>{{ t.hand_wa_template_only }}</strong>: {{ reason_of(c.reason) }}{% endif %}</p>{% endif %}
<fieldset><legend>{{ t.hand_source }}</legend>
{% if hand_quick %}<label><input type="radio" name="source" value="quick" checked> {{ t.hand_quick }}</label>
<label for="hand-quick">{{ t.hand_quick_pick }}</label><select id="hand-quick" name="quick_text">{% for q in hand_quick %}<option value="{{ q.quick_text_id }}">{{ q.name }}</option>{% endfor %}</select>{% else %}<p class="muted">{{ t.hand_no_quick }}</p>{% endif %}
{% if c.channel.value != 'whatsapp' and hand_templates %}<label><input type="radio" name="source" value="template"{% if not hand_quick %} checked{% endif %}> {{ t.hand_template }}</label>
<label for="hand-template">{{ t.hand_template_pick }}</label><select id="hand-template" name="template">{% for name in hand_templates %}<option value="{{ name }}">{{ name }}</option>{% endfor %}</select>{% endif %}
{% if c.channel.value != 'whatsapp' or c.free_text %}<label><input type="radio" name="source" value="text"{% if not hand_quick and (c.channel.value == 'whatsapp' or not hand_templates) %} checked{% endif %}> {{ t.hand_free }}</label>
{% if c.channel.value in ('email', 'letter') %}<label for="hand-subject">{{ t.hand_subject }}</label><input id="hand-subject" name="subject" maxlength="300">{% endif %}
<label for="hand-body">{{ t.hand_body }}</label><textarea id="hand-body" name="body" maxlength="4096"></textarea>{% endif %}
{% if c.channel.value == 'whatsapp' and not c.free_text %}<label><input type="radio" name="source" value="wa"{% if not hand_quick %} checked{% endif %}> {{ t.hand_wa_approved }}</label>{% endif %}
</fieldset>
{% if c.channel.value == 'whatsapp' and hand_wa_templates %}<label for="hand-wa">{{ t.hand_wa_pick }}</label><select id="hand-wa" name="whatsapp_template">{% if c.free_text %}<option value="">{{ t.hand_none }}</option>{% endif %}{% for name in hand_wa_templates %}<option value="{{ name }}">{{ name }}</option>{% endfor %}</select>{% endif %}
{% if open_invoices %}<fieldset><legend>{{ t.hand_invoices }}</legend>{% for i in open_invoices %}<label><input type="checkbox" name="invoices" value="{{ i.number }}"> {{ i.number }} · {{ desk.money(i.open_amount) }}</label>{% endfor %}</fieldset>{% endif %}
<p><button type="submit" name="do" value="hand">{{ t.hand_send }}</button> <a href="{{ desk.url('/quick-texts', channel=c.channel.value) }}">{{ t.hand_manage }}</a></p>
</form>{% endif %}</section>
{% endblock %}"""
)

templates(**{"dossier-hand": HAND})

words(
    nl={"hand_title": "Bericht met de hand", "hand_channel": "Kanaal",
        "hand_ch_email": "E-mail", "hand_ch_sms": "Sms", "hand_ch_whatsapp": "WhatsApp", "hand_ch_letter": "Brief",
        "hand_wa_free": "WhatsApp: vrije tekst mag nu (toestemming, binnen 24 uur)",
        "hand_wa_until": "tot", "hand_wa_template_only": "alleen goedgekeurde template",
        "hand_not_now": "{channel} kan nu niet: {reason}", "hand_source": "Wat stuurt u?",
        "hand_quick": "Een sneltekst", "hand_quick_pick": "Sneltekst", "hand_no_quick": "Geen snelteksten voor dit kanaal.",
        "hand_template": "Een sjabloon", "hand_template_pick": "Sjabloon", "hand_free": "Eigen tekst",
        "hand_subject": "Onderwerp", "hand_body": "Tekst", "hand_wa_approved": "Alleen de goedgekeurde template",
        "hand_wa_pick": "Goedgekeurde WhatsApp-template", "hand_none": "geen",
        "hand_invoices": "Facturen om te noemen (geen: alle open)", "hand_send": "Versturen",
        "hand_manage": "Snelteksten beheren", "hand_goes_at": "Buiten de contacturen: het bericht gaat op {at}.",
        "done_hand_sent": "Het bericht staat klaar om te verzenden.",
        "done_hand_again": "Dit bericht was al verstuurd: niet nog eens.",
        "done_hand_deferred": "Het bericht wacht op de contacturen."},
    en={"hand_title": "Message by hand", "hand_channel": "Channel",
        "hand_ch_email": "E-mail", "hand_ch_sms": "SMS", "hand_ch_whatsapp": "WhatsApp", "hand_ch_letter": "Letter",
        "hand_wa_free": "WhatsApp: free text allowed now (consent, inside 24 hours)",
        "hand_wa_until": "until", "hand_wa_template_only": "approved template only",
        "hand_not_now": "{channel} is not possible now: {reason}", "hand_source": "What do you send?",
        "hand_quick": "A quick text", "hand_quick_pick": "Quick text", "hand_no_quick": "No quick texts for this channel.",
        "hand_template": "A template", "hand_template_pick": "Template", "hand_free": "Own words",
        "hand_subject": "Subject", "hand_body": "Text", "hand_wa_approved": "The approved template only",
        "hand_wa_pick": "Approved WhatsApp template", "hand_none": "none",
        "hand_invoices": "Invoices to mention (none: every open one)", "hand_send": "Send",
        "hand_manage": "Manage quick texts", "hand_goes_at": "Outside the contact hours: the message goes at {at}.",
        "done_hand_sent": "The message is queued to be sent.",
        "done_hand_again": "This message was sent already: not again.",
        "done_hand_deferred": "The message waits for the contact hours."},
)  # fmt: skip
