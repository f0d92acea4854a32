"""Storage requests by call site, for the statement benchmarks.

The store counts every HTTP request at the SDK client (``RequestCounter``); this hooks the same
place and files each request under its table, its kind (point read, range read, write, batch)
and the innermost repository and service functions that sent it, so "requests per line" can be
read as "which code asks for what". A request sent from a worker thread (parallel point reads)
has no caller on its stack: it is filed under the table alone.
"""

from __future__ import annotations

import threading
import traceback
from collections import Counter
from typing import Any
from urllib.parse import unquote, urlparse


def _table_and_kind(request: Any) -> tuple[str, str]:
    if isinstance(request, str):  # the lean client's GET (or $batch POST): its path and query
        url, method = request, "GET"
    else:  # the SDK's pipeline request (writes, batches)
        url, method = request.http_request.url, request.http_request.method
    path = unquote(urlparse(url).path).rsplit("/", 1)[-1]
    if path.startswith("$batch"):
        return "?", "batch"
    table, _, rest = path.partition("(")
    if method == "GET":
        return table, "get" if rest.strip(")") else "query"
    return table, {"POST": "insert", "PUT": "upsert", "MERGE": "merge", "PATCH": "merge"}.get(
        method, method.lower()
    )


def _site() -> tuple[str, str]:
    """(innermost adapter function, innermost service function) on this thread's stack."""
    repo = service = ""
    # the frames' code objects only: no source lines looked up (extract_stack read them,
    # with a stat of every file, and was most of the CPU this count added to the booking)
    for frame, _ in traceback.walk_stack(None):
        code = frame.f_code
        file = code.co_filename.replace("\\", "/")
        if "/shared/adapters/tables/" in file and not file.endswith(
            ("azure.py", "lean.py", "memory.py")
        ):
            repo = repo or f"{file.rsplit('/', 1)[-1][:-3]}.{code.co_name}"
        elif "/shared/services/" in file:
            service = f"{file.rsplit('/', 1)[-1][:-3]}.{code.co_name}"
            break
    return repo, service


class RequestSites:
    """Counts a store's requests by (table, kind, repository call, service call)."""

    def __init__(self, store: Any) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        counter = store.counter
        inner = counter._meter  # the process-wide meter keeps counting as before

        def hook(request: Any) -> None:
            table, kind = _table_and_kind(request)
            repo, service = _site()
            if table == "?" and repo:  # a batch: its table is in the body, its caller here
                table = repo.split(".")[0]
            key = f"{table} {kind} {repo or '-'} <- {service or '(worker thread)'}"
            with self._lock:
                self.counts[key] += 1
            inner(request)

        counter._meter = hook

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)

    @staticmethod
    def per_line(before: Counter[str], after: Counter[str], lines: int) -> dict[str, float]:
        """Requests per line by site, largest first."""
        spent = after - before
        return {
            k: round(v / max(1, lines), 2)
            for k, v in sorted(spent.items(), key=lambda kv: (-kv[1], kv[0]))
        }
