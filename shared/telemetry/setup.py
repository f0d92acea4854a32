"""Switching telemetry on, once per worker process, on the first invocation.

In Azure (``APPLICATIONINSIGHTS_CONNECTION_STRING`` set) the Azure Monitor OpenTelemetry
distro is configured with Entra authentication (the app's user-assigned identity, as
``APPLICATIONINSIGHTS_AUTHENTICATION_STRING`` says; App Insights has local auth off), the
token-scrubbing span and log processors ahead of its exporters, and logs from the ``inning``
loggers. Elsewhere nothing is imported. Either way every log record gets the current
operation's ids (operation, client, run, message) as attributes, and its text scrubbed."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

from shared.telemetry import context

_lock = threading.Lock()
_done = False
_tracing = False

log = logging.getLogger("inning.telemetry")


def tracing_enabled() -> bool:
    return _tracing


def ensure(env: Mapping[str, str] | None = None) -> None:
    """Idempotent and cheap after the first call."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        _install_record_factory()
        e = os.environ if env is None else env
        if e.get("APPLICATIONINSIGHTS_CONNECTION_STRING"):
            try:
                _configure_azure_monitor(e)
            except Exception:  # telemetry must never stop the app from working
                log.exception("Azure Monitor telemetry could not be configured")
        _done = True


def _configure_azure_monitor(e: Mapping[str, str]) -> None:
    global _tracing
    from azure.identity import ManagedIdentityCredential
    from azure.monitor.opentelemetry import configure_azure_monitor

    from shared.telemetry.scrub import ScrubbingLogRecordProcessor, ScrubbingSpanProcessor

    auth = e.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "")
    kwargs: dict[str, Any] = {}
    if "Authorization=AAD" in auth:
        client_id = dict(p.split("=", 1) for p in auth.split(";") if "=" in p).get("ClientId")
        kwargs["credential"] = ManagedIdentityCredential(client_id=client_id)
    configure_azure_monitor(
        connection_string=e["APPLICATIONINSIGHTS_CONNECTION_STRING"],
        logger_name="inning",
        span_processors=[ScrubbingSpanProcessor()],
        log_record_processors=[ScrubbingLogRecordProcessor()],
        # the host records requests itself; the worker adds spans per invocation
        # (shared/telemetry/instrument.py) and for outgoing HTTP (httpx is instrumented)
        instrumentation_options={
            "django": {"enabled": False},
            "fastapi": {"enabled": False},
            "flask": {"enabled": False},
            "psycopg2": {"enabled": False},
        },
        **kwargs,
    )
    _tracing = True


def _install_record_factory() -> None:
    from shared.telemetry.scrub import scrub

    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        for key, value in context.log_fields().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        return record

    logging.setLogRecordFactory(factory)


def reset_for_tests() -> None:
    global _done, _tracing
    with _lock:
        _done = False
        _tracing = False
