"""The Python worker's thread pool: every synchronous function invocation runs on one pool.

The real worker (azure-functions-python-worker, ``start_threadpool_executor``) builds a
``ThreadPoolExecutor(max_workers=PYTHON_THREADPOOL_THREAD_COUNT)`` and leaves ``max_workers``
as ``None`` when the setting is absent, so Python's default applies: ``min(32, cpu + 4)`` (on
3.11). Connections are accepted by the host's front end regardless; invocations beyond the pool
wait for a thread, as they do in Azure. Running them here the same way keeps local latency
under load honest (neither a thread per request nor one at a time).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

SETTING = "PYTHON_THREADPOOL_THREAD_COUNT"
log = logging.getLogger("devhost")
T = TypeVar("T")


def pool_size(env: Mapping[str, str] | None = None) -> int:
    """``PYTHON_THREADPOOL_THREAD_COUNT`` when it is a positive integer, else Python's own
    ``ThreadPoolExecutor`` default (what the worker gets by passing ``None``)."""
    raw = (os.environ if env is None else env).get(SETTING, "").strip()
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    return min(32, (os.cpu_count() or 1) + 4)


class FunctionTimeout(Exception):
    """An invocation that ran past host.json's ``functionTimeout``."""


class WorkerPool:
    def __init__(self, size: int | None = None) -> None:
        self.size = size or pool_size()
        self._pool = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="worker")
        self._lock = threading.Lock()
        self._timed_out: dict[str, list[Future[Any]]] = {}

    def call(
        self, fn: Callable[..., T], *args: Any, timeout: float | None = None, name: str = ""
    ) -> T:
        """Run ``fn`` on a worker thread and wait for it (exceptions propagate). Past
        ``timeout`` (host.json's ``functionTimeout``) the invocation fails with
        :class:`FunctionTimeout`, as the real host fails it (failure7 finding 11): a queue
        message is retried and reaches poison, a timer run is failed. The real host then
        recycles the worker process, so nothing of the failed invocation runs beside the
        next; a thread cannot be killed, so here the next invocation of the function ``name``
        waits until the failed one has ended (failure8 finding 10: a timer ran twice at once)."""
        self._wait_for_timed_out(name)
        future = self._pool.submit(fn, *args)
        try:
            return future.result(timeout=timeout)
        except TimeoutError:
            if not future.cancel():
                with self._lock:
                    self._timed_out.setdefault(name, []).append(future)
            raise FunctionTimeout(
                f"Timeout value of {timeout:g} s exceeded by the function (host.json "
                "functionTimeout); the invocation failed"
            ) from None

    def _wait_for_timed_out(self, name: str) -> None:
        with self._lock:
            running = [f for f in self._timed_out.pop(name, []) if not f.done()]
        if running:
            log.warning(
                "%s: waiting for its invocation that timed out to end (the real host recycles "
                "the worker; a thread cannot be stopped)",
                name or "function",
            )
        for future in running:
            try:
                future.result()
            except Exception:  # it failed already: only its end matters here
                log.debug("the timed-out invocation ended in an exception", exc_info=True)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
