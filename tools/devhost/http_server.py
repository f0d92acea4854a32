"""The host's HTTP front: function routes under the route prefix, and the admin endpoints
``POST /admin/functions/{name}`` (run a non-HTTP function now) and ``GET /admin/host/status``.

Locally, as with Core Tools, function keys are not checked. Segment parameters arrive
URL-decoded in ``route_params``; a catch-all ``{*rest}`` keeps its percent-encoding so that an
encoded ``/`` inside one segment survives."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import azure.functions as func

from tools.devhost.index import FunctionSpec
from tools.devhost.routes import RouteTemplate

log = logging.getLogger("devhost.http")
MAX_REQUEST_BYTES = 100 * 1024 * 1024  # the Functions front end's request limit


@dataclass
class HttpFunction:
    spec: FunctionSpec
    route: RouteTemplate
    methods: frozenset[str] | None
    catch_all: frozenset[str]


class HostHttpServer(ThreadingHTTPServer):
    """One thread per connection reads and writes (the front end's part); the function runs
    on the host's worker pool through ``invoke``."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 made a burst of ~20 new connections overflow the
    # accept queue, and the kernel reset the rest; a front end accepts far more
    request_queue_size = 1024

    def __init__(
        self,
        address: tuple[str, int],
        functions: list[HttpFunction],
        admin: Callable[[str, str, bool], tuple[int, dict[str, Any]]],
        invoke: Callable[[FunctionSpec, Any], Any],
    ) -> None:
        super().__init__(address, _Handler)
        self.functions = functions
        self.admin = admin
        self.invoke = invoke


def http_function(spec: FunctionSpec, prefix: str) -> HttpFunction:
    template = str(spec.trigger.attrs["route"])
    methods = spec.trigger.attrs.get("methods")
    return HttpFunction(
        spec=spec,
        route=RouteTemplate.compile(prefix, template),
        methods=frozenset(str(getattr(m, "value", m)).upper() for m in methods)
        if methods
        else None,
        catch_all=frozenset(re.findall(r"\{\*(\w+)\}", template)),
    )


class _Handler(BaseHTTPRequestHandler):
    server: HostHttpServer
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: without it a keep-alive response written in two segments waits for the
    # client's delayed ACK (Nagle), about 40 ms on every request
    disable_nagle_algorithm = True
    # buffered writes: status line, headers and body leave together at the flush
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _json(self, status: int, data: Any) -> None:
        self._reply(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self._json(413, {"error": "request too large"})
            return None
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        split = urlsplit(self.path)
        raw_path = split.path
        body = self._body()
        if body is None:
            return
        if raw_path.lower().startswith("/admin/"):
            self._admin(raw_path, body)
            return
        for fn in self.server.functions:
            params = fn.route.match(raw_path)
            if params is None:
                continue
            if fn.methods is not None and self.command.upper() not in fn.methods:
                continue
            route_params = {k: (v if k in fn.catch_all else unquote(v)) for k, v in params.items()}
            request = func.HttpRequest(
                method=self.command.upper(),
                url=f"http://{self.headers.get('Host', 'localhost')}{self.path}",
                headers=dict(self.headers.items()),
                params=dict(parse_qsl(split.query, keep_blank_values=True)),
                route_params=route_params,
                body=body,
            )
            try:
                response = self.server.invoke(fn.spec, request)
            except Exception:
                log.exception("'%s' failed", fn.spec.name)
                self._json(500, {"error": "function failed; see the host log"})
                return
            if response is None:
                self._reply(204, b"", {})
                return
            headers = dict(response.headers.items())
            headers.setdefault("Content-Type", response.mimetype or "text/plain")
            self._reply(response.status_code, response.get_body() or b"", headers)
            return
        self._json(404, {"error": f"no function serves {raw_path}"})

    def _admin(self, path: str, body: bytes) -> None:
        parts = path.strip("/").split("/")
        if parts == ["admin", "host", "status"] and self.command == "GET":
            self._json(200, {"state": "Running"})
            return
        if len(parts) == 3 and parts[1] == "functions" and self.command == "POST":
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                self._json(400, {"error": 'body must be JSON like {"input": "..."}'})
                return
            wait = self.headers.get("x-devhost-wait", "").lower() == "true"
            status, data = self.server.admin(unquote(parts[2]), str(payload.get("input", "")), wait)
            self._json(status, data)
            return
        self._json(404, {"error": "unknown admin endpoint"})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle
