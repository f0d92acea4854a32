"""Deciding a debtor's request on its action item's page: grant or refuse a postponement
request, end a dispute (keep chasing, credit the invoice or withdraw it), approve or refuse a payment plan the debtor proposed, each with a
message to the debtor (a message by hand: its channel and words, offered in the debtor's
language and editable; an approved plan's message is the agreement with its schedule, which
the activation sends). A decision taken and not finished (its message failed) is shown with
who took it, and only that decision is offered again, to finish it. The work is the service's
(:mod:`shared.services.request_decisions`); each decision is authorised as the API routes
that do the same are (:func:`action_for_request`): the page only reads the form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.api.console import action_text
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, templates, words
from shared.domain.messaging import Channel
from shared.domain.records import ActionItem, ActionStatus
from shared.services.errors import Invalid
from shared.services.request_decisions import (
    DECIDABLE,
    DISPUTE,
    LETTER_FAILED,
    PLAN,
    POSTPONEMENT,
    SEND_AGAIN,
    AlreadyDecided,
    DecisionUnfinished,
    claim_of,
)

# a letter sent to a consumer while he counted as a business (services.debtor_kind): confirmed
# as a 14-day letter its costs become owed; closing the item (the page's resolve) keeps them off
KIND_LETTER, LETTER_QUALIFIED = "kind_letter_check", "letter-qualified"
# a consumer's dispute ended without a word to him holds the invoice (dispute_ending): a person
# tells him (a message by hand) and then resumes it here, which closes the item
UNTOLD_KIND, RESUME_TOLD = "dispute_untold", "told-resume"
DECISIONS = {"grant": POSTPONEMENT, "refuse": POSTPONEMENT, "end-dispute": DISPUTE,
             "credit-invoice": DISPUTE, "withdraw-invoice": DISPUTE,
             "approve-plan": PLAN, "refuse-plan": PLAN, SEND_AGAIN: LETTER_FAILED,
             LETTER_QUALIFIED: KIND_LETTER, RESUME_TOLD: UNTOLD_KIND}  # fmt: skip
# a dispute: keep chasing (the dispute ends), credit the invoice, or withdraw it (review
# console7 F4: the last two were API-only)
CHOICES = {POSTPONEMENT: ("grant", "refuse"),
           DISPUTE: ("end-dispute", "credit-invoice", "withdraw-invoice"),
           PLAN: ("approve-plan", "refuse-plan"), LETTER_FAILED: (SEND_AGAIN,)}  # fmt: skip
# the API route each decision does per invoice (its authorisation is that route's)
INVOICE_ROUTE = {"grant": "pause", "refuse": "pause", "end-dispute": "resolve-dispute",
                 "credit-invoice": "credit", "withdraw-invoice": "withdraw",
                 RESUME_TOLD: "resume"}  # fmt: skip
# changes what is owed: confirmed on the form
MONEY = ("credit-invoice", "withdraw-invoice", LETTER_QUALIFIED)
# the activation itself sends the debtor the agreement; the letter sent again is the message
UNTOLD = ("approve-plan", SEND_AGAIN)
WITH_REASON = ("refuse", "end-dispute", "credit-invoice", "withdraw-invoice", "refuse-plan")
NEEDS_REASON = ("refuse", "refuse-plan")
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
        "credit-invoice": ("Uw bezwaar tegen {invoices}",
                           "Wij hebben uw bezwaar tegen {invoices} behandeld en geven u gelijk. "
                           "De factuur is gecrediteerd: u hoeft die niet te betalen."),
        "withdraw-invoice": ("Uw bezwaar tegen {invoices}",
                             "Wij hebben uw bezwaar tegen {invoices} behandeld. Wij zetten de "
                             "invordering van deze factuur niet voort; u ontvangt daarover geen "
                             "herinneringen meer van ons."),
        "refuse-plan": ("Uw voorstel voor een betalingsregeling",
                        "Uw voorstel om {invoices} in termijnen te betalen kunnen wij helaas "
                        "niet aannemen. Wij vragen u het openstaande bedrag te betalen, of "
                        "neem contact met ons op voor een andere regeling."),
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
        "credit-invoice": ("Your objection to {invoices}",
                           "We have looked into your objection to {invoices} and agree with "
                           "you. The invoice is credited: you need not pay it."),
        "withdraw-invoice": ("Your objection to {invoices}",
                             "We have looked into your objection to {invoices}. We no longer "
                             "pursue this invoice; you will get no more reminders of it from us."),
        "refuse-plan": ("Your proposal for a payment plan",
                        "We are sorry, we cannot accept your proposal to pay {invoices} in "
                        "instalments. Please pay the amount that is open, or contact us for "
                        "another arrangement."),
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
    the debtor can be written to now and the message offered per decision; a decision taken
    and not finished offers only itself again."""
    if item.kind == LETTER_FAILED:
        return _letter_again_context(desk, item)
    if item.kind == KIND_LETTER:
        return _kind_letter_context(desk, item)
    if item.kind == UNTOLD_KIND:
        return _untold_context(desk, item)
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
    taken = claim_of(item)
    choices = tuple(do for do in CHOICES[item.kind] if _allowed(desk, item, do))
    if taken is not None and taken["do"] in choices:
        choices = (taken["do"],)
    in_plan = _in_running_plan(desk, item) if item.kind == POSTPONEMENT else None
    if in_plan is not None:  # a pause would contradict the plan's installments: not offered
        choices = tuple(do for do in choices if do != "grant")
    if not choices:  # this person may decide nothing here (a reader): no forms (F9)
        return {"decide": None}
    plan = None
    if item.kind == PLAN:
        stored = desk.services.plans.plans.get(
            item.client_id, str(item.detail.get("plan_id") or "")
        )
        plan = stored[0] if stored and stored[0].debtor_number == item.debtor_number else None
    return {
        "decide": {
            "choices": choices,
            "channels": channels,
            "taken": taken,
            "taken_by": (
                desk.services.action_desk.names(desk.agency_id, item.client_id).get(taken["by"])
                or desk.t["dec_colleague"]
            )
            if taken
            else "",
            "plan": plan,
            "in_plan": refusal(in_plan, desk.lang) if in_plan is not None else "",
            "untold": UNTOLD,
            "with_reason": WITH_REASON,
            "needs_reason": NEEDS_REASON,
            "money": MONEY,
            "open_of": _open_of(desk, item) if item.kind == DISPUTE else {},
            "closing": _closing(desk, item, lang) if "end-dispute" in choices else "",
            "offered": {
                do: (offered[do][0].format(**fill), offered[do][1].format(**fill))
                for do in choices
                if do in offered
            },
        }
    }


def _closing(desk: Desk, item: ActionItem, lang: str) -> str:
    """The sentence "end dispute" puts after the person's message, naming the day collection
    resumes (the invoice paused until then), so the person sees what the debtor will read
    (texts26); "" on an invoice the agency collects (its words name the agency instead)."""
    from shared.clock import amsterdam_date
    from shared.services.dispute_ending import ANSWER_DAYS, resumes_words

    stored = desk.services.repos.invoices.get_many(item.client_id, list(item.invoice_numbers))
    if any(s.invoice.handed_over_to for s in stored.values()):
        return ""
    today = amsterdam_date(desk.services.clock.now())
    return resumes_words(lang, today + timedelta(days=ANSWER_DAYS))


def _letter_again_context(desk: Desk, item: ActionItem) -> dict[str, Any]:
    """A delivery_failure item of a 14-day letter that never reached the debtor offers to
    send it again (letters8); any other delivery failure offers nothing."""
    from shared.clock import amsterdam_date
    from shared.services.dunning import still_due
    from shared.services.errors import ServiceError
    from shared.services.letter_again import failed_letter

    if item.status is ActionStatus.RESOLVED:
        return {"decide": None}
    try:
        failed = failed_letter(
            desk.services.dunning, item.client_id, str(item.detail.get("key") or "")
        )
    except ServiceError:
        return {"decide": None}
    if not _allowed(desk, item, SEND_AGAIN):  # a reader: no form (F9)
        return {"decide": None}
    today = amsterdam_date(desk.services.clock.now())
    due, _ = still_due(desk.services.repos, item.client_id, failed.debtor_number or "",
                       failed.invoice_numbers, today)  # fmt: skip
    if not due:
        # its invoices paid, credited or withdrawn since: nothing to send again, the item is
        # closed as any other (review console8 #7: the button ended in a refusal)
        return {"decide": None}
    taken = claim_of(item)
    names = desk.services.action_desk.names(desk.agency_id, item.client_id)
    return {
        "decide": {
            "choices": CHOICES[LETTER_FAILED], "channels": [], "silent": True, "taken": taken,
            "taken_by": (names.get(taken["by"]) or desk.t["dec_colleague"]) if taken else "",
            "in_plan": "", "plan": None, "untold": UNTOLD, "with_reason": WITH_REASON,
            "needs_reason": NEEDS_REASON, "money": MONEY, "open_of": {}, "offered": {},
        }
    }  # fmt: skip


def _kind_letter_context(desk: Desk, item: ActionItem) -> dict[str, Any]:
    """A kind_letter_check item offers to confirm the letter (an administrator's: it makes
    the consumer owe costs); closing it keeps the costs off. One decided as confirmed and
    cut off before it was carried out offers it again (the daily run finishes it too)."""
    from shared.services.debtor_kind import being_confirmed

    decided = item.status is ActionStatus.RESOLVED and not being_confirmed(item)
    if decided or not _allowed(desk, item, LETTER_QUALIFIED):
        return {"decide": None}
    return {
        "decide": {
            "choices": (LETTER_QUALIFIED,), "channels": [], "silent": True, "taken": None,
            "taken_by": "", "in_plan": "", "plan": None, "untold": (LETTER_QUALIFIED,),
            "with_reason": (), "needs_reason": (), "money": MONEY,
            "open_of": _open_of(desk, item), "offered": {},
        }
    }  # fmt: skip


def _untold_context(desk: Desk, item: ActionItem) -> dict[str, Any]:
    """A dispute_untold item offers to resume its invoices once the debtor was told."""
    if item.status is ActionStatus.RESOLVED or not _allowed(desk, item, RESUME_TOLD):
        return {"decide": None}
    return {
        "decide": {
            "choices": (RESUME_TOLD,), "channels": [], "silent": True, "taken": None,
            "taken_by": "", "in_plan": "", "plan": None, "untold": (RESUME_TOLD,),
            "with_reason": (), "needs_reason": (), "money": (), "open_of": {}, "offered": {},
        }
    }  # fmt: skip


def _in_running_plan(desk: Desk, item: ActionItem) -> Invalid | None:
    """The refusal of granting a postponement of invoices a running payment plan holds (the
    first such plan), None when no running plan holds any: the grant's message "u hoeft niet
    eerder te betalen dan 31-01-2027" would stand beside installment 1 due 16-12-2026, whose
    plan then breaches (newcomer16 #2)."""
    from shared.adapters.tables.keys import decode, encode
    from shared.adapters.tables.plans_repo import PLAN_INVOICES
    from shared.clock import amsterdam_date
    from shared.domain.plans.plan import RUNNING

    numbers = list(item.invoice_numbers)
    if not numbers:
        return None
    rows = desk.services.repos.store.get_many(
        PLAN_INVOICES, encode(item.client_id), [encode(n) for n in numbers]
    )
    by_plan: dict[str, list[str]] = {}
    for rk, row in sorted(rows.items()):
        by_plan.setdefault(str(row.data.get("PlanId") or ""), []).append(decode(rk))
    today = amsterdam_date(desk.services.clock.now())
    for plan_id, held in sorted(by_plan.items()):
        found = desk.services.plans.plans.get(item.client_id, plan_id) if plan_id else None
        if found is None or found[0].status not in RUNNING:
            continue
        plan = found[0]
        due = next((s.due_date for s in plan.installments(today) if s.paid < s.amount), None)
        return Invalid(
            f"invoice {', '.join(held)} is in running plan {plan.plan_id} (next installment "
            f"{due}); postponing it would tell the debtor he need not pay before then",
            code="postpone_grant_in_plan",
            params={"invoices": ", ".join(held), "plan": plan.plan_id, "due": due or ""},
        )
    return None


def _routes(item: ActionItem, do: str) -> list[tuple[str, str]]:
    """The API requests that do what decision ``do`` does to the item (its authorisation)."""
    base = f"/v1/clients/{item.client_id}"
    if do == SEND_AGAIN:  # the API's send-again: a daily-work write, as the run's own letter
        return [("POST", f"{base}/actions/{item.action_id}/send-again")]
    if do == LETTER_QUALIFIED:  # an administrator's, as the API's
        return [("POST", f"{base}/actions/{item.action_id}/letter-qualified")]
    if item.kind == PLAN:
        plan = f"{base}/plans/{item.detail.get('plan_id')}"
        return [("POST", f"{plan}/activate") if do == "approve-plan" else ("DELETE", plan)]
    return [("POST", f"{base}/invoices/{n}/{INVOICE_ROUTE[do]}") for n in item.invoice_numbers]


def _allowed(desk: Desk, item: ActionItem, do: str) -> bool:
    from shared.domain.people.authorisation import action_for_request

    return all(desk.may(action_for_request(m, p), item.client_id) for m, p in _routes(item, do))


def _open_of(desk: Desk, item: ActionItem) -> dict[str, Any]:
    """What is open on each of the item's invoices by the claim ledger (principal, costs
    with their VAT, interest: what crediting it lets go), as the dossier and the API's
    ``invoices/{n}/claim`` state it; not the principal alone (review console8 #3: 2,501.00
    confirmed where 2,514.91 was owed)."""
    stored = desk.services.repos.invoices.get_many(item.client_id, list(item.invoice_numbers))
    mine = [n for n, s in sorted(stored.items()) if s.invoice.debtor_number == item.debtor_number]
    claims = desk.services.ledger.open_claims(desk.client, mine)
    return {n: claims[n].open for n in mine if n in claims}


def decide(desk: Desk, item: ActionItem, do: str) -> None:
    """``do`` in :data:`DECISIONS`: authorised per invoice (or plan) as the API route, then
    decided. A decision that changes what is owed needs its confirmation box ticked."""
    from shared.domain.people.authorisation import action_for_request
    from shared.services.conversations.by_hand import HandMessage

    if DECISIONS.get(do) != item.kind:
        raise Invalid(desk.t["dec_say_kind"], field="do")
    for method, path in _routes(item, do):
        desk.require(action_for_request(method, path), item.client_id)
    if do == SEND_AGAIN:
        desk.services.request_decisions.send_letter_again(
            desk.client, item.action_id, desk.principal.key_id
        )
        return
    if do == RESUME_TOLD:  # the API's resume of each invoice, which closes the item
        for number in item.invoice_numbers:
            desk.services.dunning.change_invoice(
                desk.client, number, resume=True, author=desk.principal.key_id
            )
        return
    if do in MONEY and desk.field("confirm") != "yes":
        raise Invalid(desk.t["dec_say_confirm"], field="confirm")
    if do == LETTER_QUALIFIED:
        desk.services.debtor_kind_changes.confirm_letter(desk.client, item.action_id,
                                                         desk.principal)  # fmt: skip
        return
    tell = None
    if desk.field("channel") and do not in UNTOLD:
        desk.require(
            action_for_request(
                "POST", f"/v1/clients/{item.client_id}/debtors/{item.debtor_number}/messages"
            )
        )
        try:
            channel = Channel(desk.field("channel"))
        except ValueError:
            raise Invalid(desk.t["dec_say_channel"], field="channel") from None
        body = (desk.form.get("body") or [""])[0].strip()
        if not body:
            raise Invalid(desk.t["dec_say_body"], field="body")
        tell = HandMessage(channel, subject=desk.field("subject"), body=body)
    service = desk.services.request_decisions
    author = desk.principal.key_id
    if do == "grant" and (in_plan := _in_running_plan(desk, item)) is not None:
        raise in_plan  # a form from before the plan (or made by hand): refused, not granted
    if do == "grant":
        service.grant_postponement(
            desk.client, item.action_id, author, tell, seen_until=desk.field("until_seen") or None
        )
    elif do == "refuse":
        service.refuse_postponement(desk.client, item.action_id, desk.field("reason"), author, tell)
    elif do == "end-dispute":
        service.end_dispute(desk.client, item.action_id, desk.field("reason"), author, tell)
    elif do == "credit-invoice":
        service.credit_disputed(desk.client, item.action_id, desk.field("reason"), author, tell)
    elif do == "withdraw-invoice":
        service.withdraw_disputed(desk.client, item.action_id, desk.field("reason"), author, tell)
    elif do == "approve-plan":
        service.approve_plan(desk.client, item.action_id, author)
    else:
        service.refuse_plan(desk.client, item.action_id, desk.field("reason"), author, tell)


def refusal_text(desk: Desk, exc: Exception) -> str | None:
    """What the page says of a decision that was not (or not wholly) taken, in its
    language; None for any other refusal."""
    t = desk.t
    names = desk.services.action_desk.names(desk.agency_id, desk.client_id)
    if isinstance(exc, AlreadyDecided):
        key = "dec_" + exc.decision
        what = t[key] if key in t else action_text.resolution(exc.decision, desk.lang, names.get)
        by = names.get(exc.by) or ("" if not exc.by else t["dec_colleague"])
        return t["dec_already"].format(what=what, by=f" ({by})" if by else "")
    if isinstance(exc, DecisionUnfinished):
        # the step's own refusal, in the page's language when it has a code
        cause = exc.__cause__
        reason = refusal(cause, desk.lang) if cause is not None else exc.reason
        return t["dec_unfinished_" + exc.step].format(what=t["dec_" + exc.decision],
                                                      reason=reason)  # fmt: skip
    return None


FORMS = """{% if decide %}<section aria-labelledby="dec-h"><h2 id="dec-h">{{ t.dec_title }}</h2>
{% if decide.taken %}<p class="notice warning">{{ t.dec_taken.format(what=t['dec_' + decide.taken.do], by=decide.taken_by) }}</p>{% endif %}
{% if decide.plan %}{% set p = decide.plan %}<p>{{ t.dec_plan_summary.format(plan=p.plan_id, n=p.schedule|length, total=desk.money(p.total), status=p.status|word('plan_status')) }}</p>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.dec_plan_schedule }}"><table><caption>{{ t.dec_plan_schedule }}</caption>
<thead><tr><th scope="col">#</th><th scope="col">{{ t.dec_plan_due }}</th><th scope="col" class="num">{{ t.dec_plan_amount }}</th></tr></thead><tbody>
{% for i in p.schedule %}<tr><td>{{ i.number }}</td><td>{{ i.due_date.strftime('%d-%m-%Y') if desk.lang == 'nl' else i.due_date.isoformat() }}</td><td class="num">{{ desk.money(i.amount) }}</td></tr>{% endfor %}</tbody></table></div>{% endif %}
{% if decide.in_plan %}<p class="notice warning">{{ decide.in_plan }}</p>{% endif %}
{% if not decide.channels and not decide.silent %}<p class="notice warning">{{ t.dec_no_channel }}</p>{% endif %}
<div class="grid">{% for do in decide.choices %}{% set subject, body = decide.offered.get(do, ('', '')) %}
<form method="post" action="{{ desk.url('/actions/' + item.action_id) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<h3>{{ t['dec_' + do] }}</h3><p>{{ t['dec_' + do + '_hint'] }}</p>{% if do == 'grant' %}<input type="hidden" name="until_seen" value="{{ item.detail.get('until', '') }}">{% endif %}
{% if do in decide.with_reason %}<label for="dec-{{ do }}-reason">{{ t['dec_reason_' + do] }}</label><input id="dec-{{ do }}-reason" name="reason" maxlength="500"{% if do in decide.needs_reason %} required{% endif %}>{% endif %}
{% if decide.channels and do not in decide.untold %}<label for="dec-{{ do }}-channel">{{ t.dec_channel }}</label><select id="dec-{{ do }}-channel" name="channel">{% for c in decide.channels %}<option value="{{ c.value }}">{{ t['hand_ch_' + c.value] }}</option>{% endfor %}</select>
<label for="dec-{{ do }}-subject">{{ t.dec_subject }} {{ t.dec_subject_when }}</label><input id="dec-{{ do }}-subject" name="subject" maxlength="300" value="{{ subject }}">
<label for="dec-{{ do }}-body">{{ t.dec_body }}</label><textarea id="dec-{{ do }}-body" name="body" maxlength="4096" required{% if do == 'end-dispute' and decide.closing %} aria-describedby="dec-{{ do }}-closing"{% endif %}>{{ body }}</textarea>{% if do == 'end-dispute' and decide.closing %}<p id="dec-{{ do }}-closing">{{ t.dec_closing }} <q>{{ decide.closing }}</q></p>{% endif %}{% endif %}
{% if do in decide.money %}<p>{% for n, o in decide.open_of.items() %}{{ n }}: {{ desk.money(o.total) }} {{ t.dec_open }} ({{ t.dec_open_parts.format(principal=desk.money(o.principal), costs=desk.money(o.costs + o.costs_vat), interest=desk.money(o.interest)) }}){% if not loop.last %}; {% endif %}{% endfor %}</p>
<label><input type="checkbox" name="confirm" value="yes" required> {{ t['dec_confirm_' + do] }}</label>{% endif %}
<p><button type="submit" name="do" value="{{ do }}"{% if do in decide.money %} class="danger"{% endif %}>{{ t['dec_' + do] }}</button></p></form>{% endfor %}</div></section>{% endif %}"""

templates(**{"action-decide": FORMS})

words(
    nl={"dec_say_confirm": "vink het vakje aan om te bevestigen: dit verandert wat de debiteur verschuldigd is",
        "dec_say_kind": "deze beslissing hoort niet bij deze soort actie",
        "dec_say_channel": "kies hoe de debiteur het bericht krijgt",
        "dec_say_body": "schrijf het bericht aan de debiteur",
        "dec_title": "Beslissen", "dec_grant": "Uitstel toekennen",
        "dec_grant_hint": "De facturen worden gepauzeerd tot de gevraagde dag; de debiteur krijgt het bericht hieronder.",
        "dec_refuse": "Uitstel weigeren",
        "dec_refuse_hint": "De facturen blijven in de workflow; de debiteur krijgt het bericht hieronder.",
        "dec_end-dispute": "Doorgaan met innen (betwisting beëindigen)",
        "dec_end-dispute_hint": "De factuur is niet langer betwist; de debiteur krijgt het bericht hieronder, aangevuld met de dag waarop de invordering verder gaat (over 14 dagen; tot dan staat de factuur stil). Een consument zonder bericht: de factuur wacht tot u hem heeft ingelicht en haar hervat.",
        "dec_reason_refuse": "Reden van de weigering (voor de actielijst)",
        "dec_reason_end-dispute": "Uitkomst (voor de actielijst)",
        "dec_channel": "Bericht aan de debiteur via", "dec_subject": "Onderwerp", "dec_body": "Bericht aan de debiteur",
        "dec_closing": "Na uw bericht volgt:",
        "dec_no_channel": "De debiteur is nu via geen enkel kanaal te bereiken: de beslissing wordt vastgelegd zonder bericht.",
        "done_dec_done": "De beslissing is vastgelegd.",
        "dec_subject_when": "(verplicht bij e-mail en brief)",
        "dec_approve-plan": "Regeling goedkeuren",
        "dec_approve-plan_hint": "De regeling gaat in: de termijnen liggen vast, de facturen gaan uit de aanmaningen en de debiteur krijgt de overeenkomst met het schema in zijn eigen taal.",
        "dec_refuse-plan": "Regeling weigeren",
        "dec_refuse-plan_hint": "Het voorstel vervalt; de aanmaningen gaan verder waar ze stonden en de debiteur krijgt het bericht hieronder.",
        "dec_reason_refuse-plan": "Reden van de weigering (voor de actielijst en het dossier)",
        "dec_plan_summary": "Voorstel {plan}: {n} termijnen, samen {total} ({status}).",
        "dec_plan_schedule": "Termijnen van het voorstel", "dec_plan_due": "Vervaldatum", "dec_plan_amount": "Bedrag",
        "dec_colleague": "een collega",
        "dec_taken": "Besluit genomen: {what} door {by}, maar nog niet afgerond. Kies het opnieuw om het af te ronden.",
        "dec_already": "Er is al beslist: {what}{by}. Er is niets gewijzigd; laad de pagina opnieuw.",
        "dec_unfinished_effect": "{what} is vastgelegd maar niet helemaal uitgevoerd ({reason}). Kies het opnieuw om het af te ronden.",
        "dec_unfinished_message": "{what} is vastgelegd en uitgevoerd, maar het bericht aan de debiteur is niet verstuurd ({reason}). Kies het opnieuw om het bericht te versturen, eventueel via een ander kanaal.",
        "dec_told-resume": "Debiteur ingelicht: invordering hervatten",
        "dec_told-resume_hint": "De betwisting is beëindigd zonder bericht aan de debiteur; de factuur staat stil tot u hem heeft ingelicht (een bericht met de hand: de uitkomst, het openstaande bedrag, wanneer de invordering verder gaat). Daarna hervat u hier de factuur.",
        "dec_letter-qualified": "Brief bevestigen als veertiendagenbrief",
        "dec_letter-qualified_hint": "Alleen als de brief die de debiteur als bedrijf kreeg voldeed aan art. 6:96 lid 6 BW (het staffelbedrag, veertien dagen na ontvangst): dan zijn de incassokosten verschuldigd vanaf het einde van die termijn en worden zijn betalingen opnieuw toegerekend. Een vordering die hij volledig betaalde zoals hem gezegd werd terwijl de brief werd aangehouden, blijft betaald: daarop worden geen kosten gevorderd; evenmin op een vordering die na een schone lei of akkoord een natuurlijke verbintenis is (art. 6:3 BW). Sluit u de actie zonder dit, dan blijven de kosten weg tot een nieuwe veertiendagenbrief.",
        "dec_confirm_letter-qualified": "Ik bevestig dat de brief voldeed aan art. 6:96 lid 6 BW",
        "dec_send-letter-again": "Veertiendagenbrief opnieuw versturen",
        "dec_send-letter-again_hint": "Er gaat een nieuwe veertiendagenbrief uit naar het adres of e-mailadres dat nu bij de debiteur staat, gedateerd op de dag van verzending, met een eigen termijn van veertien dagen na ontvangst; pas daarna zijn incassokosten verschuldigd. Eén keer, hoe vaak er ook geklikt wordt.",
        "dec_credit-invoice": "Factuur crediteren",
        "dec_credit-invoice_hint": "De debiteur krijgt gelijk: de hele factuur wordt gecrediteerd (ook kosten en rente vervallen); wat er al op betaald is gaat naar andere openstaande facturen of wordt een terug te betalen bedrag. De debiteur krijgt het bericht hieronder.",
        "dec_withdraw-invoice": "Factuur intrekken",
        "dec_withdraw-invoice_hint": "De factuur gaat uit de invordering (de opdrachtgever handelt het zelf af); er gaan geen herinneringen meer uit. De debiteur krijgt het bericht hieronder.",
        "dec_reason_credit-invoice": "Uitkomst (voor de actielijst)",
        "dec_reason_withdraw-invoice": "Uitkomst (voor de actielijst)",
        "dec_open": "open",
        "dec_open_parts": "hoofdsom {principal}, incassokosten met btw {costs}, rente {interest}",
        "dec_confirm_credit-invoice": "Ja, crediteer de factuur: de debiteur hoeft dit bedrag niet meer te betalen.",
        "dec_confirm_withdraw-invoice": "Ja, trek de factuur in: Inning int dit bedrag niet meer.",
        "dec_close": "Sluiten zonder besluit",
        "dec_close_hint": "Sluit de actie zonder iets te beslissen: er wordt niets toegekend, geweigerd of goedgekeurd en de debiteur krijgt geen bericht. Gebruik dit alleen als het verzoek vervallen is."},
    en={"dec_say_confirm": "tick the box to confirm: this changes what the debtor owes",
        "dec_say_kind": "this decision is not one for this kind of action",
        "dec_say_channel": "choose a channel to tell the debtor",
        "dec_say_body": "write the message to the debtor",
        "dec_title": "Decide", "dec_grant": "Grant the postponement",
        "dec_grant_hint": "The invoices are paused until the day asked; the debtor gets the message below.",
        "dec_refuse": "Refuse the postponement",
        "dec_refuse_hint": "The invoices stay in the workflow; the debtor gets the message below.",
        "dec_end-dispute": "Keep chasing (end the dispute)",
        "dec_end-dispute_hint": "The invoice is no longer disputed; the debtor gets the message below, closed by the day collection goes on (in 14 days; the invoice waits until then). A consumer without a message: the invoice waits until you have told him and resume it.",
        "dec_reason_refuse": "Why it is refused (for the action list)",
        "dec_reason_end-dispute": "Outcome (for the action list)",
        "dec_channel": "Message to the debtor by", "dec_subject": "Subject", "dec_body": "Message to the debtor",
        "dec_closing": "After your message follows:",
        "dec_no_channel": "The debtor cannot be reached by any channel now: the decision is recorded without a message.",
        "done_dec_done": "The decision is recorded.",
        "dec_subject_when": "(required for e-mail and letters)",
        "dec_approve-plan": "Approve the plan",
        "dec_approve-plan_hint": "The plan starts: the installments are fixed, the invoices leave the reminders and the debtor is sent the agreement with the schedule in their own language.",
        "dec_refuse-plan": "Refuse the plan",
        "dec_refuse-plan_hint": "The proposal lapses; the reminders carry on where they stood and the debtor gets the message below.",
        "dec_reason_refuse-plan": "Why it is refused (for the action list and the dossier)",
        "dec_plan_summary": "Proposal {plan}: {n} installments, {total} in all ({status}).",
        "dec_plan_schedule": "The proposal's installments", "dec_plan_due": "Due date", "dec_plan_amount": "Amount",
        "dec_colleague": "a colleague",
        "dec_taken": "Decision taken: {what} by {by}, but not finished yet. Choose it again to finish it.",
        "dec_already": "This was decided already: {what}{by}. Nothing was changed; reload the page.",
        "dec_unfinished_effect": "{what} is recorded but not wholly carried out ({reason}). Choose it again to finish it.",
        "dec_unfinished_message": "{what} is recorded and carried out, but the message to the debtor was not sent ({reason}). Choose it again to send the message, by another channel if need be.",
        "dec_told-resume": "Debtor told: resume collection",
        "dec_told-resume_hint": "The dispute ended without a message to the debtor; the invoice is held until you have told him (a message by hand: the outcome, what is open, when collection goes on). Then resume the invoice here.",
        "dec_letter-qualified": "Confirm the letter as a 14-day letter",
        "dec_letter-qualified_hint": "Only if the letter the debtor got as a business met art. 6:96 lid 6 BW (the staffel amount, fourteen days after receipt): the collection costs are then owed from the end of that term and his payments are allocated again. A claim he paid in full as he was told while the letter was held stays paid: no costs are claimed on it; nor on a claim a clean slate or an akkoord left a natural obligation (art. 6:3 BW). Closing the item without this keeps the costs off until a new 14-day letter.",
        "dec_confirm_letter-qualified": "I confirm the letter met art. 6:96 lid 6 BW",
        "dec_send-letter-again": "Send the 14-day letter again",
        "dec_send-letter-again_hint": "A new 14-day letter goes to the address or e-mail the debtor has now, dated the day it goes out, with its own term of fourteen days after receipt; only then are collection costs owed. Once, however often clicked.",
        "dec_credit-invoice": "Credit the invoice",
        "dec_credit-invoice_hint": "The debtor is right: the whole invoice is credited (its costs and interest go too); what was paid on it goes to other open invoices or becomes an amount to refund. The debtor gets the message below.",
        "dec_withdraw-invoice": "Withdraw the invoice",
        "dec_withdraw-invoice_hint": "The invoice leaves collection (the client deals with it itself); no more reminders go out. The debtor gets the message below.",
        "dec_reason_credit-invoice": "Outcome (for the action list)",
        "dec_reason_withdraw-invoice": "Outcome (for the action list)",
        "dec_open": "open",
        "dec_open_parts": "principal {principal}, collection costs with VAT {costs}, interest {interest}",
        "dec_confirm_credit-invoice": "Yes, credit the invoice: the debtor no longer owes this amount.",
        "dec_confirm_withdraw-invoice": "Yes, withdraw the invoice: Inning no longer collects this amount.",
        "dec_close": "Close without a decision",
        "dec_close_hint": "Closes the item without deciding anything: nothing is granted, refused or approved and the debtor gets no message. Use this only when the request has lapsed."},
)  # fmt: skip
