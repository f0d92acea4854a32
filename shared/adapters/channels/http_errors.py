"""Turning provider HTTP answers into Inning's three kinds of failure.

- *transient*: the provider certainly did not take the message (no connection, DNS, a
  connect or pool timeout, 408/425/429/503): safe to send again later;
- *uncertain*: the request went out but the answer was lost (a read or write timeout, a
  connection reset mid-exchange, a gateway 500/502/504 on the final, non-idempotent send):
  the message may exist at the provider, so it is never sent again automatically;
- *permanent*: the provider refused it as it is.

Steps before the final send (a token, an upload, a draft) are transient on every network
failure: repeating them creates nothing the debtor receives.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parsedate_to_datetime

import httpx

from shared.domain.messaging import PermanentSendError, TransientSendError, UncertainSendError

TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}
# answered by a gateway or server that may have passed the request on before failing
# (RFC 9110 15.6.1/15.6.3/15.6.5); 503 and 429 say the request was not processed
UNCERTAIN_STATUS = {500, 502, 504}
# failures that happen before a single byte of the request reached the provider: among them
# a proxy that refused the tunnel (ProxyError: 407, 502, 503 to CONNECT, so nothing went
# through it) and a request the client could not even put on the wire (LocalProtocolError)
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
    httpx.LocalProtocolError,
)


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    seconds = value.strip()
    # ASCII digits only: str.isdigit also takes "²" (float refuses it: a ValueError out of a
    # provider's 429) and "٣"; and 400 digits are float("inf"), which no wait can be
    # (attack32b)
    if seconds.isascii() and seconds.isdigit():
        return float(seconds) if len(seconds) <= 15 else None
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def raise_for(
    provider: str, response: httpx.Response, detail: str = "", *, final: bool = False
) -> None:
    """``final``: the request that makes the provider send (a second one would send twice)."""
    if response.is_success:
        return
    text = detail or response.text[:500]
    if final and response.status_code in UNCERTAIN_STATUS:
        raise UncertainSendError(f"{provider} answered {response.status_code}: {text}")
    if response.status_code in TRANSIENT_STATUS:
        raise TransientSendError(
            f"{provider} answered {response.status_code}: {text}", retry_after(response)
        )
    raise PermanentSendError(f"{provider} refused ({response.status_code}): {text}")


def call(
    provider: str, send: Callable[..., httpx.Response], *, final: bool = False
) -> httpx.Response:
    """Run ``send()``. Network trouble is transient, except after the final request may
    have reached the provider: then it is uncertain."""
    try:
        return send()
    except _NOT_SENT as exc:
        raise TransientSendError(f"{provider} unreachable: {exc}") from exc
    except httpx.TimeoutException as exc:
        if final:
            raise UncertainSendError(f"{provider} sent no answer in time: {exc}") from exc
        raise TransientSendError(f"{provider} timed out: {exc}") from exc
    except httpx.TransportError as exc:
        if final:
            raise UncertainSendError(
                f"{provider} connection lost before its answer: {exc}"
            ) from exc
        raise TransientSendError(f"{provider} unreachable: {exc}") from exc
