"""The credit manager's open-items list with its ageing (openstaande-postenlijst,
ouderdomsanalyse) of one client on a day: every open invoice with what is open of it as the
claim ledger has it on that day (principal, costs, VAT on costs, interest accrued to that day),
aged in buckets by days past due (:mod:`shared.domain.ageing`), as JSON or CSV.

What it reads, whatever the client's size, in bounded queries of the client's own partitions
(a page per 1,000 rows each; nothing per invoice, nothing per debtor):

1. ``Invoices``: the client's invoice rows (every invoice: a debtor's closed claims share the
   costs of a notice with his open ones, art. 6:96 lid 7 BW);
2. ``Debtors``: the rows of the debtors with something open (one key-range read);
3. ``Ledger``: the client's whole partition (:meth:`LedgerRepository.read_client`: a header
   and an event row per change of each claim);
4. ``PaymentPlans`` and ``PlanInvoices``: the client's plans (the parts they book) and the
   invoices a running plan holds.

The replay of the debtors' claims is CPU in the process (cached per claim and day). Measured
on Azurite (2 shared CPUs): 10,002 open invoices of 3,334 debtors, 477 of them with a payment,
16 queries (11 of them the invoice pages), 1.7 to 3.1 s, 1.2 to 1.7 s of it CPU; a ledger
with a claim header and event row per invoice adds a page per 500 claims. A debtor without an
open invoice is not replayed.

The list is of the invoices open now (open, partially paid, disputed), dated on or before the
day: credited, withdrawn and paid invoices are not on it. Their figures are those of the day
asked for (the ledger's events after it are not yet in them), so a day in the past ages today's
open invoices as they stood then; it does not bring back an invoice paid since."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.plans_repo import PLAN_INVOICES, PlanRepository
from shared.domain.ageing import OpenItem, OpenItems, open_items, status_of
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.money import format_cents
from shared.domain.parties import Client
from shared.domain.plans.plan import PaymentPlan
from shared.domain.spreadsheet import csv_cell
from shared.ports.tables import all_rows
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories

# the furthest day ahead asked for: a forecast further out ages nothing usefully, and the
# interest's year-by-year schedule runs out of calendar near the year 9999
MAX_DAYS_AHEAD = 366
LISTED = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.DISPUTED)
CSV_COLUMNS = (
    "debtor", "debtor_name", "invoice", "invoice_date", "due_date", "days_overdue", "bucket",
    "principal", "costs", "costs_vat", "interest", "total", "status",
)  # fmt: skip


@dataclass(frozen=True)
class OpenItemsService:
    repos: Repositories
    ledger: LedgerService

    def report(self, client: Client, on: date) -> OpenItems:
        cid = client.client_id
        by_debtor = self._debtors_with_listed(cid, on)
        wanted = {d: [i for i in group if _listed(i, on)] for d, group in by_debtor.items()}
        if not wanted:
            return open_items(on, [])
        debtors = self.repos.debtors.get_many(cid, sorted(wanted))
        ledger = self.ledger.ledger.read_client(cid, only=wanted.keys())
        plans: dict[str, PaymentPlan | None] = {
            p.plan_id: p for p in PlanRepository(self.repos.store).of_client(cid)
        }
        on_plan = {
            decode(row.rk) for row in all_rows(self.repos.store, PLAN_INVOICES, pk=encode(cid))
        }
        items: list[OpenItem] = []
        for number, group in wanted.items():
            found = debtors.get(number)
            debtor = found[0] if found else None
            claims = self.ledger.debtor_claims(
                client, number, debtor, by_debtor[number],
                ledger_rows=ledger.get(number, ({}, [])), plans=plans,
            )  # fmt: skip
            figures = self.ledger.figures(claims, on)
            paused = debtor is not None and debtor.pause is not None and debtor.pause.active_on(on)
            for inv in group:
                fig = figures.get(inv.number)
                if fig is None or fig.open.total <= 0:
                    continue
                items.append(
                    OpenItem(
                        debtor_number=number,
                        debtor_name=debtor.name if debtor else "",
                        invoice_number=inv.number,
                        invoice_date=inv.invoice_date,
                        due_date=inv.due_date,
                        days_overdue=(on - inv.due_date).days,
                        open=fig.open,
                        status=status_of(
                            inv, on, on_plan=inv.number in on_plan, debtor_paused=paused
                        ),
                    )
                )
        return open_items(on, items)

    def _debtors_with_listed(self, client_id: str, on: date) -> dict[str, list[Invoice]]:
        """Every invoice of each debtor with an invoice on the list (his closed ones too: they
        share a notice's costs), page by page. The rows come debtor by debtor (their keys are
        ``i|<debtor>|<invoice>``), so a debtor with nothing on the list is let go as soon as
        his rows end: what is kept is the open debtors' invoices, not the client's."""
        out: dict[str, list[Invoice]] = {}
        group: list[Invoice] = []
        token: str | None = None
        while True:
            page, token = self.repos.invoices.list(client_id, page_size=1000, continuation=token)
            for inv in page:
                if group and inv.debtor_number != group[0].debtor_number:
                    _keep(out, group, on)
                    group = []
                group.append(inv)
            if not token:
                _keep(out, group, on)
                return out


def _listed(invoice: Invoice, on: date) -> bool:
    return invoice.status in LISTED and invoice.invoice_date <= on


def _keep(out: dict[str, list[Invoice]], group: list[Invoice], on: date) -> None:
    if any(_listed(i, on) for i in group):
        out[group[0].debtor_number] = group


def to_csv(report: OpenItems) -> str:
    """One row per open invoice (the totals are sums of these rows): ISO dates, amounts in
    euros with a decimal point, names escaped so a spreadsheet never runs one as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for i in report.items:
        o = i.open
        writer.writerow([
            csv_cell(i.debtor_number), csv_cell(i.debtor_name), csv_cell(i.invoice_number),
            i.invoice_date.isoformat(), i.due_date.isoformat(), i.days_overdue, i.bucket,
            format_cents(o.principal), format_cents(o.costs), format_cents(o.costs_vat),
            format_cents(o.interest), format_cents(o.total), i.status.value,
        ])  # fmt: skip
    return out.getvalue()
