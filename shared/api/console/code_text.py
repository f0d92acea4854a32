"""The codes the records carry (statuses, kinds, channels, payment sources, periods) as words
in the page's language.

The API returns these codes as they are (integrations read them); a credit manager reads a
word. An unknown code is shown with its underscores as spaces rather than guessed at."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context

from shared.api.console.shell import ENV

# per group: code -> (Dutch, English)
_Words = dict[str, tuple[str, str]]

INVOICE_STATUS: _Words = {
    "open": ("open", "open"),
    "partially_paid": ("deels betaald", "partly paid"),
    "paid": ("betaald", "paid"),
    "credited": ("gecrediteerd", "credited"),
    "disputed": ("betwist", "disputed"),
    "withdrawn": ("ingetrokken", "withdrawn"),
}

PLAN_STATUS: _Words = {
    "draft": ("concept", "draft"),
    "active": ("lopend", "active"),
    "due": ("termijn vervalt", "due"),
    "collection_in_progress": ("incasso loopt", "collection in progress"),
    "overdue": ("achterstallig", "overdue"),
    "paused": ("gepauzeerd", "paused"),
    "completed": ("voltooid", "completed"),
    "cancelled": ("geannuleerd", "cancelled"),
}

PERIOD: _Words = {
    "week": ("week", "week"),
    "month": ("maand", "month"),
    "quarter": ("kwartaal", "quarter"),
}

DEBTOR_KIND: _Words = {"b2b": ("zakelijk", "business"), "b2c": ("consument", "consumer")}

# how a plan is paid (``PlanMethod``; a plan proposal's item names it, cm18 F4)
PLAN_METHOD: _Words = {
    "transfer": ("overboeking", "bank transfer"),
    "direct_debit": ("automatische incasso", "direct debit"),
}

ACTION_STATUS: _Words = {
    "open": ("openstaand", "open"),
    "assigned": ("toegewezen", "assigned"),
    "resolved": ("afgehandeld", "resolved"),
}

# a contact-log entry's channel: a message channel, or the payment source of a payment entry
CHANNEL: _Words = {
    "email": ("e-mail", "e-mail"),
    "sms": ("sms", "SMS"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
    "letter": ("brief", "letter"),
    "robocall": ("belcomputer", "robocall"),
    "bank": ("bank", "bank"),
    "mollie": ("Mollie", "Mollie"),
    "manual": ("handmatig", "by hand"),
    "direct_debit": ("incasso", "direct debit"),
    "portal": ("portaal", "portal"),
}

# what a contact-log entry is (the dossier's timeline, the contact-log report)
CONTACT_KIND: _Words = {
    "message": ("bericht", "message"),
    "pause": ("pauze", "pause"),
    "resume": ("hervat", "resumed"),
    "payment": ("betaling", "payment"),
    "note": ("notitie", "note"),
    "status": ("status", "status"),
    "dispute": ("betwisting", "dispute"),
}

# what the usage meter counts: the messages per channel and the invoices under management
USAGE_ITEM: _Words = {
    **{code: CHANNEL[code] for code in ("email", "sms", "whatsapp", "letter", "robocall")},
    "invoice": ("facturen in beheer", "invoices under management"),
}

# what a provider reported of a message that did not arrive
DELIVERY: _Words = {
    "bounced": ("onbestelbaar", "bounced"),
    "undeliverable": ("niet bezorgd", "undeliverable"),
    "failed": ("mislukt", "failed"),
}

# a debtor's segment is the client's own name, except the one every debtor starts in
SEGMENT: _Words = {"default": ("standaard", "default")}

# a template's or quick text's language
LANGUAGE: _Words = {"nl": ("Nederlands", "Dutch"), "en": ("Engels", "English")}

# a debtor's standing and why it was lifted (shared/domain/standing.py: Standing, LiftReason),
# as the dossier's timeline says them (the dossier's standing form has its own longer words)
STANDING: _Words = {
    "normal": ("normaal", "normal"),
    "deceased": ("overleden", "deceased"),
    "bankrupt": ("failliet", "bankrupt"),
    "wsnp": ("in de schuldsanering (WSNP)", "in the statutory debt scheme (WSNP)"),
}
LIFT_REASON: _Words = {
    "mistake": ("een vergissing: alsof nooit gezet", "a mistake: as if never set"),
    "akkoord": ("geëindigd met een akkoord", "ended by an akkoord"),
    "clean_slate": ("schone lei, art. 358 Fw", "clean slate, art. 358 Fw"),
    "ended": ("anders geëindigd", "ended otherwise"),
}

GROUPS: dict[str, _Words] = {
    "invoice_status": INVOICE_STATUS,
    "plan_status": PLAN_STATUS,
    "period": PERIOD,
    "plan_method": PLAN_METHOD,
    "debtor_kind": DEBTOR_KIND,
    "action_status": ACTION_STATUS,
    "channel": CHANNEL,
    "contact_kind": CONTACT_KIND,
    "usage_item": USAGE_ITEM,
    "delivery": DELIVERY,
    "segment": SEGMENT,
    "language": LANGUAGE,
    "standing": STANDING,
    "lift_reason": LIFT_REASON,
}


def word(group: str, code: object, lang: str) -> str:
    """``code`` (an enum or its value) of ``group`` in ``lang``."""
    value = str(getattr(code, "value", code))
    known = GROUPS[group].get(value)
    if known is None:
        return value.replace("_", " ")
    return known[0] if lang == "nl" else known[1]


def words_of(group: str, lang: str) -> dict[str, str]:
    """Every code of ``group`` with its word in ``lang`` (for a download's table)."""
    return {code: word(group, code, lang) for code in GROUPS[group]}


def channel_at_start(code: str) -> str:
    """A message channel as the first word of a Dutch sentence ("Sms aan debiteur ...")."""
    said = word("channel", code, "nl")
    return said[:1].upper() + said[1:]


@pass_context
def _word_filter(context: Any, code: object, group: str) -> str:
    """``{{ invoice.status|word('invoice_status') }}``: the code in the page's language."""
    return word(group, code, str(context.get("lang", "nl")))


ENV.filters["word"] = _word_filter
