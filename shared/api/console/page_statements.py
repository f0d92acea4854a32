"""The chosen client's settlement statements (afdrachtspecificaties) of approved runs, with
their PDF and CSV: the statement a payout's remittance names. For who may read the API's
``GET /v1/clients/{client}/settlements`` (the client's admins, the agency's people with the
settlement permission), through the same service; before, a client's people could read them
nowhere and the agency mailed every PDF by hand (agency21 F3). The row shows the costs the
agreement gives the agency beside the commission, so received less both is the payout when
nothing else moved (newcomer24 F5: 13,848.77 received, 2,147.51 fee, 10,801.26 paid out)."""

from __future__ import annotations

from shared.api.console.shell import Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import action_for_request
from shared.services.errors import NotFound
from shared.services.settlement.client_statements import statement_file, statements_of

STATEMENTS = """{% extends "shell" %}{% block main %}
<section aria-labelledby="sm-h"><h2 id="sm-h">{{ t.sm_title }}</h2><p class="muted">{{ t.sm_hint }}</p>
{% if rows %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.sm_title }}"><table id="sm-list"><caption class="visually-hidden">{{ t.sm_title }}</caption>
<thead><tr><th scope="col">{{ t.sm_period }}</th><th scope="col">{{ t.sm_id }}</th><th scope="col" class="num">{{ t.sm_received }}</th>
<th scope="col" class="num">{{ t.sm_kept }}</th><th scope="col" class="num">{{ t.sm_fee }}</th><th scope="col" class="num">{{ t.sm_payout }}</th><th scope="col">{{ t.sm_files }}</th></tr></thead><tbody>
{% for r in rows %}{% set s = r.settlement %}<tr><td>{{ s.period }}</td><td>{{ s.settlement_id }}</td>
<td class="num">{% if s.totals %}{{ desk.money(s.totals.received + s.totals.received_direct) }}{% endif %}</td>
<td class="num">{% if s.totals %}{{ desk.money(s.totals.to_agency) }}{% endif %}</td>
<td class="num">{% if s.totals %}{{ desk.money(s.totals.commission + s.totals.fee_vat) }}{% endif %}</td>
<td class="num">{% if s.totals %}{{ desk.money(s.totals.payout) }}{% endif %}</td>
<td><a href="{{ desk.url('/statements/' + s.settlement_id|segment + '/' + (s.settlement_id ~ '.pdf')|segment) }}">PDF</a> · <a href="{{ desk.url('/statements/' + s.settlement_id|segment + '/' + (s.settlement_id ~ '.csv')|segment) }}">CSV</a></td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>{{ t.sm_none }}</p>{% endif %}</section>
{% endblock %}"""

templates(statements=STATEMENTS)

words(
    nl={"sm_nav": "Afrekeningen", "sm_title": "Afdrachtspecificaties",
        "sm_hint": "Per goedgekeurde afdracht: wat het incassobureau voor u ontving, de incassokosten die volgens de overeenkomst voor het bureau zijn, de provisie met btw en wat u wordt overgemaakt. De omschrijving van de overboeking noemt het nummer; de specificatie geeft elke regel.",
        "sm_period": "Periode", "sm_id": "Nummer", "sm_received": "Ontvangen", "sm_kept": "Kosten voor het bureau", "sm_fee": "Provisie en btw",
        "sm_payout": "Over te maken", "sm_files": "Specificatie", "sm_none": "Nog geen goedgekeurde afdrachten."},
    en={"sm_nav": "Statements", "sm_title": "Settlement statements",
        "sm_hint": "Per approved settlement: what the agency received for you, the collection costs the agreement gives the agency, the commission with VAT and what is transferred to you. The transfer's description names the number; the statement gives every line.",
        "sm_period": "Period", "sm_id": "Number", "sm_received": "Received", "sm_kept": "Costs to the agency", "sm_fee": "Commission and VAT",
        "sm_payout": "Transferred", "sm_files": "Statement", "sm_none": "No approved settlements yet."},
)  # fmt: skip

# the API route's own action, so the page and ``GET .../settlements`` never disagree
READ_ACTION = action_for_request("GET", "/v1/clients/{client}/settlements")


@page("statements", nav="sm_nav", order=94, get_action=READ_ACTION)
def statements(desk: Desk, rest: list[str]) -> ApiResponse:
    service = desk.services.settlements
    if not rest:
        return desk.render("statements", "sm_title", rows=statements_of(service, desk.client))
    if len(rest) != 2:
        raise NotFound("no such page")
    data, content_type = statement_file(service, desk.client, rest[0], rest[1])
    return ApiResponse(raw=data, content_type=content_type,
                       headers={"Content-Disposition": f'attachment; filename="{rest[1]}"'})  # fmt: skip
