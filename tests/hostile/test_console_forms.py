"""Hostile form bodies on the console (security review of issue #16, finding 2): the anonymous
forms (sign-in, reset, invitation, sign-up) never parse a multipart body, cap url-encoded ones
by size and number of fields; a multipart body with more parts than any console form has is
refused before a part is read; and the upload limits are one story (a 10 MiB invoice PDF is
taken, a larger body is refused with 413 by the shell, a CSV over 4 MB by its page)."""

from __future__ import annotations

import pytest

import shared.api.multipart as multipart
from shared.api.console.app import ConsoleApp
from shared.api.http import ApiRequest
from shared.api.multipart import MAX_PARTS, parse, parts
from shared.domain.people.authorisation import Role
from tests.hostile.conftest import record
from tests.unit.api.conftest import World, invoice_row
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.console.money_support import post_files, with_debtors
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants

ANONYMOUS = ["/login", "/reset", "/reset/sometoken", "/invite/sometoken", "/signup"]


def _many_parts(count: int, boundary: str = "x") -> bytes:
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'.encode()
    return part * count + f"--{boundary}--\r\n".encode()


def _anonymous(world: World, path: str, body: bytes, content_type: str) -> int:
    """POST as a browser that opened the form (its pre-login cookie and the right token)."""
    browser = Browser(ConsoleApp(world.services))
    token = csrf_of(browser.get("/login"))
    cookie = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
    body = body.replace(b"TOKEN", token.encode())
    reply = browser.app.handle(
        ApiRequest("POST", path, {"cookie": cookie, "content-type": content_type}, {}, body)
    )
    record("console anonymous form", reply.status)
    return reply.status


@pytest.mark.parametrize("path", ANONYMOUS)
def test_an_anonymous_form_never_parses_a_multipart_body(
    world: World, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*_: object) -> None:
        raise AssertionError("an anonymous form parsed a multipart body")

    monkeypatch.setattr(multipart, "parts", unreachable)
    monkeypatch.setattr(multipart, "parse", unreachable)
    # even one that carries the right token: these forms take no file, so no multipart
    body = (
        b'--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nTOKEN\r\n'
        b'--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.example\r\n'
        + _many_parts(40_000)
    )
    status = _anonymous(world, path, body, "multipart/form-data; boundary=x")
    assert status == (410 if path.count("/") > 1 else 403)  # a made-up link: gone first


@pytest.mark.parametrize("path", ["/login", "/reset", "/signup"])
def test_an_anonymous_url_encoded_form_is_capped(world: World, path: str) -> None:
    fine = b"csrf=TOKEN&email=nobody%40example.com&password=wrong-password-123"
    assert _anonymous(world, path, fine, "application/x-www-form-urlencoded") != 403
    padded = fine + b"&pad=" + b"x" * (64 * 1024)  # over 64 KB: unread, so no token
    assert _anonymous(world, path, padded, "application/x-www-form-urlencoded") == 403
    crowded = fine + b"".join(b"&f%d=1" % n for n in range(200))  # over 100 fields
    assert _anonymous(world, path, crowded, "application/x-www-form-urlencoded") == 403


def test_too_many_parts_are_refused_before_any_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(_: bytes) -> None:
        raise AssertionError("a part was read")

    monkeypatch.setattr(multipart, "_part", unreachable)
    assert parts("multipart/form-data; boundary=x", _many_parts(MAX_PARTS + 1)) is None
    assert parse("multipart/form-data; boundary=x", _many_parts(40_000)) == ({}, {})


def test_the_parser_reads_what_browsers_send() -> None:
    body = (
        b"preamble\r\n--AaB03x\r\n"
        b'Content-Disposition: form-data; name="csrf"\r\n\r\ntok\r\n'
        b"--AaB03x\r\n"
        b'Content-Disposition: form-data; name="file"; filename="C:\\\\dir\\\\a \\"b\\".csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nline1\r\n--not the boundary\r\nline2\r\n"
        b"--AaB03x\r\n"
        b'Content-Disposition: form-data; name="pdf"; filename="x"; filename*=UTF-8\'\'f%C3%A9.pdf\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF\r\n"
        b"--AaB03x\r\n"
        b"Content-Disposition: form-data\r\n\r\nno name: left out\r\n"
        b"--AaB03x\r\n"
        b'Content-Disposition: form-data; name="csrf"\r\n\r\ntwo\r\n'
        b"--AaB03x--\r\nepilogue"
    )
    fields, files = parse('multipart/form-data; boundary="AaB03x"', body)
    assert fields == {"csrf": ["tok", "two"]}
    assert files["file"].filename == 'C:\\dir\\a "b".csv'
    assert files["file"].content_type == "text/csv"
    assert files["file"].data == b"line1\r\n--not the boundary\r\nline2"
    assert files["pdf"].filename == "fé.pdf" and files["pdf"].data == b"%PDF"
    # a truncated body keeps the parts that were closed; a body without boundary gives nothing
    assert parse("multipart/form-data; boundary=AaB03x", body[:150])[0] == {"csrf": ["tok"]}
    assert parse("multipart/form-data", body) == ({}, {})
    assert parse("multipart/form-data; boundary=" + "b" * 71, body) == ({}, {})


def _pdf_page(world: World, tenants: Tenants) -> tuple[Browser, str]:
    with_debtors(world, "C1", "D1")
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices",
                               {"items": [invoice_row("G-77", "D1")]}).status == 200  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    return staff, csrf_of(staff.get("/invoices/pdf?number=G-77"))


def test_an_invoice_pdf_up_to_10_mib_is_taken(world: World, tenants: Tenants) -> None:
    """The page promises 10 MiB: a 6 MiB PDF is no longer refused as a 'CSRF' failure."""
    staff, token = _pdf_page(world, tenants)
    pdf = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
    sent = post_files(staff, "/invoices/pdf?number=G-77", {"csrf": token}, {"pdf": ("a.pdf", pdf)})
    assert sent.status == 303
    from shared.services.dunning import INVOICE_PDFS, invoice_pdf_name

    assert world.services.files.get(INVOICE_PDFS, invoice_pdf_name(tenants.c1, "G-77")) == pdf


def test_a_body_over_every_forms_limit_is_refused_with_413(
    world: World, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff, token = _pdf_page(world, tenants)

    def unreachable(*_: object) -> None:
        raise AssertionError("an oversized body was parsed")

    monkeypatch.setattr(multipart, "parts", unreachable)
    pdf = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    sent = post_files(staff, "/invoices/pdf?number=G-77", {"csrf": token}, {"pdf": ("a.pdf", pdf)})
    assert sent.status == 413 and b"10 MiB" in sent.encoded()
