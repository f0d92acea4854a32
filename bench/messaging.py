"""Messaging benchmarks, one run:

- throughput of the e-mail queue handler (one worker, as one queue message at a time)
  against a local HTTPS stand-in speaking the identity platform and Graph ``sendMail``,
  with the outbox records on Azurite, next to the same handler on the embedded outbox
  channel (the ratio isolates what the Graph round trips cost);
- PDF letters rendered per second.
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

from shared.adapters.channels.graph_mail import GraphMailChannel
from shared.adapters.letters.pdf_letter import Letterhead, LetterInvoice, LetterSpec, render_letter
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


def _run_jobs(services: Any, client: Client, channel: Channel, count: int, prefix: str) -> float:
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
    began = time.perf_counter()
    for job in jobs:
        body = json.loads(job.body)
        services.messaging.deliver(body["client_id"], body["key"])
    return count / (time.perf_counter() - began)


def run(connection: str, scale: float) -> dict[str, Any]:
    count = max(50, int(1000 * scale))
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
            services = build_services(
                settings, clock=clock, queues=InMemoryQueueSender(), senders={Channel.EMAIL: graph}
            )
            client = Client(
                "bench-client", "bench", "B", "Bench", contact_email="facturen@bench.example"
            )
            services.repos.clients.save(client, new=True)
            # no per-mailbox pacing in a throughput run: give the mailbox room for everything
            services.messaging.limits = type(services.messaging.limits)(
                per_minute=10**6, per_day=10**7
            )
            graph_rate = _run_jobs(services, client, Channel.EMAIL, count, f"g{time.time_ns()}-")
            outbox = build_services(settings, clock=clock, queues=InMemoryQueueSender(), senders={})
            outbox_rate = _run_jobs(outbox, client, Channel.EMAIL, count, f"o{time.time_ns()}-")
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
    return {
        "benchmark": "messaging",
        "emails": count,
        "graph_sendmail_requests": graph_requests,
        "email_jobs_per_second_graph": round(graph_rate, 1),
        "email_jobs_per_second_outbox": round(outbox_rate, 1),
        "graph_cost_ratio": round(outbox_rate / graph_rate, 2),
        "pdf_letters_per_second": round(pdf_rate, 1),
    }
