"""``CounterRepository.count_once`` answers an event's own place among those counted, the
same when the event comes again after others, on both table stores (failure19 W1: a WhatsApp
delivered again after five more was judged by the day's total and lost its item)."""

from __future__ import annotations

from shared.adapters.tables.messaging_repo import MAILBOX_PACE, CounterRepository
from shared.services.repositories import Repositories


def test_an_event_keeps_its_place_when_it_comes_again(repos: Repositories) -> None:
    counters = CounterRepository(repos.store)
    places = [counters.count_once(MAILBOX_PACE, "wa-in|n", "d20250304", 1, marker=f"m|{i}")
              for i in range(6)]  # fmt: skip
    assert places == [(1, True), (2, True), (3, True), (4, True), (5, True), (6, True)]
    assert counters.count_once(MAILBOX_PACE, "wa-in|n", "d20250304", 1, marker="m|0") == (1, False)
    assert counters.count(MAILBOX_PACE, "wa-in|n", "d20250304") == 6
    assert not counters.increment_once(MAILBOX_PACE, "wa-in|n", "d20250304", 1, marker="m|5")
