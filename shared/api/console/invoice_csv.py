"""An invoice CSV of the console turned into the rows the API's import takes, then screened
exactly as ``POST /v1/clients/{client}/invoices`` screens them: the API's schema
(:class:`shared.api.schemas.InvoiceIn` through :func:`shared.api.common.validate_rows`), the
API's conversion to drafts, and the import service's own checks
(:meth:`shared.services.imports.ImportService.check_invoices`). Nothing is re-implemented
here but the reading of the file.

The columns are the API's field names (``number``, ``debtor``, ``invoice_date``,
``due_date``, ``amount``, ``open_amount``, ``payment_reference``, ``description``,
``fourteen_day_letter_on``, ``interest_from``, ``contract_date``, ``claim_kind``) or their
Dutch names (``factuurnummer``, ``debiteur``, ``contractdatum``, ``soort_vordering``...) and
the names bookkeeping packages' open-items exports use (``factuurnr.``, ``deb.nr.``, ``vervalt``,
``saldo``...). A debtor not yet stored is made from its row's debtor columns (``naam``,
``soort``, ``e-mail``, ``adres``, ``postcode``, ``plaats``, ``land``) by the API's debtor schema
(:func:`new_debtors`); a stored one is never changed. Columns Inning has no use for (a booking
number) are left out and named on the preview, so a package's export needs no editing, and a
misspelt optional column is seen before anything is imported. Such an export has no invoice
date: the due date less the payment term the uploader gives on the form is taken for it (asked
for when not given), and the preview says so. Separators ``;``, ``,`` or tab; UTF-8 (with or
without BOM) or, failing that, Windows-1252 (what Excel saves in the Netherlands). A Dutch
decimal comma (``1250,50``) and Dutch dates (``31-12-2025``, ``31/12/2025``, ``31.12.2025``) are
read on purpose, and thousands separators where they cannot be read two ways (``1.250,00``,
``1,250.00``, ``1.250.000``, ``1 250,00``), with a euro sign or ``EUR`` before or after
(``€ 1.250,00``); ``1.250`` or ``1,250`` alone is refused with what to write instead (Dutch
1250 or English 1.25: a guess could misstate a claim a thousandfold), and a negative amount
(a credit note in an open-items list) with how to book a credit note.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shared.api import schemas
from shared.api.common import validate_rows
from shared.api.routes_invoices import _draft
from shared.api.routes_parties import _debtor_from
from shared.domain.money import without_currency_mark
from shared.domain.parties import Client, Debtor
from shared.domain.reasons import CodedError
from shared.services.batch import RowError
from shared.services.claim_terms_changes import PLAIN, Importer
from shared.services.imports import ImportService, InvoiceDraft, Lowered
from shared.services.invoice_changes import Change, changes_in
from shared.services.invoice_upload import STORED_OTHER_NAME, Upload, folded, line_of

MAX_ROWS = 50_000
FIELDS = ("number", "debtor", "invoice_date", "due_date", "amount", "open_amount",
          "payment_reference", "description", "fourteen_day_letter_on", "interest_from",
          "contract_date", "claim_kind", "currency")  # fmt: skip
DUTCH = {
    "factuurnummer": "number", "debiteur": "debtor", "debiteurnummer": "debtor",
    "factuurdatum": "invoice_date", "vervaldatum": "due_date", "bedrag": "amount",
    "openstaand": "open_amount", "betalingskenmerk": "payment_reference",
    "omschrijving": "description", "veertiendagenbrief": "fourteen_day_letter_on",
    "rente_vanaf": "interest_from", "contractdatum": "contract_date",
    "soort_vordering": "claim_kind",
    # open-items exports of bookkeeping packages (Exact, AFAS, Twinfield and the like)
    "factuurnr": "number", "factuur_nummer": "number", "debiteurnr": "debtor",
    "deb.nr": "debtor", "debnr": "debtor", "relatienummer": "debtor", "klantnummer": "debtor",
    # Exact Online's and Twinfield's names of the relation's code (newcomer20 F4)
    "relatiecode": "debtor", "klantcode": "debtor", "debiteurcode": "debtor",
    "vervalt": "due_date", "vervaldag": "due_date", "factuurbedrag": "amount",
    "saldo": "open_amount", "openstaand_bedrag": "open_amount", "restant": "open_amount",
    "omschrijving_factuur": "description", "kenmerk": "payment_reference",
    # an open-items export seen in public (BDOAutoMapper/demo output_data/inputReport.md, the
    # header README cites): "Factuur" is the invoice's total amount there, "Factuurreferentie"
    # its reference (newcomer9 B)
    "factuur": "amount", "factuurreferentie": "payment_reference",
    # an invoice list (Moneybird and the like) gives the total with and without VAT: the debtor
    # owes it with; the refusal named both as a choice for "bedrag" (newcomer20 F10)
    "totaal_incl._btw": "amount", "totaal_incl_btw": "amount", "totaal_inclusief_btw": "amount",
    "bedrag_incl._btw": "amount", "bedrag_incl_btw": "amount", "bedrag_inclusief_btw": "amount",
    # read so that the API's schema refuses a row in another currency: left out, a USD amount
    # would be imported as euros (review console8 finding 1)
    "valuta": "currency", "munt": "currency", "valutacode": "currency",
    # the debtor a row names, for a debtor not yet in Inning (newcomer16 #5): the upload
    # creates it from these (the first name each field has here is the one the page shows)
    "naam": "debtor_name", "debiteurnaam": "debtor_name", "naam_debiteur": "debtor_name",
    "debiteur_naam": "debtor_name", "relatienaam": "debtor_name", "klantnaam": "debtor_name",
    "bedrijfsnaam": "debtor_name", "name": "debtor_name",
    "soort": "debtor_kind", "soort_debiteur": "debtor_kind", "debiteursoort": "debtor_kind",
    "type_debiteur": "debtor_kind", "kind": "debtor_kind",
    "e-mail": "debtor_email", "email": "debtor_email", "e-mailadres": "debtor_email",
    "emailadres": "debtor_email", "e-mail_adres": "debtor_email",
    "adres": "debtor_street", "straat": "debtor_street", "straat_en_huisnummer": "debtor_street",
    "address": "debtor_street", "street": "debtor_street",
    "postcode": "debtor_postal_code", "postal_code": "debtor_postal_code",
    "plaats": "debtor_city", "woonplaats": "debtor_city", "vestigingsplaats": "debtor_city",
    "city": "debtor_city",
    "land": "debtor_country", "landcode": "debtor_country", "country": "debtor_country",
    # the segment the workflows page's rules choose by: without it a console-only client had
    # no way to put a debtor in one (newcomer20 F2)
    "debiteurgroep": "debtor_segment", "segment": "debtor_segment", "groep": "debtor_segment",
    "klantgroep": "debtor_segment", "debiteurengroep": "debtor_segment",
}  # fmt: skip
# the debtor columns: read for a debtor the upload creates, never written over a stored one
DEBTOR_FIELDS = ("debtor_name", "debtor_kind", "debtor_email", "debtor_street",
                 "debtor_postal_code", "debtor_city", "debtor_country",
                 "debtor_segment")  # fmt: skip
READ = FIELDS + DEBTOR_FIELDS
# a debtor's kind in the words of a bookkeeping export; a word not here is refused with both
DEBTOR_KINDS = {
    "zakelijk": "b2b", "bedrijf": "b2b", "zakelijke_klant": "b2b", "b2b": "b2b",
    "business": "b2b", "consument": "b2c", "particulier": "b2c", "privé": "b2c",
    "prive": "b2c", "b2c": "b2c", "consumer": "b2c",
}  # fmt: skip
# a country written out, as exports write it (the API's schema takes ISO codes only)
COUNTRIES = {
    "nederland": "NL", "the_netherlands": "NL", "netherlands": "NL", "belgië": "BE",
    "belgie": "BE", "belgium": "BE", "duitsland": "DE", "germany": "DE", "frankrijk": "FR",
    "luxemburg": "LU", "verenigd_koninkrijk": "GB",
}  # fmt: skip
# a new debtor's row without what makes the debtor (the API's "create the debtor first" is no
# step a console user can take: there is no other page that makes one)
NO_NAME = (
    "unknown debtor {number}: give its name in a column Naam (and its kind: a column "
    "Soort, zakelijk or consument, or the choice on the form) and the upload creates it"
)
NO_KIND = (
    "new debtor {number} has no kind: add a column Soort (zakelijk or consument) or "
    "choose the kind of new debtors on the form"
)
# a later row of a new debtor that contradicts the row that makes it: the field and both values
# (newcomer16b F3: "given other details" under Naam whatever differed, the values unsaid)
OTHER_DETAILS = ("new debtor {number} has {field} '{given}' here but '{first}' on line {line}: "
                 "one name, kind, e-mail and address per debtor number; make this row's "
                 "{field} the same or leave it empty")  # fmt: skip
AMOUNTS = ("amount", "open_amount")
DATES = ("invoice_date", "due_date", "fourteen_day_letter_on", "interest_from", "contract_date")
_DUTCH_DECIMAL = re.compile(r"^(\d+),(\d{1,2})$")
# thousands separators that cannot be read two ways: a decimal comma or point after groups of
# three (1.250,00 and 1,250.00), or two groups or more (1.250.000); "1.250" alone is left to
# the API's schema, which refuses it (Dutch 1250 or English 1.25: a guess could be a
# thousandfold wrong)
_GROUPED = (
    re.compile(r"^(\d{1,3}(?:\.\d{3})+),(\d{1,2})$"),  # 1.250,00
    re.compile(r"^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$"),  # 1,250.00
    re.compile(r"^(\d{1,3}(?:\.\d{3}){2,})()$"),  # 1.250.000
    re.compile(r"^(\d{1,3}(?:,\d{3}){2,})()$"),  # 1,250,000
    re.compile(r"^(\d{1,3}(?:[ \u00a0\u202f]\d{3})+),(\d{1,2})$"),  # 1 250,00
)
_DUTCH_DATE = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
# soort_vordering in the credit manager's words: only the price of goods sold to a consumer
# has the two years of art. 7:28 BW; services, rent, subscriptions and the rest have five
# (3:307). A word not here reaches the schema as it is and is refused with the choices.
CLAIM_KINDS = {
    "koop": "consumer_sale", "consumentenkoop": "consumer_sale", "verkoop": "consumer_sale",
    "overig": "other", "overige": "other", "dienst": "other", "diensten": "other",
    "huur": "other", "abonnement": "other", "zakelijk": "other",
}  # fmt: skip


class CsvRefused(CodedError):
    """The file as a whole cannot be read (no header, a column missing or given twice, too
    many rows). ``code`` and ``params`` let the page say it in the reader's language
    (refusal_text.REFUSALS)."""


@dataclass(frozen=True)
class Sheet:
    rows: list[dict[str, Any]]  # the data rows as the API's JSON items (empty cells left out)
    ignored: tuple[str, ...]  # the header's columns Inning does not read, as written
    # fields the file has no column for, computed (invoice_date: due date less the term)
    assumed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preview:
    upload: Upload  # the rows that would be imported, and those refused with why
    total: int  # data rows in the file
    ignored: tuple[str, ...] = ()  # columns left out of the import, as written in the file
    assumed: tuple[str, ...] = ()  # fields taken from another column (Sheet.assumed)
    # the rows to import that change a stored invoice (newcomer15b #6: shown before/after,
    # never as if new), and how many rows are new invoices
    changes: tuple[Change, ...] = ()
    new: int = 0
    # rows whose Naam or Soort differ from the stored debtor of their number (shown beside it)
    stored_differs: tuple[StoredDiffers, ...] = ()
    # rows whose open amount lowers what is open on a stored invoice: the difference counts as
    # received by the client (cm18 F12: 200.00 booked as paid with no word before or after)
    lowered: tuple[Lowered, ...] = ()


@dataclass(frozen=True)
class StoredDiffers:
    """A row whose debtor columns contradict the debtor stored under its number: refused when
    the names differ (another debtor, likely a mistyped number), shown when only the kind does
    (the stored kind is kept: the upload never changes a debtor)."""

    index: int
    number: str
    given_name: str
    stored_name: str
    given_kind: str | None  # b2b/b2c as the row gives it, None when it gives none
    stored_kind: str
    refused: bool


def changes_of(
    imports: ImportService, client: Client, rows: list[tuple[int, InvoiceDraft]]
) -> tuple[list[Change], int]:
    """The rows that change a stored invoice's amount, invoice date or due date, and how many
    are new."""
    stored = imports.repos.invoices.get_many(client.client_id, [d.number for _, d in rows])
    return changes_in(stored, rows), sum(1 for _, d in rows if d.number not in stored)


def read_rows(data: bytes) -> list[dict[str, Any]]:
    return read_sheet(data).rows


def read_sheet(data: bytes, term_days: int | None = None) -> Sheet:
    """The data rows and the columns left out. What is no CSV file at all (a workbook) or
    cannot be read as one is refused with what to do, never a crash (newcomer7 finding 4).
    ``term_days``: the payment term, for a file without an invoice date (invoice date = due
    date less it)."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        raise CsvRefused(
            "this is an Excel workbook, not a CSV file: in Excel choose Save as, "
            "'CSV UTF-8 (comma delimited)' or 'CSV (semicolon delimited)', and upload that file",
            code="csv_workbook",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")  # Excel's "Unicode text": tab-separated
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", "replace")
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line endings: the csv module refuses them
    try:
        return _rows(text, term_days)
    except csv.Error as exc:
        raise CsvRefused(
            f"not a CSV file Inning can read ({exc}); save it as 'CSV UTF-8' and upload that",
            code="csv_unreadable",
        ) from None


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None  # the schema says what is wrong with it


def excel_separator(first_line: str) -> str | None:
    """The separator an Excel ``sep=;`` first line names (Excel reads and hides that line, so
    the person never sees it: newcomer15 #2), ``None`` when the line is no such hint."""
    hint = first_line.strip(" \r\n\ufeff").strip('"')
    if len(hint) != 5 or hint[:4].lower() != "sep=":
        return None
    return None if hint[4].isalnum() or hint[4] in "\"'" else hint[4]


def _rows(text: str, term_days: int | None = None) -> Sheet:
    lines = text.splitlines()
    hinted = excel_separator(lines[0]) if lines else None
    if hinted is not None:  # the header is the next line, the separator the one named
        text = text.split("\n", 1)[1] if "\n" in text else ""
        lines = lines[1:]
    if not lines or not lines[0].strip():
        raise CsvRefused("the file is empty or has no header row", code="csv_empty")
    delimiter = hinted or max(";,\t", key=lines[0].count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    written = next(reader)
    header = [_column(h) for h in written]
    # a second column for a debtor field (an export with both "Naam" and "Bedrijfsnaam"): the
    # first is read, the others left out and named (a file read before these were is not
    # refused for them)
    header = [h if h not in DEBTOR_FIELDS or h not in header[:i] else "_" + h
              for i, h in enumerate(header)]  # fmt: skip
    ignored = tuple(w.strip() for w, h in zip(written, header, strict=True) if h and h not in READ)
    header = [h if h in READ else "" for h in header]
    for field in FIELDS:
        twice = [w.strip() for w, h in zip(written, header, strict=True) if h == field]
        if len(twice) > 1:
            raise CsvRefused(
                f"the columns {' and '.join(twice)} both give {field}: remove one of them",
                code="csv_columns_twice",
                params={"columns": ", ".join(twice), "field": field},
            )
    for needed in ("number", "debtor", "due_date", "amount"):
        if needed not in header:
            dutch = next(k for k, v in DUTCH.items() if v == needed)
            raise CsvRefused(
                f"the column {needed} ({dutch}) is missing"
                + (f"; not read: {', '.join(ignored)}" if ignored else ""),
                code="csv_column_missing_unread" if ignored else "csv_column_missing",
                params={"field": needed, "dutch": dutch}
                | ({"columns": ", ".join(ignored)} if ignored else {}),
            )
    # an open-items export lists what is due, not when it was invoiced (newcomer9 B): the
    # invoice date is the due date less the payment term the uploader gives on the form. Not
    # the due date itself: letters print the invoice date, and a credit note dated before it
    # is refused, so a guess that late would misstate both. Without a term: asked for
    assumed: tuple[str, ...] = ()
    if "invoice_date" not in header:
        if term_days is None:
            raise CsvRefused(
                "the file has no invoice date (factuurdatum): give the payment term in days "
                "(the invoice date is the due date less it) or add an invoice_date column",
                code="csv_invoice_date_term",
            )
        assumed = ("invoice_date",)
    items: list[dict[str, Any]] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(items) == MAX_ROWS:
            raise CsvRefused(
                f"more than {MAX_ROWS} rows: split the file",
                code="csv_too_many_rows",
                params={"rows": MAX_ROWS},
            )
        item: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            value = cell.strip()
            if name and value:
                item[name] = _value(name, value)
        if assumed and term_days is not None and (due := _iso_date(item.get("due_date"))):
            item["invoice_date"] = (due - timedelta(days=term_days)).isoformat()
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            item["_extra_cells"] = len(cells) - len(header)  # refused by the schema (extra field)
        items.append(item)
    return Sheet(items, ignored, assumed)


def _column(name: str) -> str:
    key = "_".join(name.strip().lower().rstrip(".").split())
    return DUTCH.get(key, key)


def _value(name: str, value: str) -> str:
    if name in AMOUNTS:
        # a currency mark before or after the amount (open-items exports write "€ 1.250,00"):
        # taken off, the currency column says which currency a row is in
        value = without_currency_mark(value)
    if name in AMOUNTS and value.startswith("-"):
        return value  # a credit note: the schema says what to do with it, as written
    if name in AMOUNTS and (m := _DUTCH_DECIMAL.match(value)):
        return f"{m.group(1)}.{m.group(2)}"
    if name in AMOUNTS:
        for grouped in _GROUPED:
            if m := grouped.match(value):
                units = re.sub(r"[.,\s]", "", m.group(1))
                return f"{units}.{m.group(2)}" if m.group(2) else units
    if name in DATES and (m := _DUTCH_DATE.match(value)):
        return f"{m.group(4)}-{int(m.group(3)):02d}-{int(m.group(1)):02d}"
    if name == "currency":
        code = value.upper()
        return "EUR" if code in ("€", "EURO") else code
    if name == "claim_kind":
        return CLAIM_KINDS.get(value.lower(), value)
    if name == "debtor_kind":
        return DEBTOR_KINDS.get("_".join(value.lower().split()), value)
    if name == "debtor_country":
        return COUNTRIES.get("_".join(value.lower().split()), value)
    return value


def preview(
    imports: ImportService,
    client: Client,
    filename: str,
    data: bytes,
    importer: Importer = PLAIN,
    term_days: int | None = None,
    new_kind: str | None = None,
) -> Preview:
    """What an import of the file would do: the rows to write and the rows refused, by the
    API's schema and the import service's checks (the claim terms ``importer`` may change),
    and the debtors it creates (``new_kind``: the kind of a new debtor whose row has none)."""
    sheet = read_sheet(data, term_days)
    items = sheet.rows
    invoice_items = [{k: v for k, v in i.items() if k not in DEBTOR_FIELDS} for i in items]
    valid, schema_errors = validate_rows(invoice_items, schemas.InvoiceIn)
    drafts = [(index, _draft(model)) for index, model in valid]
    # the stored debtors the rows name, read once for the new ones and for those the file
    # names otherwise (misc17b: the preview read the same debtors twice)
    numbers = sorted({d.debtor_number for _, d in drafts})
    stored = imports.repos.debtors.get_many(client.client_id, numbers) if numbers else {}
    made, debtor_errors = new_debtors(stored, items, drafts, new_kind)
    differs = stored_differences(stored, items, drafts)
    debtor_errors += [
        RowError(d.index, "debtor_name", STORED_OTHER_NAME.format(
            number=d.number, stored=d.stored_name, given=d.given_name))
        for d in differs if d.refused
    ]  # fmt: skip
    unmade = {e.index for e in debtor_errors}
    drafts = [(i, d) for i, d in drafts if i not in unmade]
    checked = imports.check_invoices(client, drafts, importer, {n: d for n, (_, d) in made.items()})
    refused = {e.index for e in checked.errors}
    rejected: list[RowError] = sorted(
        [*schema_errors, *debtor_errors, *checked.errors], key=lambda e: e.index
    )
    kept = [(i, d) for i, d in drafts if i not in refused]
    # a new debtor is created only for the rows imported: first among them (line shown)
    first_kept: dict[str, int] = {}
    for index, draft in kept:
        first_kept.setdefault(draft.debtor_number, index)
    debtors = tuple(sorted((first_kept[n], d) for n, (_, d) in made.items() if n in first_kept))
    changes, new = changes_of(imports, client, kept)
    # the stored debtors the rows to import name, as shown: the confirm books them only on
    # the same debtors (attack17 F1)
    shown = tuple(sorted((n, stored[n][0].name) for n in first_kept if n in stored))
    return Preview(
        Upload(filename, kept, rejected, importer, debtors, shown),
        len(items),
        sheet.ignored,
        sheet.assumed,
        tuple(changes),
        new,
        tuple(differs),
        tuple(imports.lowered(client, kept)),
    )


def stored_differences(
    stored: Mapping[str, tuple[Debtor, str | None]],
    items: list[dict[str, Any]],
    drafts: list[tuple[int, InvoiceDraft]],
) -> list[StoredDiffers]:
    """The rows of a stored debtor (``stored``: those the rows name, by number) whose Naam
    (folded: case and spaces) or Soort differ from the stored debtor's. A row without a Naam
    or Soort column says nothing to compare."""
    found: list[StoredDiffers] = []
    for index, draft in drafts:
        if (record := stored.get(draft.debtor_number)) is None:
            continue
        debtor = record[0]
        given_name = str(items[index].get("debtor_name", ""))
        given_kind = items[index].get("debtor_kind")
        kind = given_kind if given_kind in ("b2b", "b2c") else None
        name_differs = bool(given_name) and folded(given_name) != folded(debtor.name)
        kind_differs = kind is not None and kind != debtor.kind.value
        if name_differs or kind_differs:
            found.append(StoredDiffers(index, draft.debtor_number, given_name, debtor.name,
                                       kind, debtor.kind.value, name_differs))  # fmt: skip
    return found


def new_debtors(
    stored: Mapping[str, tuple[Debtor, str | None]],
    items: list[dict[str, Any]],
    drafts: list[tuple[int, InvoiceDraft]],
    new_kind: str | None = None,
) -> tuple[dict[str, tuple[int, Debtor]], list[RowError]]:
    """The debtors the rows name that are not ``stored``, made from the row's debtor columns by
    the API's own schema (``POST /v1/clients/{client}/debtors``), each with the row it was made
    from; and the rows refused: a new debtor without a name, without a kind (no column, no
    ``new_kind``), with details the schema refuses, or given other details than the row that
    made it. A stored debtor's rows are left alone: the upload never changes a debtor."""
    made: dict[str, tuple[int, Debtor]] = {}
    given_by: dict[str, dict[str, Any]] = {}
    errors: list[RowError] = []
    refused_first: dict[str, list[RowError]] = {}
    for index, draft in drafts:  # the first row naming the debtor makes it
        number = draft.debtor_number
        if number in stored or number in given_by or not items[index].get("debtor_name"):
            continue
        given = _debtor_item(number, items[index], new_kind)
        given_by[number] = given
        if "kind" not in given:
            refused_first[number] = [RowError(index, "debtor_kind", NO_KIND.format(number=number))]
            continue
        valid, wrong = validate_rows([given], schemas.DebtorIn)
        if wrong:
            refused_first[number] = [
                RowError(index, _debtor_field(e.field), e.message) for e in wrong
            ]
            continue
        made[number] = (index, _debtor_from(valid[0][1]))
    for index, draft in drafts:
        number = draft.debtor_number
        if number in stored:
            continue
        if number not in given_by:
            errors.append(RowError(index, "debtor", NO_NAME.format(number=number)))
        elif number in refused_first:
            errors += [RowError(index, e.field, e.message) for e in refused_first[number]]
        elif (first := made[number][0]) != index:
            errors += [
                RowError(index, field, OTHER_DETAILS.format(
                    number=number, field=_column_name(field), given=given, first=was,
                    line=line_of(first)))
                for field, given, was in _other_details(items[first], items[index], new_kind)
            ]  # fmt: skip
    return made, errors


def _other_details(
    first: dict[str, Any], later: dict[str, Any], new_kind: str | None
) -> list[tuple[str, str, str]]:
    """The debtor fields a later row of a new debtor gives otherwise than its first row, with
    both values. Compared folded (case, spaces; a postal code without its space); a field the
    later row leaves empty agrees (an export that fills the e-mail once)."""
    differ: list[tuple[str, str, str]] = []
    for field in DEBTOR_FIELDS:
        given = str(later.get(field) or "")  # empty: agrees (the form's kind included)
        was = str(first.get(field) or (new_kind if field == "debtor_kind" else "") or "")
        if given and _compared(field, given) != _compared(field, was):
            differ.append((field, given, was))
    return differ


def _compared(field: str, value: str) -> str:
    if field == "debtor_email":
        return " ".join(sorted(e.casefold() for e in re.split(r"[;,\s]+", value) if e))
    if field == "debtor_postal_code":
        return "".join(value.split()).casefold()
    return folded(value)


def _column_name(field: str) -> str:
    """A debtor field by the first column name the upload reads for it (``Naam``, ``E-mail``)."""
    return next(k for k, v in DUTCH.items() if v == field).capitalize()


def _debtor_item(number: str, item: dict[str, Any], new_kind: str | None) -> dict[str, Any]:
    """A row's debtor columns as the API's debtor item (``schemas.DebtorIn``)."""
    given: dict[str, Any] = {"number": number, "name": item.get("debtor_name", "")}
    kind = item.get("debtor_kind") or new_kind
    if kind:
        given["kind"] = kind
    if emails := [e for e in re.split(r"[;,\s]+", item.get("debtor_email", "")) if e]:
        given["emails"] = emails
    if segment := item.get("debtor_segment"):
        given["segment"] = segment
    parts = {"street": "debtor_street", "postal_code": "debtor_postal_code", "city": "debtor_city"}
    address = {k: item[f] for k, f in parts.items() if item.get(f)}
    if address:
        given["address"] = address | (
            {"country": item["debtor_country"]} if item.get("debtor_country") else {}
        )
    return given


def _debtor_field(loc: str | None) -> str:
    """The column a debtor schema refusal is about (``emails.0``, ``address.city``...)."""
    head, _, rest = (loc or "").partition(".")
    if head == "address":
        return "debtor_" + (rest.split(".")[0] if rest else "postal_code")
    return {
        "name": "debtor_name", "kind": "debtor_kind", "emails": "debtor_email",
        "segment": "debtor_segment",
    }.get(head, "debtor")  # fmt: skip
