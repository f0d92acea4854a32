"""attack32b: a provider's Retry-After header, which the portal's 503 passes on (a throttled
Mollie account) and the senders wait by: a number of seconds, a date, or nothing."""

from __future__ import annotations

import math

import httpx

from shared.adapters.channels.http_errors import retry_after


def _wait(value: bytes) -> float | None:
    return retry_after(httpx.Response(429, headers=[(b"Retry-After", value)]))


def test_only_ascii_digits_are_seconds_and_a_wait_is_finite():
    assert _wait(b"30") == 30.0 and _wait(b" 12 ") == 12.0
    assert _wait("²".encode("latin-1")) is None  # str.isdigit, then float: a ValueError
    assert _wait("٣".encode()) is None  # an Arabic-Indic three read as 3
    huge = _wait(b"1" * 400)  # float("inf"): math.ceil and timedelta refuse it
    assert huge is None or math.isfinite(huge)
    assert _wait(b"Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a day gone: no wait
    assert _wait(b"soon") is None
