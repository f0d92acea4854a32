"""Every console download in the language of the person who asked for it (credit-manager
review): the contact-log report from the Dutch console has Dutch headers, kinds, channels and
summaries (the dossier's own words), the usage its items in Dutch, "CSV voor Excel" the Dutch
spelling (';', 1.234,56, 31-12-2025, behind a byte-order mark) and the workbook Dutch number
formats; the same downloads from the English console are English. A report or upload made as
a job is written in the language recorded when it was queued (a job from before: English).
The Power BI CSV keeps its ISO dates and decimal point in Dutch too, and the API's own
contact-log CSV keeps the stored English words."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from shared.adapters.tables.keys import encode
from shared.api.console.code_text import CONTACT_KIND
from shared.api.console.report_words import report_words
from shared.api.http import ApiRequest, ApiResponse
from shared.domain.people.authorisation import Role
from shared.domain.records import ContactEntry, ContactKind
from shared.services.reports.words import POWER_BI
from tests.unit.api.conftest import World, invoice_row
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.console.money_support import text, work_jobs
from tests.unit.console.test_dossier_in_dutch import _history
from tests.unit.people.conftest import Tenants

MARCH = {"start": "2025-03-01", "end": "2025-03-31"}
LONG = {"start": "2024-12-01", "end": "2025-03-31"}  # over a quarter: a job
# what the services write in English, which no Dutch summary may keep
ENGLISH_SUMMARY = ("Payment of", "received (", "Invoice ", "credited", "disputed", "Paused:",
                   " sent via ", "email ")  # fmt: skip
ENGLISH_KINDS = {en for nl, en in CONTACT_KIND.values() if nl != en} | {
    code for code, (nl, _) in CONTACT_KIND.items() if code != nl
}


def _log(world: World, tenants: Tenants) -> Browser:
    """D1's contact log: the dossier's history (payment, credit, dispute, pause) and a
    reminder e-mail in the words the messaging service writes."""
    staff: Browser = _history(world, tenants)
    world.services.repos.contacts.add(ContactEntry(
        tenants.c1, "D1", "m-reminder", datetime(2025, 3, 3, 9, 30, tzinfo=UTC), ContactKind.MESSAGE,
        "email sent via graph: Herinnering F2", channel="email", system=True))  # fmt: skip
    return staff


def _ask(person: Browser, lang: str, kind: str, fmt: str, **fields: str) -> ApiResponse:
    token = csrf_of(person.get(f"/reports?lang={lang}"))
    form = {"csrf": token, "do": "report", "kind": kind, "format": fmt, **MARCH, **fields}
    return person.post(f"/reports?lang={lang}", form)


def _rows(data: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_the_contact_log_from_the_dutch_console_is_dutch(world, tenants):
    staff = _log(world, tenants)
    answer = _ask(staff, "nl", "contact_log", "csv")
    assert answer.status == 200
    assert (
        "contactregistratie-C1-2025-03-01-2025-03-31.csv" in answer.headers["Content-Disposition"]
    )
    header, *rows = _rows(answer.encoded())
    assert header == ["opdrachtgever", "datum", "tijd", "debiteur", "soort", "kanaal",
                      "omschrijving", "door het systeem"]  # fmt: skip
    by_summary = {r[6]: r for r in rows}
    mail = by_summary["E-mail verstuurd via graph: Herinnering F2"]
    assert mail[4:6] == ["bericht", "e-mail"]
    paid = by_summary["Betaling van € 0,04 ontvangen (bank) voor F2"]
    assert paid[4:6] == ["betaling", "bank"]
    assert (
        "Factuur F1 gecrediteerd" in by_summary
        and "Factuur F2 betwist: nooit geleverd" in by_summary
    )
    assert "Gepauzeerd: belt terug tot 2025-04-01" in by_summary
    # no English kind or summary is left in the Dutch file
    assert not {r[4] for r in rows} & ENGLISH_KINDS, {r[4] for r in rows}
    for row in rows:
        assert not any(english in row[6] for english in ENGLISH_SUMMARY), row
    # the Power BI CSV keeps what it promises in Dutch too: ISO dates, true/false
    assert mail[1] == "2025-03-03" and mail[7] == "true" and answer.encoded()[:1] == b"o"


def test_the_contact_log_from_the_english_console_is_english(world, tenants):
    staff = _log(world, tenants)
    header, *rows = _rows(_ask(staff, "en", "contact_log", "csv").encoded())
    assert header == ["client", "date", "time", "debtor", "kind", "channel", "summary", "system"]
    by_summary = {r[6]: r for r in rows}
    assert by_summary["email sent via graph: Herinnering F2"][4:6] == ["message", "e-mail"]
    assert by_summary["Payment of EUR 0.04 received (bank) for F2"][4] == "payment"
    assert "Factuur F1 gecrediteerd" not in by_summary and "Invoice F1 credited" in by_summary


def test_the_apis_contact_log_csv_keeps_the_stored_words(world, tenants):
    _log(world, tenants)
    key = {"x-api-key": world.agency_a.key or ""}
    reply = world.api.handle(ApiRequest("GET", "/v1/clients/C1/contact-log.csv", key,
                                        {"from": "2025-03-01", "to": "2025-03-31"}, b""))  # fmt: skip
    assert reply.status == 200
    header, *rows = _rows(reply.encoded())
    assert header[:5] == ["date", "time", "debtor", "kind", "channel"]
    assert ["2025-03-03", "10:30", "D1", "message", "email"] in [r[:5] for r in rows]
    assert any(r[6] == "email sent via graph: Herinnering F2" for r in rows)


def _big_invoice(world: World) -> None:
    from tests.unit.console.money_support import with_debtors

    with_debtors(world, "C1", "D1")
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1234.56", invoice_date="2025-03-01", due_date="2025-03-15")]})  # fmt: skip
    assert reply.status == 200 and not reply.body["errors"], reply.body


def test_csv_for_excel_is_spelled_as_dutch_excel_reads_it(world, tenants):
    _big_invoice(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    data = _ask(staff, "nl", "open_collected", "csv_excel").encoded()
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 (geïnd) only behind a BOM
    assert _rows(data, ";") == [
        ["opdrachtgever", "maand", "gefactureerd", "geïnd", "openstaand eind van de maand"],
        ["C1", "01-03-2025", "1.234,56", "0,00", "1.234,56"],
    ]
    english = _ask(staff, "en", "open_collected", "csv_excel").encoded()
    assert _rows(english) == [
        ["client", "month", "invoiced", "collected", "open_at_month_end"],
        ["C1", "2025-03-01", "1,234.56", "0.00", "1,234.56"],
    ]
    # the Power BI CSV keeps its spelling in both languages; only the words change
    power_bi = _rows(_ask(staff, "nl", "open_collected", "csv").encoded())
    assert power_bi[1] == ["C1", "2025-03-01", "1234.56", "0.00", "1234.56"]
    assert "CSV voor Excel (puntkomma, 1.234,56)" in text(staff.get("/reports?lang=nl"))


def test_the_workbook_has_dutch_headers_words_and_number_formats(world, tenants):
    staff = _log(world, tenants)
    sheet = load_workbook(io.BytesIO(_ask(staff, "nl", "contact_log", "xlsx").encoded()))["Data"]
    assert [c.value for c in sheet[1]][:6] == [
        "opdrachtgever",
        "datum",
        "tijd",
        "debiteur",
        "soort",
        "kanaal",
    ]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert ("bericht", "e-mail", "E-mail verstuurd via graph: Herinnering F2") in [
        r[4:7] for r in rows
    ]
    assert not {r[4] for r in rows} & ENGLISH_KINDS
    assert sheet["B2"].number_format == "dd-mm-yyyy"
    _big_invoice_for(world)
    money = load_workbook(io.BytesIO(_ask(staff, "nl", "open_collected", "xlsx").encoded()))["Data"]
    assert money["C2"].value == 1234.56
    assert money["C2"].number_format == "#,##0.00" and money["B2"].number_format == "dd-mm-yyyy"
    english = load_workbook(io.BytesIO(_ask(staff, "en", "contact_log", "xlsx").encoded()))["Data"]
    assert [c.value for c in english[1]][4] == "kind" and english[
        "B2"
    ].number_format == "yyyy-mm-dd"


def _big_invoice_for(world: World) -> None:
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F9", "D1", amount="1234.56", invoice_date="2025-03-01", due_date="2025-03-15")]})  # fmt: skip
    assert reply.status == 200 and not reply.body["errors"], reply.body


def test_the_usage_and_dunning_results_in_both_languages(world, tenants):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    header, *rows = _rows(_ask(staff, "nl", "usage", "csv_excel").encoded(), ";")
    assert header == ["opdrachtgever", "maand", "onderdeel", "aantal", "prijs per stuk", "bedrag"]
    assert [r[2] for r in rows] == [
        "e-mail",
        "sms",
        "WhatsApp",
        "brief",
        "belcomputer",
        "facturen in beheer",
    ]
    assert rows[-1][4] == "0,50"  # the price of an invoice under management, Dutch
    english = [r[2] for r in _rows(_ask(staff, "en", "usage", "csv").encoded())[1:]]
    assert english == [
        "e-mail",
        "SMS",
        "WhatsApp",
        "letter",
        "robocall",
        "invoices under management",
    ]
    # the page's usage table says the same words
    page = text(staff.get("/reports?lang=nl&usage=2025-03"))
    assert "facturen in beheer" in page and ">invoice<" not in page
    dutch = _rows(_ask(staff, "nl", "dunning_results", "csv").encoded())[0]
    assert dutch == ["opdrachtgever", "aanmaningsstap", "betaalde facturen", "betaald bedrag"]


def _job(person: Browser, lang: str, fmt: str = "csv") -> str:
    started = _ask(person, lang, "contact_log", fmt, **LONG)
    assert started.status == 303
    return str(started.headers["Location"]).removeprefix("/api/console").split("?")[0]


def test_a_report_job_is_written_in_the_language_it_was_queued_in(world, tenants):
    staff = _log(world, tenants)
    dutch, english = _job(staff, "nl", "csv_excel"), _job(staff, "en", "csv_excel")
    assert work_jobs(world) == 2
    # downloaded by whoever, in whichever language: the file keeps the asker's
    nl_file = staff.get(dutch + "/file?lang=en")
    assert (
        "contactregistratie-C1-2024-12-01-2025-03-31.csv" in nl_file.headers["Content-Disposition"]
    )
    header, *rows = _rows(nl_file.encoded(), ";")
    assert header[4:7] == ["soort", "kanaal", "omschrijving"]
    assert [
        "03-03-2025",
        "bericht",
        "e-mail",
        "E-mail verstuurd via graph: Herinnering F2",
        "ja",
    ] in [[r[1], r[4], r[5], r[6], r[7]] for r in rows]
    assert not {r[4] for r in rows} & ENGLISH_KINDS
    for row in rows:
        assert not any(english in row[6] for english in ENGLISH_SUMMARY), row
    en_rows = _rows(staff.get(english + "/file?lang=nl").encoded())
    assert en_rows[0][4] == "kind" and [
        "message",
        "email sent via graph: Herinnering F2",
        "yes",
    ] in [[r[4], r[6], r[7]] for r in en_rows[1:]]


def test_a_job_queued_before_jobs_recorded_their_language_is_english(world, tenants):
    staff = _log(world, tenants)
    job = _job(staff, "nl")
    row = world.store.get("ConsoleJobs", encode(tenants.c1), job.removeprefix("/jobs/"))
    assert row is not None and row.data["Lang"] == "nl"
    row.data.pop("Lang")  # a row written before the deploy
    world.store.upsert("ConsoleJobs", row)
    assert work_jobs(world) == 1
    header, *rows = _rows(staff.get(job + "/file?lang=nl").encoded())
    assert header[4] == "kind" and "Invoice F1 credited" in {r[6] for r in rows}


def test_an_upload_jobs_rejected_rows_in_the_askers_language(world, tenants):
    from shared.services.batch import RowError
    from shared.services.imports import InvoiceDraft
    from shared.services.invoice_upload import Upload
    from tests.unit.console.money_support import with_debtors

    with_debtors(world, "C1", "D1")
    day = date(2025, 1, 1)
    upload = Upload("f.csv", [(0, InvoiceDraft("N1", "DX", day, day, 100)), (1, InvoiceDraft("N2", "D1", day, day, 100))],
                    [RowError(2, "amount", "Input should be a valid decimal")])  # fmt: skip
    jobs = world.services.console_jobs
    dutch = jobs.start(
        tenants.c1, "invoice-import", "u", upload.dump(), total=2, title="f.csv", lang="nl"
    )
    english = jobs.start(
        tenants.c1, "invoice-import", "u", upload.dump(), total=2, title="f.csv", lang="en"
    )
    assert work_jobs(world) == 2
    data, _, _ = jobs.result(tenants.c1, dutch.job_id)
    assert _rows(data, ";") == [
        ["Regel", "Veld", "Reden"],
        [
            "2",
            "debtor",
            (
                "onbekende debiteur DX: geef de naam in een kolom Naam (en de soort) en lees "
                "het bestand opnieuw in, dan maakt het inlezen de debiteur aan"
            ),
        ],
        ["4", "amount", "geen bedrag (voorbeeld: 1250,50)"],
    ]
    data, _, _ = jobs.result(tenants.c1, english.job_id)
    assert _rows(data)[1:] == [["2", "debtor", "unknown debtor DX: create the debtor first"],
                              ["4", "amount", "Input should be a valid decimal"]]  # fmt: skip
    # the page says the rows in the viewer's language, whoever started the job
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = text(staff.get(f"/jobs/{english.job_id}?lang=nl"))
    assert (
        "onbekende debiteur DX: geef de naam in een kolom Naam" in page
        and "unknown debtor" not in page
    )
    page = text(staff.get(f"/jobs/{dutch.job_id}?lang=en"))
    assert "unknown debtor DX: create the debtor first" in page and "onbekende" not in page


def test_the_spelling_of_money_days_and_flags():
    dutch = report_words("nl").spelling
    assert dutch.money(Decimal("1234567.5")) == "1.234.567,50"
    assert dutch.money(Decimal("-1234.56")) == "-1.234,56"
    assert dutch.money(Decimal("0.125")) == "0,13"  # half-up, as every amount Inning writes
    assert dutch.day(date(2025, 12, 31)) == "31-12-2025" and dutch.flag(False) == "nee"
    assert report_words("en").spelling.money(Decimal("1234.5")) == "1,234.50"
    assert (
        POWER_BI.money(Decimal("1234.5")) == "1234.50"
        and POWER_BI.day(date(2025, 1, 2)) == "2025-01-02"
    )
    assert report_words("de").lang == "en"  # a language the console does not speak


def test_a_large_upload_confirmed_on_the_dutch_page_gives_a_dutch_file(world, tenants):
    import re

    from tests.unit.console.money_support import post_files, with_debtors

    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    rows = [f"N{i:04d};D1;2025-01-01;2025-01-31;1.00" for i in range(600)] + [
        "BAD;D7;2025-01-01;2025-01-31;1"
    ]
    data = ("number;debtor;invoice_date;due_date;amount\n" + "\n".join(rows) + "\n").encode()
    token = csrf_of(staff.get("/upload?lang=nl"))
    page = post_files(
        staff, "/upload?lang=nl", {"csrf": token, "do": "preview"}, {"file": ("groot.csv", data)}
    )
    found = re.search(r'name="upload" value="([^"]+)"', text(page))
    assert found is not None
    started = staff.post(
        "/upload?lang=nl", {"csrf": csrf_of(page), "do": "confirm", "upload": found[1]}
    )
    assert started.status == 303 and work_jobs(world) == 1
    job = started.headers["Location"].removeprefix("/api/console").split("?")[0]
    assert _rows(staff.get(job + "/file?lang=en").encoded(), ";") == [
        ["Regel", "Veld", "Reden"], ["602", "debtor", "onbekende debiteur D7: geef de naam in een kolom Naam (en de soort: een kolom Soort, zakelijk of consument, of de keuze op het formulier), dan maakt het inlezen de debiteur aan"]]  # fmt: skip
