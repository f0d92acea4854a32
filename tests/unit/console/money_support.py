"""Helpers of the console's money pages' tests: a multipart POST from a signed-in browser, the
queue of console jobs worked as the host would, and a client with debtors."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlsplit

from shared.adapters.queues.storage import InMemoryQueueSender
from shared.api.http import ApiRequest, ApiResponse
from shared.services.console_jobs import JOBS_QUEUE
from tests.unit.api.conftest import World, debtor_row
from tests.unit.console.conftest import Browser


def post_files(browser: Browser, path: str, fields: dict[str, str],
               files: dict[str, tuple[str, bytes]]) -> ApiResponse:  # fmt: skip
    """A ``multipart/form-data`` POST, as a browser sends a form with a file input."""
    boundary = "----inning" + secrets.token_hex(8)
    body = b""
    for name, value in fields.items():
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                 f"{value}\r\n").encode()  # fmt: skip
    for name, (filename, data) in files.items():
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                 f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()  # fmt: skip
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    split = urlsplit(path)
    headers = {
        "cookie": "; ".join(f"{k}={v}" for k, v in browser.jar.items()),
        "accept-language": "en",
        "content-type": f"multipart/form-data; boundary={boundary}",
    }
    return browser.app.handle(
        ApiRequest("POST", split.path, headers, dict(parse_qsl(split.query)), body)
    )


def work_jobs(world: World) -> int:
    """Run every queued console job message once (the host's queue trigger); how many."""
    queue = world.services.queues
    assert isinstance(queue, InMemoryQueueSender)
    taken = queue.take(JOBS_QUEUE)
    for message in taken:
        world.services.console_jobs.run_message(message.body)
    return len(taken)


def with_debtors(world: World, number: str, *debtors: str) -> None:
    agency = world.agency_a if number.startswith("C") else world.agency_b
    reply = agency.call(
        "POST", f"/v1/clients/{number}/debtors", {"items": [debtor_row(d) for d in debtors]}
    )
    assert reply.status == 200 and not reply.body["errors"], reply.body


def text(page: ApiResponse) -> str:
    return page.encoded().decode()
