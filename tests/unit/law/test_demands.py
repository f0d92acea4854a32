"""Which of Inning's dunning messages interrupt prescription as a written demand (art. 3:317
lid 1 BW), and from which day (the receipt rules of the 14-day letter)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.law.demands import demand_received_on
from shared.domain.messaging import Channel, OutboxStatus

FRIDAY = date(2025, 3, 14)


def test_an_email_that_was_sent_counts_from_the_same_day():
    for status in (OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ):
        assert demand_received_on(Channel.EMAIL, status, FRIDAY) == FRIDAY


def test_a_posted_letter_counts_from_the_second_postal_delivery_day():
    # posted Friday 14-3-2025: Saturday 15th is a delivery day (1), Sunday and Monday are not,
    # Tuesday 18th is the second
    assert demand_received_on(Channel.LETTER, OutboxStatus.SENT, FRIDAY) == date(2025, 3, 18)


@pytest.mark.parametrize(
    "status",
    [
        OutboxStatus.PENDING,
        OutboxStatus.INPROGRESS,
        OutboxStatus.BOUNCED,
        OutboxStatus.UNDELIVERABLE,
        OutboxStatus.FAILED,
        OutboxStatus.UNCERTAIN,
    ],
)
def test_a_message_that_did_not_reach_the_debtor_does_not_count(status):
    assert demand_received_on(Channel.EMAIL, status, FRIDAY) is None
    assert demand_received_on(Channel.LETTER, status, FRIDAY) is None


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP, Channel.ROBOCALL])
def test_text_messages_and_calls_are_no_written_demand_here(channel):
    assert demand_received_on(channel, OutboxStatus.DELIVERED, FRIDAY) is None
