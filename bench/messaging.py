"""Messaging benchmarks, one run:

- throughput of the e-mail queue handler (one worker, as one queue message at a time)
  against a local HTTPS stand-in speaking the identity platform and Graph ``sendMail``,
  with the outbox records on Azurite, next to the same handler on the embedded outbox
  channel (the ratio isolates what the Graph round trips cost). Neither side is paced: both
  get the same mailbox limits, high enough for the whole run (pacing on one side only made
  the ratio meaningless);
- storage requests per job on each side (tables, blobs, queues; the queue is in memory here,
  the host's part);
- PDF letters rendered per second, against the same words on a plain one-page PDF.
"""

from __future__ import annotations

import json
import ssl
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import requests

from bench.harness import figure
from shared.adapters.channels.graph_mail import GraphMailChannel
from shared.adapters.letters.pdf_letter import Letterhead, LetterInvoice, LetterSpec, render_letter
from shared.adapters.metering import METER, StorageMeter
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, PostalAddress
from shared.domain.parties import Client
from shared.settings import Settings
from tests.support.stand_in import Received, Reply, serve
from tests.support.tls import self_signed

TENANT = "bench"


def _graph(base: list[str]):  # type: ignore[no-untyped-def]
    def handler(r: Received) -> Reply:
        if r.path.endswith("/openid-configuration"):
            return Reply(
                body={
                    "token_endpoint": f"{base[0]}/{TENANT}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{base[0]}/a",
                    "issuer": base[0],
                }
            )
        if r.path.endswith("/token"):
            return Reply(body={"token_type": "Bearer", "expires_in": 3599, "access_token": "t"})
        return Reply(202)

    return handler


def _unpaced(services: Any) -> Any:
    """No per-mailbox pacing in a throughput run: room for everything, on either side."""
    limits = services.messaging.limits
    services.messaging.limits = type(limits)(per_minute=10**6, per_day=10**7)
    return services


def _run_jobs(
    services: Any, client: Client, channel: Channel, count: int, prefix: str
) -> tuple[float, float]:
    """(jobs per second, storage requests per job) of delivering ``count`` queued jobs."""
    queues: InMemoryQueueSender = services.messaging.queues
    for i in range(count):
        message = OutboundMessage(
            client.client_id,
            f"{prefix}{i}",
            channel,
            "D1",
            f"debtor{i}@example.nl",
            services.clock.now(),
            sender="facturen@bench.example",
        )
        services.messaging.enqueue(
            message,
            MessageContent(
                subject="Herinnering", text="Betaal a.u.b.", html="<p>Betaal a.u.b.</p>"
            ),
        )
    jobs = queues.take(channel.queue)
    before = METER.snapshot()
    began = time.perf_counter()
    for job in jobs:
        body = json.loads(job.body)
        services.messaging.deliver(body["client_id"], body["key"])
    seconds = time.perf_counter() - began
    requests = StorageMeter.since(before, METER.snapshot())["total"]
    if queues.take(channel.queue):
        raise RuntimeError("jobs were deferred: the run was paced")
    return count / seconds, requests / count


def run(connection: str, scale: float) -> dict[str, Any]:
    count = max(50, int(500 * scale))
    settings = Settings.from_env({"AzureWebJobsStorage": connection})
    clock = FixedClock(datetime(2025, 3, 4, 9, 0, tzinfo=UTC))  # inside the contact hours
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = self_signed(Path(tmp))
        base: list[str] = []
        with serve(_graph(base), tls=(cert, key)) as server:
            base.append(server.url)
            session = requests.Session()
            session.trust_env = False
            session.verify = str(cert)
            graph = GraphMailChannel(
                tenant_id=TENANT, client_id="id", client_secret="s", authority_host=server.url, graph_url=f"{server.url}/v1.0",
                http=httpx.Client(verify=ssl.create_default_context(cafile=str(cert))), msal_http_client=session,
            )  # fmt: skip
            services = _unpaced(
                build_services(
                    settings,
                    clock=clock,
                    queues=InMemoryQueueSender(),
                    senders={Channel.EMAIL: graph},
                )
            )
            client = Client(
                "bench-client", "bench", "B", "Bench", contact_email="facturen@bench.example"
            )
            services.repos.clients.save(client, new=True)
            graph_rate, graph_cost = _run_jobs(
                services, client, Channel.EMAIL, count, f"g{time.time_ns()}-"
            )
            outbox = _unpaced(
                build_services(settings, clock=clock, queues=InMemoryQueueSender(), senders={})
            )
            outbox_rate, outbox_cost = _run_jobs(
                outbox, client, Channel.EMAIL, count, f"o{time.time_ns()}-"
            )
            graph_requests = len(server.requests("POST", "/sendMail"))
    spec = LetterSpec(
        Letterhead("Bakkerij De Korenbloem", ("Dorpsstraat 1", "1234 AB Utrecht"), iban="NL02ABNA0123456789"),
        PostalAddress("J. de Vries", "Kerkstraat 12", "3511 LK", "Utrecht"),
        date(2025, 3, 4), "Herinnering", ("Wij hebben uw betaling nog niet ontvangen.",) * 4,
        tuple(LetterInvoice(f"F-{i:04d}", date(2025, 1, 1), date(2025, 1, 31), 12_100) for i in range(5)),
        payment_reference="5000056789012345",
    )  # fmt: skip
    letters = max(20, int(200 * scale))
    began = time.perf_counter()
    for _ in range(letters):
        render_letter(spec)
    pdf_rate = letters / (time.perf_counter() - began)
    began = time.perf_counter()
    for _ in range(letters):
        _plain_letter(spec)
    text_rate = letters / (time.perf_counter() - began)
    return {
        "benchmark": "messaging",
        "emails": count,
        "graph_sendmail_requests": graph_requests,
        "figures": {
            "email_jobs_per_second": figure(
                graph_rate,
                outbox_rate,
                unit="e-mail jobs/s, one worker, unpaced",
                baseline_is="the same handler on the embedded outbox channel (no Graph calls)",
                digits=1,
            ),
            "storage_requests_per_email_job": figure(
                graph_cost,
                outbox_cost,
                unit="storage requests per job (tables, blobs, queues)",
                baseline_is="the same handler on the embedded outbox channel",
                digits=2,
            ),
            "pdf_letters_per_second": figure(
                pdf_rate,
                text_rate,
                unit="letters/s",
                baseline_is="the same words on a plain one-page PDF (no layout, table or QR code)",
                digits=1,
            ),
        },
    }


def _plain_letter(spec: LetterSpec) -> bytes:
    """The same words on one PDF page in a core font: no layout, table, QR code or styles."""
    from fpdf import FPDF

    lines = [spec.letterhead.name, *spec.letterhead.address_lines, spec.recipient.name]
    lines += [spec.subject, *spec.paragraphs]
    lines += [f"{i.number} {i.invoice_date} {i.due_date} {i.open_amount}" for i in spec.invoices]
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for line in lines:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
