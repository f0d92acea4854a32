"""The console's downloads in the language of the person who asked: the
:class:`~shared.services.reports.words.ReportWords` the report and upload services write with,
built from the tables the pages translate with (one source: a contact kind or a channel reads
the same in the dossier and in the contact-log report; a summary and an upload reason go
through :mod:`contact_text` and :mod:`upload_reasons`).

The page passes them for a download made at once; for a console job the wiring
(``shared/services/container.py``) hands :func:`report_words` to the worker, which calls it
with the language the job recorded when it was queued."""

from __future__ import annotations

from functools import cache

from shared.api.console import page_upload  # noqa: F401 - the rejected-rows headers (upload_*)
from shared.api.console.code_text import words_of
from shared.api.console.contact_text import summary
from shared.api.console.shell import words
from shared.api.console.text import TEXT
from shared.api.console.upload_reasons import reason
from shared.services.reports.tables import COLUMNS, KINDS
from shared.services.reports.words import ReportWords, Spelling

# a file a person opens in Excel, as that language's Excel reads a .csv (and shows a workbook)
SPELLINGS = {
    "nl": Spelling(";", ",", ".", "%d-%m-%Y", "ja", "nee", bom=True,
                   excel_date="dd-mm-yyyy", excel_money="#,##0.00"),
    "en": Spelling(",", ".", ",", "%Y-%m-%d", "yes", "no", bom=True,
                   excel_date="yyyy-mm-dd", excel_money="#,##0.00"),
}  # fmt: skip

# every report's columns; in English the names the files always had, which Power BI models
# bind to (a column added without its Dutch fails at import: words() wants both languages)
_COLUMNS = tuple(dict.fromkeys(c for kind in KINDS for c in COLUMNS[kind]))

words(
    nl={"rep_col_client": "opdrachtgever", "rep_col_month": "maand", "rep_col_invoiced": "gefactureerd",
        "rep_col_collected": "geïnd", "rep_col_open_at_month_end": "openstaand eind van de maand",
        "rep_col_step": "aanmaningsstap", "rep_col_invoices_paid": "betaalde facturen",
        "rep_col_amount_paid": "betaald bedrag", "rep_col_date": "datum", "rep_col_time": "tijd",
        "rep_col_debtor": "debiteur", "rep_col_kind": "soort", "rep_col_channel": "kanaal",
        "rep_col_summary": "omschrijving", "rep_col_system": "door het systeem",
        "rep_col_item": "onderdeel", "rep_col_count": "aantal", "rep_col_unit_price": "prijs per stuk",
        "rep_col_amount": "bedrag",
        "rep_file_open_collected": "openstaand-en-geind", "rep_file_dunning_results": "resultaat-per-aanmaningsstap",
        "rep_file_contact_log": "contactregistratie", "rep_file_usage": "verbruik"},
    en={**{f"rep_col_{c}": c for c in _COLUMNS}, **{f"rep_file_{k}": k for k in KINDS}},
)  # fmt: skip


@cache
def report_words(lang: str) -> ReportWords:
    """A download's words in ``lang`` (English for a language the console does not speak)."""
    lang = lang if lang in SPELLINGS else "en"
    t = TEXT[lang]
    return ReportWords(
        lang,
        columns={c: t[f"rep_col_{c}"] for c in _COLUMNS},
        file_names={k: t[f"rep_file_{k}"] for k in KINDS},
        contact_kinds=words_of("contact_kind", lang),
        channels=words_of("channel", lang),
        usage_items=words_of("usage_item", lang),
        summary=lambda text: summary(text, lang),
        reason=lambda text: reason(text, lang),
        rejected_columns=(t["upload_line"], t["upload_field"], t["upload_reason"]),
        spelling=SPELLINGS[lang],
    )
