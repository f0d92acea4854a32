"""The local host's worker pool is sized as the Python worker sizes its own."""

from __future__ import annotations

import os
import threading

from tools.devhost.workers import WorkerPool, pool_size


def test_default_is_pythons_thread_pool_default() -> None:
    assert pool_size({}) == min(32, (os.cpu_count() or 1) + 4)


def test_the_worker_setting_wins_when_valid() -> None:
    assert pool_size({"PYTHON_THREADPOOL_THREAD_COUNT": "3"}) == 3
    assert pool_size({"PYTHON_THREADPOOL_THREAD_COUNT": "0"}) == pool_size({})
    assert pool_size({"PYTHON_THREADPOOL_THREAD_COUNT": "many"}) == pool_size({})


def test_no_more_invocations_at_once_than_the_pool_holds() -> None:
    pool = WorkerPool(2)
    lock = threading.Lock()
    running = peak = 0
    gate = threading.Event()

    def work() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        gate.wait(0.05)
        with lock:
            running -= 1

    callers = [threading.Thread(target=pool.call, args=(work,)) for _ in range(8)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    pool.shutdown()
    assert peak == 2
