"""Invoices: the client's invoices a page at a time, found by number, debtor name,
betalingskenmerk or amount (:mod:`shared.services.console_search`), each linking to its
debtor's dossier; and the upload of an invoice's own PDF (the API's invoice PDF service)."""

from __future__ import annotations

from shared.api.console.lists import searched  # and the list macros
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import PAGE_SIZE, Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.api.multipart import parse
from shared.domain.references import betalingskenmerk
from shared.domain.search.keys import InvoiceBy
from shared.services.errors import Invalid, NotFound

INVOICES = """{% extends "shell" %}{% from "list-macros" import search, pager %}{% block main %}
{{ search(desk, t, choices, by, q, "inv", base) }}
<section aria-labelledby="inv-h"><h2 id="inv-h">{{ t.inv_list }}</h2>
{% if found.items %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.inv_list }}"><table><caption class="visually-hidden">{{ t.inv_list }}</caption>
<thead><tr><th scope="col">{{ t.inv_number }}</th><th scope="col">{{ t.inv_debtor }}</th><th scope="col">{{ t.inv_reference }}</th>
<th scope="col">{{ t.inv_due }}</th><th scope="col" class="num">{{ t.inv_amount }}</th><th scope="col" class="num">{{ t.inv_open }}</th>
<th scope="col">{{ t.inv_status }}</th><th scope="col">{{ t.inv_pdf }}</th></tr></thead><tbody>
{% for i in found.items %}<tr><td>{{ i.number }}</td>
<td><a href="{{ desk.url('/dossier/' + i.debtor_number|segment) }}">{{ names.get(i.debtor_number, i.debtor_number) }}</a></td>
<td>{{ reference(i.payment_reference) }}</td><td>{{ i.due_date.strftime('%d-%m-%Y') }}</td>
<td class="num">{{ desk.money(i.amount) }}</td><td class="num">{{ desk.money(i.open_amount) }}</td>
<td>{{ t['inv_status_' + i.status.value] }}{% if i.handed_over_to %} · {{ t.inv_handed_over }}{% endif %}</td>
<td><a href="{{ desk.url('/invoices/pdf', number=i.number) }}">{{ t.inv_upload_link }}<span class="visually-hidden"> {{ i.number }}</span></a></td></tr>{% endfor %}
</tbody></table></div><p class="muted" id="inv-principal">{{ t.inv_principal_note }}</p>{% else %}<p>{{ t.list_none }}</p>{% endif %}
{{ pager(desk, t, found, q, by, after) }}</section>{% endblock %}"""

UPLOAD = """{% extends "shell" %}{% block main %}
<section aria-labelledby="pdf-h"><h2 id="pdf-h">{{ t.inv_pdf_for.format(number=invoice.number) }}</h2>
<p>{{ t.inv_pdf_intro }}</p>{% if has_pdf %}<p class="ok">{{ t.inv_pdf_present }}</p>{% endif %}
<form method="post" action="{{ desk.url('/invoices/pdf', number=invoice.number) }}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="number" value="{{ invoice.number }}">
<label for="pdf-file">{{ t.inv_pdf_file }}</label><input id="pdf-file" name="pdf" type="file" accept="application/pdf" required>
<p><button type="submit">{{ t.inv_pdf_send }}</button></p></form>
<p><a href="{{ desk.url('/invoices', q=invoice.number, by='number') }}">{{ t.inv_back }}</a></p></section>{% endblock %}"""

templates(**{"invoices": INVOICES, "invoice-pdf": UPLOAD})

words(
    nl={"inv_nav": "Facturen", "inv_title": "Facturen", "inv_list": "Facturen van deze opdrachtgever",
        "inv_number": "Factuur", "inv_debtor": "Debiteur", "inv_reference": "Betalingskenmerk",
        "inv_principal_note": "Bedragen op deze pagina zijn de hoofdsom van de facturen, zonder incassokosten en rente; het dossier van een debiteur toont het totaal openstaand met kosten en rente.",
        "inv_due": "Vervaldatum", "inv_amount": "Bedrag", "inv_open": "Open hoofdsom", "inv_status": "Status",
        "inv_pdf": "PDF", "inv_upload_link": "PDF uploaden",
        "inv_status_open": "Open", "inv_status_partially_paid": "Deels betaald", "inv_status_paid": "Betaald",
        "inv_status_credited": "Gecrediteerd", "inv_status_disputed": "Betwist", "inv_status_withdrawn": "Ingetrokken",
        "inv_handed_over": "overgedragen aan het incassobureau",
        "inv_by_number": "Factuurnummer", "inv_by_debtor": "Naam debiteur", "inv_by_reference": "Betalingskenmerk",
        "inv_by_amount": "Bedrag (precies)", "inv_pdf_title": "Factuur-PDF",
        "inv_pdf_for": "PDF van factuur {number}",
        "inv_pdf_intro": "De PDF gaat als bijlage mee met de herinneringen over deze factuur (PDF, hoogstens 10 MiB).",
        "inv_pdf_present": "Er is al een PDF; een nieuwe vervangt die.", "inv_pdf_file": "PDF-bestand",
        "inv_pdf_send": "Uploaden", "inv_back": "Terug naar de facturen", "done_inv_pdf": "De PDF is opgeslagen.",
        "inv_pdf_missing": "Kies een PDF-bestand."},
    en={"inv_nav": "Invoices", "inv_title": "Invoices", "inv_list": "This client's invoices",
        "inv_number": "Invoice", "inv_debtor": "Debtor", "inv_reference": "Payment reference",
        "inv_principal_note": "Amounts on this page are the invoices' principal, without collection costs and interest; a debtor's dossier shows the total open with costs and interest.",
        "inv_due": "Due date", "inv_amount": "Amount", "inv_open": "Open principal", "inv_status": "Status",
        "inv_pdf": "PDF", "inv_upload_link": "Upload PDF",
        "inv_status_open": "Open", "inv_status_partially_paid": "Partly paid", "inv_status_paid": "Paid",
        "inv_status_credited": "Credited", "inv_status_disputed": "Disputed", "inv_status_withdrawn": "Withdrawn",
        "inv_handed_over": "handed over to the collection agency",
        "inv_by_number": "Invoice number", "inv_by_debtor": "Debtor name", "inv_by_reference": "Payment reference",
        "inv_by_amount": "Amount (exact)", "inv_pdf_title": "Invoice PDF",
        "inv_pdf_for": "PDF of invoice {number}",
        "inv_pdf_intro": "The PDF is attached to the reminders about this invoice (PDF, at most 10 MiB).",
        "inv_pdf_present": "There is a PDF already; a new one replaces it.", "inv_pdf_file": "PDF file",
        "inv_pdf_send": "Upload", "inv_back": "Back to the invoices", "done_inv_pdf": "The PDF has been stored.",
        "inv_pdf_missing": "Choose a PDF file."},
)  # fmt: skip

CHOICES = [(b.value, f"inv_by_{b.value}") for b in InvoiceBy]


def _reference(value: str | None) -> str:
    if value and betalingskenmerk.is_valid(value):
        return betalingskenmerk.display(value)
    return value or ""


@page("invoices", nav="inv_nav", order=41)
def invoices(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest == ["pdf"]:
        return _pdf(desk)
    if rest or desk.req.method == "POST":
        raise NotFound("no such invoices page")
    client_id, search = desk.client.client_id, desk.services.console_search
    asked = searched(desk, InvoiceBy, InvoiceBy.NUMBER, lambda q, by, token: search.invoices(
        client_id, q, by, page_size=PAGE_SIZE, token=token))  # fmt: skip
    debtors = desk.services.repos.debtors.get_many(
        client_id, sorted({i.debtor_number for i in asked.found.items})
    )
    names = {number: d.name for number, (d, _) in debtors.items()}
    return desk.render(
        "invoices", "inv_title", found=asked.found, q=asked.q, by=asked.by, after=asked.after,
        choices=CHOICES, names=names, reference=_reference,
    )  # fmt: skip


def _pdf(desk: Desk) -> ApiResponse:
    client = desk.client
    number = desk.query("number") or desk.field("number")
    stored = desk.services.repos.invoices.get(client.client_id, number) if number else None
    if stored is None:
        raise NotFound(f"invoice {number} not found")
    pdfs = desk.services.invoice_pdfs
    if desk.req.method == "POST":
        _, files = parse(desk.req.header("content-type") or "", desk.req.body)
        upload = files.get("pdf")
        try:
            if upload is None or not upload.data:
                raise Invalid(desk.t["inv_pdf_missing"], "pdf")
            pdfs.attach(client, number, upload.data)
        except Invalid as exc:
            return desk.render(
                "invoice-pdf", "inv_pdf_title", 422, notice=refusal(exc, desk.lang), error=True,
                invoice=stored.invoice, has_pdf=pdfs.has_pdf(client, number),
            )  # fmt: skip
        return desk.redirect("/invoices/pdf", number=number, done="inv_pdf")
    return desk.render(
        "invoice-pdf", "inv_pdf_title", invoice=stored.invoice,
        has_pdf=pdfs.has_pdf(client, number),
    )  # fmt: skip
