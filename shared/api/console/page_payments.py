"""Payments and statements: upload a bank statement file (into the container the statement
trigger reads, so the normal pipeline books it), the files and what became of them, the
payments per day (paged), and refunds and chargebacks per debtor this year with the client's
threshold in red where it is passed."""

from __future__ import annotations

from shared.adapters.tables.payment_days_repo import valid_start
from shared.api.console import action_text, code_text  # noqa: F401 - code_text: the |word filter
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, page, templates, words
from shared.api.console.uploads import UploadTooLarge, files_of
from shared.api.http import ApiResponse
from shared.clock import amsterdam_date
from shared.services.errors import Invalid, NotFound

DAYS_PER_PAGE = 14
MAX_PAYMENTS_PER_PAGE = 100  # a busier fortnight continues on the next page (a page stays fast)

PAYMENTS = """{% extends "shell" %}{% block main %}
<section aria-labelledby="st-h"><h2 id="st-h">{{ t.pay_upload }}</h2>
<form method="post" action="{{ desk.url('/payments') }}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<label for="st-file">{{ t.pay_file }}</label><input id="st-file" type="file" name="file" required>
<p><button type="submit">{{ t.pay_send }}</button></p></form></section>
<section aria-labelledby="sf-h"><h2 id="sf-h">{{ t.pay_files }}</h2>{% if files %}<div class="scroll" tabindex="0"><table><caption class="visually-hidden">{{ t.pay_files }}</caption>
<thead><tr><th scope="col">{{ t.pay_name }}</th><th scope="col">{{ t.pay_status }}</th><th scope="col" class="num">{{ t.pay_booked }}</th><th scope="col" class="num">{{ t.pay_suggested }}</th><th scope="col" class="num">{{ t.pay_unmatched }}</th><th scope="col">{{ t.pay_report }}</th></tr></thead><tbody>
{% for f in files %}<tr><td>{{ f.shown }}</td><td{% if f.status == 'quarantined' %} class="red"{% endif %}>{{ t['pay_s_' + f.status] }}</td><td class="num">{{ f.booked }}</td><td class="num">{{ f.suggested }}</td><td class="num">{{ f.unmatched }}</td><td>{% for p in f.problems %}<div>{{ problem_of(p) }}</div>{% endfor %}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>{{ t.pay_no_files }}</p>{% endif %}</section>
<section aria-labelledby="pd-h"><h2 id="pd-h">{{ t.pay_days }}</h2>{% if days.items %}<div class="scroll" tabindex="0"><table><caption class="visually-hidden">{{ t.pay_days }}</caption>
<thead><tr><th scope="col">{{ t.pay_day }}</th><th scope="col" class="num">{{ t.pay_count }}</th><th scope="col" class="num">{{ t.pay_total }}</th><th scope="col">{{ t.pay_detail }}</th></tr></thead><tbody>
{% for d in days.items %}<tr><th scope="row">{{ d.day.isoformat() }}{% if loop.last and days.cut %} <span class="muted">({{ t.pay_more_next }})</span>{% endif %}</th><td class="num">{{ d.payments|length }}</td><td class="num">{{ desk.money(d.total) }}</td>
<td>{% for p in d.payments %}<div>{{ p.debtor_number or '-' }} · {{ desk.money(p.amount) }} · {{ p.source|word('channel') }}{% if p.reversed %} <span class="red">({{ t.pay_reversed }})</span>{% endif %}</div>{% endfor %}</td></tr>{% endfor %}
</tbody></table></div>{% if days.next or after %}<nav class="pager" aria-label="{{ t.pages }}">
{% if after %}<a href="{{ desk.url('/payments') }}">{{ t.pay_first }}</a>{% else %}<span></span>{% endif %}
{% if days.next %}<a href="{{ desk.url('/payments', after=days.next) }}">{{ t.next }}</a>{% else %}<span></span>{% endif %}
</nav>{% endif %}{% else %}<p>{{ t.pay_no_payments }}</p>{% endif %}</section>
<section aria-labelledby="rf-h"><h2 id="rf-h">{{ t.pay_returned.format(year=year) }}</h2>
<p>{{ t.pay_threshold.format(n=desk.client.refund_warning_threshold) }}</p>{% if returned %}<div class="scroll" tabindex="0"><table><caption class="visually-hidden">{{ t.pay_returned.format(year=year) }}</caption>
<thead><tr><th scope="col">{{ t.pay_debtor }}</th><th scope="col" class="num">{{ t.pay_refunds }}</th><th scope="col" class="num">{{ t.pay_chargebacks }}</th></tr></thead><tbody>
{% for r in returned %}<tr><th scope="row">{{ r.debtor }}</th><td class="num{% if r.warning %} red{% endif %}">{{ r.refunds }}{% if r.warning %} <span>({{ t.pay_over }})</span>{% endif %}</td><td class="num">{{ r.chargebacks }}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>{{ t.pay_no_returned }}</p>{% endif %}</section>{% endblock %}"""

templates(payments=PAYMENTS)

words(
    nl={"pay_nav": "Betalingen", "pay_title": "Betalingen en afschriften", "pay_upload": "Bankafschrift inlezen",
        "pay_file": "Afschriftbestand (CAMT.053, MT940, of een ZIP daarvan)", "pay_send": "Inlezen", "pay_files": "Ingelezen afschriften",
        "pay_name": "Bestand", "pay_status": "Status", "pay_booked": "Geboekt", "pay_suggested": "Voorgesteld",
        "pay_unmatched": "Niet herkend", "pay_report": "Meldingen", "pay_s_waiting": "Wordt verwerkt",
        "pay_s_booked": "Verwerkt", "pay_s_skipped": "Al eerder verwerkt", "pay_s_quarantined": "Geweigerd (quarantaine)",
        "pay_no_files": "Nog geen afschriften ingelezen via de console.", "pay_days": "Betalingen per dag",
        "pay_day": "Dag", "pay_count": "Aantal", "pay_total": "Totaal", "pay_detail": "Betalingen",
        "pay_reversed": "teruggeboekt", "pay_no_payments": "Nog geen betalingen.",
        "pay_returned": "Terugbetalingen en chargebacks per debiteur in {year}",
        "pay_threshold": "Drempel van deze opdrachtgever: meer dan {n} terugbetalingen per jaar is rood.",
        "pay_debtor": "Debiteur", "pay_refunds": "Terugbetalingen", "pay_chargebacks": "Chargebacks",
        "pay_over": "boven de drempel", "pay_no_returned": "Geen terugbetalingen of chargebacks dit jaar.",
        "done_pay_uploaded": "Het afschrift is ontvangen en wordt verwerkt.",
        "pay_no_file": "Kies eerst een bestand.", "pay_first": "Nieuwste dagen", "pay_more_next": "meer op de volgende pagina", "pay_refused": "Het bestand is geweigerd: {reason}"},
    en={"pay_nav": "Payments", "pay_title": "Payments and statements", "pay_upload": "Upload a bank statement",
        "pay_file": "Statement file (CAMT.053, MT940, or a ZIP of them)", "pay_send": "Upload", "pay_files": "Uploaded statements",
        "pay_name": "File", "pay_status": "Status", "pay_booked": "Booked", "pay_suggested": "Suggested",
        "pay_unmatched": "Unmatched", "pay_report": "Report", "pay_s_waiting": "Being processed",
        "pay_s_booked": "Processed", "pay_s_skipped": "Processed before", "pay_s_quarantined": "Refused (quarantine)",
        "pay_no_files": "No statements uploaded through the console yet.", "pay_days": "Payments per day",
        "pay_day": "Day", "pay_count": "Count", "pay_total": "Total", "pay_detail": "Payments",
        "pay_reversed": "reversed", "pay_no_payments": "No payments yet.",
        "pay_returned": "Refunds and chargebacks per debtor in {year}",
        "pay_threshold": "This client's threshold: more than {n} refunds a year shows in red.",
        "pay_debtor": "Debtor", "pay_refunds": "Refunds", "pay_chargebacks": "Chargebacks",
        "pay_over": "over the threshold", "pay_no_returned": "No refunds or chargebacks this year.",
        "done_pay_uploaded": "The statement was received and is being processed.",
        "pay_no_file": "Choose a file first.", "pay_first": "Newest days", "pay_more_next": "more on the next page", "pay_refused": "The file was refused: {reason}"},
)  # fmt: skip


@page("payments", nav="pay_nav", order=40)
def payments_page(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest:
        raise NotFound("no such page")
    overview = desk.services.payment_overview
    client = desk.client
    if desk.req.method == "POST":
        try:
            upload = files_of(desk.req).get("file")
            if upload is None:
                return _show(desk, 400, desk.t["pay_no_file"])
            overview.upload_statement(client, upload.filename, upload.data)
        except (UploadTooLarge, Invalid) as exc:
            return _show(desk, 400, desk.t["pay_refused"].format(reason=refusal(exc, desk.lang)))
        return desk.redirect("/payments", done="pay_uploaded")
    return _show(desk)


def _show(desk: Desk, status: int = 200, notice: str = "") -> ApiResponse:
    overview = desk.services.payment_overview
    client = desk.client
    year = amsterdam_date(desk.services.clock.now()).year
    after = valid_start(desk.query("after") or None)  # an edited token starts from the newest day
    return desk.render("payments", "pay_title", status, notice=notice, error=bool(notice),
                       files=overview.statement_files(client),
                       days=overview.payments_by_day(client, valid_start(after), days=DAYS_PER_PAGE,
                                                     max_payments=MAX_PAYMENTS_PER_PAGE), after=after,
                       returned=overview.returned_this_year(client, year), year=year,
                       problem_of=lambda text: action_text.title(str(text), desk.lang))  # fmt: skip
