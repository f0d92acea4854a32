"""The statutory interest rates in force: the shipped table unless a newer, validated version
was uploaded to blob storage; read through a cache, so a rate published on 1 January or 1 July
takes effect without a release.

Versions are blobs ``statutory-rates/v<upload time>.csv``, written once and never overwritten
(the history of what was in force stays readable); the newest valid one is in force. Every
worker re-reads the newest version at most every ``CACHE_SECONDS``.

A deploy that ships a newer table (a half-year row added to ``statutory_rates.csv``) puts it in
force like an upload and restates the same way: the table whose claims were last restated is
remembered (a row of :data:`RESTATED_TABLE`), and :meth:`StatutoryRates.settle` (the daily
rates timer, and every upload) queues the restatement from it to the table now in force when
they differ.

The remembered table is a row of the ``ledger`` restore set, restored with the claims it
describes: kept as a blob (``in-force/<time>.csv``, in no restore set), a restore of the night
before a rate change brought the claims back as booked on the old table while the blob still
named the new one, and no settle restated them again (ops16 #2: F1 kept 10.08 interest where
9.23 is owed). The blobs are read only while no row exists (written before this release)."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from shared.clock import Clock, amsterdam_date
from shared.domain.law.interest_rates import (
    STALE_AFTER_MONTHS,
    RateTable,
    RateTableError,
    completed,
    default_rate_table,
    parse_rate_table,
    rate_table_csv,
    update_errors,
)
from shared.domain.records import ActionItem
from shared.domain.scopes import agency_scope
from shared.ports.files import FileStore
from shared.ports.tables import Row, all_rows
from shared.services.errors import Invalid
from shared.services.repositories import Repositories

log = logging.getLogger("inning.rates")

CONTAINER = "statutory-rates"
CACHE_SECONDS = 600
MAX_UPLOAD_BYTES = 256 * 1024
SHIPPED = "shipped"
UPLOADED = "v"  # the uploaded versions' names: v<upload time>.csv
# the table whose claims were last restated (put in force by an upload or a deploy): one row
# per change in RESTATED_TABLE (partition IN_FORCE, row key the time), the newest one counts;
# a table of the ledger restore set (shared/services/operations/backups.py), so a restore
# brings it back as it was with the claims restated to it
RESTATED_TABLE = "RatesRestated"
IN_FORCE = "in-force"
# where releases before kept it, one blob per change (in-force/<time>.csv): read only while
# RESTATED_TABLE has no row, never written again
REMEMBERED = "in-force/"
# a restatement a deploy's table queues is version shipped-<newest row>-<digest> (its own ledger
# reason, so it is not taken for an upload's restatement of the same claims)
DEPLOYED = "shipped-"
DEPLOY_AUTHOR = "deploy"
# the newest row every release shipped before the table in force was remembered (rates14
# shipped 2026-07-01 in the code): what their claims were booked on, when nothing is remembered
SHIPPED_UNTIL_BEFORE_REMEMBERED = date(2026, 1, 1)


@dataclass(frozen=True)
class RatesInForce:
    table: RateTable
    version: str  # the blob name, or "shipped"
    # an upload's answer: the clients whose restatement it queued (shared.services.rate_restatement)
    clients_queued: int = field(default=0, compare=False)

    def status(self, today: date) -> dict[str, object]:
        newest = self.table.newest.effective_from
        return {
            "version": self.version,
            "newest_rate_from": newest.isoformat(),
            "stale": self.table.is_stale(today),
            "warning": self.table.staleness_warning(today),
        }


class StatutoryRates:
    def __init__(
        self,
        files: FileStore,
        repos: Repositories,
        clock: Clock,
        *,
        shipped: RateTable | None = None,
        cache_seconds: float = CACHE_SECONDS,
        restate: Callable[[RateTable, RateTable, str, str, datetime], int] | None = None,
    ) -> None:
        self.files = files
        self.repos = repos
        self.clock = clock
        self.shipped = shipped or default_rate_table()
        self.cache_for = timedelta(seconds=cache_seconds)
        self._lock = threading.Lock()
        self._cached: tuple[datetime, RatesInForce] | None = None
        # (before, after, version, author, at): the restatement of the claims booked at the
        # rates before queued, one message per client; returns how many
        # (shared.services.rate_restatement)
        self.restate = restate

    # -- reading ------------------------------------------------------------------------------
    def table(self) -> RateTable:
        """The table to compute interest with (what the domain gets as its argument)."""
        return self.in_force().table

    def in_force(self) -> RatesInForce:
        now = self.clock.now()
        with self._lock:
            if self._cached is not None and now - self._cached[0] < self.cache_for:
                return self._cached[1]
        found = self._load()
        with self._lock:
            self._cached = (now, found)
        return found

    def at_least(self, version: str) -> RatesInForce:
        """The table in force, read again when this worker's cache holds one older than
        ``version`` (a restatement queued for ``version`` computes with it, or a newer one)."""
        current = self.in_force()
        if _order(current.version) >= _order(version):
            return current
        found = self._load()
        with self._lock:
            self._cached = (self.clock.now(), found)
        return found

    def _load(self, shipped: RateTable | None = None) -> RatesInForce:
        """The newest valid upload, or the shipped table (``shipped``: another release's)."""
        shipped = shipped or self.shipped
        for name in sorted(self.files.names(CONTAINER, UPLOADED), reverse=True):
            data = self.files.get(CONTAINER, name)
            if data is None:
                continue
            try:
                table = self._checked(data, shipped)
            except Invalid as exc:
                # put there by hand past the checks: keep the last good table, say so loudly
                log.error("statutory rate version %s is unusable: %s", name, exc)
                continue
            return RatesInForce(table, name)
        return RatesInForce(shipped, SHIPPED)

    def _before(self, version: str) -> RateTable:
        """The table that was in force before version ``version`` (the shipped one first)."""
        uploaded = (n for n in self.files.names(CONTAINER, UPLOADED) if n < version)
        for name in sorted(uploaded, reverse=True):
            data = self.files.get(CONTAINER, name)
            if data is None:
                continue
            try:
                return self._checked(data)
            except Invalid:
                continue
        return self.shipped

    def _checked(self, data: bytes, shipped: RateTable | None = None) -> RateTable:
        shipped = shipped or self.shipped
        if len(data) > MAX_UPLOAD_BYTES:
            raise Invalid(
                f"a rate table is at most {MAX_UPLOAD_BYTES // 1024} KiB",
                code="rate_table_size", params={"limit": MAX_UPLOAD_BYTES // 1024},
            )  # fmt: skip
        try:
            table = parse_rate_table(data.decode("utf-8-sig").splitlines())
        except UnicodeDecodeError:
            raise Invalid("a rate table is UTF-8 text", code="rate_table_encoding") from None
        except RateTableError as exc:
            raise Invalid(str(exc), code=exc.code, params=exc.params) from None
        if errors := update_errors(shipped, table):
            raise Invalid("; ".join(errors), code="rate_table_refused", params={"problems": errors})
        return completed(shipped, table)  # a table that starts later keeps older rows

    # -- changing -----------------------------------------------------------------------------
    def upload(self, data: bytes, *, author: str) -> RatesInForce:
        """Validate ``data`` (a CSV like the shipped one) and make it the version in force;
        the restatement of the claims it changes is queued, one message per client
        (``clients_queued`` in the answer). Uploading the table already in force stores
        nothing and queues its restatement again (an upload cut short between storing the
        table and queueing every client); claims restated already do not change. A table a
        deploy put in force whose claims are not restated yet is first (:meth:`settle`):
        uploading the shipped table restates them."""
        table = self._checked(data)
        # not this worker's cache: the version before is the stored one
        settled = self.settle(author=author)
        current = self._load()
        if current.version != SHIPPED and current.table == table:
            queued = 0
            if self.restate is not None:
                before = self._before(current.version)
                queued = self.restate(before, table, current.version, author, self.clock.now())
            return replace(current, clients_queued=queued + settled)
        if table == self.shipped and current.version == SHIPPED:
            return replace(current, clients_queued=settled)
        name = f"{UPLOADED}{self.clock.now():%Y%m%dT%H%M%S%fZ}.csv"
        self.files.put(CONTAINER, name, data, content_type="text/csv")
        log.info("statutory rates %s uploaded by %s (newest %s)", name, author,
                 table.newest.effective_from.isoformat())  # fmt: skip
        found = RatesInForce(table, name)
        with self._lock:
            self._cached = (self.clock.now(), found)
        if self.restate is None:
            self._remember(table)
            return found
        # restated by the queue, not on the claims' next read: a read never writes, and what
        # a payment paid on interest the new table does not give is re-allocated (6:44) only
        # by a restatement; an upload cut short here is finished by uploading the file again
        # (or by the next settle: the table remembered is still the one before)
        queued = self.restate(current.table, table, name, author, self.clock.now())
        self._remember(table)
        return replace(found, clients_queued=queued + settled)

    def settle(self, *, author: str = DEPLOY_AUTHOR) -> int:
        """A table put in force by a deploy (a newer ``statutory_rates.csv``) restates like an
        upload: when the table in force differs from the one whose claims were last restated,
        the restatement from that one to this one is queued (one message per client) and this
        one remembered. The number of clients queued. Run by the daily rates timer and by every
        upload; at-least-once safe: two runs at once, or a crash before remembering, queue the
        same restatement twice, and a claim restated already does not change."""
        current = self._load()
        last, remembered = self._remembered()
        if last == current.table:
            if not remembered:  # guessed, or a blob of a release before: a row from now on
                self._remember(current.table)
            return 0
        queued = 0
        if self.restate is not None:
            version = current.version
            if version == SHIPPED:
                newest = current.table.newest.effective_from.isoformat()
                digest = hashlib.sha256(rate_table_csv(current.table).encode()).hexdigest()[:8]
                version = f"{DEPLOYED}{newest}-{digest}"
            queued = self.restate(last, current.table, version, author, self.clock.now())
        self._remember(current.table)
        log.info("statutory rates in force remembered (%s, newest %s): %d client(s) queued",
                 current.version, current.table.newest.effective_from.isoformat(), queued)  # fmt: skip
        return queued

    def _remembered(self) -> tuple[RateTable, bool]:
        """The table whose claims were last restated, and whether its row remembers it; before
        any row, the newest blob a release before wrote, or the table the releases before
        shipped (with the uploads valid then)."""
        rows = list(all_rows(self.repos.store, RESTATED_TABLE, pk=IN_FORCE))
        for row in reversed(rows):  # key order: the newest last
            try:
                return parse_rate_table(str(row.data.get("Table", "")).splitlines()), True
            except RateTableError as exc:
                log.error("remembered statutory rates %s are unusable: %s", row.rk, exc)
        for name in sorted(self.files.names(CONTAINER, REMEMBERED), reverse=True):
            data = self.files.get(CONTAINER, name)
            if data is None:
                continue
            try:
                return parse_rate_table(data.decode("utf-8").splitlines()), False
            except (UnicodeDecodeError, RateTableError) as exc:
                log.error("remembered statutory rates %s are unusable: %s", name, exc)
        earlier = tuple(
            c for c in self.shipped.changes if c.effective_from <= SHIPPED_UNTIL_BEFORE_REMEMBERED
        )
        return self._load(RateTable(earlier) if earlier else self.shipped).table, False

    def _remember(self, table: RateTable) -> None:
        self.repos.store.upsert(RESTATED_TABLE, Row(IN_FORCE, f"{self.clock.now():%Y%m%dT%H%M%S%fZ}", {
            "Table": rate_table_csv(table),
        }))  # fmt: skip

    # -- the alert ----------------------------------------------------------------------------
    def warning(self) -> str | None:
        """Why the table in force is stale, or None (the watch timer's ``inning.rates.stale``)."""
        return self.in_force().table.staleness_warning(amsterdam_date(self.clock.now()))

    def check(self) -> str | None:
        """When the newest rate is older than seven months: a log warning and, once per stale
        table, an action item on every agency's own list. Returns the warning."""
        rates = self.in_force()
        warning = self.warning()
        if warning is None:
            return None
        newest = rates.table.newest.effective_from.isoformat()
        log.warning("statutory rates stale: newest %s, version %s", newest, rates.version)
        now = self.clock.now()
        for agency_id in self.repos.agencies.ids():
            item = ActionItem(
                agency_scope(agency_id),
                f"statutory-rates-{newest}",  # one item per stale table, however often checked
                "statutory_rates_stale",
                f"Statutory interest rates older than {STALE_AFTER_MONTHS} months (newest "
                f"{newest}): upload the current table (inning rates update, PUT "
                "/api/v1/statutory-rates)",
                now,
                detail={"newest_rate_from": newest, "version": rates.version},
            )
            self.repos.actions.add_once(item)
        return warning


def _order(version: str) -> str:
    """Versions in the order they were put in force (the shipped table before every upload)."""
    return "" if version == SHIPPED or version.startswith(DEPLOYED) else version
