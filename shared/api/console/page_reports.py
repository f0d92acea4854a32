"""Reports: for a date range, open and collected per client and month, dunning results per
step, the contact log and the usage with its price; each as CSV for Power BI, CSV for Excel
or as Excel (into the client's own workbook when it uploaded one and the report is of that
client alone), in the language of the person asking (:mod:`report_words`). A range over a
quarter runs as a console job, which records that language, and is downloaded from the job's
page. The figures come from :mod:`shared.services.reports`; this page only asks and hands
over the file. On asking, the ageing of the client's open items on a day, per bucket of days
overdue (:mod:`shared.services.reports.open_items`, the API's open-items report)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from shared.api.console import (
    code_text,  # noqa: F401 - the |word filter (usage items)
    report_exports,
)
from shared.api.console.refusal_text import refusal
from shared.api.console.report_words import report_words
from shared.api.console.shell import Desk, page, templates, words
from shared.api.console.uploads import UploadTooLarge, files_of
from shared.api.http import ApiResponse
from shared.clock import amsterdam_date
from shared.domain.people.authorisation import Action
from shared.services.errors import Invalid, NotFound
from shared.services.reports.open_items import MAX_DAYS_AHEAD
from shared.services.reports.service import FORMATS, check_request, is_long, job_input
from shared.services.reports.tables import KINDS

REPORTS = """{% extends "shell" %}{% block main %}
<section aria-labelledby="rp-h"><h2 id="rp-h">{{ t.rep_make }}</h2>
<form method="post" action="{{ desk.url('/reports') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="report"><div class="inline">
<div><label for="rp-kind">{{ t.rep_kind }}</label><select id="rp-kind" name="kind">{% for k in kinds %}<option value="{{ k }}"{% if k == kind %} selected{% endif %}>{{ t['rep_k_' + k] }}</option>{% endfor %}</select></div>
<div><label for="rp-start">{{ t.rep_start }}</label><input id="rp-start" type="date" name="start" value="{{ start }}" required></div>
<div><label for="rp-end">{{ t.rep_end }}</label><input id="rp-end" type="date" name="end" value="{{ end }}" required></div>
<div><label for="rp-format">{{ t.rep_format }}</label><select id="rp-format" name="format">{% for f in formats %}<option value="{{ f }}">{{ t['rep_f_' + f] }}</option>{% endfor %}</select></div>
{% if desk.choices|length > 1 %}<div><label for="rp-scope">{{ t.rep_scope }}</label><select id="rp-scope" name="scope"><option value="one">{{ desk.client.name }}</option><option value="all">{{ t.rep_all }}</option></select></div>{% endif %}
<button type="submit">{{ t.rep_download }}</button></div></form>
<p class="muted">{{ t.rep_long }}</p></section>
{% if exports %}<section aria-labelledby="ex-h"><h2 id="ex-h">{{ t.rep_exports }}</h2><p>{{ t.rep_exports_intro }}</p>
<form method="post" action="{{ desk.url('/reports') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="export"><div class="inline">
<div><label for="ex-what">{{ t.rep_export_file }}</label><select id="ex-what" name="what">{% for x in exports %}<option value="{{ x }}">{{ t['rep_x_' + x] }}</option>{% endfor %}</select></div>
<div><label for="ex-start">{{ t.rep_start }}</label><input id="ex-start" type="date" name="start" value="{{ start }}" required></div>
<div><label for="ex-end">{{ t.rep_end }}</label><input id="ex-end" type="date" name="end" value="{{ end }}" required></div>
<button type="submit">{{ t.rep_download }}</button></div></form></section>{% endif %}
<section aria-labelledby="us-h"><h2 id="us-h">{{ t.rep_usage_title }}</h2>
<form method="get" action="{{ base }}/reports" class="inline">{% if desk.choices|length > 1 %}<input type="hidden" name="client" value="{{ desk.client_id }}">{% endif %}
<input type="hidden" name="lang" value="{{ lang }}">
<div><label for="us-month">{{ t.rep_month }}</label><input id="us-month" type="month" name="usage" value="{{ month }}" pattern="[0-9]{4}-[0-9]{2}"></div>
<button type="submit" class="secondary">{{ t.rep_show }}</button></form>
{% if usage is not none %}<div class="scroll" tabindex="0"><table><caption>{{ t.rep_usage.format(month=month) }}</caption>
<thead><tr><th scope="col">{{ t.rep_item }}</th><th scope="col" class="num">{{ t.rep_count }}</th><th scope="col" class="num">{{ t.rep_price }}</th><th scope="col" class="num">{{ t.rep_amount }}</th></tr></thead><tbody>
{% for u in usage %}<tr><th scope="row">{{ u.item|word('usage_item') }}</th><td class="num">{{ u.count }}</td><td class="num">{{ u.unit_price }}</td><td class="num">{{ desk.money(u.amount) }}</td></tr>{% endfor %}
<tr><th scope="row">{{ t.rep_total }}</th><td></td><td></td><td class="num">{{ desk.money(usage_total) }}</td></tr></tbody></table></div>{% endif %}</section>
<section aria-labelledby="ag-h"><h2 id="ag-h">{{ t.rep_ageing_title }}</h2>
<form method="get" action="{{ base }}/reports" class="inline">{% if desk.choices|length > 1 %}<input type="hidden" name="client" value="{{ desk.client_id }}">{% endif %}
<input type="hidden" name="lang" value="{{ lang }}">
<div><label for="ag-on">{{ t.rep_ageing_on }}</label><input id="ag-on" type="date" name="ageing" value="{{ ageing_on }}" max="{{ ageing_max }}"></div>
<button type="submit" class="secondary">{{ t.rep_show }}</button></form>
{% if ageing is not none %}<div class="scroll" tabindex="0"><table><caption>{{ t.rep_ageing.format(day=desk.day(ageing.on)) }}</caption>
<thead><tr><th scope="col">{{ t.rep_ageing_overdue }}</th><th scope="col" class="num">{{ t.rep_ageing_items }}</th><th scope="col" class="num">{{ t.rep_ageing_principal }}</th><th scope="col" class="num">{{ t.rep_ageing_costs }}</th><th scope="col" class="num">{{ t.rep_ageing_interest }}</th><th scope="col" class="num">{{ t.rep_total }}</th></tr></thead><tbody>
{% for name, b in ageing.buckets.items() %}<tr><th scope="row">{{ t['rep_b_' + name] }}</th><td class="num">{{ b.items }}</td><td class="num">{{ desk.money(b.open.principal) }}</td><td class="num">{{ desk.money(b.open.costs + b.open.costs_vat) }}</td><td class="num">{{ desk.money(b.open.interest) }}</td><td class="num">{{ desk.money(b.open.total) }}</td></tr>{% endfor %}
{% set g = ageing.total %}<tr><th scope="row">{{ t.rep_total }}</th><td class="num">{{ g.items }}</td><td class="num">{{ desk.money(g.open.principal) }}</td><td class="num">{{ desk.money(g.open.costs + g.open.costs_vat) }}</td><td class="num">{{ desk.money(g.open.interest) }}</td><td class="num">{{ desk.money(g.open.total) }}</td></tr></tbody></table></div>
<p class="muted">{{ t.rep_ageing_note }}</p>{% elif ageing_refused %}<p role="status">{{ t.rep_ageing_refused.format(day=desk.day(ageing_latest)) }}</p>{% endif %}</section>
<section aria-labelledby="tp-h"><h2 id="tp-h">{{ t.rep_template }}</h2>
<p>{% if own_template %}{{ t.rep_has_template.format(sheet=own_template) }}{% else %}{{ t.rep_no_template }}{% endif %}</p>
<form method="post" action="{{ desk.url('/reports') }}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><input type="hidden" name="do" value="template">
<label for="tp-file">{{ t.rep_template_file }}</label><input id="tp-file" type="file" name="file" accept=".xlsx" required>
<label for="tp-sheet">{{ t.rep_sheet }}</label><input id="tp-sheet" name="sheet" value="{{ own_template or 'Data' }}" maxlength="31">
<p><button type="submit">{{ t.rep_template_save }}</button></p></form>
{% if own_template %}<form method="post" action="{{ desk.url('/reports') }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="untemplate"><button class="secondary" type="submit">{{ t.rep_template_remove }}</button></form>{% endif %}</section>{% endblock %}"""

templates(reports=REPORTS)

words(
    nl={"rep_nav": "Rapporten", "rep_title": "Rapporten", "rep_make": "Rapport maken", "rep_kind": "Rapport",
        "rep_k_open_collected": "Openstaand en geïnd per maand", "rep_k_dunning_results": "Resultaat per aanmaningsstap",
        "rep_k_contact_log": "Contactregistratie", "rep_k_usage": "Verbruik en prijs per maand",
        "rep_start": "Van", "rep_end": "Tot en met", "rep_format": "Formaat", "rep_f_csv": "CSV (Power BI)",
        "rep_f_csv_excel": "CSV voor Excel (puntkomma, 1.234,56)",
        "rep_f_xlsx": "Excel", "rep_scope": "Opdrachtgevers", "rep_all": "Al mijn opdrachtgevers",
        "rep_download": "Downloaden", "rep_long": "Een periode langer dan een kwartaal wordt op de achtergrond gemaakt; u downloadt het bestand dan van de taakpagina.",
        "rep_usage": "Verbruik in {month}", "rep_usage_title": "Verbruik en prijs per maand", "rep_month": "Maand", "rep_show": "Tonen", "rep_item": "Onderdeel", "rep_count": "Aantal", "rep_price": "Prijs per stuk",
        "rep_amount": "Bedrag", "rep_total": "Totaal", "rep_template": "Eigen Excel-sjabloon",
        "rep_has_template": "Excel-rapporten worden ingevuld in uw eigen werkmap, op het blad {sheet}.",
        "rep_no_template": "Geen eigen werkmap: Excel-rapporten krijgen een nieuw bestand met het blad Data.",
        "rep_template_file": "Werkmap (.xlsx)", "rep_sheet": "Blad voor de gegevens",
        "rep_template_save": "Sjabloon opslaan", "rep_template_remove": "Sjabloon verwijderen",
        "done_rep_template": "Het sjabloon is opgeslagen.", "done_rep_untemplate": "Het sjabloon is verwijderd.",
        "rep_refused": "Niet gelukt: {reason}", "rep_bad_date": "een datum is geen geldige datum",
        "rep_end_first": "de einddatum ligt vóór de begindatum",
        "rep_exports": "Export voor uw boekhouding",
        "rep_exports_intro": "Het MT940-bestand is het afschrift van wat het incassobureau voor u ontving op zijn derdengeldenrekening: lees het in een eigen dagboek in, niet in dat van uw eigen bankrekening. De PDF noemt elke ontvangen betaling, ook wat u zelf ontving.",
        "rep_export_file": "Bestand", "rep_x_mt940": "MT940 (ontvangen op de derdengeldenrekening)",
        "rep_x_pdf": "Ontvangen betalingen (PDF)",
        "rep_ageing_title": "Ouderdomsanalyse openstaande posten", "rep_ageing_on": "Peildatum",
        "rep_ageing": "Openstaand op {day}, naar dagen na de vervaldatum", "rep_ageing_overdue": "Dagen vervallen",
        "rep_ageing_items": "Facturen", "rep_ageing_principal": "Hoofdsom", "rep_ageing_costs": "Incassokosten (incl. btw)",
        "rep_ageing_interest": "Rente", "rep_b_not_due": "Niet vervallen", "rep_b_1_30": "1–30 dagen",
        "rep_b_31_60": "31–60 dagen", "rep_b_61_90": "61–90 dagen", "rep_b_91_180": "91–180 dagen",
        "rep_b_over_180": "Meer dan 180 dagen",
        "rep_ageing_note": "Facturen die nu openstaan (ook betwiste), met wat er op de peildatum van openstond. De lijst per factuur en per debiteur geeft de API: GET …/reports/open-items.",
        "rep_ageing_refused": "Kies een peildatum tot en met {day}."},
    en={"rep_nav": "Reports", "rep_title": "Reports", "rep_make": "Make a report", "rep_kind": "Report",
        "rep_k_open_collected": "Open and collected per month", "rep_k_dunning_results": "Results per dunning step",
        "rep_k_contact_log": "Contact log", "rep_k_usage": "Usage and price per month",
        "rep_start": "From", "rep_end": "Up to and including", "rep_format": "Format", "rep_f_csv": "CSV (Power BI)",
        "rep_f_csv_excel": "CSV for Excel (comma, 1,234.56)",
        "rep_f_xlsx": "Excel", "rep_scope": "Clients", "rep_all": "All my clients",
        "rep_download": "Download", "rep_long": "A range longer than a quarter is made in the background; you then download the file from the job's page.",
        "rep_usage": "Usage in {month}", "rep_usage_title": "Usage and price per month", "rep_month": "Month", "rep_show": "Show", "rep_item": "Item", "rep_count": "Count", "rep_price": "Unit price",
        "rep_amount": "Amount", "rep_total": "Total", "rep_template": "Your own Excel template",
        "rep_has_template": "Excel reports are filled into your own workbook, on the sheet {sheet}.",
        "rep_no_template": "No workbook of your own: Excel reports come as a new file with the sheet Data.",
        "rep_template_file": "Workbook (.xlsx)", "rep_sheet": "Sheet for the data",
        "rep_template_save": "Save the template", "rep_template_remove": "Remove the template",
        "done_rep_template": "The template was saved.", "done_rep_untemplate": "The template was removed.",
        "rep_refused": "Not done: {reason}", "rep_bad_date": "a date is not a valid date",
        "rep_end_first": "the last day is before the first",
        "rep_exports": "Export for your bookkeeping",
        "rep_exports_intro": "The MT940 file is the statement of what the collection agency received for you on its third-party account: import it into a journal of its own, not into your own bank account's. The PDF lists every payment received, also what you received yourself.",
        "rep_export_file": "File", "rep_x_mt940": "MT940 (received on the third-party account)",
        "rep_x_pdf": "Payments received (PDF)",
        "rep_ageing_title": "Ageing of open items", "rep_ageing_on": "On",
        "rep_ageing": "Open on {day}, by days past the due date", "rep_ageing_overdue": "Days overdue",
        "rep_ageing_items": "Invoices", "rep_ageing_principal": "Principal", "rep_ageing_costs": "Collection costs (incl. VAT)",
        "rep_ageing_interest": "Interest", "rep_b_not_due": "Not yet due", "rep_b_1_30": "1–30 days",
        "rep_b_31_60": "31–60 days", "rep_b_61_90": "61–90 days", "rep_b_91_180": "91–180 days",
        "rep_b_over_180": "Over 180 days",
        "rep_ageing_note": "Invoices open now (disputed ones too), with what was open of them on that day. The API gives the list per invoice and per debtor: GET …/reports/open-items.",
        "rep_ageing_refused": "Choose a day up to and including {day}."},
)  # fmt: skip


@page("reports", nav="rep_nav", order=60,
      post_action={"report": Action.READ, "export": Action.READ, "template": Action.WRITE,
                   "untemplate": Action.WRITE})  # fmt: skip
def reports_page(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest:
        raise NotFound("no such page")
    if desk.req.method == "POST":
        match desk.field("do"):
            case "report":
                return _report(desk)
            case "export":
                return _export(desk)
            case "template":
                return _template(desk)
            case "untemplate":
                desk.services.reports.remove_template(desk.client)
                return desk.redirect("/reports", done="rep_untemplate")
        raise NotFound("no such action")
    return _show(desk)


def _show(desk: Desk, status: int = 200, notice: str = "") -> ApiResponse:
    client = desk.client
    today = amsterdam_date(desk.services.clock.now())
    # the usage meter counts every invoice under management: asked for, not on every visit
    asked = desk.query("usage")
    month = asked if re.fullmatch(r"20[0-9]{2}-(0[1-9]|1[0-2])", asked) else today.strftime("%Y-%m")
    usage = desk.services.usage.month(client, month) if asked else None
    # the ageing replays every debtor with something open: asked for, as the usage
    ageing_on, latest = _day(desk.query("ageing")), today + timedelta(days=MAX_DAYS_AHEAD)
    ageing = (
        desk.services.open_items.report(client, ageing_on)
        if ageing_on is not None and ageing_on <= latest
        else None
    )
    template = desk.services.reports.template(client)
    first = today.replace(day=1)
    return desk.render("reports", "rep_title", status, notice=notice, error=bool(notice), kinds=KINDS,
                       formats=FORMATS, kind=desk.query("kind") or KINDS[0],
                       start=(first - timedelta(days=1)).replace(day=1).isoformat(), end=today.isoformat(),
                       month=month, usage=usage, usage_total=sum(u.amount for u in usage or []),
                       ageing=ageing, ageing_on=(ageing_on or today).isoformat(),
                       ageing_max=latest.isoformat(), ageing_latest=latest,
                       ageing_refused=bool(desk.query("ageing")) and ageing is None,
                       own_template=template[1] if template else None,
                       exports=report_exports.offered(desk))  # fmt: skip


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _report(desk: Desk) -> ApiResponse:
    client = desk.client
    kind, fmt = desk.field("kind"), desk.field("format") or "csv"
    try:
        start, end = date.fromisoformat(desk.field("start")), date.fromisoformat(desk.field("end"))
    except ValueError:
        return _show(desk, 400, desk.t["rep_refused"].format(reason=desk.t["rep_bad_date"]))
    try:
        check_request(kind, fmt, start, end)
    except Invalid as exc:
        return _show(desk, 400, desk.t["rep_refused"].format(reason=refusal(exc, desk.lang)))
    # every client in reach (the shell decided the choices), or the chosen one
    clients = (
        [c for c in desk.choices if desk.may(Action.READ, c.client_id)]
        if desk.field("scope") == "all"
        else [client]
    )
    reports = desk.services.reports
    if is_long(start, end):
        job = desk.services.console_jobs.start(
            client.client_id, "report", desk.principal.user_id,
            job_input(kind, fmt, [c.client_id for c in clients], start, end),
            total=len(clients) + 1, title=f"{desk.t['rep_k_' + kind]} {start.isoformat()} – {end.isoformat()}",
            clients=[c.client_id for c in clients], lang=desk.lang,
        )  # fmt: skip
        return desk.redirect(f"/jobs/{job.job_id}")
    made = reports.file(reports.table(kind, clients, start, end), fmt, client, start, end,
                        covers=[c.client_id for c in clients], words=report_words(desk.lang))  # fmt: skip
    return desk.download(made.data, made.name, made.content_type)


def _export(desk: Desk) -> ApiResponse:
    try:
        start, end = date.fromisoformat(desk.field("start")), date.fromisoformat(desk.field("end"))
    except ValueError:
        return _show(desk, 400, desk.t["rep_refused"].format(reason=desk.t["rep_bad_date"]))
    if end < start:
        return _show(desk, 400, desk.t["rep_refused"].format(reason=desk.t["rep_end_first"]))
    try:
        return report_exports.export(desk, desk.field("what"), start, end)
    except Invalid as exc:  # no third-party account on record: the API's 422, in words
        return _show(desk, 422, desk.t["rep_refused"].format(reason=refusal(exc, desk.lang)))


def _template(desk: Desk) -> ApiResponse:
    try:
        upload = files_of(desk.req).get("file")
        if upload is None:
            raise Invalid("choose a workbook (.xlsx) first", code="report_no_workbook")
        desk.services.reports.save_template(desk.client, upload.data, desk.field("sheet"))
    except (UploadTooLarge, Invalid) as exc:
        return _show(desk, 400, desk.t["rep_refused"].format(reason=refusal(exc, desk.lang)))
    return desk.redirect("/reports", done="rep_template")
