"""Invoice upload: a CSV file, a preview of the rows that would be rejected and why (the API's
own validation, see :mod:`shared.api.console.invoice_csv`) and of the debtors it creates (a
row's debtor not yet in Inning, from its name and kind columns), then the confirmation. A file of
up to 500 rows is imported while the page waits; a larger one runs as a console job whose page
shows the progress and, at the end, the rejected rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from shared.api.console.invoice_csv import (
    DEBTOR_FIELDS,
    DUTCH,
    FIELDS,
    CsvRefused,
    changes_of,
    preview,
)
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, page, templates, words
from shared.api.console.upload_reasons import field_word, reason, rows_refused
from shared.api.console.uploads import UploadTooLarge, files_of
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import action_for_request
from shared.services.claim_terms_changes import Importer
from shared.services.errors import NotFound
from shared.services.invoice_upload import AT_ONCE, Upload, import_now, line_of

SHOWN = 500  # rejected rows listed on the preview; the count says how many there are in all
FIRST = 5  # rows shown as they will be imported, so a person sees the amounts before importing
SHOWN_DEBTORS = 100  # new debtors listed on the preview; the count says how many in all
# the debtor columns by the names the page names them (the first Dutch name, invoice_csv.DUTCH)
DEBTOR_COLUMNS = tuple(next(k for k, v in DUTCH.items() if v == f) for f in DEBTOR_FIELDS)

FORM = """{% extends "shell" %}{% block main %}
<section aria-labelledby="up-h"><h2 id="up-h">{{ t.upload_choose }}</h2>
<p>{{ t.upload_columns }} <code>{{ fields|join('; ') }}</code></p>
<form method="post" action="{{ desk.url('/upload') }}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="preview">
<label for="up-file">{{ t.upload_file }}</label><input id="up-file" type="file" name="file" accept=".csv,text/csv" required>
<label for="up-term">{{ t.upload_term }}</label><input id="up-term" name="term_days" type="number" min="0" max="365" inputmode="numeric" aria-describedby="up-term-hint">
<p id="up-term-hint" class="muted">{{ t.upload_term_hint }}</p>
<label for="up-kind">{{ t.upload_kind }}</label><select id="up-kind" name="new_kind" aria-describedby="up-kind-hint"><option value="">{{ t.upload_kind_none }}</option><option value="b2b">{{ t.upload_kind_b2b }}</option><option value="b2c">{{ t.upload_kind_b2c }}</option></select>
<p id="up-kind-hint" class="muted">{{ t.upload_kind_hint }} <code>{{ debtor_columns|join('; ') }}</code></p>
<p><button type="submit">{{ t.upload_preview }}</button></p></form></section>
<p><a href="{{ desk.url('/jobs') }}">{{ t.jobs_all }}</a></p>{% endblock %}"""

PREVIEW = """{% extends "shell" %}{% block main %}
<section aria-labelledby="pv-h"><h2 id="pv-h">{{ t.upload_preview_of }} {{ upload.file }}</h2>
<ul><li>{{ t.upload_rows }}: {{ total }}</li><li>{{ t.upload_to_import }}: {{ upload.rows|length }}</li>
<li{% if upload.rejected %} class="red"{% endif %}>{{ t.upload_rejected }}: {{ refused }}</li>
{% if ignored %}<li class="red">{{ t.upload_ignored }}: {{ ignored|join(', ') }}</li>{% endif %}
{% if upload.rows %}<li>{{ t.upload_sum }}: {{ desk.money(amount_sum) }}{% if open_sum != amount_sum %} ({{ t.upload_open_sum }}: {{ desk.money(open_sum) }}){% endif %}</li>{% endif %}
<li>{{ t.upload_new }}: {{ new }}</li>{% if upload.debtors %}<li id="pv-debtors-count">{{ t.upload_new_debtors }}: {{ upload.debtors|length }}</li>{% endif %}<li{% if changes %} class="red"{% endif %}>{{ t.upload_changes }}: {{ changes|length }}</li>{% if lowered %}<li id="pv-lowered-count" class="red">{{ t.upload_lowered }}: {{ lowered|length }}</li>{% endif %}
{% if "invoice_date" in assumed %}<li id="pv-assumed">{{ t.upload_invoice_date_assumed.format(n=term_days) }}</li>{% endif %}</ul>
{% if differs %}<div class="scroll" tabindex="0"><table id="pv-stored"><caption class="red">{{ t.upload_stored_caption }}</caption>
<thead><tr><th scope="col" class="num">{{ t.upload_line }}</th><th scope="col">{{ t.upload_debtor }}</th><th scope="col">{{ t.upload_stored_file_name }}</th><th scope="col">{{ t.upload_stored_name }}</th><th scope="col">{{ t.upload_stored_file_kind }}</th><th scope="col">{{ t.upload_stored_kind }}</th><th scope="col">{{ t.upload_stored_outcome }}</th></tr></thead><tbody>
{% for d in differs[:shown_debtors] %}<tr><td class="num">{{ line_of(d.index) }}</td><th scope="row">{{ d.number }}</th><td>{{ d.given_name }}</td><td>{{ d.stored_name }}</td><td>{% if d.given_kind %}{{ t['upload_kind_' + d.given_kind] }}{% endif %}</td><td>{{ t['upload_kind_' + d.stored_kind] }}</td><td>{{ t.upload_stored_refused if d.refused else t.upload_stored_kept }}</td></tr>{% endfor %}
</tbody></table></div>{% if differs|length > shown_debtors %}<p>{{ t.upload_more_debtors.format(n=differs|length - shown_debtors) }}</p>{% endif %}{% endif %}
{% if first %}<div class="scroll" tabindex="0"><table><caption>{{ t.upload_first.format(n=first|length) }}</caption>
<thead><tr><th scope="col" class="num">{{ t.upload_line }}</th><th scope="col">{{ t.upload_number }}</th><th scope="col">{{ t.upload_debtor }}</th><th scope="col">{{ t.upload_due }}</th><th scope="col" class="num">{{ t.upload_amount }}</th><th scope="col" class="num">{{ t.upload_open }}</th></tr></thead><tbody>
{% for index, d in first %}<tr><td class="num">{{ line_of(index) }}</td><th scope="row">{{ d.number }}</th><td>{{ d.debtor_number }}</td><td>{{ d.due_date.strftime('%d-%m-%Y') if desk.lang == 'nl' else d.due_date.isoformat() }}</td><td class="num">{{ desk.money(d.amount) }}</td><td class="num">{{ desk.money(d.amount if d.open_amount is none else d.open_amount) }}</td></tr>{% endfor %}
</tbody></table></div>{% endif %}
{% if changes %}<div class="scroll" tabindex="0"><table id="pv-changes"><caption>{{ t.upload_changes_caption }}</caption>
<thead><tr><th scope="col" class="num">{{ t.upload_line }}</th><th scope="col">{{ t.upload_number }}</th><th scope="col">{{ t.upload_amount }}</th><th scope="col">{{ t.upload_invoice_date }}</th><th scope="col">{{ t.upload_due }}</th></tr></thead><tbody>
{% for c in changes %}<tr><td class="num">{{ line_of(c.index) }}</td><th scope="row">{{ c.number }}</th><td>{% if c.amount_was != c.amount %}{{ desk.money(c.amount_was) }} → {{ desk.money(c.amount) }}{% else %}{{ desk.money(c.amount) }}{% endif %}</td><td>{% if c.dated_was != c.dated %}{{ day(c.dated_was) }} → {{ day(c.dated) }}{% else %}{{ day(c.dated) }}{% endif %}</td><td>{% if c.due_was != c.due %}{{ day(c.due_was) }} → {{ day(c.due) }}{% else %}{{ day(c.due) }}{% endif %}</td></tr>{% endfor %}
</tbody></table></div>{% endif %}
{% if lowered %}<div class="scroll" tabindex="0"><table id="pv-lowered"><caption class="red">{{ t.upload_lowered_caption }}</caption>
<thead><tr><th scope="col" class="num">{{ t.upload_line }}</th><th scope="col">{{ t.upload_number }}</th><th scope="col">{{ t.upload_debtor }}</th><th scope="col" class="num">{{ t.upload_lowered_was }}</th><th scope="col" class="num">{{ t.upload_lowered_now }}</th><th scope="col">{{ t.upload_lowered_received }}</th></tr></thead><tbody>
{% for l in lowered %}<tr><td class="num">{{ line_of(l.index) }}</td><th scope="row">{{ l.number }}</th><td>{{ l.debtor_number }}</td><td class="num">{{ desk.money(l.open_was) }}</td><td class="num">{{ desk.money(l.open_now) }}</td><td>{{ t.upload_lowered_line.format(amount=desk.money(l.received)) }}</td></tr>{% endfor %}
</tbody></table></div>{% endif %}
{% if upload.debtors %}<div class="scroll" tabindex="0"><table id="pv-debtors"><caption>{{ t.upload_debtors_caption }}</caption>
<thead><tr><th scope="col" class="num">{{ t.upload_line }}</th><th scope="col">{{ t.upload_debtor }}</th><th scope="col">{{ t.upload_debtor_name }}</th><th scope="col">{{ t.upload_debtor_kind }}</th><th scope="col">{{ t.upload_debtor_email }}</th><th scope="col">{{ t.upload_debtor_address }}</th><th scope="col">{{ t.upload_debtor_segment }}</th></tr></thead><tbody>
{% for index, d in upload.debtors[:shown_debtors] %}<tr><td class="num">{{ line_of(index) }}</td><th scope="row">{{ d.number }}</th><td>{{ d.name }}</td><td>{{ t['upload_kind_' + d.kind.value] }}</td><td>{{ d.emails|join(', ') }}</td><td>{% if d.address %}{{ d.address.street }}, {{ d.address.postal_code }} {{ d.address.city }}{% if d.address.country != 'NL' %}, {{ d.address.country }}{% endif %}{% endif %}</td><td>{{ d.segment|word('segment') }}</td></tr>{% endfor %}
</tbody></table></div>{% if upload.debtors|length > shown_debtors %}<p>{{ t.upload_more_debtors.format(n=upload.debtors|length - shown_debtors) }}</p>{% endif %}{% endif %}
{% if upload.rows|length > at_once %}<p>{{ t.upload_as_job }}</p>{% endif %}
<form method="post" action="{{ desk.url('/upload') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="confirm"><input type="hidden" name="upload" value="{{ token }}">
<button type="submit"{% if not upload.rows %} disabled{% endif %}>{% if upload.debtors %}{{ t.upload_confirm_debtors.format(n=upload.rows|length, m=upload.debtors|length) }}{% else %}{{ t.upload_confirm.format(n=upload.rows|length) }}{% endif %}</button>
<a class="button secondary" href="{{ desk.url('/upload') }}">{{ t.upload_cancel }}</a></form></section>
{% include "upload-rejected" %}{% endblock %}"""

REJECTED = """{% if rejected %}<section aria-labelledby="rj-h"><h2 id="rj-h">{{ t.upload_rejected_rows }}</h2><div class="scroll" tabindex="0"><table>
<caption class="visually-hidden">{{ t.upload_rejected_rows }}</caption>
<thead><tr><th scope="col" class="num">{{ t.upload_line }}</th><th scope="col">{{ t.upload_field }}</th><th scope="col">{{ t.upload_reason }}</th></tr></thead><tbody>
{% for e in rejected %}<tr><td class="num">{{ line_of(e.index) }}</td><td>{{ field_word(e.field, lang) }}</td><td>{{ reason(e.message, lang) }}</td></tr>{% endfor %}
</tbody></table></div>{% if more %}<p>{{ t.upload_more.format(n=more) }}</p>{% endif %}</section>{% endif %}"""

DONE = """{% extends "shell" %}{% block main %}
<section><h2>{{ t.upload_result }}</h2><ul><li>{{ t.upload_created }}: {{ result.created }}</li><li>{{ t.upload_updated }}: {{ result.updated }}</li>
<li>{{ t.upload_unchanged }}: {{ result.unchanged }}</li>{% if debtors %}<li id="up-debtors">{{ t.upload_debtors_made }}: {{ debtors }}</li>{% endif %}{% if changed %}<li id="up-changed">{{ t.upload_changed_names }}: {{ changed|join(', ') }}</li>{% endif %}<li{% if result.errors %} class="red"{% endif %}>{{ t.upload_rejected }}: {{ refused }}</li></ul>
<p><a href="{{ desk.url('/upload') }}">{{ t.upload_another }}</a></p></section>
{% include "upload-rejected" %}{% endblock %}"""

templates(
    **{"upload": FORM, "upload-preview": PREVIEW, "upload-rejected": REJECTED, "upload-done": DONE}
)

words(
    nl={"upload_nav": "Facturen inlezen", "upload_title": "Facturen inlezen (CSV)", "upload_choose": "Kies een CSV-bestand",
        "upload_columns": "Kolommen (puntkomma of komma als scheidingsteken; bedragen als 1250,50, 1.250,50 of 1250.50; niet 1.250):",
        "upload_file": "CSV-bestand met facturen", "upload_preview": "Controleren", "upload_preview_of": "Controle van",
        "upload_rows": "Regels in het bestand", "upload_to_import": "Worden ingelezen", "upload_rejected": "Geweigerd",
        "upload_as_job": "Een groot bestand: het inlezen loopt op de achtergrond en u ziet de voortgang.",
        "upload_confirm": "{n} facturen inlezen", "upload_cancel": "Annuleren",
        "upload_rejected_rows": "Geweigerde regels", "upload_line": "Regel", "upload_field": "Veld",
        "upload_reason": "Reden", "upload_more": "En nog {n} meldingen.",
        "upload_new": "Nieuwe facturen", "upload_changes": "Wijzigen een factuur die al in Inning staat",
        "upload_lowered": "Verlagen het openstaande bedrag van een factuur", "upload_lowered_was": "Open in Inning", "upload_lowered_now": "Open in uw bestand",
        "upload_lowered_caption": "Deze regels verlagen wat er openstaat: het verschil boekt Inning als door u zelf ontvangen (rechtstreeks aan u betaald). Klopt dat?",
        "upload_lowered_line": "{amount} geldt als door u ontvangen",
        "upload_changes_caption": "Deze regels wijzigen een bestaande factuur (was → wordt): klopt dat? Een factuur die al in incasso is, wijzigt u met een creditnota.",
        "upload_changed_names": "Gewijzigde facturen",
        "upload_result": "Resultaat", "upload_created": "Nieuw", "upload_updated": "Bijgewerkt",
        "upload_unchanged": "Ongewijzigd", "upload_another": "Nog een bestand inlezen",
        "upload_no_file": "Kies eerst een bestand.", "upload_refused": "Het bestand is niet te lezen: {reason}",
        "upload_gone": "Deze controle is verlopen; lees het bestand opnieuw in.",
        "upload_ignored": "Kolommen die niet worden ingelezen (controleer de spelling als er een bedrag of datum bij is)",
        "upload_sum": "Totaal factuurbedrag van wat wordt ingelezen", "upload_open_sum": "openstaand",
        "upload_first": "De eerste {n} facturen zoals ze worden ingelezen: kloppen de bedragen?",
        "upload_number": "Factuur", "upload_debtor": "Debiteur", "upload_due": "Vervaldatum",
        "upload_invoice_date": "Factuurdatum",
        "upload_amount": "Bedrag", "upload_open": "Openstaand",
        "upload_invoice_date_assumed": "Het bestand heeft geen factuurdatum: de factuurdatum is de vervaldatum min de betaaltermijn van {n} dagen (zo staat hij op brieven).",
        "upload_term": "Betaaltermijn in dagen (alleen voor een bestand zonder factuurdatum)",
        "upload_term_hint": "Een openstaande-postenlijst heeft vaak alleen de vervaldatum: de factuurdatum wordt dan de vervaldatum min deze termijn.",
        "upload_bad_term": "Geef de betaaltermijn als een aantal dagen van 0 tot 365.",
        "upload_kind": "Soort van nieuwe debiteuren (voor een regel zonder kolom Soort)",
        "upload_kind_none": "Kies (alleen nodig voor nieuwe debiteuren)", "upload_kind_b2b": "Zakelijk", "upload_kind_b2c": "Consument",
        "upload_kind_hint": "Een debiteur die nog niet in Inning staat, wordt bij het inlezen aangemaakt uit de kolommen van zijn regel (een debiteur die er al staat, wordt niet gewijzigd); de naam is nodig, en de soort (zakelijk of consument: dat bepaalt brieven, kosten en rente). Kolommen:",
        "upload_new_debtors": "Nieuwe debiteuren (worden aangemaakt)", "upload_debtors_made": "Nieuwe debiteuren aangemaakt",
        "upload_debtors_caption": "Deze debiteuren staan nog niet in Inning en worden aangemaakt zoals hier staat: kloppen naam en soort? (Een debiteur die al in Inning staat, wordt niet gewijzigd.)",
        "upload_debtor_name": "Naam", "upload_debtor_kind": "Soort", "upload_debtor_email": "E-mail", "upload_debtor_address": "Adres", "upload_debtor_segment": "Debiteurgroep",
        "upload_more_debtors": "En nog {n} nieuwe debiteuren.",
        "upload_confirm_debtors": "{n} facturen inlezen en {m} debiteuren aanmaken",
        "upload_bad_kind": "Kies zakelijk of consument als soort van nieuwe debiteuren.",
        "upload_stored_caption": "Deze regels noemen een andere naam of soort dan de debiteur die onder dat nummer in Inning staat: klopt het debiteurnummer? Een andere naam wordt geweigerd; de debiteur in Inning wordt nooit gewijzigd.",
        "upload_stored_file_name": "Naam in het bestand", "upload_stored_name": "Naam in Inning",
        "upload_stored_file_kind": "Soort in het bestand", "upload_stored_kind": "Soort in Inning",
        "upload_stored_outcome": "Gevolg", "upload_stored_refused": "Geweigerd (andere naam)",
        "upload_stored_kept": "Ingelezen op de debiteur in Inning, met de soort uit Inning"},
    en={"upload_nav": "Upload invoices", "upload_title": "Upload invoices (CSV)", "upload_choose": "Choose a CSV file",
        "upload_columns": "Columns (semicolon or comma as separator; amounts as 1250.50, 1,250.50 or 1250,50; not 1,250):",
        "upload_file": "CSV file of invoices", "upload_preview": "Check", "upload_preview_of": "Check of",
        "upload_rows": "Rows in the file", "upload_to_import": "To be imported", "upload_rejected": "Rejected",
        "upload_as_job": "A large file: the import runs in the background and you see its progress.",
        "upload_confirm": "Import {n} invoices", "upload_cancel": "Cancel",
        "upload_rejected_rows": "Rejected rows", "upload_line": "Line", "upload_field": "Field",
        "upload_reason": "Reason", "upload_more": "And {n} more findings.",
        "upload_new": "New invoices", "upload_changes": "Change an invoice already in Inning",
        "upload_lowered": "Lower the open amount of an invoice", "upload_lowered_was": "Open in Inning", "upload_lowered_now": "Open in your file",
        "upload_lowered_caption": "These rows lower what is open: Inning books the difference as received by you (paid to you directly). Is that right?",
        "upload_lowered_line": "{amount} counts as received by you",
        "upload_changes_caption": "These rows change an existing invoice (was → becomes): is that right? An invoice already in collection is changed by a credit note.",
        "upload_changed_names": "Invoices changed",
        "upload_result": "Result", "upload_created": "New", "upload_updated": "Updated",
        "upload_unchanged": "Unchanged", "upload_another": "Upload another file",
        "upload_no_file": "Choose a file first.", "upload_refused": "The file cannot be read: {reason}",
        "upload_gone": "This check has expired; upload the file again.",
        "upload_ignored": "Columns not imported (check their spelling if one holds an amount or date)",
        "upload_sum": "Total invoiced amount of what is imported", "upload_open_sum": "open",
        "upload_first": "The first {n} invoices as they will be imported: are the amounts right?",
        "upload_number": "Invoice", "upload_debtor": "Debtor", "upload_due": "Due date",
        "upload_invoice_date": "Invoice date",
        "upload_amount": "Amount", "upload_open": "Open",
        "upload_invoice_date_assumed": "The file has no invoice date: the invoice date is the due date less the payment term of {n} days (letters show it so).",
        "upload_term": "Payment term in days (only for a file without an invoice date)",
        "upload_term_hint": "An open-items list often has the due date only: the invoice date is then the due date less this term.",
        "upload_bad_term": "Give the payment term as a number of days from 0 to 365.",
        "upload_kind": "Kind of new debtors (for a row without a kind column)",
        "upload_kind_none": "Choose (needed for new debtors only)", "upload_kind_b2b": "Business", "upload_kind_b2c": "Consumer",
        "upload_kind_hint": "A debtor not yet in Inning is created by the upload from its row's columns (a debtor already there is not changed); its name is needed, and its kind (business or consumer: letters, costs and interest depend on it). Columns:",
        "upload_new_debtors": "New debtors (to be created)", "upload_debtors_made": "New debtors created",
        "upload_debtors_caption": "These debtors are not in Inning yet and are created as shown: are name and kind right? (A debtor already in Inning is not changed.)",
        "upload_debtor_name": "Name", "upload_debtor_kind": "Kind", "upload_debtor_email": "E-mail", "upload_debtor_address": "Address", "upload_debtor_segment": "Segment",
        "upload_more_debtors": "And {n} more new debtors.",
        "upload_confirm_debtors": "Import {n} invoices and create {m} debtors",
        "upload_bad_kind": "Choose business or consumer as the kind of new debtors.",
        "upload_stored_caption": "These rows name another name or kind than the debtor stored under that number in Inning: is the debtor number right? Another name is refused; the debtor in Inning is never changed.",
        "upload_stored_file_name": "Name in the file", "upload_stored_name": "Name in Inning",
        "upload_stored_file_kind": "Kind in the file", "upload_stored_kind": "Kind in Inning",
        "upload_stored_outcome": "Outcome", "upload_stored_refused": "Refused (another name)",
        "upload_stored_kept": "Imported on the debtor in Inning, with Inning's kind"},
)  # fmt: skip


# the API import route's own action (permits.py asks the same table): a person the route would
# refuse is offered neither the menu item nor the form (newcomer16b F5: a read-only person saw
# both and learnt at "Controleren" that it is 403)
IMPORT_ACTION = action_for_request("POST", "/v1/clients/{client}/invoices")


@page("upload", nav="upload_nav", order=35, get_action=IMPORT_ACTION,
      post_action={"": IMPORT_ACTION})  # fmt: skip
def upload_page(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest:
        raise NotFound("no such page")
    if desk.req.method != "POST":
        return _form(desk)
    if desk.field("do") == "confirm":
        return _confirm(desk)
    return _preview(desk)


def _form(desk: Desk, status: int = 200, notice: str = "") -> ApiResponse:
    return desk.render("upload", "upload_title", status, notice=notice, error=bool(notice),
                       fields=FIELDS, debtor_columns=DEBTOR_COLUMNS)  # fmt: skip


def _preview(desk: Desk) -> ApiResponse:
    try:
        upload = files_of(desk.req).get("file")
    except UploadTooLarge as exc:
        return _form(desk, 413, desk.t["upload_refused"].format(reason=refusal(exc, desk.lang)))
    if upload is None:
        return _form(desk, 400, desk.t["upload_no_file"])
    client = desk.client
    written = desk.field("term_days").strip()
    term_days = (
        int(written) if written.isascii() and written.isdigit() and int(written) <= 365 else None
    )
    if written and term_days is None:
        return _form(desk, 400, desk.t["upload_bad_term"])
    new_kind = desk.field("new_kind").strip() or None
    if new_kind not in (None, "b2b", "b2c"):
        return _form(desk, 400, desk.t["upload_bad_kind"])
    try:
        seen = preview(desk.services.imports, client, upload.filename, upload.data,
                       Importer.of(desk.principal), term_days, new_kind)  # fmt: skip
    except CsvRefused as exc:
        return _form(desk, 400, desk.t["upload_refused"].format(reason=refusal(exc, desk.lang)))
    token = desk.services.console_jobs.stash(client.client_id, seen.upload.dump())
    rejected = seen.upload.rejected
    # the amounts as they will be stored, before anything is: a misread separator shows here
    drafts = [d for _, d in seen.upload.rows]
    amount_sum = sum(d.amount for d in drafts)
    open_sum = sum(d.amount if d.open_amount is None else d.open_amount for d in drafts)
    return desk.render("upload-preview", "upload_title", upload=seen.upload, total=seen.total, token=token,
                       first=seen.upload.rows[:FIRST], amount_sum=amount_sum, open_sum=open_sum,
                       changes=seen.changes, lowered=seen.lowered, new=seen.new, differs=seen.stored_differs, day=_day(desk), shown_debtors=SHOWN_DEBTORS,
                       at_once=AT_ONCE, ignored=seen.ignored, assumed=seen.assumed, term_days=term_days, rejected=rejected[:SHOWN], more=max(0, len(rejected) - SHOWN),
                       line_of=line_of, refused=rows_refused(rejected), reason=reason, field_word=field_word)  # fmt: skip


def _day(desk: Desk) -> Callable[[date], str]:
    return (lambda d: d.strftime("%d-%m-%Y")) if desk.lang == "nl" else (lambda d: d.isoformat())


def _confirm(desk: Desk) -> ApiResponse:
    client = desk.client
    jobs = desk.services.console_jobs
    token = desk.field("upload")
    try:
        data = jobs.unstash(client.client_id, token)
    except NotFound:
        return _form(desk, 410, desk.t["upload_gone"])
    upload = Upload.load(data)
    if len(upload.rows) > AT_ONCE:
        job = jobs.start(client.client_id, "invoice-import", desk.principal.user_id, data,
                         total=len(upload.rows), title=upload.file, lang=desk.lang)  # fmt: skip
        jobs.forget(client.client_id, token)
        return desk.redirect(f"/jobs/{job.job_id}")
    changes, _ = changes_of(desk.services.imports, client, upload.rows)
    result, debtors = import_now(
        desk.services.imports, desk.services.repos, client.client_id, upload
    )
    jobs.forget(client.client_id, token)
    rejected = sorted(result.errors, key=lambda e: e.index)
    refused_now = {e.index for e in rejected}
    changed = [c.number for c in changes if c.index not in refused_now]
    return desk.render("upload-done", "upload_title", result=result, rejected=rejected[:SHOWN], changed=changed, debtors=debtors,
                       more=max(0, len(rejected) - SHOWN), line_of=line_of,
                       refused=rows_refused(rejected), reason=reason, field_word=field_word)  # fmt: skip
