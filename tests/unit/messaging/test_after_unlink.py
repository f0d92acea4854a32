"""After a client unlinks its Office 365 mailbox: a job Graph already accepted is never sent
again (the outbox record is final), and new mail goes the way it went before the link (here a
channel that, like :class:`PerTenantGraphMail`, picks the tenant from the client's link)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.adapters.tables.linked_accounts_repo import GraphLink, LinkedAccountRepository
from shared.domain.messaging import MessageContent, OutboxStatus, SendResult
from tests.unit.messaging.test_delivery import env, message, run_jobs  # noqa: F401 - fixture

TENANT = "6f1c2d3e-0000-4000-8000-000000000001"


@dataclass
class TenantChannel:
    links: LinkedAccountRepository
    name: str = "graph"
    can_look_up: bool = False
    sent: list[tuple[str, str | None]] = field(default_factory=list)

    def send(self, message, content):
        link = self.links.graph(message.client_id)
        self.sent.append((message.key, link.tenant_id if link else None))
        return SendResult(self.name, f"pid-{len(self.sent)}")

    def look_up(self, message):
        return None


def test_mail_accepted_before_unlinking_is_not_resent_and_new_mail_goes_as_before(env) -> None:  # noqa: F811
    world, client, _, queues, service = env
    links = world.services.linked_accounts
    channel = TenantChannel(links)
    service.senders = {k: channel for k in service.senders}
    links.save_graph(GraphLink(client.client_id, TENANT, "facturen@c1.example",
                               datetime(2025, 3, 1, tzinfo=UTC)))  # fmt: skip
    service.enqueue(message(client, "k1"), MessageContent(subject="Herinnering"))
    job = queues.sent[0]
    assert run_jobs(service, queues) == ["sent"]
    assert world.services.office365.unlink(client.client_id, "user-1") is not None
    queues.sent.append(job)  # the queue hands the accepted job out again after the unlink
    assert run_jobs(service, queues) == ["done"]
    service.enqueue(message(client, "k2"), MessageContent(subject="Aanmaning"))
    assert run_jobs(service, queues) == ["sent"]
    assert channel.sent == [("k1", TENANT), ("k2", None)]  # k2: the agency's way, no tenant
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is OutboxStatus.SENT and record.provider_id == "pid-1"
