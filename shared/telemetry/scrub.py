"""Bearer secrets that travel in URLs, removed from everything recorded.

A debtor's portal link is ``/api/p/<token>``: whoever reads the token can open the debtor's
page. Provider callbacks carry a shared token in the path (``/api/callbacks/cm/<token>``),
the blob extension's webhook a ``code=`` key. The same patterns run at ingestion in the Log
Analytics workspace (infra/app/monitoring.bicep) for what the Functions host records itself;
tests/unit/telemetry/test_scrub.py holds the two lists equal."""

from __future__ import annotations

import re
from typing import Any

# (pattern, replacement) in RE2-compatible syntax, so KQL's replace_regex runs the same ones
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"/api/p/[^/?#\s]+", "/api/p/{token}"),
    (r"/api/callbacks/([A-Za-z]+)/[^/?#\s]+", r"/api/callbacks/\1/{token}"),
    # function keys, OAuth codes and states, SAS-like and Graph upload-session tokens
    (
        r"([?&](?:code|token|sig|state|tempauth|access_token|refresh_token)=)[^&#\s]+",
        r"\1{redacted}",
    ),
)
_COMPILED = tuple((re.compile(p), r) for p, r in PATTERNS)


def scrub(text: str) -> str:
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return text


def scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, tuple | list) and value and all(isinstance(v, str) for v in value):
        return type(value)(scrub(v) for v in value)
    return value


class ScrubbingSpanProcessor:
    """An OpenTelemetry span processor that rewrites a finished span's name, attributes and
    event attributes before any exporter sees it. Registered ahead of the Azure Monitor
    exporter (``configure_azure_monitor(span_processors=[...])``), and span processors run in
    the order they were added, on the same span object."""

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        span.update_name(scrub(span.name))

    def _on_ending(self, span: Any) -> None:
        return None

    def on_end(self, span: Any) -> None:
        # a finished span's attributes are frozen; the SDK's own documentation for Azure
        # Monitor rewrites them in on_end by replacing the mapping, as here
        span._name = scrub(span.name)
        span._attributes = {k: scrub_value(v) for k, v in (span.attributes or {}).items()}
        for event in span.events or ():
            if event.attributes:
                event._attributes = {k: scrub_value(v) for k, v in event.attributes.items()}

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


class ScrubbingLogRecordProcessor:
    """The same for log records exported through OpenTelemetry (body and attributes)."""

    def on_emit(self, log_data: Any) -> None:
        record = getattr(log_data, "log_record", log_data)
        if isinstance(record.body, str):
            record.body = scrub(record.body)
        if record.attributes:
            record.attributes = {k: scrub_value(v) for k, v in record.attributes.items()}

    def emit(self, log_data: Any) -> None:
        self.on_emit(log_data)

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
