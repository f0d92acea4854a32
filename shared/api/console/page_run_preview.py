"""The dunning run preview in the console: what the client's daily run would send on a day,
before its go-live day or any morning ("what will tomorrow's run send?"). The figures are the
API's ``GET /v1/clients/{client}/dunning/preview`` (:mod:`shared.services.dunning_preview`):
per workflow step the debtors (each linked to its dossier, with the step's invoices),
invoices, channel, principal and costs; nothing is sent or written.

Who sees it follows the API route (``admin_only``): the agency's people and the client's
admins; the client's staff and read-only people get the forbidden page, as the API answers
their keys 404. Another client or agency is out of reach of the shell before this page runs.

One page is one part of the run (at most ``PREVIEW_ROWS`` due schedule rows): its
continuation is the link to the next part, checked as the API checks it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.api.common import iso_day
from shared.api.console.shell import Desk, Forbidden, page, templates, words
from shared.api.http import ApiResponse, BadRequest
from shared.api.routes_go_live import preview_continuation as continuation_of
from shared.clock import amsterdam_date
from shared.domain.people.authorisation import Action
from shared.services.dunning_preview import RunPreview, StepPreview, preview_run
from shared.services.reports.open_items import MAX_DAYS_AHEAD


def may_preview(desk: Desk) -> bool:
    """May this person see the chosen client's run preview: as the API route, the agency's
    people (every agency key is an admin) and the client's own admins."""
    return desk.agency_level or desk.may(Action.MANAGE_USERS)


@dataclass(frozen=True)
class DebtorLine:
    number: str
    invoices: tuple[str, ...]  # the invoices the step's message names


@dataclass(frozen=True)
class StepLine:
    workflow: str  # the workflow's name
    step: StepPreview
    debtors: list[DebtorLine]


def step_lines(preview: RunPreview, names: dict[str, str]) -> list[StepLine]:
    """The steps by workflow and place in it (as the API lists them), each with its debtors
    in the order the part met them and the invoices each one's message names."""
    ordered = sorted(preview.steps.values(), key=lambda s: (s.workflow, s.index, s.channel))
    lines = []
    for step in ordered:
        debtors = []
        for number, planned in preview.planned.items():
            if number not in step.debtors:
                continue
            invoices = sorted({i for step_id, numbers in planned if step_id == step.step_id
                               for i in numbers})  # fmt: skip
            debtors.append(DebtorLine(number, tuple(invoices)))
        lines.append(StepLine(names.get(step.workflow, step.workflow), step, debtors))
    return lines


@page("run-preview", order=95)
def run_preview(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest or desk.req.method != "GET":
        return desk.message(404, desk.t["not_found"])
    if not may_preview(desk):
        raise Forbidden(desk.t["runp_forbidden"])
    found = desk.services.repos.clients.get(desk.client.client_id)
    client = found[0] if found else desk.client
    today = amsterdam_date(desk.services.clock.now())
    tomorrow = today + timedelta(days=1)
    # tomorrow's run, or the first live one when the go-live day is later
    on = max(tomorrow, client.dunning_starts_on or tomorrow)
    last = today + timedelta(days=MAX_DAYS_AHEAD)
    asked = desk.query("on")
    context: dict[str, Any] = {"today": today, "last": last, "days": MAX_DAYS_AHEAD,
                               "part": _part(desk)}  # fmt: skip
    if asked:
        try:
            on = iso_day(asked)
        except ValueError:
            return _refused(desk, asked, "runp_bad_day", **context)
        if on < today:
            return _refused(desk, asked, "runp_past", **context)
        if on > last:
            return _refused(desk, asked, "runp_too_far", **context)
    try:
        after = continuation_of(desk.query("continuation") or None)
    except BadRequest:
        return _refused(desk, on.isoformat(), "runp_bad_part", **context)
    preview = preview_run(desk.services.dunning, client, on, after)
    workflows = desk.services.repos.dunning.workflows(client.client_id)
    steps = step_lines(preview, {k: w.name for k, w in workflows.items()})
    money = ("invoices", "principal", "costs", "costs_announced")
    totals = {m: sum(getattr(s.step, m) for s in steps) for m in money}
    return desk.render(
        "run-preview",
        "runp_title",
        on=on,
        asked=on.isoformat(),
        preview=preview,
        steps=steps,
        # a day before the go-live day: the run sends nothing, these debtors wait for it
        waiting_until=client.dunning_starts_on if client.dunning_waits(on) else None,
        totals=totals,
        limit=client.first_steps_per_day,
        **context,
    )


def _part(desk: Desk) -> int:
    """The part's number, for its heading only (the continuation says where it starts)."""
    try:
        return max(1, int(desk.query("part", "1")))
    except ValueError:
        return 1


def _refused(desk: Desk, asked: str, reason: str, **context: Any) -> ApiResponse:
    """The form again with what was wrong with the day or the part link (a 400, as the API)."""
    text = desk.t[reason].format(days=MAX_DAYS_AHEAD)
    return desk.render("run-preview", "runp_title", 400, notice=text, error=True, on=None,
                       asked=asked, preview=None, steps=[], **context)  # fmt: skip


RUN_PREVIEW = """{% extends "shell" %}{% block main %}
<section aria-labelledby="runp-day-h"><h2 id="runp-day-h">{{ t.runp_day }}</h2><p>{{ t.runp_intro }}</p>
<form method="get" action="{{ base }}/run-preview">{% if desk.choices|length > 1 %}<input type="hidden" name="client" value="{{ desk.client_id }}">{% endif %}{% if 'lang' in desk.req.query %}<input type="hidden" name="lang" value="{{ lang }}">{% endif %}
<div class="inline"><div><label for="runp-on">{{ t.runp_on }}</label><input id="runp-on" name="on" type="date" value="{{ asked }}" min="{{ today.isoformat() }}" max="{{ last.isoformat() }}" aria-describedby="runp-on-hint"></div>
<button type="submit">{{ t.runp_show }}</button></div><p id="runp-on-hint" class="muted">{{ t.runp_on_hint.format(days=days) }}</p></form></section>
{% if preview %}<section aria-labelledby="runp-h"><h2 id="runp-h">{{ t.runp_run_of.format(day=desk.day(on)) }}{% if part > 1 %} ({{ t.runp_part.format(n=part) }}){% endif %}</h2>
{% if waiting_until %}<div class="notice warning" role="status" id="runp-waiting"><p>{{ t.runp_waiting.format(day=desk.day(waiting_until)) }}</p></div>{% endif %}
{% if preview.held_without_account %}<div class="notice warning" role="status" id="runp-no-account"><p>{{ t.runp_no_account }}</p></div>{% endif %}
<p id="runp-counts">{{ t.runp_counts.format(n=preview.debtors, without=preview.without_workflow, below=preview.below_minimum) }}</p>
{% if preview.spread_waiting %}<p id="runp-spread">{{ t.runp_spread.format(n=preview.spread_waiting, limit=limit) }}</p>{% endif %}
{% if steps %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.runp_steps }}"><table id="runp-steps"><caption>{{ t.runp_steps }}</caption>
<thead><tr><th scope="col">{{ t.runp_step }}</th><th scope="col">{{ t.runp_channel }}</th><th scope="col" class="num">{{ t.runp_debtors }}</th><th scope="col" class="num">{{ t.runp_invoices }}</th><th scope="col" class="num">{{ t.runp_principal }}</th><th scope="col" class="num">{{ t.runp_costs }}</th><th scope="col" class="num">{{ t.runp_announced }}</th></tr></thead><tbody>
{% for s in steps %}<tr data-step="{{ s.step.step_id }}"><th scope="row">{{ s.step.step }} <span class="muted">{{ s.workflow }}</span></th><td>{{ t['wf_ch_' + s.step.channel] if ('wf_ch_' + s.step.channel) in t else s.step.channel }}</td>
<td class="num">{{ s.step.debtors|length }}</td><td class="num">{{ s.step.invoices }}</td><td class="num">{{ desk.money(s.step.principal) }}</td><td class="num">{{ desk.money(s.step.costs) }}</td><td class="num">{{ desk.money(s.step.costs_announced) }}</td></tr>{% endfor %}</tbody>
<tfoot><tr><th scope="row" colspan="3">{{ t.runp_total }}</th><td class="num">{{ totals.invoices }}</td><td class="num">{{ desk.money(totals.principal) }}</td><td class="num">{{ desk.money(totals.costs) }}</td><td class="num">{{ desk.money(totals.costs_announced) }}</td></tr></tfoot></table></div>
<p class="muted">{{ t.runp_costs_note }}</p>
{% for s in steps %}<details class="card" data-step="{{ s.step.step_id }}"><summary>{{ t.runp_who.format(step=s.step.step, n=s.debtors|length) }}</summary>
<ul>{% for d in s.debtors %}<li><a href="{{ desk.url('/dossier/' + d.number|segment) }}">{{ d.number }}</a>{% if d.invoices %}: {{ d.invoices|join(', ') }}{% endif %}</li>{% endfor %}</ul></details>{% endfor %}
{% elif preview.continuation %}<p id="runp-nothing">{{ t.runp_nothing_part }}</p>{% else %}<p id="runp-nothing">{{ t.runp_nothing }}</p>{% endif %}
<nav class="pager" aria-label="{{ t.runp_parts }}">{% if part > 1 %}<a href="{{ desk.url('/run-preview', on=on.isoformat()) }}">{{ t.runp_first }}</a>{% else %}<span></span>{% endif %}
{% if preview.continuation %}<a class="button" id="runp-more" href="{{ desk.url('/run-preview', on=on.isoformat(), continuation=preview.continuation, part=part + 1) }}">{{ t.runp_more.format(n=part + 1) }}</a>{% else %}<span id="runp-end">{{ t.runp_end }}</span>{% endif %}</nav>
</section>{% elif part > 1 %}<p><a href="{{ desk.url('/run-preview') }}">{{ t.runp_first }}</a></p>{% endif %}
{% endblock %}"""

templates(**{"run-preview": RUN_PREVIEW})

words(
    nl={"runp_title": "Voorbeeld van de invorderingsrun", "runp_day": "Welke dag",
        "runp_intro": "Wat de dagelijkse run voor deze opdrachtgever zou versturen: per stap van de workflow de debiteuren, facturen, het kanaal, de hoofdsom en de kosten. Er wordt niets verstuurd of opgeslagen.",
        "runp_on": "Dag van de run", "runp_show": "Toon",
        "runp_on_hint": "Vandaag of later, tot {days} dagen vooruit. Zonder keuze: morgen, of de startdag van de invordering als die later is.",
        "runp_run_of": "De run van {day}", "runp_part": "deel {n}",
        "runp_waiting": "Deze dag valt vóór de startdag van de invordering ({day}): de run verstuurt dan niets. Deze stappen wachten tot de startdag.",
        "runp_no_account": "De opdrachtgever heeft geen eigen bankrekening voor debiteuren: de run houdt alles vast en verstuurt niets (zie Instellingen, Bankrekeningen).",
        "runp_counts": "Bekeken: {n} debiteuren; zonder workflow: {without}; onder het minimumbedrag: {below}.",
        "runp_spread": "Debiteuren van wie de eerste stap op een volgende run wacht: {n} (eerste stappen per dag: hoogstens {limit}).",
        "runp_steps": "Stappen die de run zou zetten", "runp_step": "Stap", "runp_channel": "Kanaal",
        "runp_debtors": "Debiteuren", "runp_invoices": "Facturen", "runp_principal": "Hoofdsom",
        "runp_costs": "Kosten nu", "runp_announced": "Aangekondigde kosten", "runp_total": "Totaal",
        "runp_costs_note": "Kosten nu: de incassokosten (met btw) die de berichten noemen. Aangekondigde kosten: wat een veertiendagenbrief aankondigt als na de termijn niet betaald is; een herinnering noemt alleen de hoofdsom.",
        "runp_who": "{step}: {n} debiteuren", "runp_nothing": "De run van deze dag zet geen stap voor deze opdrachtgever.",
        # a part without a step while more parts follow (walk33: the oldest due take the day's
        # first steps, and they may be in a later part)
        "runp_nothing_part": "Dit deel van de run zet geen stap; de volgende delen kunnen dat wel.",
        "runp_parts": "Delen van de run", "runp_first": "Naar het eerste deel", "runp_more": "Meer laden (deel {n})",
        "runp_end": "Dit is alles voor deze dag.",
        "runp_bad_day": "Geef een dag als JJJJ-MM-DD.", "runp_past": "Kies vandaag of een latere dag: eerdere runs zijn al gelopen.",
        "runp_too_far": "Kies een dag tot {days} dagen na vandaag.",
        "runp_bad_part": "Deze link naar een volgend deel klopt niet (meer); begin bij het eerste deel.",
        "runp_forbidden": "Het voorbeeld van de run is voor het incassobureau en de beheerders van de opdrachtgever.",
        "runp_link": "Wat verstuurt de run van morgen? Bekijk het voorbeeld van de invorderingsrun.",
        "runp_link_settings": "Wat de run zou versturen: het voorbeeld van de invorderingsrun"},
    en={"runp_title": "Dunning run preview", "runp_day": "Which day",
        "runp_intro": "What the daily run would send for this client: per workflow step the debtors, invoices, channel, principal and costs. Nothing is sent or stored.",
        "runp_on": "Day of the run", "runp_show": "Show",
        "runp_on_hint": "Today or later, up to {days} days ahead. Without a choice: tomorrow, or the go-live day when it is later.",
        "runp_run_of": "The run of {day}", "runp_part": "part {n}",
        "runp_waiting": "This day is before the go-live day ({day}): the run sends nothing then. These steps wait for the go-live day.",
        "runp_no_account": "The client has no bank account of its own for debtors: the run holds everything and sends nothing (see Settings, Bank accounts).",
        "runp_counts": "Looked at: {n} debtors; without a workflow: {without}; below the minimum amount: {below}.",
        "runp_spread": "Debtors whose first step waits for a later run: {n} (first steps a day: at most {limit}).",
        "runp_steps": "Steps the run would take", "runp_step": "Step", "runp_channel": "Channel",
        "runp_debtors": "Debtors", "runp_invoices": "Invoices", "runp_principal": "Principal",
        "runp_costs": "Costs now", "runp_announced": "Costs announced", "runp_total": "Total",
        "runp_costs_note": "Costs now: the collection costs (VAT included) the messages state. Costs announced: what a 14-day letter announces if unpaid after its term; a reminder states the principal only.",
        "runp_who": "{step}: {n} debtors", "runp_nothing": "The run of this day takes no step for this client.",
        "runp_nothing_part": "This part of the run takes no step; the next parts may.",
        "runp_parts": "Parts of the run", "runp_first": "To the first part", "runp_more": "Load more (part {n})",
        "runp_end": "That is all for this day.",
        "runp_bad_day": "Give a day as YYYY-MM-DD.", "runp_past": "Choose today or a later day: earlier runs have run already.",
        "runp_too_far": "Choose a day up to {days} days after today.",
        "runp_bad_part": "This link to a next part is not (or no longer) valid; start at the first part.",
        "runp_forbidden": "The run preview is for the agency and the client's administrators.",
        "runp_link": "What will tomorrow's run send? See the dunning run preview.",
        "runp_link_settings": "What the run would send: the dunning run preview"},
)  # fmt: skip
