"""A debtor's payments in the dossier, and a booked payment's designation corrected by hand
(law13 F5; art. 6:43 lid 1 BW): ``/dossier/<debtor>/payment/<payment>`` shows where its money
is and, to whom the API route allows it (``PUT …/payments/{payment}/designation``:
reverse_receipts, agency staff and the client's administrators), the form that names the
invoices its payer meant. The service books it again as from its day
(shared/services/ledger/redesignation.py); the form carries the version it was read at, so a
correction over another person's since is refused, not applied."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from shared.api.console.permits import allows, client_path, require
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, templates, words
from shared.api.http import ApiResponse
from shared.domain.records import Payment
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.ledger.redesignation import StaleVersion, version_of

# what the page names a payment's source and a component by: (Dutch, English)
SOURCES = {
    "bank": ("bank", "bank"),
    "mollie": ("online (Mollie)", "online (Mollie)"),
    "manual": ("met de hand", "by hand"),
    "direct_debit": ("incasso", "direct debit"),
}
COMPONENTS = {"principal": "dos_principal", "costs": "dos_costs", "costs_vat": "dos_vat",
              "interest": "dos_interest"}  # fmt: skip


def _route(desk: Desk, payment: str = "x") -> str:
    return client_path(desk, f"payments/{quote(payment, safe='')}/designation")


def _payments(desk: Desk, number: str) -> list[Payment]:
    """The debtor's payments on his claims (the ledger names them), newest first."""
    client_id = desk.client.client_id
    claims = desk.services.ledger.ledger.for_debtor(client_id, number)
    ids = sorted({e.payment_id for c in claims.values() for e in c.events if e.payment_id})
    rows = [desk.services.repos.payments.get(client_id, i) for i in ids]
    found = [p for p in rows if p is not None and p.debtor_number == number]
    return sorted(found, key=lambda p: (p.received_on, p.payment_id), reverse=True)


def context(desk: Desk, number: str) -> dict[str, Any]:
    """What the dossier shows of the debtor's payments, and whether this person may correct."""
    return {
        "desig_rows": _payments(desk, number),
        "desig_may": allows(desk, "PUT", _route(desk)),
        "desig_invoices_of": lambda p: sorted({a.invoice_number for a in p.allocations}),
    }


def page(desk: Desk, number: str, payment_id: str) -> ApiResponse:
    """GET shows the payment and the form; POST corrects its designation (``invoices``,
    ``reason``, ``version``)."""
    client = desk.client
    found = desk.services.repos.payments.get(client.client_id, payment_id)
    if found is None or found.debtor_number != number:
        return desk.message(404, desk.t["not_found"])
    if desk.req.method == "POST":
        require(desk, "PUT", _route(desk, payment_id))
        try:
            desk.services.redesignation.redesignate(
                client, payment_id, desk.fields("invoices"), desk.signed.user.user_id,
                desk.field("reason"), version=desk.field("version") or None,
                payer_word=desk.field("payer_word") or None,
            )  # fmt: skip
        except Invalid as exc:
            text = desk.t["dos_error"].format(reason=refusal(exc, desk.lang))
            return _show(desk, number, found, text, 422)
        except (StaleVersion, ConflictingUpdate):
            now = desk.services.repos.payments.get(client.client_id, payment_id) or found
            return _show(desk, number, now, desk.t["desig_stale"], 409)
        except NotFound:
            return desk.message(404, desk.t["not_found"])
        return desk.redirect(f"/dossier/{quote(number, safe='')}/payment/{quote(payment_id, safe='')}",
                             done="desig_designated")  # fmt: skip
    return _show(desk, number, found)


def _show(
    desk: Desk, number: str, payment: Payment, notice: str = "", status: int = 200
) -> ApiResponse:
    invoices = desk.services.repos.invoices.for_debtor(desk.client.client_id, number)
    segment = f"/dossier/{quote(number, safe='')}"
    return desk.render(
        "dossier-payment",
        "desig_title",
        status,
        notice=notice,
        error=status >= 400,
        p=payment,
        invoices=sorted(i.number for i in invoices),
        version=version_of(payment),
        source=SOURCES.get(payment.source.value, (payment.source.value,) * 2)[desk.lang == "en"],
        part=lambda c: desk.t.get(COMPONENTS.get(c, ""), c),
        may=allows(desk, "PUT", _route(desk, payment.payment_id)) and not payment.reversed,
        back=segment,
        action=f"{segment}/payment/{quote(payment.payment_id, safe='')}",
    )


PAGE = """{% extends "shell" %}{% block main %}
<p><a href="{{ desk.url(back) }}">{{ t.ack_back }}</a></p>
<section aria-labelledby="p-h"><h2 id="p-h">{{ t.desig_payment }} {{ p.payment_id }}</h2><dl>
<dt>{{ t.desig_amount }}</dt><dd>{{ desk.money(p.amount) }}</dd>
<dt>{{ t.desig_received }}</dt><dd>{{ p.received_on.strftime('%d-%m-%Y') }} · {{ source }}</dd>
<dt>{{ t.desig_named }}</dt><dd>{{ p.designated|join(', ') or t.desig_none }}</dd>
<dt>{{ t.desig_where }}</dt><dd>{% for a in p.allocations %}{{ a.invoice_number }} {{ part(a.component) }} {{ desk.money(a.amount) }}{% if not loop.last %}; {% endif %}{% else %}{{ t.desig_none }}{% endfor %}{% if p.unallocated %} · {{ t.desig_over }} {{ desk.money(p.unallocated) }}{% endif %}</dd>
{% if p.reversed %}<dt>{{ t.act_status }}</dt><dd>{{ t.desig_reversed }}</dd>{% endif %}
</dl></section>
{% if may %}<section aria-labelledby="f-h"><h2 id="f-h">{{ t.desig_form }}</h2><p class="muted">{{ t.desig_hint }}</p>
<form method="post" action="{{ desk.url(action) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><input type="hidden" name="version" value="{{ version }}">
<fieldset><legend>{{ t.desig_which }}</legend>
{% for n in invoices %}<label><input type="checkbox" name="invoices" value="{{ n }}"{% if n in p.designated %} checked{% endif %}> {{ n }}</label>
{% else %}<p>{{ t.dos_no_invoices }}</p>{% endfor %}</fieldset>
{% if p.designated and not p.designated_by_staff %}<fieldset><legend>{{ t.desig_payer_own }}</legend>
<label><input type="radio" name="payer_word" value="" checked> {{ t.desig_word_none }}</label>
<label><input type="radio" name="payer_word" value="asked"> {{ t.desig_word_asked }}</label>
<label><input type="radio" name="payer_word" value="misread"> {{ t.desig_word_misread }}</label></fieldset>{% endif %}
<label for="pay-reason">{{ t.dos_reason }}</label><input id="pay-reason" name="reason" required minlength="3" maxlength="1000">
<p><button type="submit" name="do" value="designate">{{ t.desig_submit }}</button></p></form></section>
{% elif not p.reversed %}<p class="muted">{{ t.desig_admin_only }}</p>{% endif %}
{% endblock %}"""

LIST = """{% if desig_rows %}<section aria-labelledby="pay-h"><h2 id="pay-h">{{ t.desig_list }}</h2><div class="scroll" role="region" tabindex="0" aria-label="{{ t.desig_list }}"><table><caption class="visually-hidden">{{ t.desig_list }}</caption>
<thead><tr><th scope="col">{{ t.desig_received }}</th><th scope="col" class="num">{{ t.desig_amount }}</th><th scope="col">{{ t.desig_where }}</th><th scope="col">{{ t.desig_named }}</th><th scope="col"><span class="visually-hidden">{{ t.desig_correct }}</span></th></tr></thead><tbody>
{% for p in desig_rows %}<tr><td>{{ p.received_on.strftime('%d-%m-%Y') }}</td><td class="num">{{ desk.money(p.amount) }}</td><td>{{ desig_invoices_of(p)|join(', ') }}{% if p.reversed %} · {{ t.desig_reversed }}{% endif %}</td><td>{{ p.designated|join(', ') }}</td>
<td><a href="{{ desk.url('/dossier/' + debtor.number|segment + '/payment/' + p.payment_id|segment) }}">{% if desig_may and not p.reversed %}{{ t.desig_correct }}{% else %}{{ t.desig_view }}{% endif %}</a></td></tr>
{% endfor %}</tbody></table></div></section>{% endif %}"""

templates(**{"dossier-payment": PAGE, "dossier-payments": LIST})

words(
    nl={"desig_title": "Betaling van de debiteur", "desig_payment": "Betaling",
        "desig_amount": "Bedrag", "desig_received": "Ontvangen", "desig_named": "Aangewezen facturen",
        "desig_where": "Geboekt op", "desig_none": "geen", "desig_over": "over:",
        "desig_reversed": "teruggeboekt", "desig_list": "Betalingen",
        "desig_correct": "Aanwijzing corrigeren", "desig_view": "Bekijken",
        "desig_form": "Aanwijzing corrigeren",
        "desig_hint": "Op de verkeerde factuur geboekt? De aanwijzing van de betaler geldt (art. 6:43 lid 1 BW). Kies de facturen die hij noemde: de betaling wordt opnieuw geboekt alsof ze zo was aangewezen op de dag van ontvangst. Kosten die toen niet verschuldigd waren vervallen, de rente wordt herberekend; een uitbetaling die al is gedaan wordt in de volgende afrekening gecorrigeerd. Dit komt in het auditlog.",
        "desig_which": "Welke facturen betaalde deze betaling?", "desig_submit": "Aanwijzing opslaan",
        "desig_admin_only": "Medewerkers van het incassobureau en beheerders van de opdrachtgever corrigeren de aanwijzing van een betaling.",
        "desig_stale": "Iemand anders heeft deze betaling intussen gewijzigd: bekijk haar opnieuw voordat u corrigeert.",
        "done_desig_designated": "De aanwijzing is gecorrigeerd en de betaling opnieuw geboekt.",
        "desig_payer_own": "De betaler wees deze betaling zelf aan: die aanwijzing geldt. Verplaatsen mag alleen op zijn woord.",
        "desig_word_none": "Niet verplaatsen naar andere facturen",
        "desig_word_asked": "De betaler vroeg zelf om deze facturen",
        "desig_word_misread": "Zijn omschrijving noemde deze facturen en is verkeerd gelezen"},
    en={"desig_title": "The debtor's payment", "desig_payment": "Payment",
        "desig_amount": "Amount", "desig_received": "Received", "desig_named": "Invoices designated",
        "desig_where": "Booked on", "desig_none": "none", "desig_over": "over:",
        "desig_reversed": "came back", "desig_list": "Payments",
        "desig_correct": "Correct the designation", "desig_view": "View",
        "desig_form": "Correct the designation",
        "desig_hint": "Booked on the wrong invoice? The payer's designation holds (art. 6:43 lid 1 BW). Choose the invoices the payer named: the payment is booked again as if designated so on the day it was received. Costs not owed then go, the interest is computed again; a payout already made is corrected in the next settlement. This goes on the audit log.",
        "desig_which": "Which invoices did this payment pay?", "desig_submit": "Save the designation",
        "desig_admin_only": "The agency's staff and the client's administrators correct a payment's designation.",
        "desig_stale": "Someone else changed this payment meanwhile: look at it again before correcting.",
        "done_desig_designated": "The designation is corrected and the payment booked again.",
        "desig_payer_own": "The payer designated this payment himself: his designation holds. It moves only on his word.",
        "desig_word_none": "Do not move it to other invoices",
        "desig_word_asked": "The payer asked for these invoices himself",
        "desig_word_misread": "His remittance named these invoices and was misread"},
)  # fmt: skip
