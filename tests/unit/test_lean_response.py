"""The lean reads' answer headers, read without the e-mail package
(shared/adapters/tables/lean_response.py): what ``http.client`` would have made of them."""

from __future__ import annotations

import http.client
import io
import socket
import threading

import pytest

from shared.adapters.tables.lean_response import MAX_HEADERS, LeanResponse, read_fields


def test_fields_keep_their_order_and_are_found_in_any_case():
    fields = read_fields(io.BytesIO(
        b"Content-Type: application/json;odata=minimalmetadata\r\n"
        b"x-ms-continuation-NextPartitionKey: 1!8!YWJj\r\n"
        b"X-MS-Continuation-NextRowKey:   1!8!ZGVm  \r\n"
        b"Set-Cookie: a=1\r\nset-cookie: b=2\r\n\r\nbody"
    ))  # fmt: skip
    assert fields.get("x-ms-continuation-nextpartitionkey") == "1!8!YWJj"
    assert fields.get("x-ms-continuation-nextrowkey") == "1!8!ZGVm"
    assert fields.get("set-cookie") == "a=1"  # the first, as email.message.Message.get
    assert fields.get_all("Set-Cookie") == ["a=1", "b=2"]
    assert fields.get("etag") is None and fields.get_all("etag") is None
    assert [k for k, _ in fields.items()][:2] == [
        "Content-Type",
        "x-ms-continuation-NextPartitionKey",
    ]


def test_a_folded_line_continues_its_field_and_the_block_ends_at_the_end_of_the_stream():
    fields = read_fields(io.BytesIO(b"X-Long: one\r\n\ttwo\r\n  three\r\nno colon here\r\nA: b"))
    assert fields.items() == [("X-Long", "one two three"), ("A", "b")]


def test_too_many_or_too_long_fields_are_refused_as_http_client_refuses_them():
    many = b"".join(b"X-%d: v\r\n" % i for i in range(MAX_HEADERS + 1)) + b"\r\n"
    with pytest.raises(http.client.HTTPException, match="more than 100 headers"):
        read_fields(io.BytesIO(many))
    with pytest.raises(http.client.LineTooLong):
        read_fields(io.BytesIO(b"X: " + b"a" * 70_000 + b"\r\n\r\n"))


def _answer(raw: bytes) -> tuple[http.client.HTTPResponse, bytes]:
    """``raw`` sent by a one-shot server to a connection using :class:`LeanResponse`."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(raw)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    client.response_class = LeanResponse
    try:
        client.request("GET", "/t()")
        response = client.getresponse()
        return response, response.read()
    finally:
        client.close()
        thread.join(5)
        server.close()


def test_a_chunked_answer_after_a_100_continue_is_read_whole():
    response, body = _answer(
        b"HTTP/1.1 100 Continue\r\nX-Skipped: 1\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nETag: W/\"1\"\r\n\r\n"
        b"3\r\n{\"a\r\n5\r\n\": 1}\r\n0\r\n\r\n"
    )  # fmt: skip
    assert (response.status, body) == (200, b'{"a": 1}')
    assert response.getheader("etag") == 'W/"1"' and not response.will_close
    assert dict(response.getheaders())["ETag"] == 'W/"1"'


def test_a_sized_answer_keeps_the_connection_and_an_unsized_one_closes_it():
    response, body = _answer(b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}")
    assert (response.status, body, response.will_close) == (404, b"{}", False)
    response, body = _answer(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it")
    assert (body, response.will_close) == (b"all of it", True)
    response, body = _answer(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert (response.status, body) == (204, b"")
