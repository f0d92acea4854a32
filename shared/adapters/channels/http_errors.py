"""Turning provider HTTP answers into Inning's two kinds of failure."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import httpx

from shared.domain.messaging import PermanentSendError, TransientSendError

TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def raise_for(provider: str, response: httpx.Response, detail: str = "") -> None:
    if response.is_success:
        return
    text = detail or response.text[:500]
    if response.status_code in TRANSIENT_STATUS:
        raise TransientSendError(
            f"{provider} answered {response.status_code}: {text}", retry_after(response)
        )
    raise PermanentSendError(f"{provider} refused ({response.status_code}): {text}")


def call(provider: str, send: object) -> httpx.Response:
    """Run ``send()``; network trouble is transient."""
    try:
        return send()  # type: ignore[operator,no-any-return]
    except httpx.TimeoutException as exc:
        raise TransientSendError(f"{provider} timed out: {exc}") from exc
    except httpx.TransportError as exc:
        raise TransientSendError(f"{provider} unreachable: {exc}") from exc
