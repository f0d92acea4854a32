"""Telling a storage outage from a bug at the edge: a request that failed because storage
(or another Azure service) could not be reached or answered 408/429/5xx is answered 503 with
``Retry-After``, so an integration, API Management or a browser tries again, while a bug stays
a 500 that pages the operator."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

from shared.api.http import ApiRequest, ApiResponse
from shared.clock import AMSTERDAM
from shared.domain.day_shown import day_shown
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.api")

RETRY_AFTER_SECONDS = 5
_TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})

# what the console and the portal say instead of a stack trace (by language)
UNAVAILABLE_TEXT = {
    "nl": "De dienst is even niet bereikbaar. Probeer het over een paar seconden opnieuw.",
    "en": "The service is briefly unavailable. Please try again in a few seconds.",
}

# a wait known to be longer than "a few seconds" (a Mollie account's Retry-After or pause):
# said as the Dutch time to come back, never as "a few seconds" for an hour
FEW_SECONDS = RETRY_AFTER_SECONDS * 2
WAIT_TEXT = {
    "nl": {
        "seconds": "De dienst is even niet bereikbaar. Probeer het over {n} seconden opnieuw.",
        "at": "De dienst is even niet bereikbaar. Probeer het om {time} uur opnieuw.",
        "on": "De dienst is even niet bereikbaar. Probeer het op {day} om {time} uur opnieuw.",
    },
    "en": {
        "seconds": "The service is briefly unavailable. Please try again in {n} seconds.",
        "at": "The service is briefly unavailable. Please try again at {time}.",
        "on": "The service is briefly unavailable. Please try again on {day} at {time}.",
    },
}


def unavailable_text(lang: str, wait: float | None, now: datetime) -> str:
    """What the 503 page says when the wait is known (``wait`` seconds from ``now``): under a
    minute in seconds, else the time to come back in Europe/Amsterdam (the debtor's clock,
    summer time included, rounded up to the minute), with the day when it is not today. Not
    known or a few seconds: :data:`UNAVAILABLE_TEXT`."""
    lang = lang if lang in UNAVAILABLE_TEXT else "nl"
    if wait is None or wait <= FEW_SECONDS:
        return UNAVAILABLE_TEXT[lang]
    texts = WAIT_TEXT[lang]
    if wait < 60:
        return texts["seconds"].format(n=math.ceil(wait))
    back = (now + timedelta(seconds=wait)).astimezone(AMSTERDAM)
    if back.second or back.microsecond:
        back = back.replace(second=0, microsecond=0) + timedelta(minutes=1)
    time = f"{back:%H:%M}"
    if back.date() == now.astimezone(AMSTERDAM).date():
        return texts["at"].format(time=time)
    return texts["on"].format(day=day_shown(back.date(), lang), time=time)


def is_outage(exc: BaseException) -> bool:
    """Storage or a service it depends on was out of reach (connection reset, timeout, a 5xx
    or throttling answer), here or as the cause of what a repository raised."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ServiceRequestError | ServiceResponseError | TimeoutError):
            return True
        if isinstance(current, ConnectionError):
            return True
        if isinstance(current, HttpResponseError):
            status = current.status_code
            # no status: the SDK's own 5xx failure without a response to read
            if status in _TRANSIENT_STATUS or (
                status is None and type(current) is HttpResponseError
            ):
                return True
        current = current.__cause__ or getattr(current, "cause", None)
    return False


def storage_down(req: ApiRequest, page: ApiResponse) -> ApiResponse:
    """A page's friendly 503 (the console's or the portal's own ``page``), with ``Retry-After``,
    logged as a warning rather than as an unhandled error."""
    log.warning(
        "storage unavailable %s %s", req.method, req.path, exc_info=True,
        extra=log_extra({"path": req.path}),
    )  # fmt: skip
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page
