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


def test_an_invocation_past_the_function_timeout_fails_as_in_azure(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """failure7 finding 11: host.json's functionTimeout was read and never applied; a slow
    invocation succeeded locally where Azure fails it (and retries or poisons its message)."""
    import time

    import pytest
    from azure.functions.timer import TimerRequest

    from tools.devhost.config import HostConfig
    from tools.devhost.host import LocalHost
    from tools.devhost.workers import FunctionTimeout

    app = tmp_path / "function_app.py"
    app.write_text(
        "import time\n"
        "import azure.functions as func\n"
        "app = func.FunctionApp()\n"
        "@app.function_name('slow')\n"
        "@app.timer_trigger(arg_name='timer', schedule='0 0 5 * * *', run_on_startup=False)\n"
        "def slow(timer: func.TimerRequest) -> None:\n"
        "    time.sleep(2)\n"
    )
    config = HostConfig.from_dict({"version": "2.0", "functionTimeout": "00:00:01"})
    host = LocalHost(app, config)
    started = time.monotonic()
    with pytest.raises(FunctionTimeout, match="functionTimeout"):
        host.run(host.specs["slow"], TimerRequest(past_due=False))
    assert time.monotonic() - started < 1.9  # failed at the timeout, not at the end
    quick = WorkerPool(2)
    assert quick.call(lambda: 7, timeout=1.0) == 7


def test_a_timer_that_timed_out_never_runs_beside_its_next_run(tmp_path):
    """failure8 finding 10: the real host recycles the worker after a timeout; here the failed
    invocation's thread ran on beside the timer's next run."""
    import time

    import pytest
    from azure.functions.timer import TimerRequest

    from tools.devhost.config import HostConfig
    from tools.devhost.host import LocalHost
    from tools.devhost.workers import FunctionTimeout

    log = tmp_path / "log.txt"
    app = tmp_path / "function_app.py"
    app.write_text(
        "import time\n"
        "import azure.functions as func\n"
        "app = func.FunctionApp()\n"
        f"LOG = {str(log)!r}\n"
        "@app.function_name('slow')\n"
        "@app.timer_trigger(arg_name='timer', schedule='0 0 5 * * *', run_on_startup=False)\n"
        "def slow(timer: func.TimerRequest) -> None:\n"
        "    open(LOG, 'a').write(f'start {time.monotonic():.3f}\\n')\n"
        "    time.sleep(1.5)\n"
        "    open(LOG, 'a').write(f'end {time.monotonic():.3f}\\n')\n"
    )
    host = LocalHost(app, HostConfig.from_dict({"version": "2.0", "functionTimeout": "00:00:01"}))
    for _ in range(2):
        with pytest.raises(FunctionTimeout):
            host.run(host.specs["slow"], TimerRequest(past_due=False))
    time.sleep(2)
    events = [line.split() for line in log.read_text().splitlines()]
    assert [kind for kind, _ in events] == ["start", "end", "start", "end"]
