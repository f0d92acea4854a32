"""Client templates rendered in worker processes with a hard time and memory limit.

The domain's budget (``template_budget``) bounds what a template may ask for, but a limit
checked by the same interpreter can be defeated by one long C-level operation that holds the
GIL (the issue's ``7 ** 10000000`` held every thread of the worker, health checks included, for
five seconds). So every render of a client's template (save, preview and the daily run) runs in
a small pool of separate processes:

- a wall-clock limit (``timeout``, 2 s) enforced from outside: the caller waits on a pipe
  (``poll`` releases the GIL, so other requests go on) and kills the worker when it is late;
- an address-space limit (``RLIMIT_AS``, 512 MiB) inside the worker: a huge allocation
  fails there as a ``MemoryError``, and the worker is replaced;
- workers are started once (``spawn``: safe beside the host's threads) and reused, so the
  normal path costs one pipe round trip (see ``make bench``: ``template_render``).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import queue
import threading
from multiprocessing.connection import Connection
from typing import Any

from shared.domain.dunning import template_reasons
from shared.domain.dunning.templates import (
    MessageTemplate,
    RenderedMessage,
    TemplateContext,
    TemplateError,
)

log = logging.getLogger("inning.templates")
DEFAULT_TIMEOUT = 2.0
DEFAULT_MEMORY = 512 * 1024 * 1024
START_TIMEOUT = 60.0  # a cold start on a busy machine; not part of any render's budget


def _serve(conn: Connection, memory_bytes: int) -> None:  # pragma: no cover - in the child
    """The worker's loop: one request at a time, until the pipe closes."""
    import signal

    # A Ctrl-C in the terminal reaches the whole process group: the parent decides when its
    # workers end (it kills them, or the pipe closes), so no worker dies with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the wall-clock limit still holds
    from shared.domain.dunning import templates

    conn.send(("ready",))
    while True:
        try:
            kind, template, context = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if kind == "validate":
                result: Any = templates.validate(template)
            elif kind == "validate_vat":  # the letter of a client that cannot deduct VAT
                result = templates.validate(template, vat_not_deductible=True)
            else:
                result = templates.render(template, context)
            conn.send(("ok", result))
        except TemplateError as exc:
            conn.send(("error", exc.part, exc.reason, exc.line))
        except MemoryError:
            conn.send(("fatal", template_reasons.too_much_memory()))
            return  # a worker that ran out of memory is not trusted with the next render
        except Exception as exc:
            said = template_reasons.cannot_render_kind(type(exc).__name__)
            conn.send(("error", "template", said, None))


class _Worker:
    def __init__(self, memory_bytes: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve, args=(child, memory_bytes), daemon=True, name="inning-template"
        )
        self.process.start()
        child.close()
        if not self.conn.poll(START_TIMEOUT) or self.conn.recv() != ("ready",):
            self.kill()
            raise RuntimeError("the template worker did not start")

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        finally:
            self.conn.close()


class IsolatedRenderer:
    """Render and validate templates in worker processes; a callable for the services."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_bytes: int = DEFAULT_MEMORY,
        workers: int = 2,
    ) -> None:
        self.timeout = timeout
        self.memory_bytes = memory_bytes
        self.workers = workers
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._started = 0
        self._lock = threading.Lock()
        atexit.register(self.close)

    def __call__(self, template: MessageTemplate, context: TemplateContext) -> RenderedMessage:
        return self.render(template, context)

    def render(self, template: MessageTemplate, context: TemplateContext) -> RenderedMessage:
        result = self._run("render", template, context)
        assert isinstance(result, RenderedMessage)
        return result

    def validate(
        self, template: MessageTemplate, *, vat_not_deductible: bool = False
    ) -> RenderedMessage:
        result = self._run("validate_vat" if vat_not_deductible else "validate", template, None)
        assert isinstance(result, RenderedMessage)
        return result

    def _take(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            start = self._started < self.workers
            if start:
                self._started += 1
        if start:
            try:
                return _Worker(self.memory_bytes)
            except BaseException:
                with self._lock:
                    self._started -= 1
                raise
        return self._idle.get(timeout=START_TIMEOUT + self.timeout * 4)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._started -= 1

    def _run(self, kind: str, template: MessageTemplate, context: TemplateContext | None) -> Any:
        worker = self._take()
        try:
            worker.conn.send((kind, template, context))
            if not worker.conn.poll(self.timeout):
                self._retire(worker)
                log.warning(
                    "a template render took longer than %.1f s and was stopped", self.timeout
                )
                raise TemplateError("template", template_reasons.too_slow(self.timeout))
            reply = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            raise TemplateError("template", template_reasons.stopped()) from exc
        if reply[0] == "ok":
            self._idle.put(worker)
            return reply[1]
        if reply[0] == "fatal":
            self._retire(worker)
            raise TemplateError("template", reply[1])
        self._idle.put(worker)
        raise TemplateError(reply[1], reply[2], reply[3])

    def close(self) -> None:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            self._retire(worker)


_shared: IsolatedRenderer | None = None
_shared_lock = threading.Lock()


def close_shared() -> None:
    """End this process's workers now (a host that stops), if any were started."""
    with _shared_lock:
        renderer = _shared
    if renderer is not None:
        renderer.close()


def shared_renderer() -> IsolatedRenderer:
    """One pool per process: the API, the preview and the daily run share its workers."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = IsolatedRenderer()
        return _shared
