"""The console's payments page: statement files uploaded for a client and what became of
them, the payments per day, and refunds and chargebacks per debtor this year.

A statement file is put into the blob container the statement trigger reads
(``statements/<agency id>/console/<client id>/<time>-<file>``), so the normal pipeline books it
(or quarantines it with its report); the trigger hands its report to :meth:`remember`, so the
page can say how many lines were booked, suggested or left unmatched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.messaging_repo import USAGE, CounterRepository
from shared.adapters.tables.payment_days_repo import DayEntry, day_key
from shared.clock import Clock, amsterdam_date
from shared.domain.parties import Client
from shared.domain.records import Payment
from shared.ports.files import FileStore
from shared.ports.tables import Conflict, Row
from shared.services.errors import Invalid
from shared.services.repositories import Repositories
from shared.services.statement_sources import api_prefix, console_prefix
from shared.services.statements import INBOX, QUARANTINE, IngestReport

STATEMENT_REPORTS = "StatementReports"
MAX_STATEMENT_BYTES = 4 * 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class StatementFile:
    name: str  # the blob name below the inbox ("<agency>/console/<client>/<time>-<file>")
    shown: str  # the file name the person uploaded
    status: str  # waiting | booked | skipped | quarantined
    booked: int = 0
    suggested: int = 0
    unmatched: int = 0
    lines: int = 0
    problems: list[str] = field(default_factory=list)  # the quarantine report, the warnings
    # returns among the lines (booked back or an `unmatched_return` item); None: a report kept
    # before it was counted (newcomer27 F6)
    returned: int | None = None


@dataclass(frozen=True)
class PaymentDay:
    day: date
    payments: list[DayEntry]

    @property
    def total(self) -> int:
        return sum(p.amount for p in self.payments if not p.reversed)


@dataclass(frozen=True)
class PaymentDays:
    """A page of the payments per day and the token of the next page (None: the last);
    ``cut``: the page's last day has more payments on the next page."""

    items: list[PaymentDay]
    next: str | None
    cut: bool = False


@dataclass(frozen=True)
class Returned:
    debtor: str
    refunds: int
    chargebacks: int
    warning: bool  # more refunds than the client tolerates (the API's refund_warning)


# a file report's columns and the figures of ``IngestReport.booked_before_the_cut``
_FIGURES = {"Lines": "lines", "Booked": "booked", "Suggested": "suggested",
            "Unmatched": "unmatched", "Returned": "returned"}  # fmt: skip


class PaymentOverview:
    def __init__(self, repos: Repositories, counters: CounterRepository, files: FileStore,
                 clock: Clock) -> None:  # fmt: skip
        self.repos = repos
        self.counters = counters
        self.files = files
        self.clock = clock

    # -- statement files -------------------------------------------------------------------
    def _prefix(self, client: Client) -> str:
        # the statement trigger books a file here for this client's own accounts only
        return console_prefix(client.agency_id, client.client_id)

    def upload_statement(self, client: Client, filename: str, data: bytes) -> str:
        """Drop the file where the statement trigger picks it up; returns its blob name."""
        if not data:
            raise Invalid("the file is empty", code="statement_empty")
        if len(data) > MAX_STATEMENT_BYTES:
            raise Invalid(
                f"a statement file is at most {MAX_STATEMENT_BYTES // 1024 // 1024} MB",
                code="statement_too_large",
                params={"mb": MAX_STATEMENT_BYTES // 1024 // 1024},
            )
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S%f")
        safe = _SAFE.sub("_", filename.rsplit("/", 1)[-1])[-80:] or "statement"
        name = self._prefix(client) + f"{stamp}-{safe}"
        self.files.put(INBOX, name, data)
        return name

    def remember(self, report: IngestReport) -> None:
        """The statement trigger's report of one file. A file "skipped" (every statement in
        it booked before) does not overwrite a report of the same file: that is a second
        delivery of its blob event (Event Grid delivers at least once), whose 0 lines would
        hide what the first delivery booked (failure26 F3). One whose first delivery was cut
        off after booking, before its report, reports what that delivery booked (failure32)."""
        agency = report.name.split("/", 1)[0]
        row = Row(encode(agency), encode(report.name), {
            "Status": report.status, "Lines": report.lines, "Booked": report.booked,
            "Suggested": report.suggested, "Unmatched": report.unmatched,
            "Returned": report.returned,
            "Problems": json.dumps(list(report.warnings)[:50]),
            "Error": json.dumps(report.error) if report.error else None,
        })  # fmt: skip
        b = report.booked_before_the_cut or {}
        if report.status != "skipped":
            # statements this file's cut-off delivery booked, the others booked now: the
            # report names both (review32: only the ones booked now were counted)
            for column, figure in _FIGURES.items():
                row.data[column] += b.get(figure, 0)
            self.repos.store.upsert(STATEMENT_REPORTS, row)
            return
        if b:
            # the file's own delivery booked it and was cut off before its report: reported
            # as that delivery would have (unless it did report: the insert below refuses)
            row.data |= {"Status": "booked"} | {c: b.get(f, 0) for c, f in _FIGURES.items()}
        try:
            self.repos.store.insert(STATEMENT_REPORTS, row)
        except Conflict:
            return  # the file's own earlier delivery reported it

    def statement_files(self, client: Client, limit: int = 50) -> list[StatementFile]:
        """The client's uploaded files, newest first, with what became of each."""
        return self._files(client.agency_id, self._prefix(client), limit)

    def uploaded_statements(self, agency_id: str, limit: int = 50) -> list[StatementFile]:
        """The files the agency uploaded through the API (``POST /v1/statements``), newest
        first, with what became of each: the trigger's report kept by :meth:`remember` for
        every file, which only the console's own uploads could be read back by (newcomer26
        F7)."""
        return self._files(agency_id, api_prefix(agency_id), limit)

    def _files(self, agency_id: str, prefix: str, limit: int) -> list[StatementFile]:
        names = set(self.files.names(INBOX, prefix))
        quarantined = {
            n for n in self.files.names(QUARANTINE, prefix) if not n.endswith(".error.json")
        }
        out: list[StatementFile] = []
        for name in sorted(names | quarantined, reverse=True)[:limit]:
            shown = name[len(prefix) :].split("-", 1)[-1]
            row = self.repos.store.get(STATEMENT_REPORTS, encode(agency_id), encode(name))
            if name in quarantined:
                raw = self.files.get(QUARANTINE, name + ".error.json")
                report = json.loads(raw) if raw else {}
                problems = [str(report.get("message") or report.get("error") or report)]
                out.append(StatementFile(name, shown, "quarantined", problems=problems, returned=0))
            elif row is None:
                out.append(StatementFile(name, shown, "waiting", returned=0))
            else:
                d = row.data
                returned = d.get("Returned")
                out.append(StatementFile(name, shown, str(d.get("Status")), int(d.get("Booked") or 0),
                                         int(d.get("Suggested") or 0), int(d.get("Unmatched") or 0),
                                         int(d.get("Lines") or 0), json.loads(d.get("Problems") or "[]"),
                                         None if returned is None else int(returned)))  # fmt: skip
        return out

    # -- payments per day -------------------------------------------------------------------
    def payments_by_day(
        self, client: Client, start: str | None = None, *, days: int = 14, max_payments: int = 100
    ) -> PaymentDays:
        """A page of days with payments, newest first, from ``start`` (the token of the page
        before; None: the newest day): one range read of the day index, whatever the number of
        payments. A day busier than ``max_payments`` continues on the next page."""
        index = self.repos.payments.days
        index.ensure_built(client.client_id, lambda: self._all_payments(client.client_id))
        page = index.page(client.client_id, days=days, max_payments=max_payments, start=start)
        grouped: dict[date, list[DayEntry]] = {}
        for entry in page.entries:
            grouped.setdefault(entry.day, []).append(entry)
        cut = bool(page.next and page.entries and page.next[:8] == day_key(page.entries[-1].day))
        return PaymentDays([PaymentDay(d, e) for d, e in grouped.items()], page.next, cut)

    def _all_payments(self, client_id: str) -> Iterator[Payment]:
        token: str | None = None
        while True:
            batch, token = self.repos.payments.list(client_id, page_size=1000, continuation=token)
            yield from batch
            if not token:
                return

    # -- refunds and chargebacks ------------------------------------------------------------
    def returned_this_year(self, client: Client, year: int | None = None) -> list[Returned]:
        """Per debtor, the refunds and chargebacks of the calendar year (the counters the
        online payments keep), most refunds first."""
        year = year or amsterdam_date(self.clock.now()).year
        per: dict[str, list[int]] = {}
        for index, kind in enumerate(("refunds", "chargebacks")):
            for rk, count in self.counters.read(USAGE, client.client_id, f"{kind}|{year}|").items():
                debtor = decode(rk.split("|", 2)[2])
                per.setdefault(debtor, [0, 0])[index] += count
        rows = [Returned(d, r, c, r > client.refund_warning_threshold) for d, (r, c) in per.items()]
        return sorted(rows, key=lambda x: (-x.refunds, -x.chargebacks, x.debtor))
