"""A sign-up waiting on the agency's list is approved or refused on its item, in one step
(agency21 F1, left: the item named the API call, and refusing meant deactivating the client
on the API and telling the business by hand). "Goedkeuren" is the service call of
``POST /v1/clients/{number}/approve``, refused in words when the client has no bank account
yet, with the way to add one; "Weigeren" deactivates the sandbox client as the API does and
mails the person who signed up once, with the reason. Both resolve the item. Only whom the
API lets manage clients decides (the shell checks the post; the service checks again)."""

from __future__ import annotations

from collections.abc import Callable

from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, Forbidden, templates, words
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import Action
from shared.domain.records import ActionItem
from shared.services.errors import ConflictingUpdate, Invalid, NotFound

SIGNUP = "signup_waiting"
APPROVE = "approve-signup"
REFUSE = "refuse-signup"
POSTS = {APPROVE: Action.MANAGE_CLIENTS, REFUSE: Action.MANAGE_CLIENTS}

Shown = Callable[[str, int], ApiResponse]  # the item's page again, with a refusal


def signup_of(desk: Desk, item: ActionItem) -> dict[str, object] | None:
    """What the item's page offers for a sign-up: the client as it stands now, whether this
    person may decide, and where its bank account is added (None for another kind, or a
    client no longer found in this agency)."""
    number = item.detail.get("client")
    if item.kind != SIGNUP or not isinstance(number, str):
        return None
    try:
        client = desk.services.access.client_for(desk.principal, number)
    except NotFound:
        return None
    return {
        "client": client, "has_account": bool(client.ibans), "may_decide": _may_decide(desk),
        "open": client.sandbox and client.active,
        "accounts": desk.url("/settings", client=client.client_id) + "#set-ibans-h",
    }  # fmt: skip


def decide(desk: Desk, item: ActionItem, shown: Shown) -> ApiResponse:
    """Approve or refuse; a retry of either finds it done and says so again."""
    desk.require_agency(Action.MANAGE_CLIENTS)
    number = item.detail.get("client")
    if item.kind != SIGNUP or not isinstance(number, str):
        return shown(desk.t["not_found"], 400)
    onboarding = desk.services.people.onboarding
    try:
        if desk.field("do") == APPROVE:
            onboarding.approve(desk.principal, number)
            done = "signup_approved"
        else:
            onboarding.refuse(desk.principal, number, desk.field("reason"))
            done = "signup_refused"
    except (Invalid, ConflictingUpdate, NotFound) as exc:
        return shown(desk.t["act_error"].format(reason=refusal(exc, desk.lang)), 409)
    return desk.redirect(f"/agency-actions/{item.action_id}", done=done)


def _may_decide(desk: Desk) -> bool:
    try:
        desk.require_agency(Action.MANAGE_CLIENTS)
    except Forbidden:
        return False
    return True


FORMS = """{% if signup %}{% set c = signup.client %}<section aria-labelledby="su-h"><h2 id="su-h">{{ t.su_title.format(number=c.number, name=c.name) }}</h2>
{% if not signup.open %}<p>{{ t.su_approved if not c.sandbox else t.su_refused }}</p>
{% elif not signup.may_decide %}<p class="notice warning">{{ t.su_not_yours }}</p>
{% else %}{% if not signup.has_account %}<p class="notice warning">{{ t.su_no_account }} <a href="{{ signup.accounts }}">{{ t.su_add_account }}</a></p>{% endif %}
<div class="grid"><form method="post" action="{{ desk.url('/agency-actions/' + item.action_id) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}">
<h3>{{ t.su_approve }}</h3><p>{{ t.su_approve_hint }}</p><p><button type="submit" name="do" value="approve-signup">{{ t.su_approve }}</button></p></form>
<form method="post" action="{{ desk.url('/agency-actions/' + item.action_id) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}">
<h3>{{ t.su_refuse }}</h3><p>{{ t.su_refuse_hint }}</p><label for="su-reason">{{ t.su_reason }}</label><input id="su-reason" name="reason" maxlength="500" required>
<p><button type="submit" name="do" value="refuse-signup" class="danger">{{ t.su_refuse }}</button></p></form></div>{% endif %}</section>{% endif %}"""

templates(**{"agency-signup": FORMS})

words(
    nl={"su_title": "Aanmelding {number} ({name})",
        "su_approve": "Goedkeuren",
        "su_approve_hint": "De opdrachtgever verlaat de proefomgeving: vanaf nu gaan herinneringen en brieven echt naar zijn debiteuren.",
        "su_refuse": "Weigeren",
        "su_refuse_hint": "De opdrachtgever wordt gedeactiveerd: niemand kan er nog mee aanmelden en er gaat niets naar debiteuren. Wie zich aanmeldde krijgt één e-mail met de reden.",
        "su_reason": "Reden (staat in de e-mail aan het bedrijf)",
        "su_no_account": "Deze opdrachtgever heeft nog geen bankrekening; goedkeuren kan pas als die er is.",
        "su_add_account": "Bankrekening toevoegen (Instellingen, Bankrekeningen)",
        "su_not_yours": "Alleen wie bij het bureau opdrachtgevers mag beheren kan deze aanmelding goedkeuren of weigeren.",
        "su_approved": "Deze aanmelding is goedgekeurd.",
        "su_refused": "Deze aanmelding is geweigerd: de opdrachtgever is gedeactiveerd.",
        "done_signup_approved": "De aanmelding is goedgekeurd.",
        "done_signup_refused": "De aanmelding is geweigerd; het bedrijf krijgt een e-mail met de reden."},
    en={"su_title": "Sign-up {number} ({name})",
        "su_approve": "Approve",
        "su_approve_hint": "The client leaves sandbox mode: from now on reminders and letters really go to its debtors.",
        "su_refuse": "Refuse",
        "su_refuse_hint": "The client is deactivated: nobody can sign in to it and nothing goes to debtors. Whoever signed up gets one e-mail with the reason.",
        "su_reason": "Reason (in the e-mail to the business)",
        "su_no_account": "This client has no bank account yet; it can be approved only once it has one.",
        "su_add_account": "Add a bank account (Settings, Bank accounts)",
        "su_not_yours": "Only agency people who manage clients can approve or refuse this sign-up.",
        "su_approved": "This sign-up is approved.",
        "su_refused": "This sign-up is refused: the client is deactivated.",
        "done_signup_approved": "The sign-up is approved.",
        "done_signup_refused": "The sign-up is refused; the business gets an e-mail with the reason."},
)  # fmt: skip
