"""Reading a transaction's answer (``batch_wire.parts``) in the shapes the service gives it:
every operation's part in a changeset, the failed one alone, an error outside the changeset,
and what is no answer at all."""

from __future__ import annotations

import pytest

from shared.adapters.tables.batch_wire import UnreadableAnswer, parts

TYPE = "multipart/mixed; boundary=batchresponse_1"


def _ok(n: int) -> bytes:
    return (
        b"--changesetresponse_2\r\nContent-Type: application/http\r\n"
        b"Content-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 204 No Content\r\n"
        + f"Content-ID: {n}\r\nETag: W/\"datetime'2025-06-02T08%3A00%3A0{n}Z'\"\r\n\r\n".encode()
    )


def test_every_operation_answered_in_order_with_its_etag() -> None:
    body = (
        b"--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n"
        b"\r\n" + _ok(0) + _ok(1) + b"--changesetresponse_2--\r\n--batchresponse_1--\r\n"
    )
    found = parts(TYPE, body)
    assert [p.status for p in found] == [204, 204]
    assert [p.headers["etag"] for p in found] == [
        "W/\"datetime'2025-06-02T08%3A00%3A00Z'\"",
        "W/\"datetime'2025-06-02T08%3A00%3A01Z'\"",
    ]


def test_a_quoted_boundary() -> None:
    body = b'--batchresponse_1\r\nContent-Type: multipart/mixed; boundary="changesetresponse_2"\r\n'
    body += b"\r\n" + _ok(0) + b"--changesetresponse_2--\r\n--batchresponse_1--\r\n"
    (part,) = parts('multipart/mixed; boundary="batchresponse_1"', body)
    assert part.status == 204


def test_the_failed_operation_with_its_code_and_index() -> None:
    error = (
        b'{"odata.error":{"code":"EntityAlreadyExists","message":{"lang":"en-US",'
        b'"value":"2:The specified entity already exists."}}}'
    )
    body = (
        b"--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n"
        b"--changesetresponse_2\r\nContent-Type: application/http\r\n\r\n"
        b"HTTP/1.1 409 Conflict\r\nContent-ID: 2\r\nContent-Type: application/json\r\n\r\n"
        + error
        + b"\r\n--changesetresponse_2--\r\n--batchresponse_1--\r\n"
    )
    (failed,) = parts(TYPE, body)
    assert failed.status == 409
    assert failed.error() == ("EntityAlreadyExists", "2:The specified entity already exists.")


def test_an_error_outside_the_changeset_and_bare_newlines() -> None:
    body = (
        b"--batchresponse_1\nContent-Type: application/http\n\n"
        b"HTTP/1.1 400 Bad Request\nx-ms-error-code: InvalidInput\n\n"
        b"0:One of the request inputs is not valid.\n--batchresponse_1--\n"
    )
    (failed,) = parts(TYPE, body)
    assert failed.status == 400
    assert failed.error() == ("InvalidInput", "0:One of the request inputs is not valid.")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", b"<html>proxy</html>"),
        (TYPE, b"<html>proxy</html>"),
        (
            TYPE,
            b"--batchresponse_1\r\nContent-Type: application/http\r\n\r\nnot http\r\n"
            b"--batchresponse_1--",
        ),
        (
            TYPE,
            b"--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n"
            b"--c--\r\n--batchresponse_1--",
        ),
    ],
)
def test_what_is_no_answer_is_refused(content_type: str, body: bytes) -> None:
    with pytest.raises(UnreadableAnswer):
        parts(content_type, body)
