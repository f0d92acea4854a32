"""Today: where a credit manager's day starts. Open and overdue money with its ageing (an SVG
drawn here, a table beside it as its text alternative), what came in this month, the action
list's count per kind, the broadcasts, and for agency people their clients by their last
successful dunning run. The figures come from :mod:`shared.services.console_figures`."""

from __future__ import annotations

from shared.api.console import action_text
from shared.api.console.page_agency_actions import AgencyWaiting, waiting
from shared.api.console.page_run_preview import may_preview
from shared.api.console.shell import Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.figures.portfolio import BUCKETS, Ageing
from shared.domain.people.authorisation import Action

CHART_WIDTH, BAR_HEIGHT, GAP, LABEL = 640, 34, 14, 110
CHART = {"width": CHART_WIDTH, "height": len(BUCKETS) * (BAR_HEIGHT + GAP), "bar": BAR_HEIGHT,
         "label": LABEL}  # fmt: skip


def bucket_labels(desk: Desk) -> list[str]:
    return [
        desk.t["today_days"].format(low=low, high=high)
        if high is not None
        else desk.t["today_days_over"].format(low=low - 1)
        for low, high in BUCKETS
    ]


def ageing_bars(desk: Desk, ageing: Ageing) -> list[dict[str, object]]:
    """Each past-due bucket as a bar: its label, amount, and width on the chart."""
    largest = max(ageing.past_due) or 1
    room = CHART_WIDTH - LABEL - 150
    return [
        {
            "label": label,
            "amount": desk.money(cents),
            "y": index * (BAR_HEIGHT + GAP),
            "width": max(2, round(room * cents / largest)) if cents else 0,
            "fill": ("#1f4e79", "#6b4c00", "#a13a00", "#b00020")[index],
        }
        for index, (label, cents) in enumerate(
            zip(bucket_labels(desk), ageing.past_due, strict=True)
        )
    ]


@page("today", nav="today_nav", order=0, post_action={"recount": Action.WRITE})
def today(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest:
        return desk.message(404, desk.t["not_found"])
    figures = desk.services.console_figures
    if desk.req.method == "POST":
        if desk.field("do") == "recount":
            figures.recount(desk.client.client_id)
        return desk.redirect("/today", done="today_recounted")
    portfolio = figures.portfolio(desk.client.client_id) if desk.client_id else None
    counts = portfolio.waiting_by_kind if portfolio else {}
    active, inactive = (
        figures.clients_by_last_run(desk.agency_id) if desk.agency_level else ([], [])
    )
    agency = _agency_waiting(desk) if desk.agency_level else None
    user = desk.signed.user
    day = figures.today()
    # a claim computed past the newest rate's half-year uses that rate: people must know
    # before they send figures to a debtor or a court (the claim's warnings say it per claim)
    rates = desk.services.statutory_rates.in_force().table
    return desk.render(
        "today",
        "today_title",
        portfolio=portfolio,
        bars=ageing_bars(desk, portfolio.ageing) if portfolio else [],
        chart=CHART,
        counts=counts,
        broadcasts=desk.services.people.admin.broadcasts_for(user, day),
        rates_stale_from=rates.newest.effective_from if rates.is_stale(day) else None,
        # a sign-up works in a sandbox until approved, and approval needs its bank account
        # first: the console said neither (newcomer20 F8)
        sandboxed=bool(desk.client_id and desk.client.sandbox),
        active=active,
        inactive=inactive,
        may_write=desk.may(Action.WRITE),
        # the run preview (page_run_preview), for those the API's preview answers
        may_preview=bool(desk.client_id) and may_preview(desk),
        kind_label=lambda kind: action_text.kind_label(kind, desk.lang),
        agency=agency,
        item_title=lambda text: action_text.title(text, desk.lang),
    )


def _agency_waiting(desk: Desk) -> AgencyWaiting | None:
    from shared.domain.people.authorisation import Target, may

    if not may(desk.principal, Action.READ, Target(desk.agency_id, None)):
        return None
    return waiting(desk)


RUNS = """{% macro runs(desk, t, rows, caption) %}<div class="scroll" role="region" tabindex="0" aria-label="{{ caption }}"><table><caption>{{ caption }}</caption>
<thead><tr><th scope="col">{{ t.client }}</th><th scope="col">{{ t.today_last_success }}</th><th scope="col">{{ t.today_last_run }}</th><th scope="col">{{ t.today_last_error }}</th></tr></thead><tbody>
{% for r in rows %}<tr><th scope="row"><a href="{{ desk.url('/today', client=r.client.client_id) }}">{{ r.client.name }}</a> <span class="muted">{{ r.client.number }}</span></th>
<td>{% if r.last_success %}{{ r.last_success|local }}{% else %}<span class="red">{{ t.today_never }}</span>{% endif %}</td>
<td>{{ r.last_run|local }}</td><td>{{ r.last_error or '' }}</td></tr>
{% else %}<tr><td colspan="4">{{ t.today_none }}</td></tr>{% endfor %}</tbody></table></div>{% endmacro %}"""

TODAY = """{% extends "shell" %}{% from "today-runs" import runs %}{% block main %}
{% if sandboxed %}<div class="notice warning" role="status"><p>{{ t.today_sandbox.format(name=desk.client.name) }} {{ t.today_sandbox_account if desk.client.ibans else t.today_sandbox_no_account }}</p></div>{% endif %}
{% if rates_stale_from %}<div class="notice warning" role="status"><p>{{ t.today_rates_stale.format(day=rates_stale_from.isoformat()) }}</p></div>{% endif %}
{% if broadcasts %}<section aria-labelledby="bc-h"><h2 id="bc-h">{{ t.today_broadcasts }}</h2>
{% for b in broadcasts %}<div class="notice {{ b.severity.value }}"><p>{{ b.text(lang) }}</p></div>{% endfor %}</section>{% endif %}
{% if portfolio %}<p class="muted">{{ t.client }}: {{ desk.client.name }} · {{ t.today_on.format(day=portfolio.ageing.on.isoformat()) }}</p>
{% if may_preview %}<p><a id="today-preview" href="{{ desk.url('/run-preview') }}">{{ t.runp_link }}</a></p>{% endif %}
<div class="grid">
<section class="card"><h2>{{ t.today_open_principal }}</h2><p class="figure">{{ desk.money(portfolio.open) }}</p></section>
<section class="card"><h2>{{ t.today_overdue_principal }}</h2><p class="figure{% if portfolio.overdue %} red{% endif %}">{{ desk.money(portfolio.overdue) }}</p></section>
<section class="card"><h2>{{ t.today_collected }}</h2><p class="figure ok">{{ desk.money(portfolio.collected_this_month) }}</p></section>
</div>
<p class="muted">{{ t.today_principal_note }}</p>
<section aria-labelledby="age-h"><h2 id="age-h">{{ t.today_ageing }}</h2>
<svg role="img" aria-labelledby="age-title age-desc" viewBox="0 0 {{ chart.width }} {{ chart.height }}" width="{{ chart.width }}" height="{{ chart.height }}">
<title id="age-title">{{ t.today_ageing }}</title><desc id="age-desc">{{ t.today_chart_desc }}</desc>
{% for b in bars %}<g><text x="0" y="{{ b.y + chart.bar * 0.65 }}" font-size="14" fill="#1a1a1a">{{ b.label }}</text>
<rect x="{{ chart.label }}" y="{{ b.y }}" width="{{ b.width }}" height="{{ chart.bar }}" fill="{{ b.fill }}"></rect>
<text x="{{ chart.label + b.width + 8 }}" y="{{ b.y + chart.bar * 0.65 }}" font-size="14" fill="#1a1a1a">{{ b.amount }}</text></g>{% endfor %}
</svg>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.today_ageing_table }}"><table><caption>{{ t.today_ageing_table }}</caption>
<thead><tr><th scope="col">{{ t.today_bucket }}</th><th scope="col" class="num">{{ t.today_amount }}</th></tr></thead><tbody>
<tr><th scope="row">{{ t.today_not_due }}</th><td class="num">{{ desk.money(portfolio.ageing.not_due) }}</td></tr>
{% for b in bars %}<tr><th scope="row">{{ b.label }}</th><td class="num">{{ b.amount }}</td></tr>{% endfor %}
<tr><th scope="row">{{ t.today_overdue }}</th><td class="num">{{ desk.money(portfolio.overdue) }}</td></tr></tbody></table></div>
{% if may_write %}<form method="post" action="{{ base }}/today"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><input type="hidden" name="do" value="recount">
<p class="muted">{{ t.today_recount_hint }}</p><button class="secondary" type="submit">{{ t.today_recount }}</button></form>{% endif %}</section>
<section aria-labelledby="act-h"><h2 id="act-h">{{ t.today_actions }}</h2>
{% if counts %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.today_actions }}"><table><caption class="visually-hidden">{{ t.today_actions }}</caption>
<thead><tr><th scope="col">{{ t.today_kind }}</th><th scope="col" class="num">{{ t.today_count }}</th></tr></thead><tbody>
{% for kind, n in counts.items() %}<tr><th scope="row">{% if 'actions' in pages %}<a href="{{ desk.url('/actions', kind=kind) }}">{{ kind_label(kind) }}</a>{% else %}{{ kind_label(kind) }}{% endif %}</th><td class="num">{{ n }}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>{{ t.today_no_actions }}</p>{% endif %}</section>
{% else %}<p class="notice">{{ t.no_client }}</p>{% endif %}
{% if desk.agency_level %}<section aria-labelledby="ag-h"><h2 id="ag-h">{{ t.today_agency }}</h2>
{% if agency and agency.count %}<p{% if agency.urgent %} class="red"{% endif %}><a href="{{ desk.url('/agency-actions') }}">{{ t.today_agency_urgent.format(n=agency.count, urgent=agency.urgent) }}</a></p>
<ul>{% for a in agency.first %}<li><a href="{{ desk.url('/agency-actions/' + a.action_id) }}">{{ kind_label(a.kind) }}: {{ item_title(a.title) }}</a></li>{% endfor %}</ul>
{% else %}<p>{{ t.today_no_actions }}</p>{% endif %}</section>
<section aria-labelledby="runs-h"><h2 id="runs-h">{{ t.today_runs }}</h2>
<p class="muted">{{ t.today_runs_hint }}</p>
{{ runs(desk, t, active, t.today_active) }}
{{ runs(desk, t, inactive, t.today_inactive) }}</section>{% endif %}
{% endblock %}"""

templates(today=TODAY, **{"today-runs": RUNS})

words(
    nl={"today_nav": "Vandaag", "today_title": "Vandaag", "today_broadcasts": "Mededelingen",
        "today_on": "stand van {day}", "today_open": "Openstaand", "today_overdue": "Vervallen",
        "today_collected": "Ontvangen deze maand", "today_ageing": "Ouderdom van de vervallen bedragen",
        "today_chart_desc": "Staafdiagram: vervallen bedragen per aantal dagen na de vervaldatum; dezelfde cijfers staan in de tabel hieronder.",
        "today_ageing_table": "Vervallen bedragen per aantal dagen na de vervaldatum",
        "today_bucket": "Dagen na vervaldatum", "today_amount": "Bedrag", "today_not_due": "Nog niet vervallen",
        "today_days": "{low}–{high} dagen", "today_days_over": "meer dan {low} dagen",
        "today_recount": "Opnieuw tellen", "today_recount_hint": "De bedragen worden bijgehouden bij elke wijziging; tel opnieuw als ze niet lijken te kloppen.",
        "done_today_recounted": "De bedragen zijn opnieuw geteld.",
        "today_actions": "Actielijst", "today_kind": "Soort", "today_count": "Aantal",
        "today_no_actions": "Geen openstaande acties.", "today_runs": "Opdrachtgevers naar laatste geslaagde incassorun",
        "today_runs_hint": "Oudste eerst: bovenaan staan de opdrachtgevers waarvan de workflow het langst niet gelopen heeft.",
        "today_active": "Actieve opdrachtgevers", "today_inactive": "Inactieve opdrachtgevers",
        "today_last_success": "Laatste geslaagde run", "today_last_run": "Laatste run",
        "today_last_error": "Laatste fout", "today_never": "nooit", "today_none": "Geen.",
        "today_open_principal": "Openstaande hoofdsom", "today_overdue_principal": "Vervallen hoofdsom",
        "today_principal_note": "Bedragen op deze pagina zijn de hoofdsom van de facturen, zonder incassokosten en rente; het dossier van een debiteur toont het totaal openstaand met kosten en rente.",
        "today_sandbox": "Proefomgeving: nog niets van {name} bereikt de debiteuren (e-mail gaat naar het adres van de aanmelding, de rest naar de outbox; geen portaal, geen betaallink) tot het incassobureau de aanmelding goedkeurt.",
        "today_sandbox_no_account": "Daarvoor is eerst een bankrekening nodig, die herinneringen en brieven noemen: voeg die toe onder Instellingen, Bankrekeningen.",
        "today_sandbox_account": "De bankrekening is opgegeven: het incassobureau kan de aanmelding nu goedkeuren.",
        "today_rates_stale": "De tabel met de wettelijke rente is verouderd: het nieuwste tarief geldt vanaf {day}. Rente over latere halfjaren wordt tegen dat tarief berekend tot een beheerder de nieuwe tabel laadt; controleer vorderingen voordat u ze verstuurt."},
    en={"today_nav": "Today", "today_title": "Today", "today_broadcasts": "Announcements",
        "today_on": "as of {day}", "today_open": "Open", "today_overdue": "Overdue",
        "today_collected": "Received this month", "today_ageing": "Ageing of the overdue amounts",
        "today_chart_desc": "Bar chart: overdue amounts by days past the due date; the same figures are in the table below.",
        "today_ageing_table": "Overdue amounts by days past the due date",
        "today_bucket": "Days past due", "today_amount": "Amount", "today_not_due": "Not yet due",
        "today_days": "{low}–{high} days", "today_days_over": "over {low} days",
        "today_recount": "Count again", "today_recount_hint": "The amounts are kept up to date on every change; count again if they look wrong.",
        "done_today_recounted": "The amounts were counted again.",
        "today_actions": "Action list", "today_kind": "Kind", "today_count": "Count",
        "today_no_actions": "No open actions.", "today_runs": "Clients by last successful dunning run",
        "today_runs_hint": "Oldest first: at the top are the clients whose workflow has not run for the longest time.",
        "today_active": "Active clients", "today_inactive": "Inactive clients",
        "today_last_success": "Last successful run", "today_last_run": "Last run",
        "today_last_error": "Last error", "today_never": "never", "today_none": "None.",
        "today_open_principal": "Open principal", "today_overdue_principal": "Overdue principal",
        "today_principal_note": "Amounts on this page are the invoices' principal, without collection costs and interest; a debtor's dossier shows the total open with costs and interest.",
        "today_sandbox": "Sandbox: nothing of {name} reaches the debtors yet (e-mail goes to the sign-up's address, the rest to the outbox; no portal, no payment link) until the agency approves the sign-up.",
        "today_sandbox_no_account": "That needs a bank account first, which reminders and letters name: add it under Settings, Bank accounts.",
        "today_sandbox_account": "The bank account is registered: the agency can approve the sign-up now.",
        "today_rates_stale": "The statutory interest table is out of date: its newest rate applies from {day}. Interest for later half-years is computed at that rate until an administrator loads the new table; check claims before you send them."},
)  # fmt: skip
