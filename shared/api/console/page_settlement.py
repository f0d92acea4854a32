"""The chosen client's settlement balance: what it owes back of a negative settlement (the
agency paid it more than the ledger now says was collected for it), the repayments recorded,
and the form that records one when the client's transfer reaches the third-party account.
The same service as ``POST /v1/clients/{c}/settlement-repayments``: once per bank reference
(the same again records nothing more; another amount is refused). Who may read the page is
who may read that route (agency keys only, and ``action_for_request``: the settlement
permission, reads too, money a client paid back is finance's): agency people with
MANAGE_SETTLEMENTS, never staff, read-only people or a client's own people (attack9); recording is an agency's finance act: agency people with
MANAGE_SETTLEMENTS only (a client's own admin may not book money it says it sent), as the
API's route is for agency keys only."""

from __future__ import annotations

from datetime import date

from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, Forbidden, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.money import AmountError, parse_amount
from shared.domain.people.authorisation import Action, action_for_request
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.people.admin import actor_of

SETTLEMENT = """{% extends "shell" %}{% block main %}
<section aria-labelledby="st-owed-h"><h2 id="st-owed-h">{{ t.st_owed }}</h2>
<p id="st-owed"><strong>{{ desk.money(owed) }}</strong></p><p class="muted">{{ t.st_owed_hint }}</p></section>
{% if charges_by %}<section aria-labelledby="st-chg-h"><h2 id="st-chg-h">{{ t.st_charges }}</h2>
<p id="st-charges">{{ t["st_charges_" ~ charges_by] }}</p>
<p id="st-direct">{{ t.st_direct_yes if direct_commission else t.st_direct_no }}</p></section>{% endif %}
{% if before_rows %}<section aria-labelledby="st-before-h"><h2 id="st-before-h">{{ before_title }}</h2>
<p class="muted">{{ t.st_before_hint }}</p>
<table id="st-before"><thead><tr><th>{{ t.st_received_on }}</th><th>{{ t.st_payment }}</th><th>{{ t.st_on }}</th>
<th class="num">{{ t.st_amount }}</th></tr></thead><tbody>
{% for r in before_rows %}<tr><td>{{ r.day }}</td><td><code>{{ r.payment.payment_id }}</code></td>
<td>{{ t["st_on_" ~ r.payment.received_by.value] }}</td><td class="num">{{ desk.money(r.payment.amount) }}</td></tr>{% endfor %}
</tbody><tfoot><tr><th colspan="3">{{ t.st_total }}</th><td class="num">{{ desk.money(before_total) }}</td></tr></tfoot></table></section>{% endif %}
{% if can_record %}<section aria-labelledby="st-rec-h"><h2 id="st-rec-h">{{ t.st_record }}</h2>
<form method="post" action="{{ desk.url('/settlement') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="repayment">
<p><label for="st-ref">{{ t.st_reference }}</label> <input id="st-ref" name="reference" maxlength="35" required value="{{ form.reference }}"></p>
<p><label for="st-amount">{{ t.st_amount }}</label> <input id="st-amount" name="amount" inputmode="decimal" required value="{{ form.amount }}"></p>
<p><label for="st-on">{{ t.st_received_on }}</label> <input id="st-on" name="received_on" type="date" required value="{{ form.received_on }}"></p>
<p><label for="st-note">{{ t.st_note }}</label> <input id="st-note" name="note" maxlength="500" value="{{ form.note }}"></p>
<p class="muted">{{ t.st_record_hint }}</p><p><button type="submit">{{ t.st_record }}</button></p></form></section>{% endif %}
<section aria-labelledby="st-list-h"><h2 id="st-list-h">{{ t.st_repayments }}</h2>
{% if repayments %}<table id="st-repayments"><thead><tr><th>{{ t.st_received_on }}</th><th>{{ t.st_reference }}</th>
<th class="num">{{ t.st_amount }}</th><th>{{ t.st_settled_in }}</th><th>{{ t.st_by }}</th></tr></thead><tbody>
{% for r in repayments %}<tr><td>{{ r.received_on.isoformat() }}</td><td><code>{{ r.reference }}</code></td>
<td class="num">{{ desk.money(r.amount) }}</td><td>{{ r.settled_in or t.st_next }}</td><td>{{ r.recorded_by }}</td></tr>{% endfor %}
</tbody></table>{% else %}<p>{{ t.st_none }}</p>{% endif %}</section>
{% endblock %}"""

templates(settlement=SETTLEMENT)

words(
    nl={"st_nav": "Afdracht", "st_title": "Afdracht: terugbetalingen", "st_owed": "Terug te vorderen van opdrachtgever",
        "st_owed_hint": "Een negatief saldo van een afdracht wordt verrekend met de volgende afdracht, tot de opdrachtgever het terugbetaalt.",
        "st_record": "Terugbetaling vastleggen", "st_reference": "Kenmerk (zoals op het bankafschrift)",
        "st_amount": "Bedrag", "st_received_on": "Ontvangen op", "st_note": "Notitie",
        "st_record_hint": "Eén keer per kenmerk: hetzelfde kenmerk nog eens legt niets extra vast; een ander bedrag wordt geweigerd. De volgende afdracht neemt het mee.",
        "st_repayments": "Vastgelegde terugbetalingen", "st_settled_in": "In afdracht", "st_by": "Door",
        "st_next": "volgende afdracht", "st_none": "Nog geen terugbetalingen.",
        "st_charges": "Bankkosten op de derdengeldenrekening",
        "st_charges_agency": "Voor rekening van het incassobureau (afdrachtovereenkomst): de afdracht rekent met wat debiteuren betaalden, ook waar de bank kosten inhield; de afdrachtspecificatie toont die kosten.",
        "st_charges_client": "Voor rekening van de opdrachtgever (afdrachtovereenkomst): wat de bank inhield op betalingen van debiteuren, gaat als eigen regel van de afdracht af.",
        "st_bad_amount": "Geen geldig bedrag (bijvoorbeeld 120,50).", "st_bad_date": "Geen geldige datum.",
        "st_conflict": "Dit kenmerk is al vastgelegd met een ander bedrag.",
        "done_st_recorded": "De terugbetaling is vastgelegd.",
        "done_st_again": "Dit kenmerk was al vastgelegd met dit bedrag: er is niets extra vastgelegd.",
        "st_before": "Ontvangen vóór de overeenkomst van {day} (niet afgerekend)",
        "st_before_hint": "Deze betalingen kwamen binnen voordat de afdrachtovereenkomst begon: er wordt niet over afgerekend en geen provisie over berekend. De eerste afdrachtspecificatie na hun boeking noemt ze apart.",
        "st_payment": "Betaling", "st_on": "Ontvangen op rekening van", "st_total": "Totaal",
        "st_on_third_party": "derdengeldenrekening", "st_on_client": "opdrachtgever zelf",
        "st_direct_yes": "Provisie ook over wat debiteuren aan de opdrachtgever zelf betaalden (afdrachtovereenkomst).",
        "st_direct_no": "Geen provisie over wat debiteuren aan de opdrachtgever zelf betaalden (afdrachtovereenkomst)."},
    en={"st_nav": "Settlement", "st_title": "Settlement: repayments", "st_owed": "To claim back from the client",
        "st_owed_hint": "A settlement's negative balance is set off against the next settlement until the client repays it.",
        "st_record": "Record repayment", "st_reference": "Reference (as on the bank statement)",
        "st_amount": "Amount", "st_received_on": "Received on", "st_note": "Note",
        "st_record_hint": "Once per reference: the same reference again records nothing more; another amount is refused. The next settlement takes it in.",
        "st_repayments": "Repayments recorded", "st_settled_in": "In settlement", "st_by": "By",
        "st_next": "next settlement", "st_none": "No repayments yet.",
        "st_charges": "Bank charges on the third-party account",
        "st_charges_agency": "Borne by the agency (settlement agreement): the settlement counts what debtors paid, also where the bank kept charges; the settlement statement shows them.",
        "st_charges_client": "Borne by the client (settlement agreement): what the bank kept of debtors' payments comes off the payout as a line of its own.",
        "st_bad_amount": "Not a valid amount (e.g. 120.50).", "st_bad_date": "Not a valid date.",
        "st_conflict": "This reference is recorded already with another amount.",
        "done_st_recorded": "The repayment has been recorded.",
        "done_st_again": "This reference was recorded already with this amount: nothing more was recorded.",
        "st_before": "Received before the agreement of {day} (not settled)",
        "st_before_hint": "These payments came in before the settlement agreement started: they are not settled and carry no commission. The first settlement statement after they were booked lists them apart.",
        "st_payment": "Payment", "st_on": "Received on the account of", "st_total": "Total",
        "st_on_third_party": "third-party account", "st_on_client": "the client itself",
        "st_direct_yes": "Commission also on what debtors paid the client itself (settlement agreement).",
        "st_direct_no": "No commission on what debtors paid the client itself (settlement agreement)."},
)  # fmt: skip

FORM = ("reference", "amount", "received_on", "note")


# the API route's own action (and, as the route, agency level only), so the page and
# ``GET .../settlement-repayments`` never disagree
READ_ACTION = action_for_request("GET", "/v1/clients/{client}/settlement-repayments")


@page("settlement", nav="st_nav", order=93, get_action=READ_ACTION, agency_only=True,
      post_action={"repayment": Action.MANAGE_SETTLEMENTS, "": Action.MANAGE_SETTLEMENTS})  # fmt: skip
def settlement(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest:
        raise NotFound("no such page")
    client = desk.client
    if desk.req.method != "POST":
        return _show(desk, {k: "" for k in FORM})
    if not _may_record(desk):  # the agency's money: a client's people never record it
        raise Forbidden(desk.t["forbidden"])
    form = {k: desk.field(k) for k in FORM}
    if desk.field("do") != "repayment":
        raise NotFound("no such form")
    try:
        amount = parse_amount(form["amount"].replace(",", "."))
    except AmountError:
        return _show(desk, form, 422, notice=desk.t["st_bad_amount"], error=True)
    try:
        received_on = date.fromisoformat(form["received_on"])
    except ValueError:
        return _show(desk, form, 422, notice=desk.t["st_bad_date"], error=True)
    try:
        done = desk.services.settlement_repayments.record(
            client, reference=form["reference"], amount=amount, received_on=received_on,
            by=actor_of(desk.principal), note=form["note"],
        )  # fmt: skip
    except Invalid as exc:
        return _show(desk, form, 422, notice=refusal(exc, desk.lang), error=True)
    except ConflictingUpdate:
        return _show(desk, form, 409, notice=desk.t["st_conflict"], error=True)
    return desk.redirect("/settlement", done="st_recorded" if done.created else "st_again")


def _may_record(desk: Desk) -> bool:
    return desk.agency_level and desk.may(Action.MANAGE_SETTLEMENTS)


def _show(desk: Desk, form: dict[str, str], status: int = 200, **notice: object) -> ApiResponse:
    repayments = desk.services.settlement_repayments
    client = desk.client
    try:  # who bears the third-party account's bank charges, as the agreement says
        settlements = desk.services.settlements
        agreement = settlements.agreement(client)
        charges_by: str | None = settlements.charges_borne_by(agreement).value
        direct_commission = agreement.commission_on_direct
    except NotFound:
        charges_by = None  # no agreement: nothing is settled for this client yet
        direct_commission = True
    before = desk.services.settlements.before_agreement(client)
    rows = (
        [{"day": desk.day(p.received_on), "payment": p} for p in before.payments] if before else []
    )
    title = desk.t["st_before"].replace("{day}", desk.day(before.starts_on)) if before else ""
    return desk.render(
        "settlement", "st_title", status, owed=repayments.owed(client), charges_by=charges_by,
        before_rows=rows, before_title=title, direct_commission=direct_commission,
        before_total=sum(p.amount for p in before.payments) if before else 0,
        repayments=sorted(repayments.of_client(client), key=lambda r: r.recorded_at, reverse=True),
        form=form, can_record=_may_record(desk), **notice,  # type: ignore[arg-type]
    )  # fmt: skip
