"""The figures of the console's Today page: a client's open and overdue money with its
ageing, what came in this month, the action list's count per kind, and for an agency its
clients by their last successful dunning run.

Open money, money received and the waiting actions come from the running sums of
:mod:`shared.adapters.tables.figures_repo` (a few small rows per client), counted once from
the invoices and payments the first time a client is shown, and again on request (the recount
button): a 10,000-debtor client is read in one small range query, not invoice by invoice."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from shared.adapters.tables.figures_repo import FiguresRepository, StoredFigures
from shared.clock import Clock, amsterdam_date
from shared.domain.figures.portfolio import Ageing, ageing, month_key
from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.domain.records import ActionStatus
from shared.services.repositories import Repositories

WAITING = (ActionStatus.OPEN, ActionStatus.ASSIGNED)


@dataclass(frozen=True)
class Portfolio:
    ageing: Ageing
    collected_this_month: Cents
    waiting_by_kind: dict[str, int]

    @property
    def open(self) -> Cents:
        return self.ageing.open

    @property
    def overdue(self) -> Cents:
        return self.ageing.overdue


@dataclass(frozen=True)
class ClientRun:
    client: Client
    last_success: datetime | None
    last_run: datetime | None
    last_error: str | None


class ConsoleFigures:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock
        self.figures = FiguresRepository(repos.store)

    def today(self) -> date:
        return amsterdam_date(self.clock.now())

    def _stored(self, client_id: str) -> StoredFigures:
        stored = self.figures.read(client_id)
        if not stored.built:
            self.recount(client_id)
            stored = self.figures.read(client_id)
        return stored

    def portfolio(self, client_id: str) -> Portfolio:
        """Open money by days past due today, what was received this month, and the waiting
        actions per kind (one small range read)."""
        stored = self._stored(client_id)
        today = self.today()
        return Portfolio(
            ageing(stored.open_by_due, today),
            stored.received_by_month.get(month_key(today), 0),
            dict(sorted(stored.waiting_by_kind.items(), key=lambda kv: (-kv[1], kv[0]))),
        )

    def action_counts(self, client_id: str) -> dict[str, int]:
        """Waiting actions (open or assigned) per kind, most first."""
        return self.portfolio(client_id).waiting_by_kind

    def recount(self, client_id: str) -> None:
        """Count the sums again from every open invoice, payment and waiting action."""
        received: Counter[str] = Counter()
        continuation: str | None = None
        while True:
            payments, continuation = self.repos.payments.list(
                client_id, page_size=1000, continuation=continuation
            )
            for p in payments:
                if not p.reversed:
                    received[month_key(p.received_on)] += p.amount
            if not continuation:
                break
        self.figures.rebuild(
            client_id,
            self.repos.invoices.open_invoices(client_id),
            received,
            self._count_waiting(client_id),
        )

    def _count_waiting(self, client_id: str) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for status in WAITING:
            continuation: str | None = None
            while True:
                items, continuation = self.repos.actions.list(
                    client_id, status=status, page_size=1000, continuation=continuation
                )
                counts.update(item.kind for item in items)
                if not continuation:
                    break
        return dict(counts)

    def clients_by_last_run(self, agency_id: str) -> tuple[list[ClientRun], list[ClientRun]]:
        """The agency's clients, active and inactive apart, each by its last successful
        dunning run, oldest first (never succeeded: first of all)."""
        clients: list[Client] = []
        continuation: str | None = None
        while True:
            batch, continuation = self.repos.clients.list_for_agency(
                agency_id, continuation=continuation
            )
            clients.extend(batch)
            if not continuation:
                break
        index = {
            cid: (ok, last, error) for cid, ok, last, error in self.repos.dunning.client_runs()
        }
        runs = [ClientRun(c, *index.get(c.client_id, (None, None, None))) for c in clients]
        runs.sort(
            key=lambda r: (
                r.last_success is not None,
                r.last_success.timestamp() if r.last_success else 0.0,
                r.client.name.lower(),
            )
        )
        return [r for r in runs if r.client.active], [r for r in runs if not r.client.active]
