"""A delivery report that settles a record still INPROGRESS (its provider id is remembered
just before the SENT save, failure16 R6) meters the parts the provider billed (codereview16
F1): a 400-character SMS CM takes as 3 segments was counted as 1 (``{'sms': 1}``), the
worker's SENT save losing on the ETag and never counting; ``GET …/usage`` prices the count."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.messaging import Channel, MessageContent, OutboxStatus, SendResult
from tests.unit.messaging.test_delivery import env, message, run_jobs

__all__ = ["env"]  # the fixture, shared with the delivery tests


def _sms_of(env: Any, parts: int) -> None:
    _, client, channel, _, service = env

    def send(msg: Any, content: Any) -> SendResult:
        channel.sent.append((msg.to, content.subject))
        return SendResult("scripted", "pid-1", parts=parts)

    channel.send = send  # type: ignore[method-assign]
    service.enqueue(message(client, "k1", Channel.SMS, "+31612345678"),
                    MessageContent(subject="", text="x" * 400))  # fmt: skip


def _report_when_remembered(service: Any, status: OutboxStatus, times: int = 1) -> None:
    """The provider's report arrives the moment its id is remembered, before the SENT save."""
    real = service.outbox.remember_provider_id
    reported: list[bool] = []

    def remember_then_report(*args: Any) -> None:
        real(*args)
        if not reported:
            reported.append(True)
            for _ in range(times):
                assert service.record_status("scripted", "pid-1", status)

    service.outbox.remember_provider_id = remember_then_report  # type: ignore[method-assign]


def test_a_plain_send_counts_its_parts(env: Any) -> None:
    world, client, _, queues, service = env
    _sms_of(env, 3)
    assert run_jobs(service, queues, "send-sms") == ["sent"]
    assert service.usage(client.client_id, f"{world.clock.now():%Y-%m}") == {"sms": 3}


@pytest.mark.parametrize("status", [OutboxStatus.DELIVERED, OutboxStatus.UNDELIVERABLE])
@pytest.mark.parametrize("parts", [1, 3])
def test_a_report_before_the_sent_save_counts_the_parts_billed(
    env: Any, status: OutboxStatus, parts: int
) -> None:
    """Delivered or not, the provider took (and bills) the segments; a repeated report and
    the job delivered again count nothing more."""
    world, client, _, queues, service = env
    _sms_of(env, parts)
    _report_when_remembered(service, status, times=2)
    assert run_jobs(service, queues, "send-sms") == ["claimed elsewhere"]
    record, _ = service.outbox.get(client.client_id, "k1")
    assert record.status is status
    month = f"{world.clock.now():%Y-%m}"
    assert service.usage(client.client_id, month) == {"sms": parts}
    assert service.record_status("scripted", "pid-1", status)
    assert service.deliver(client.client_id, "k1") == "done"
    assert service.usage(client.client_id, month) == {"sms": parts}
