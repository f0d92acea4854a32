"""The local host: index the app once, then serve HTTP, listen to queues, run timers and
blob triggers, until stopped."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from azure.functions.queue import QueueMessage
from azure.functions.timer import TimerRequest
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from tools.devhost.blobs import BlobPath, BlobWatcher, blob_input, dispatcher, host_queue
from tools.devhost.config import HostConfig, connection_string, resolve
from tools.devhost.http_server import HostHttpServer, http_function
from tools.devhost.index import FunctionSpec, IndexError_, index, load_app
from tools.devhost.invoke import invoke
from tools.devhost.ncrontab import Schedule
from tools.devhost.pooling import PooledTransport
from tools.devhost.queues import QueueListener, QueueSender
from tools.devhost.timers import ScheduleMonitor, TimerRunner
from tools.devhost.workers import WorkerPool

log = logging.getLogger("devhost")
SUPPORTED_OUTPUTS = {"queue"}


class LocalHost:
    def __init__(
        self,
        script: Path,
        config: HostConfig,
        *,
        port: int = 7071,
        bind: str = "127.0.0.1",
        blob_scan_interval: float = 1.0,
    ) -> None:
        self.config = config
        self.host_id = os.environ.get("AzureFunctionsWebHost__hostid", "inning-local")
        self.specs = {s.name: s for s in index(load_app(script))}
        self._check_bindings()
        self.port = port
        self.bind = bind
        self.blob_scan_interval = blob_scan_interval
        self._senders: dict[str, QueueSender] = {}
        self._listeners: list[QueueListener] = []
        self._timers: dict[str, TimerRunner] = {}
        self._watcher: BlobWatcher | None = None
        self._server: HostHttpServer | None = None
        self._blobs: BlobServiceClient | None = None
        self.workers = WorkerPool()  # every invocation, whatever its trigger, runs here

    # -- indexing ----------------------------------------------------------------------------
    def _check_bindings(self) -> None:
        for spec in self.specs.values():
            for out in spec.outputs:
                if out.type not in SUPPORTED_OUTPUTS:
                    raise IndexError_(
                        f"{spec.name}: output binding {out.type} is not supported locally"
                    )

    def enabled(self, spec: FunctionSpec) -> bool:
        return os.environ.get(f"AzureWebJobs.{spec.name}.Disabled", "").lower() != "true"

    # -- plumbing ----------------------------------------------------------------------------
    def sender(self, connection: str | None) -> QueueSender:
        conn = connection_string(connection)
        if conn not in self._senders:
            self._senders[conn] = QueueSender(
                QueueServiceClient.from_connection_string(
                    conn, transport=PooledTransport(self._connections())
                ),
                self.config.queues.message_encoding,
            )
        return self._senders[conn]

    def _connections(self) -> int:
        """Listeners, timers and the blob watcher share a client per service: a connection for
        each listener's poll and each message in flight, so none is opened only to be dropped."""
        listeners = 1 + sum(1 for s in self.specs.values() if s.kind == "queueTrigger")
        options = self.config.queues
        return listeners * (1 + options.batch_size + options.new_batch_threshold)

    def blobs(self) -> BlobServiceClient:
        if self._blobs is None:
            self._blobs = BlobServiceClient.from_connection_string(
                connection_string(None), transport=PooledTransport(self._connections())
            )
        return self._blobs

    def run(self, spec: FunctionSpec, value: Any) -> Any:
        outcome = self.workers.call(
            invoke, spec, value, timeout=self.config.function_timeout, name=spec.name
        )
        for out in spec.outputs:
            produced = outcome.outputs.get(out.name)
            if produced is not None:
                queue = resolve(str(out.attrs["queueName"]))
                self.sender(out.attrs.get("connection")).send(queue, produced)
        return outcome.result

    def _caller(self, spec: FunctionSpec) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            self.run(spec, value)

        return call

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        specs = [s for s in self.specs.values() if self.enabled(s)]
        http = [
            http_function(s, self.config.route_prefix) for s in specs if s.kind == "httpTrigger"
        ]
        http.sort(key=lambda f: ("{*" in f.route.template, -len(f.route.template)))
        blob_handlers: dict[str, Any] = {}
        watched: dict[str, BlobPath] = {}
        for spec in specs:
            if spec.kind == "queueTrigger":
                queue = resolve(str(spec.trigger.attrs["queueName"]))
                listener = QueueListener(
                    queue,
                    self.sender(spec.trigger.attrs.get("connection")),
                    self.config.queues,
                    self._caller(spec),
                    label=spec.name,
                )
                self._listeners.append(listener)
            elif spec.kind == "timerTrigger":
                monitor = None
                if spec.trigger.attrs.get("useMonitor", True):
                    monitor = ScheduleMonitor(self.blobs(), self.host_id)
                self._timers[spec.name] = TimerRunner(
                    spec.name,
                    Schedule.parse(resolve(str(spec.trigger.attrs["schedule"]))),
                    self._caller(spec),
                    monitor,
                    run_on_startup=bool(spec.trigger.attrs.get("runOnStartup", False)),
                )
            elif spec.kind == "blobTrigger":
                watched[spec.name] = BlobPath.parse(resolve(str(spec.trigger.attrs["path"])))
                blob_handlers[spec.name] = self._caller(spec)
        if watched:
            sender = self.sender(None)
            self._watcher = BlobWatcher(
                self.blobs(), sender, self.host_id, watched, self.blob_scan_interval
            )
            handle = dispatcher(self.blobs(), blob_handlers)
            self._listeners.append(
                QueueListener(
                    host_queue(self.host_id),
                    sender,
                    self.config.queues,
                    lambda msg: handle(msg.get_body()),
                    label="blob trigger",
                    poison_queue="webjobs-blobtrigger-poison",
                )
            )
        self._server = HostHttpServer((self.bind, self.port), http, self.admin, self.run)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="http", daemon=True).start()
        for listener in self._listeners:
            listener.start()
        for timer in self._timers.values():
            timer.start()
        if self._watcher:
            self._watcher.start()
        log.info(
            "local host listening on %s:%d with %d functions, %d worker threads",
            self.bind,
            self.port,
            len(specs),
            self.workers.size,
        )

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        if self._watcher:
            self._watcher.stop()
        for timer in self._timers.values():
            timer.stop()
        for listener in self._listeners:
            listener.request_stop()
        for listener in self._listeners:
            listener.stop()
        self.workers.shutdown()

    @property
    def url(self) -> str:
        return f"http://{self.bind}:{self.port}"

    # -- admin -------------------------------------------------------------------------------
    def admin(self, name: str, payload: str, wait: bool) -> tuple[int, dict[str, Any]]:
        spec = self.specs.get(name)
        if spec is None:
            return 404, {"error": f"no function named {name}"}
        if spec.kind == "httpTrigger":
            return 400, {"error": f"{name} is an HTTP function; call its route"}
        invocation = str(uuid.uuid4())

        def work() -> None:
            if spec.kind == "timerTrigger" and name in self._timers:
                if not self._timers[name].fire(past_due=False):
                    raise RuntimeError(f"timer {name} failed; see the host log")
                return
            if spec.kind == "timerTrigger":
                self.run(spec, TimerRequest(past_due=False))
            elif spec.kind == "queueTrigger":
                message = QueueMessage(  # type: ignore[no-untyped-call]
                    id=invocation, body=payload.encode(), dequeue_count=1
                )
                self.run(spec, message)
            elif spec.kind == "blobTrigger":
                container, _, blob = payload.partition("/")
                stream = blob_input(self.blobs(), container, blob)
                if stream is None:
                    raise FileNotFoundError(f"blob {payload} not found")
                self.run(spec, stream)
            else:
                raise ValueError(f"{spec.kind} cannot be run from the admin endpoint")

        if not wait:
            threading.Thread(target=self._logged, args=(name, work), daemon=True).start()
            return 202, {"id": invocation}
        try:
            work()
        except Exception as exc:
            log.exception("admin run of %s failed", name)
            return 500, {"id": invocation, "status": "failed", "error": str(exc)}
        return 200, {"id": invocation, "status": "succeeded"}

    @staticmethod
    def _logged(name: str, work: Any) -> None:
        try:
            work()
        except Exception:
            log.exception("admin run of %s failed", name)
