"""review33b on mollie33's account pause:
- a 503 (Mollie unavailable, from any endpoint) with a long Retry-After paused every client on
  that key for up to a day; an outage's pause is now at most a few minutes (a 429, the
  account's own limit, keeps its Retry-After up to a day);
- a storage error removing a pause that ran out, after Mollie answered, raised instead of the
  answer: the payment made, the customer created or the cancel done was lost to the caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from shared.adapters.mollie import MollieClient, MollieError
from shared.adapters.tables.keys import encode
from shared.adapters.tables.memory import InMemoryTableStore
from shared.clock import FixedClock
from shared.ports.tables import StorageError
from shared.services.mollie_pause import (
    LONGEST_OUTAGE_PAUSE,
    MOLLIE_PAYMENTS,
    PAUSES,
    AccountPause,
)

ACCOUNT = "setting:MOLLIE_KEY_C1"


def _setup() -> tuple[InMemoryTableStore, FixedClock]:
    store = InMemoryTableStore()
    store.ensure_tables([MOLLIE_PAYMENTS])
    return store, FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


def _until(store: InMemoryTableStore) -> datetime:
    row = store.get(MOLLIE_PAYMENTS, PAUSES, encode(ACCOUNT))
    assert row is not None
    return row.data["Until"]  # type: ignore[no-any-return]


def test_a_503_pauses_the_account_minutes_not_a_day():
    store, clock = _setup()
    pause = AccountPause(store, clock, ACCOUNT)
    pause.throttled(503, 24 * 3600)
    assert _until(store) == clock.now() + LONGEST_OUTAGE_PAUSE
    assert _until(store) - clock.now() <= timedelta(minutes=5)
    pause.throttled(429, 24 * 3600)  # the account's own rate limit: its word stands
    assert _until(store) == clock.now() + timedelta(days=1)


class _NoDelete(InMemoryTableStore):
    def delete(self, table: str, pk: str, rk: str, etag: str | None = None) -> None:
        raise StorageError("storage unavailable")


def test_mollies_answer_is_not_lost_to_a_storage_error_clearing_the_pause():
    store, clock = _NoDelete(), FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    store.ensure_tables([MOLLIE_PAYMENTS])
    pause = AccountPause(store, clock, ACCOUNT)
    pause.throttled(429, 60)
    clock.advance(seconds=61)  # ran out: the next request goes, its answer clears the row

    def mollie(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "tr_1", "status": "open",
                                         "amount": {"currency": "EUR", "value": "10.00"},
                                         "description": "x", "_links": {}})  # fmt: skip

    client = MollieClient("test_x", http=httpx.Client(transport=httpx.MockTransport(mollie)))
    found = client.guarded(pause).get_payment("tr_1")
    assert found is not None and found.payment_id == "tr_1"


def test_a_503s_retry_after_holds_the_request_minutes_too():
    """The request that met the 503 was told the whole Retry-After: the reconcile timer held
    that payment a day, and the debtor's 503 page said to come back tomorrow, while the
    account's pause (and every other click) said minutes."""
    store, clock = _setup()

    def mollie(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "86400"})

    client = MollieClient("test_x", http=httpx.Client(transport=httpx.MockTransport(mollie)))
    try:
        client.guarded(AccountPause(store, clock, ACCOUNT)).get_payment("tr_1")
    except MollieError as exc:
        assert exc.transient and exc.retry_after == LONGEST_OUTAGE_PAUSE.total_seconds()
    else:
        raise AssertionError("a 503 is an error")
    assert _until(store) == clock.now() + LONGEST_OUTAGE_PAUSE
