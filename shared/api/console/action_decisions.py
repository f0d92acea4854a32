"""Deciding a debtor's request on its action item's page: grant or refuse a postponement
request, end a dispute, each with a message to the debtor (a message by hand: its channel and
words, offered in the debtor's language and editable). The work is the service's
(:mod:`shared.services.request_decisions`); each decision is authorised as the API routes
that do the same are (:func:`action_for_request`): the page only reads the form."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.api.console.shell import Desk, templates, words
from shared.domain.messaging import Channel
from shared.domain.records import ActionItem, ActionStatus
from shared.services.errors import Invalid
from shared.services.request_decisions import DECIDABLE, DISPUTE, POSTPONEMENT

DECISIONS = {"grant": POSTPONEMENT, "refuse": POSTPONEMENT, "end-dispute": DISPUTE}
TELLING = (Channel.EMAIL, Channel.SMS, Channel.LETTER, Channel.WHATSAPP)

# the message offered to the debtor, in the debtor's language (staff may change it)
OFFERED = {
    "nl": {
        "grant": ("Uw verzoek om uitstel is toegekend",
                  "Uw verzoek om uitstel van betaling voor {invoices} is toegekend: u hoeft "
                  "niet eerder te betalen dan {until}. Tot die dag sturen wij u geen herinnering."),
        "refuse": ("Uw verzoek om uitstel",
                   "Uw verzoek om uitstel van betaling voor {invoices} tot {until} kunnen wij "
                   "helaas niet toekennen. Wij vragen u het openstaande bedrag te betalen."),
        "end-dispute": ("Uw bezwaar tegen {invoices}",
                        "Wij hebben uw bezwaar tegen {invoices} behandeld. De betwisting is "
                        "afgesloten; de factuur staat weer open en wij vragen u die te betalen."),
    },
    "en": {
        "grant": ("Your request for postponement is granted",
                  "Your request to postpone payment of {invoices} is granted: you need not pay "
                  "before {until}. Until that day we will send you no reminder."),
        "refuse": ("Your request for postponement",
                   "We are sorry, we cannot grant your request to postpone payment of "
                   "{invoices} until {until}. Please pay the amount that is open."),
        "end-dispute": ("Your objection to {invoices}",
                        "We have looked into your objection to {invoices}. The dispute is "
                        "closed; the invoice is open again and we ask you to pay it."),
    },
}  # fmt: skip


def _day(text: object, lang: str) -> str:
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return str(text or "")
    return day.strftime("%d-%m-%Y") if lang == "nl" else day.isoformat()


def decide_context(desk: Desk, item: ActionItem) -> dict[str, Any]:
    """The decision forms for an open request item of a kind staff decide, with the channels
    the debtor can be written to now and the message offered per decision."""
    if item.kind not in DECIDABLE or item.status is ActionStatus.RESOLVED or not item.debtor_number:
        return {"decide": None}
    found = desk.services.repos.debtors.get(item.client_id, item.debtor_number)
    lang = found[0].language.value if found else "nl"
    offered = OFFERED.get(lang, OFFERED["nl"])
    fill = {"invoices": ", ".join(item.invoice_numbers),
            "until": _day(item.detail.get("until"), lang)}  # fmt: skip
    channels = [
        c.channel
        for c in desk.services.by_hand.channels_for(item.client_id, item.debtor_number)
        if c.available and c.free_text and c.channel in TELLING
    ]
    choices = ("grant", "refuse") if item.kind == POSTPONEMENT else ("end-dispute",)
    return {
        "decide": {
            "choices": choices,
            "channels": channels,
            "offered": {
                do: (offered[do][0].format(**fill), offered[do][1].format(**fill)) for do in choices
            },
        }
    }


def decide(desk: Desk, item: ActionItem, do: str) -> None:
    """``do`` in :data:`DECISIONS`: authorised per invoice as the API route, then decided."""
    from shared.domain.people.authorisation import action_for_request
    from shared.services.conversations.by_hand import HandMessage

    if DECISIONS.get(do) != item.kind:
        raise Invalid(f"a {item.kind} cannot be decided with {do}", field="do")
    base = f"/v1/clients/{item.client_id}"
    for number in item.invoice_numbers:
        route = "resolve-dispute" if do == "end-dispute" else "pause"
        desk.require(action_for_request("POST", f"{base}/invoices/{number}/{route}"))
    tell = None
    if desk.field("channel"):
        desk.require(action_for_request("POST", f"{base}/debtors/{item.debtor_number}/messages"))
        try:
            channel = Channel(desk.field("channel"))
        except ValueError:
            raise Invalid("choose a channel to tell the debtor", field="channel") from None
        body = (desk.form.get("body") or [""])[0].strip()
        if not body:
            raise Invalid("write the message to the debtor", field="body")
        tell = HandMessage(channel, subject=desk.field("subject"), body=body)
    service = desk.services.request_decisions
    author = desk.principal.key_id
    if do == "grant":
        service.grant_postponement(desk.client, item.action_id, author, tell)
    elif do == "refuse":
        service.refuse_postponement(desk.client, item.action_id, desk.field("reason"), author, tell)
    else:
        service.end_dispute(desk.client, item.action_id, desk.field("reason"), author, tell)


FORMS = """{% if decide %}<section aria-labelledby="dec-h"><h2 id="dec-h">{{ t.dec_title }}</h2>
{% if not decide.channels %}<p class="notice warning">{{ t.dec_no_channel }}</p>{% endif %}
<div class="grid">{% for do in decide.choices %}{% set subject, body = decide.offered[do] %}
<form method="post" action="{{ desk.url('/actions/' + item.action_id) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<h3>{{ t['dec_' + do] }}</h3><p>{{ t['dec_' + do + '_hint'] }}</p>
{% if do != 'grant' %}<label for="dec-{{ do }}-reason">{{ t['dec_reason_' + do] }}</label><input id="dec-{{ do }}-reason" name="reason" maxlength="500"{% if do == 'refuse' %} required{% endif %}>{% endif %}
{% if decide.channels %}<label for="dec-{{ do }}-channel">{{ t.dec_channel }}</label><select id="dec-{{ do }}-channel" name="channel">{% for c in decide.channels %}<option value="{{ c.value }}">{{ t['hand_ch_' + c.value] }}</option>{% endfor %}</select>
<label for="dec-{{ do }}-subject">{{ t.dec_subject }}</label><input id="dec-{{ do }}-subject" name="subject" maxlength="300" value="{{ subject }}">
<label for="dec-{{ do }}-body">{{ t.dec_body }}</label><textarea id="dec-{{ do }}-body" name="body" maxlength="4096" required>{{ body }}</textarea>{% endif %}
<p><button type="submit" name="do" value="{{ do }}">{{ t['dec_' + do] }}</button></p></form>{% endfor %}</div></section>{% endif %}"""

templates(**{"action-decide": FORMS})

words(
    nl={"dec_title": "Beslissen", "dec_grant": "Uitstel toekennen",
        "dec_grant_hint": "De facturen worden gepauzeerd tot de gevraagde dag; de debiteur krijgt het bericht hieronder.",
        "dec_refuse": "Uitstel weigeren",
        "dec_refuse_hint": "De facturen blijven in de workflow; de debiteur krijgt het bericht hieronder.",
        "dec_end-dispute": "Betwisting beëindigen",
        "dec_end-dispute_hint": "De factuur is niet langer betwist en de workflow gaat verder; de debiteur krijgt het bericht hieronder.",
        "dec_reason_refuse": "Reden van de weigering (voor de actielijst)",
        "dec_reason_end-dispute": "Uitkomst (voor de actielijst)",
        "dec_channel": "Bericht aan de debiteur via", "dec_subject": "Onderwerp", "dec_body": "Bericht aan de debiteur",
        "dec_no_channel": "De debiteur is nu via geen enkel kanaal te bereiken: de beslissing wordt vastgelegd zonder bericht.",
        "done_dec_done": "De beslissing is vastgelegd."},
    en={"dec_title": "Decide", "dec_grant": "Grant the postponement",
        "dec_grant_hint": "The invoices are paused until the day asked; the debtor gets the message below.",
        "dec_refuse": "Refuse the postponement",
        "dec_refuse_hint": "The invoices stay in the workflow; the debtor gets the message below.",
        "dec_end-dispute": "End the dispute",
        "dec_end-dispute_hint": "The invoice is no longer disputed and the workflow carries on; the debtor gets the message below.",
        "dec_reason_refuse": "Why it is refused (for the action list)",
        "dec_reason_end-dispute": "Outcome (for the action list)",
        "dec_channel": "Message to the debtor by", "dec_subject": "Subject", "dec_body": "Message to the debtor",
        "dec_no_channel": "The debtor cannot be reached by any channel now: the decision is recorded without a message.",
        "done_dec_done": "The decision is recorded."},
)  # fmt: skip
