"""The report use cases: a tidy table for a date range over the clients a person chose, as
CSV for Power BI, CSV for Excel or an Excel workbook, in the language of the person who asked
(:mod:`shared.services.reports.words`), and the client's own Excel template. A report over a
long range runs as a console job (:class:`ReportWork`): one step per client, each client's
part kept as a blob (codes, not words) so a redelivered message resumes where the last step
ended; the last step writes the file in the language the job recorded when it was queued."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from shared.adapters.tables.console_jobs_repo import Job
from shared.domain.invoices import Invoice
from shared.domain.parties import Client
from shared.domain.records import Payment
from shared.ports.files import FileStore
from shared.services.console_jobs import JobFiles, JobInputError, Step
from shared.services.errors import Invalid
from shared.services.reports import tables
from shared.services.reports.tables import COLUMNS, KINDS, Cell, Table
from shared.services.reports.words import CODES, ReportWords
from shared.services.reports.writers import (
    DEFAULT_SHEET,
    XLSX,
    TemplateError,
    check_template,
    to_csv,
    to_excel,
)
from shared.services.repositories import Repositories
from shared.services.usage import UsageService

log = logging.getLogger(__name__)

TEMPLATES_CONTAINER = "report-templates"
# csv: for Power BI (ISO dates, decimal point, in every language); csv_excel: as the person's
# Excel reads a .csv (Dutch: ";" and 1.234,56); xlsx: a workbook
FORMATS = ("csv", "csv_excel", "xlsx")
LONG_RANGE_DAYS = 92  # a quarter or less is made while the page waits; more runs as a job
MAX_RANGE_DAYS = 3 * 366


@dataclass(frozen=True)
class ReportFile:
    data: bytes
    name: str
    content_type: str


def check_request(kind: str, fmt: str, start: date, end: date) -> None:
    if kind not in KINDS:
        raise Invalid(
            f"report must be one of {', '.join(KINDS)}",
            code="report_kind_unknown",
            params={"kinds": ", ".join(KINDS)},
        )
    if fmt not in FORMATS:
        raise Invalid(
            f"format must be one of {', '.join(FORMATS)}",
            code="report_format_unknown",
            params={"formats": ", ".join(FORMATS)},
        )
    if end < start:
        raise Invalid("the end date lies before the start date", code="report_end_before_start")
    if (end - start).days > MAX_RANGE_DAYS:
        raise Invalid(
            f"a report covers at most {MAX_RANGE_DAYS} days",
            code="report_too_long",
            params={"days": MAX_RANGE_DAYS},
        )


def is_long(start: date, end: date) -> bool:
    return (end - start).days > LONG_RANGE_DAYS


class ReportService:
    def __init__(self, repos: Repositories, usage: UsageService, files: FileStore) -> None:
        self.repos = repos
        self.usage = usage
        self.files = files

    # -- figures ---------------------------------------------------------------------------
    def rows(self, kind: str, client: Client, start: date, end: date) -> list[tuple[Cell, ...]]:
        """One client's rows of the report ``kind`` for [start, end]."""
        if kind == "open_collected":
            return tables.open_collected(
                client, self._invoices(client), self._payments(client), start, end
            )
        if kind == "dunning_results":
            return tables.dunning_results(
                client, self._invoices(client), self._payments(client), start, end
            )
        if kind == "contact_log":
            return tables.contact_log(
                client, self.repos.contacts.between(client.client_id), start, end
            )
        if kind == "usage":
            out: list[tuple[Cell, ...]] = []
            for first in tables.months(start, end):
                lines = self.usage.month(client, first.strftime("%Y-%m"))
                out += tables.usage(
                    client, first, ((u.item, u.count, u.unit_price, u.amount) for u in lines)
                )
            return out
        raise Invalid(f"report must be one of {', '.join(KINDS)}", code="report_kind_unknown", params={"kinds": ", ".join(KINDS)})  # fmt: skip

    def table(self, kind: str, clients: Sequence[Client], start: date, end: date) -> Table:
        rows: list[tuple[Cell, ...]] = []
        for client in clients:
            rows += self.rows(kind, client, start, end)
        return Table(kind, COLUMNS[kind], rows)

    def file(
        self,
        table: Table,
        fmt: str,
        client: Client,
        start: date,
        end: date,
        *,
        covers: Sequence[str],
        words: ReportWords = CODES,
    ) -> ReportFile:
        """The table as CSV or Excel in ``words``' language; Excel into ``client``'s template
        when it has one and the report ``covers`` that client alone. A client's workbook is
        the client's own (its formulas, links and macros sheets live on): it never wraps
        another client's figures, where a formula reading the data sheet could send them to
        the client."""
        name = (
            f"{words.file_name(table.kind)}-{client.number}-{start.isoformat()}-{end.isoformat()}"
        )
        said = words.localise(table)
        if fmt == "csv":
            return ReportFile(to_csv(said), name + ".csv", "text/csv; charset=utf-8")
        if fmt == "csv_excel":
            return ReportFile(
                to_csv(said, words.spelling), name + ".csv", "text/csv; charset=utf-8"
            )
        alone = set(covers) == {client.client_id}
        book, sheet = (self.template(client) if alone else None) or (None, DEFAULT_SHEET)
        try:
            data = to_excel(said, book, sheet, words.spelling)
        except TemplateError as exc:
            # a workbook kept from before the limits that fails them now: the report still
            # comes, as a plain workbook, and the workbook is not unpacked
            log.warning("report template of client %s refused: %s", client.client_id, exc)
            data = to_excel(said, None, DEFAULT_SHEET, words.spelling)
        return ReportFile(data, name + ".xlsx", XLSX)

    def _invoices(self, client: Client) -> list[Invoice]:
        return list(_pages(lambda token: self.repos.invoices.list(client.client_id, page_size=1000, continuation=token)))  # fmt: skip

    def _payments(self, client: Client) -> list[Payment]:
        return list(_pages(lambda token: self.repos.payments.list(client.client_id, page_size=1000, continuation=token)))  # fmt: skip

    # -- the client's own workbook ---------------------------------------------------------
    def save_template(self, client: Client, data: bytes, sheet: str) -> None:
        """Keep a client's workbook to fill; ``sheet`` is where the data goes (``Data`` when
        empty). Refused when it is no workbook."""
        sheet = sheet.strip() or DEFAULT_SHEET
        if len(sheet) > 31 or any(c in sheet for c in "[]:*?/\\"):
            raise Invalid(
                "a sheet name has at most 31 characters and none of [ ] : * ? / \\",
                code="sheet_name_invalid",
            )
        try:
            check_template(data)
        except TemplateError as exc:
            raise Invalid(str(exc), code=exc.code, params=exc.params) from None
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        self.files.put(
            TEMPLATES_CONTAINER, f"{client.client_id}/template.xlsx", data, content_type=XLSX
        )
        self.files.put(TEMPLATES_CONTAINER, f"{client.client_id}/template.json",
                       json.dumps({"sheet": sheet}).encode(), content_type="application/json")  # fmt: skip

    def template(self, client: Client) -> tuple[bytes, str] | None:
        data = self.files.get(TEMPLATES_CONTAINER, f"{client.client_id}/template.xlsx")
        if data is None:
            return None
        meta = self.files.get(TEMPLATES_CONTAINER, f"{client.client_id}/template.json")
        sheet = json.loads(meta).get("sheet", DEFAULT_SHEET) if meta else DEFAULT_SHEET
        return data, str(sheet)

    def remove_template(self, client: Client) -> None:
        self.files.delete(TEMPLATES_CONTAINER, f"{client.client_id}/template.xlsx")
        self.files.delete(TEMPLATES_CONTAINER, f"{client.client_id}/template.json")


def _pages(read: Any) -> Iterator[Any]:
    token: str | None = None
    while True:
        items, token = read(token)
        yield from items
        if not token:
            return


# -- the report as a console job ---------------------------------------------------------------
def job_input(kind: str, fmt: str, client_ids: Sequence[str], start: date, end: date) -> bytes:
    return json.dumps({"kind": kind, "format": fmt, "clients": list(client_ids),
                       "start": start.isoformat(), "end": end.isoformat()}).encode()  # fmt: skip


class ReportWork:
    """A report job: step n makes the n-th client's part; the last step writes the file in
    the job's language (``words_for``: the console's words; a job queued before jobs recorded
    their language has none and gets English)."""

    def __init__(
        self,
        reports: ReportService,
        repos: Repositories,
        words_for: Callable[[str], ReportWords] = lambda lang: CODES,
    ) -> None:
        self.reports = reports
        self.repos = repos
        self.words_for = words_for

    def step(self, job: Job, data: bytes, files: JobFiles) -> Step:
        try:
            ask = json.loads(data)
            kind, fmt = str(ask["kind"]), str(ask["format"])
            start, end = date.fromisoformat(ask["start"]), date.fromisoformat(ask["end"])
            ids = [str(c) for c in ask["clients"]]
            check_request(kind, fmt, start, end)
        except (ValueError, KeyError, TypeError, Invalid) as exc:
            raise JobInputError(f"the report request is not valid: {exc}") from None
        clients = []
        for client_id in ids:
            found = self.repos.clients.get(client_id)
            # the job's own client and the clients of its agency only (chosen when started)
            if found is None or found[0].agency_id != self._agency(job):
                raise JobInputError("a client of the report is gone")
            clients.append(found[0])
        if job.done < len(clients):
            client = clients[job.done]
            rows = self.reports.rows(kind, client, start, end)
            files.put(f"part-{job.done:05d}.json", _dump_rows(rows), "application/json")
            return Step(
                job.done + 1, len(clients) + 1, {"rows": int(job.state.get("rows", 0)) + len(rows)}
            )
        rows = []
        for n in range(len(clients)):
            part = files.get(f"part-{n:05d}.json")
            if part is None:
                raise JobInputError("a part of the report went missing; start it again")
            rows += _load_rows(part)
        home = next((c for c in clients if c.client_id == job.client_id), clients[0])
        made = self.reports.file(Table(kind, COLUMNS[kind], rows), fmt, home, start, end,
                                 covers=[c.client_id for c in clients],
                                 words=self.words_for(job.lang or "en"))  # fmt: skip
        return Step(len(clients) + 1, len(clients) + 1, dict(job.state), finished=True,
                    result=made.data, result_name=made.name, result_type=made.content_type)  # fmt: skip

    def _agency(self, job: Job) -> str:
        found = self.repos.clients.get(job.client_id)
        if found is None:
            raise JobInputError("the client of the report is gone")
        return found[0].agency_id


def _dump_rows(rows: list[tuple[Cell, ...]]) -> bytes:
    def cell(v: Cell) -> object:
        if isinstance(v, Decimal):
            return {"m": str(v)}
        if isinstance(v, date):
            return {"d": v.isoformat()}
        return v

    return json.dumps([[cell(v) for v in row] for row in rows]).encode()


def _load_rows(data: bytes) -> list[tuple[Cell, ...]]:
    def cell(v: Any) -> Cell:
        if isinstance(v, dict):
            return Decimal(v["m"]) if "m" in v else date.fromisoformat(v["d"])
        return v  # type: ignore[no-any-return]

    return [tuple(cell(v) for v in row) for row in json.loads(data)]
