"""The codes the records carry (statuses, kinds, channels, payment sources, periods) as words
in the page's language.

The API returns these codes as they are (integrations read them); a credit manager reads a
word. An unknown code is shown with its underscores as spaces rather than guessed at."""

from __future__ import annotations

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

ACTION_STATUS: _Words = {
    "open": ("open", "open"),
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

# what a provider reported of a message that did not arrive
DELIVERY: _Words = {
    "bounced": ("onbestelbaar", "bounced"),
    "undeliverable": ("niet bezorgd", "undeliverable"),
    "failed": ("mislukt", "failed"),
}

GROUPS: dict[str, _Words] = {
    "invoice_status": INVOICE_STATUS,
    "plan_status": PLAN_STATUS,
    "period": PERIOD,
    "debtor_kind": DEBTOR_KIND,
    "action_status": ACTION_STATUS,
    "channel": CHANNEL,
    "delivery": DELIVERY,
}


def word(group: str, code: object, lang: str) -> str:
    """``code`` (an enum or its value) of ``group`` in ``lang``."""
    value = str(getattr(code, "value", code))
    known = GROUPS[group].get(value)
    if known is None:
        return value.replace("_", " ")
    return known[0] if lang == "nl" else known[1]
