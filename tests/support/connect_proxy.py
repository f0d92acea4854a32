"""A local forward proxy, as a corporate one behaves: ``CONNECT host:port`` opens a tunnel
that carries bytes both ways untouched (TLS runs through it end to end), an absolute-form
request (``GET http://host:port/path``) is forwarded to its origin (one request per
connection, ``Connection: close``), and with credentials configured anything without the
right ``Proxy-Authorization: Basic`` is refused with 407 and ``Proxy-Authenticate``
(RFC 9110 11.7.1, 15.5.8). It records what it was asked, for tests to check that a client
went through it."""

from __future__ import annotations

import base64
import selectors
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

HEAD_LIMIT = 65536


@dataclass
class Asked:
    method: str
    target: str  # host:port for CONNECT, the absolute URL otherwise
    authorised: bool


@dataclass
class ConnectProxy:
    port: int = 0
    credentials: tuple[str, str] | None = None
    asked: list[Asked] = field(default_factory=list)
    tunnelled_bytes: int = 0  # client to origin and back, through CONNECT tunnels

    def url(self, credentials: tuple[str, str] | None = None) -> str:
        """The proxy's URL, with ``credentials`` in it (percent-encoded) when given."""
        if credentials is None:
            return f"http://127.0.0.1:{self.port}"
        user, password = (quote(c, safe="") for c in credentials)
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    def expected_authorization(self) -> str | None:
        if self.credentials is None:
            return None
        token = base64.b64encode(":".join(self.credentials).encode("latin-1")).decode()
        return f"Basic {token}"


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    """(the head up to its blank line, whatever came after it)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the end of the head")
        data += chunk
        if len(data) > HEAD_LIMIT:
            raise ConnectionError("head too long")
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _parse(head: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return method, target, headers


def _pump(a: socket.socket, b: socket.socket, proxy: ConnectProxy, lock: threading.Lock) -> None:
    """Carry bytes both ways until one side closes."""
    with selectors.DefaultSelector() as selector:
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        while True:
            for key, _ in selector.select(timeout=30):
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    chunk = source.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                try:
                    key.data.sendall(chunk)
                except OSError:
                    return
                with lock:
                    proxy.tunnelled_bytes += len(chunk)


@contextmanager
def connect_proxy(credentials: tuple[str, str] | None = None) -> Iterator[ConnectProxy]:
    proxy = ConnectProxy(credentials=credentials)
    lock = threading.Lock()
    open_sockets: set[socket.socket] = set()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            client: socket.socket = self.request
            with lock:
                open_sockets.add(client)
            try:
                self._serve(client)
            except (OSError, ValueError):
                pass
            finally:
                with lock:
                    open_sockets.discard(client)

        def _serve(self, client: socket.socket) -> None:
            head, rest = _read_head(client)
            method, target, headers = _parse(head)
            given = next((v for k, v in headers if k.lower() == "proxy-authorization"), None)
            expected = proxy.expected_authorization()
            authorised = expected is None or given == expected
            with lock:
                proxy.asked.append(Asked(method, target, authorised))
            if not authorised:
                client.sendall(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="test proxy"\r\n'
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                )
                return
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                try:
                    upstream = socket.create_connection((host, int(port)), timeout=10)
                except OSError:
                    client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                with upstream:
                    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    if rest:
                        upstream.sendall(rest)
                    _pump(client, upstream, proxy, lock)
                return
            self._forward(client, method, target, headers, rest)

        def _forward(
            self,
            client: socket.socket,
            method: str,
            target: str,
            headers: list[tuple[str, str]],
            rest: bytes,
        ) -> None:
            parts = urlsplit(target)
            if parts.scheme != "http" or not parts.hostname:
                client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                return
            length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
            body = rest
            while len(body) < length:
                chunk = client.recv(65536)
                if not chunk:
                    return
                body += chunk
            hop = {"proxy-authorization", "proxy-connection", "connection", "keep-alive"}
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            lines = [f"{method} {path} HTTP/1.1"]
            lines += [f"{k}: {v}" for k, v in headers if k.lower() not in hop]
            lines.append("Connection: close")
            request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body[:length]
            with socket.create_connection((parts.hostname, parts.port or 80), timeout=10) as up:
                up.sendall(request)
                answer = b""
                while chunk := up.recv(65536):
                    answer += chunk
            head, _, answer_body = answer.partition(b"\r\n\r\n")
            kept = [
                line
                for line in head.split(b"\r\n")
                if not line.lower().startswith((b"connection:", b"keep-alive:"))
            ]
            client.sendall(b"\r\n".join([*kept, b"Connection: close"]) + b"\r\n\r\n" + answer_body)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    proxy.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        with lock:
            still_open = list(open_sockets)
        for sock in still_open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
