"""The local host's own cost: a one-route app (it answers ``ok``, touches no storage) served by
the local host, against the same answer from a bare ``http.server`` in the same process and
run. Every other local figure over HTTP carries this overhead.

- latency of sequential keep-alive requests (one connection, median and p95);
- 100 clients, each opening its own connection at the same moment and POSTing: answers, resets,
  and requests per second.
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.harness import figure
from tools.devhost.config import HostConfig
from tools.devhost.host import LocalHost

NEEDS_STORAGE = False
CONCURRENT = 100
APP = """
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="ping", methods=["GET", "POST"])
def ping(req: func.HttpRequest) -> func.HttpResponse:
    req.get_body()
    return func.HttpResponse("ok", mimetype="text/plain")
"""


class _Bare(BaseHTTPRequestHandler):
    """What any Python HTTP answer costs: parse, read the body, write 'ok' (one write, no
    Nagle delay, the same listen backlog as the host)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _ok(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _ok


class _BareServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def _sequential(port: int, count: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    took = []
    for _ in range(count):
        began = time.perf_counter()
        conn.request("GET", "/api/ping")
        r = conn.getresponse()
        r.read()
        took.append(time.perf_counter() - began)
        if r.status != 200:
            raise RuntimeError(f"answered {r.status}")
    conn.close()
    return took


def _burst(port: int, clients: int) -> tuple[int, int, float]:
    """Every client connects at once and POSTs 2 KB: (answered 200, failed, requests/s)."""
    gate = threading.Barrier(clients)
    ok = failed = 0
    lock = threading.Lock()

    def one() -> None:
        nonlocal ok, failed
        gate.wait()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", "/api/ping", body=b"x" * 2048)
            status = conn.getresponse().status
            conn.close()
            with lock:
                ok += status == 200
                failed += status != 200
        except OSError:
            with lock:
                failed += 1

    threads = [threading.Thread(target=one) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ok, failed, clients / (time.perf_counter() - began)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94] * 1000


def run(_connection: str, scale: float) -> dict[str, Any]:
    count = max(200, int(2000 * scale))
    bursts = max(3, int(10 * scale))
    bare = _BareServer(("127.0.0.1", 0), _Bare)
    threading.Thread(target=bare.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "function_app.py"
        script.write_text(APP)
        (Path(tmp) / "host.json").write_text('{"version": "2.0"}')
        host = LocalHost(script, HostConfig.load(Path(tmp) / "host.json"), port=0)
        host.start()
        try:
            _sequential(host.port, 50)  # warm up both
            _sequential(bare.server_address[1], 50)
            seq_host = _sequential(host.port, count)
            seq_bare = _sequential(bare.server_address[1], count)
            burst_host = [_burst(host.port, CONCURRENT) for _ in range(bursts)]
            burst_bare = [_burst(bare.server_address[1], CONCURRENT) for _ in range(bursts)]
        finally:
            host.stop()
            bare.shutdown()
            bare.server_close()
    med_host = statistics.median(seq_host) * 1000
    med_bare = statistics.median(seq_bare) * 1000
    return {
        "benchmark": "local_host",
        "sequential_requests": count,
        "bursts_of_100": bursts,
        "worker_threads": host.workers.size,
        "figures": {
            "keep_alive_latency_ms_median": figure(
                med_host, med_bare, unit="ms", baseline_is="bare http.server", digits=3
            ),
            "keep_alive_latency_ms_p95": figure(
                _p95(seq_host), _p95(seq_bare), unit="ms", baseline_is="bare http.server", digits=3
            ),
            "host_overhead_ms_per_request": figure(
                med_host - med_bare,
                med_bare,
                unit="ms added to the bare answer (median)",
                baseline_is="bare http.server median latency",
                digits=3,
            ),
            "failed_of_100_concurrent_posts": figure(
                sum(f for _, f, _ in burst_host),
                sum(f for _, f, _ in burst_bare),
                unit=f"failed requests over {bursts} bursts of {CONCURRENT}",
                baseline_is="bare http.server",
                goal="0",
                digits=0,
            ),
            "burst_requests_per_second": figure(
                statistics.median(r for _, _, r in burst_host),
                statistics.median(r for _, _, r in burst_bare),
                unit=f"requests/s, {CONCURRENT} new connections at once (median burst)",
                baseline_is="bare http.server",
                digits=0,
            ),
        },
    }
