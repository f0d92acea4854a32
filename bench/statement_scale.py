"""Statement booking against Azurite at two portfolio sizes, through the real service.

A client's open invoices are seeded the way the invoice repository writes them (both invoice
copies and the matching index rows), with debtors and learned payer accounts; statement files
are generated from the labelled set (bench/statement_labels.py), so lines look like what banks
send: references, numbers, known payers, partial and combined payments, unrelated credits.

- cost per line: the same 20-line shape against a large and a small portfolio; storage
  requests per line (all of them: claiming the line, matching, booking, settling) and the
  matching lookups alone, wall time, and the ratios large/small;
- end to end: one file of many lines dropped in the inbox blob container, read back and booked
  (blob in -> payments stored), wall time and the process's peak memory.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.statement_labels import DAY, Portfolio, labelled_lines, portfolio
from bench.statement_requests import RequestSites
from bench.table_seed import RawBatchWriter
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables import schema
from shared.adapters.tables.banking_repo import LEARNED_IBANS, AccountOwner
from shared.adapters.tables.codec import put_json
from shared.adapters.tables.invoices_repo import InvoiceRepository
from shared.adapters.tables.keys import encode
from shared.adapters.tables.ledger_digest import DIGEST_RK as LEDGER_DIGEST_RK
from shared.adapters.tables.ledger_repo import LEDGER, ClaimHeader, ClaimWrite, LedgerRepository
from shared.adapters.tables.match_index_repo import (
    BUILT,
    MATCH_INDEX,
    VERSION,
    amount_key,
    copy_row,
    index_rows,
)
from shared.adapters.tables.payer_digest import PayerDigest
from shared.adapters.tables.payer_digest import to_row as payer_digest_row
from shared.adapters.tables.search_repo import CONSOLE_SEARCH
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.invoices import Invoice
from shared.domain.parties import Agency, Client, Debtor, DebtorKind
from shared.domain.references import iban as iban_check
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.ports.tables import Row, prefix_range
from shared.services.statements import INBOX
from shared.settings import Settings

AGENCY = "bench-agency"


def _account(n: int) -> str:
    return iban_check.build("NL", f"ABNA{n:010d}")


def _services(connection: str) -> Any:
    settings = Settings.from_env({"AzureWebJobsStorage": connection})
    clock = FixedClock(datetime(2025, 6, 2, 8, 0, tzinfo=UTC))
    return build_services(settings, clock=clock, queues=InMemoryQueueSender(), senders={})


SEED_CHUNK = 10_000  # invoices built and written at a time


def seed(
    services: Any, client_id: str, account: str, book: Portfolio, writer: RawBatchWriter
) -> Client:
    """One client owning ``account``, with the portfolio's debtors, open invoices (both rows
        the invoice repository writes), their matching-index rows (with their debtors' names and kinds, as an index built by version 2
    does) and the payer accounts learned
        from earlier payments: written straight to the tables in batches (bench/table_seed.py)."""
    repos = services.repos
    if repos.agencies.get(AGENCY) is None:
        repos.agencies.save(Agency(AGENCY, "Bench agency"))
    client = Client(client_id, AGENCY, client_id, f"Client {client_id}", ibans=(account,))
    repos.clients.save(client, new=True)
    repos.banking.claim_account(AccountOwner(account, AGENCY, client_id))
    names = {i.debtor: i.debtor_name for i in book.invoices}
    debtors = {n: Debtor(client_id, n, DebtorKind.B2B, name) for n, name in names.items()}
    writer.insert_all(
        schema.DEBTORS, (repos.debtors.write_op(d, None).row for d in debtors.values())
    )
    indexed = 0
    for start in range(0, len(book.invoices), SEED_CHUNK):  # a chunk at a time: memory flat
        invoice_rows: list[Row] = []
        index_rows_: list[Row] = []
        for o in book.invoices[start : start + SEED_CHUNK]:
            inv = Invoice(
                client_id,
                o.number,
                o.debtor,
                (o.due_date or DAY) - timedelta(days=30),
                o.due_date or DAY,
                o.open_amount,
                payment_reference=o.payment_reference,
            )
            invoice_rows += [op.row for op in InvoiceRepository.write_ops(inv, None)]
            index_rows_ += index_rows(inv, debtors[o.debtor]).values()
        writer.insert_all(schema.INVOICES, invoice_rows)
        writer.insert_all(MATCH_INDEX, index_rows_)
        indexed += len(index_rows_)
    repos.store.upsert(
        MATCH_INDEX, Row(encode(client_id), BUILT, {"Rows": indexed, "Version": VERSION})
    )
    repos.store.upsert(CONSOLE_SEARCH, copy_row(client_id))  # the marker's copy (perf31)
    # every second debtor has a ledger: a claim header on its first invoice, as an import
    # with dates or an earlier payment leaves one (empty here: no figure, so no booking,
    # changes), and the digest of ledger debtors as the ledger's writes would have kept it.
    # The other half is what a debtor the ledger never saw costs (ledger_digest)
    first: dict[str, str] = {}
    for o in book.invoices:
        first.setdefault(o.debtor, o.number)
    with_ledger = sorted(debtors)[::2]
    writer.insert_all(
        LEDGER,
        (
            op.row
            for d in with_ledger
            for op in LedgerRepository.write_ops(
                ClaimWrite(ClaimHeader(client_id, d, first[d]), ())
            )
        ),
    )
    ledger_seen = PayerDigest(frozenset(), built=True, full=False).adding(with_ledger)
    repos.store.upsert(
        LEDGER,
        Row(encode(client_id), LEDGER_DIGEST_RK, payer_digest_row(client_id, ledger_seen).data),
    )
    writer.insert_all(
        LEARNED_IBANS,
        (
            Row(encode(client_id), encode(iban), {"Debtors": put_json(sorted(ds))})
            for iban, ds in book.learned.items()
        ),
    )
    # the digest of the learned accounts, as the learnings that wrote them would have kept it
    digest = PayerDigest(frozenset(), built=True, full=False).adding(book.learned)
    repos.store.upsert(LEARNED_IBANS, payer_digest_row(client_id, digest))
    return client


def statement_file(
    book: Portfolio, rng: random.Random, account: str, lines: int, sid: str
) -> bytes:
    # exactly ``lines`` lines of the seeded invoices: the short-number pairs labelled_lines adds
    # for the matching benchmark (at least 120 lines, of invoices never seeded) made a
    # "20-line" file 140 lines, 120 of them unmatched, and moved the rng of the files after it
    labelled = labelled_lines(rng, book, lines, short_numbers=False)
    out = [
        OutLine(
            DAY,
            line.amount,
            line.remittance or "",
            line.counterparty_iban,
            line.counterparty_name,
            end_to_end_id=f"E2E-{sid}-{n}",
        )
        for n, (line, _) in enumerate(labelled)
    ]
    text = write_mt940(account, out, opening=0, opening_date=DAY, statement_id=sid)
    return text.encode()


class _LookupCounter:
    """Counts the matching index and learned-account reads among all requests."""

    def __init__(self, services: Any) -> None:
        self.count = 0
        self._lock = threading.Lock()
        index = services.repos.invoices.match_index
        banking = services.repos.banking
        for obj, names in (
            (index, ("by_reference", "by_tail", "of_debtor", "by_amount")),
            (banking, ("known_payers",)),
        ):
            for name in names:
                setattr(obj, name, self._wrap(getattr(obj, name)))

    def _wrap(self, fn: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.count += 1
            return fn(*args, **kwargs)

        return counted


def _ingest(
    services: Any,
    counter: _LookupCounter,
    name: str,
    data: bytes,
    sites: RequestSites | None = None,
) -> dict[str, Any]:
    store = services.repos.store
    requests, lookups = store.requests, counter.count
    by_site = sites.snapshot() if sites else None
    began, cpu = time.perf_counter(), _cpu_seconds()
    report = services.statements.ingest(name, data)
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": _cpu_seconds() - cpu,
        "sites": (sites.snapshot() - by_site) if sites and by_site is not None else None,
        "requests": store.requests - requests,
        "lookups": counter.count - lookups,
        "lines": report.lines,
        "booked": report.booked,
        "suggested": report.suggested,
        "unmatched": report.unmatched,
    }


def _cpu_seconds() -> float:
    """This process's CPU (the prefetch's threads included; Azurite runs in a process of
    its own): what a line costs in Inning's code and the SDK, whatever the load, where the
    wall time is mostly Azurite's and the other processes' (issue #13: 6 ms a line)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def _seeded(connection: str, sizes: dict[str, int]) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """Each portfolio seeded once, straight to the tables; the seed's batched inserts are
    Azurite's raw write ceiling (rows a second), measured in the same run."""
    services = _services(connection)
    writer = RawBatchWriter(connection)
    books: dict[str, Any] = {}
    out: dict[str, Any] = {}
    began = time.perf_counter()
    for n, (label, size) in enumerate(sizes.items(), start=1):
        book = portfolio(random.Random(size), size, max(100, size // 5))
        before = writer.requests
        seed(services, f"scale-{label}", _account(n), book, writer)
        books[label] = (book, _account(n))
        out[f"seed_requests_{label}"] = writer.requests - before
    seconds = time.perf_counter() - began
    out["seed_seconds"] = round(seconds, 1)
    out["seed_rows"] = writer.rows
    out["azurite_batched_rows_per_second"] = round(writer.rows / seconds)
    return services, books, out


def _floor(services: Any, books: dict[str, Any], repeat: int = 20) -> dict[str, Any]:
    """What Azurite itself costs at each size, without Inning: the index's range read (an
    amount, the lookup every line makes) and a point read, straight through the SDK, best of
    ``repeat``. Azurite answers a range read by testing every row of the table (LokiJS
    ``where``), where Table Storage reads the partition's key order: so this part grows with
    the portfolio on this machine only."""
    store = services.repos.store
    out: dict[str, Any] = {}
    keys = {
        label: (encode(f"scale-{label}"), amount_key(book.invoices[0].open_amount))
        for label, (book, _) in books.items()
    }
    ranged: dict[str, list[float]] = {label: [] for label in books}
    point: dict[str, list[float]] = {label: [] for label in books}
    for _ in range(repeat):
        for label, (client, amount) in keys.items():  # alternating: the load falls on both
            began = time.perf_counter()
            store.query(
                MATCH_INDEX, pk=client, rk_range=prefix_range(f"a|{amount}|"), page_size=200
            )
            ranged[label].append(time.perf_counter() - began)
            began = time.perf_counter()
            store.get(MATCH_INDEX, client, BUILT)
            point[label].append(time.perf_counter() - began)
    for label in books:
        out[f"azurite_range_read_ms_{label}"] = round(min(ranged[label]) * 1000, 2)
        out[f"azurite_point_read_ms_{label}"] = round(min(point[label]) * 1000, 2)
    out["azurite_range_read_ratio_large_to_small"] = round(
        out["azurite_range_read_ms_large"] / out["azurite_range_read_ms_small"], 2
    )
    return out


def _reads_by_kind(by_site: dict[str, float], label: str) -> dict[str, Any]:
    """Range and point reads a line, from the requests by site: on Azurite a range read tests
    every row of its table (see _floor), a point read does not, so the range reads are the
    part of a line's time that grows with the portfolio. The range reads also by table: what
    one costs there is what its table holds (``MatchIndex`` three rows an open invoice,
    ``Invoices`` two an invoice, ``Ledger`` and ``LearnedIbans`` far fewer; stmt33)."""
    kinds: dict[str, float] = {}
    tables: dict[str, float] = {}
    for site, per_line in by_site.items():
        table, kind = site.split(" ")[:2]
        kinds[kind] = kinds.get(kind, 0.0) + per_line
        if kind == "query":
            tables[table] = tables.get(table, 0.0) + per_line
    return {
        f"range_reads_per_line_{label}": round(kinds.get("query", 0.0), 2),
        f"point_reads_per_line_{label}": round(kinds.get("get", 0.0), 2),
        f"range_reads_per_line_by_table_{label}": {
            t: round(n, 2) for t, n in sorted(tables.items(), key=lambda kv: (-kv[1], kv[0]))
        },
    }


def cost_per_line(
    services: Any, books: dict[str, Any], lines: int = 20, only: str | None = None
) -> dict[str, Any]:
    """``only``: book that size's files alone (the other's are drawn all the same, so that
    each file is the one the two-size run books)."""
    counter = _LookupCounter(services)
    sites = RequestSites(services.repos.store)
    rng = random.Random(20261130)
    out: dict[str, Any] = {"file_lines": lines}
    runs: dict[str, list[dict[str, Any]]] = {}
    for round_ in range(3):  # alternate, so that neither size has the warmer caches
        for label in ("small", "large"):
            book, account = books[label]
            data = statement_file(book, rng, account, lines, f"R{round_}{label}")
            name = f"{AGENCY}/{label}-{round_}.sta"
            if only in (None, label):
                runs.setdefault(label, []).append(_ingest(services, counter, name, data, sites))
    for label, results in runs.items():
        best = min(results, key=lambda r: r["seconds"])
        total_lines = sum(r["lines"] for r in results)
        out[f"seconds_{label}"] = round(best["seconds"], 3)
        out[f"requests_per_line_{label}"] = round(
            sum(r["requests"] for r in results) / total_lines, 2
        )
        out[f"lookups_per_line_{label}"] = round(
            sum(r["lookups"] for r in results) / total_lines, 2
        )
        out[f"booked_{label}"] = sum(r["booked"] for r in results)
        out[f"cpu_ms_per_line_{label}"] = round(
            sum(r["cpu_seconds"] for r in results) * 1000 / total_lines, 2
        )
        spent: Counter[str] = sum((r["sites"] for r in results), Counter())
        out[f"requests_per_line_by_site_{label}"] = RequestSites.per_line(
            Counter(), spent, total_lines
        )
        out.update(_reads_by_kind(out[f"requests_per_line_by_site_{label}"], label))
    if only is not None:
        return out
    out["time_ratio_large_to_small"] = round(out["seconds_large"] / out["seconds_small"], 2)
    out["request_ratio_large_to_small"] = round(
        out["requests_per_line_large"] / out["requests_per_line_small"], 2
    )
    return out


def small_client(connection: str, scale: float) -> dict[str, Any]:
    """The small client's 20-line files of ``statement_scale`` at ``scale``, alone: the same
    files (the large client's are drawn in between and not booked) against its portfolio
    alone in Azurite. Its requests do not depend on the other client (whose rows are in other
    partitions), so scale 1's small client, over the goal of 5 requests a line, is counted in
    seconds where the two-size run takes 20 to 35 minutes. Times are not comparable with the
    two-size run's (Azurite's tables hold the small client's rows only)."""
    large = max(2_000, int(200_000 * scale))
    small = max(200, large // 100)
    services = _services(connection)
    writer = RawBatchWriter(connection)
    book = portfolio(random.Random(small), small, max(100, small // 5))
    seed(services, "scale-small", _account(2), book, writer)
    books = {  # the accounts as _seeded gives them (large first)
        "large": (portfolio(random.Random(large), large, max(100, large // 5)), _account(1)),
        "small": (book, _account(2)),
    }
    head: dict[str, Any] = {"portfolio_small": small, "portfolio_large_drawn_only": large}
    return head | cost_per_line(services, books, only="small")


def end_to_end(connection: str, books: dict[str, Any], lines: int) -> dict[str, Any]:
    """One file of ``lines`` lines against the large portfolio, blob in -> payments stored,
    in a fresh process (as a Functions worker would take it): its peak memory is the
    booking's, not the seed's."""
    book, account = books["large"]
    data = statement_file(book, random.Random(7), account, lines, "E2E")
    name = f"{AGENCY}/e2e.sta"
    _services(connection).files.put(INBOX, name, data)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from bench.statement_scale import _e2e_child; _e2e_child({name!r})",
        ],
        env={**os.environ, "AzureWebJobsStorage": connection},
        capture_output=True,
        text=True,
        check=True,
    )
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    seconds = child["seconds"]
    return {
        "e2e_invoices": len(book.invoices),
        "e2e_lines": lines,
        "e2e_seconds": round(seconds, 2),
        "e2e_lines_per_second": round(lines / seconds, 1),
        "e2e_seconds_per_10000_lines": round(seconds * 10_000 / lines, 1),
        "e2e_requests_per_line": round(child["requests"] / max(1, child["lines"]), 2),
        "e2e_lookups_per_line": round(child["lookups"] / max(1, child["lines"]), 2),
        "e2e_requests_per_line_by_site": child["by_site"],
        **_reads_by_kind(child["by_site"], "e2e"),
        "e2e_booked": child["booked"],
        "e2e_suggested": child["suggested"],
        "e2e_unmatched": child["unmatched"],
        "e2e_cpu_seconds": child["cpu_seconds"],
        "e2e_peak_rss_mb": child["peak_rss_mb"],
        "e2e_peak_rss_mb_before": child["rss_mb_before"],
    }


def _e2e_child(name: str) -> None:
    """The worker's side: read the blob, book it, print what it cost."""
    services = _services(os.environ["AzureWebJobsStorage"])
    counter = _LookupCounter(services)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    blob = services.files.get(INBOX, name)  # blob in, as the trigger reads it
    sites = RequestSites(services.repos.store)
    profile_to = os.environ.get("STATEMENT_SCALE_PROFILE")  # a path: where the CPU went
    if profile_to:  # the prefetch's threads made in the profiled thread (cProfile sees one)
        import cProfile

        from shared.services import statements_window

        vars(statements_window)["ThreadPoolExecutor"] = _Serial

        # CPU, not wall time: the wall is mostly the wait on Azurite and the machine's load
        with cProfile.Profile(time.process_time) as profiler:
            result = _ingest(services, counter, name, blob or b"", sites)
        profiler.dump_stats(profile_to)
    else:
        result = _ingest(services, counter, name, blob or b"", sites)
    spent = result.pop("sites") or Counter()
    result["by_site"] = RequestSites.per_line(Counter(), spent, max(1, result["lines"]))
    result["seconds"] = time.perf_counter() - began
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = used.ru_utime + used.ru_stime - start.ru_utime - start.ru_stime
    result["cpu_seconds"] = round(cpu, 2)  # the rest of the wall time: waiting on storage
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["rss_mb_before"] = round(before, 1)
    print(json.dumps(result))


class _Serial:
    """A thread pool of no threads, for the profile: the same work, in the calling thread."""

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Any, *items: Any) -> Any:
        return map(fn, *items)


def run(connection: str, scale: float) -> dict[str, Any]:
    """Issue #13's storage figures in one run: 200,000 open invoices against 2,000 (scale 1),
    Azurite's own floor at both sizes, and one file booked end to end."""
    large = max(2_000, int(200_000 * scale))
    small = max(200, large // 100)
    services, books, out = _seeded(connection, {"large": large, "small": small})
    head: dict[str, Any] = {"benchmark": "statement_scale"}
    out = head | {"portfolio_large": large, "portfolio_small": small} | out
    out.update(_floor(services, books))
    out.update(cost_per_line(services, books))
    out["time_ratio_vs_azurite_range_read_ratio"] = round(
        out["time_ratio_large_to_small"] / out["azurite_range_read_ratio_large_to_small"], 2
    )
    lines = int(os.environ.get("STATEMENT_SCALE_E2E_LINES") or max(200, int(E2E_LINES * scale)))
    out.update(end_to_end(connection, books, lines))
    out.update(bounds_per_10000(out))
    return out


def bounds_per_10000(out: dict[str, Any]) -> dict[str, float]:
    """What 10,000 lines would cost at the end-to-end file's rates from either side alone:
    the booking process's CPU, and Azurite's range reads at the large portfolio's measured
    cost (each tests every row of its table, see _floor). The goal's 60 s is out of reach
    while either one exceeds it, whatever the booking overlaps."""
    lines = max(1, out["e2e_lines"])
    return {
        "e2e_cpu_seconds_per_10000_lines": round(out["e2e_cpu_seconds"] * 10_000 / lines, 1),
        "e2e_azurite_range_seconds_per_10000_lines": round(
            out["range_reads_per_line_e2e"] * out["azurite_range_read_ms_large"] * 10, 1
        ),
    }


# 10,000 is the goal's file; Azurite's range reads at 200,000 invoices (see _floor) make that a
# run of hours here, so the file is smaller and the time is also given per 10,000 lines
# (STATEMENT_SCALE_E2E_LINES sets the file's lines, e.g. 1,000 for a closer measure)
E2E_LINES = 300
