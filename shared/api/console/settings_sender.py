"""The Settings page's sending-mailbox block (sender33): whether the contact e-mail is the From
of the client's mail, what it goes from until then, the code's field, a new code, and (agency
people) marking it verified, audited. The same service as
``/v1/clients/{client}/contact/verification`` (shared/services/sending_mailbox.py)."""

from __future__ import annotations

from typing import Any

from shared.api.console.shell import Desk, Forbidden, templates, words
from shared.domain.parties import Client
from shared.services.people.admin import actor_of

FORMS = ("sender_code", "sender_resend", "sender_agency")

BLOCK = """{% if sender and client.contact_email %}<div id="set-sender" data-verified="{{ 'yes' if sender.verified else 'no' }}">
<h3 id="set-sender-h">{{ t.set_sender }}</h3>
{% if sender.verified %}<p>{{ t.set_sender_verified.format(address=client.contact_email) }}</p>
{% else %}<p>{{ t.set_sender_unverified.format(address=client.contact_email, agency=sender.sends_from or '-') }}</p>
{% if sender.code_sent %}<p>{{ t.set_sender_code_sent.format(left=sender.attempts_left) }}</p>{% endif %}
{% if can.contact %}<form method="post" action="{{ desk.url('/settings') }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="sender_code"><label for="set-sender-code">{{ t.set_sender_code }}</label>
<input id="set-sender-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="20" required>
<button type="submit">{{ t.set_sender_confirm }}</button></form>
<form method="post" action="{{ desk.url('/settings') }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="sender_resend"><button type="submit">{{ t.set_sender_resend }}</button></form>{% endif %}
{% if desk.agency_level and can.details %}<form method="post" action="{{ desk.url('/settings') }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="sender_agency"><input type="hidden" name="address" value="{{ client.contact_email }}"><p>{{ t.set_sender_agency_intro }}</p><button type="submit">{{ t.set_sender_agency }}</button></form>{% endif %}
{% endif %}</div>{% endif %}"""

templates(**{"settings-sender": BLOCK})

words(
    {
        "set_sender": "Afzender van de e-mail",
        "set_sender_verified": "Bevestigd: de e-mail aan debiteuren gaat uit van {address}.",
        "set_sender_unverified": "Nog niet bevestigd: tot dan gaat de e-mail uit van {agency}, met {address} als antwoordadres. Vul de code in die naar {address} is gestuurd.",
        "set_sender_code_sent": "Er wacht een code (24 uur geldig; nog {left} pogingen).",
        "set_sender_code": "Code uit de e-mail",
        "set_sender_confirm": "Bevestigen",
        "set_sender_resend": "Stuur een nieuwe code",
        "set_sender_agency_intro": "Beheert het bureau deze mailbox, of is het adres op een andere manier gecontroleerd? Dan kunt u het hier bevestigen (dit wordt vastgelegd).",
        "set_sender_agency": "Adres bevestigen namens het bureau",
        "done_set_sender_verified": "Het afzenderadres is bevestigd.",
        "done_set_sender_code": "Er is een nieuwe code gestuurd.",
    },
    {
        "set_sender": "Sender of the e-mail",
        "set_sender_verified": "Verified: e-mail to debtors goes from {address}.",
        "set_sender_unverified": "Not verified yet: until then e-mail goes from {agency}, with {address} to reply to. Enter the code mailed to {address}.",
        "set_sender_code_sent": "A code is waiting (valid for 24 hours; {left} tries left).",
        "set_sender_code": "Code from the e-mail",
        "set_sender_confirm": "Confirm",
        "set_sender_resend": "Send a new code",
        "set_sender_agency_intro": "Does the agency administer this mailbox, or was the address checked otherwise? Then confirm it here (this is recorded).",
        "set_sender_agency": "Verify the address for the agency",
        "done_set_sender_verified": "The sender address has been verified.",
        "done_set_sender_code": "A new code has been sent.",
    },
)  # fmt: skip


def state(desk: Desk, client: Client) -> dict[str, Any] | None:
    """The block's state, for those who may change the contact details or the client."""
    return desk.services.sending_mailbox.status(client)


def act(desk: Desk, client: Client, do: str) -> str:
    """One of :data:`FORMS`: the code, a new code, or the agency's word (agency people)."""
    mailbox = desk.services.sending_mailbox
    actor = actor_of(desk.principal)
    if do == "sender_code":
        mailbox.verify(client, desk.field("code"), actor)
        return "set_sender_verified"
    if do == "sender_resend":
        mailbox.send_code(client)
        return "set_sender_code"
    if not desk.agency_level:  # as the API: a client's people cannot vouch for an address
        raise Forbidden(desk.t["forbidden"])
    mailbox.mark_verified(client, actor, desk.field("address") or None)  # the address shown
    return "set_sender_verified"
