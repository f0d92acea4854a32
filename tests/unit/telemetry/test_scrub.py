"""No portal token (nor a callback token or a function key) in any URL recorded: the span
processor against the real OpenTelemetry SDK, the log path, and the workspace transformation
that does the same for what the Functions host records."""

from __future__ import annotations

import logging
import re

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.telemetry import setup
from shared.telemetry.scrub import PATTERNS, ScrubbingSpanProcessor, scrub
from tests.support.code_scan import ROOT
from tests.support.otel import attributes

TOKEN = "v1.abcDEF123_-.sig9876543210"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"https://app.example/api/p/{TOKEN}", "https://app.example/api/p/{token}"),
        (f"https://app.example/api/p/{TOKEN}/pay?x=1", "https://app.example/api/p/{token}/pay?x=1"),
        (f"GET /api/p/{TOKEN}", "GET /api/p/{token}"),
        ("/api/callbacks/cm/s3cr3t-token", "/api/callbacks/cm/{token}"),
        (
            "/runtime/webhooks/blobs?functionName=f&code=KEY==",
            "/runtime/webhooks/blobs?functionName=f&code={redacted}",
        ),
        (
            "/api/link/mollie/callback?code=auth_x&state=abc",
            "/api/link/mollie/callback?code={redacted}&state={redacted}",
        ),
        ("/api/portal/overview", "/api/portal/overview"),
    ],
)
def test_scrub(raw: str, clean: str) -> None:
    assert scrub(raw) == clean


def test_span_processor_strips_tokens_before_the_exporter_sees_them() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(ScrubbingSpanProcessor())  # type: ignore[arg-type]  # duck-typed, ahead of the exporter as in setup.py
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span(f"GET /api/p/{TOKEN}") as span:
        span.set_attribute("url.full", f"https://app.example/api/p/{TOKEN}/pay")
        span.set_attribute("http.target", f"/api/p/{TOKEN}")
        span.add_event("redirect", {"location": f"/api/p/{TOKEN}"})
        span.set_attribute("http.route", "p/{token}/{action?}")
        span.set_attribute("http.status_code", 302)
    (finished,) = exporter.get_finished_spans()
    recorded = [finished.name, *map(str, attributes(finished).values())]
    recorded += [str(v) for e in finished.events for v in attributes(e).values()]
    assert not any(TOKEN in text for text in recorded), recorded
    assert finished.name == "GET /api/p/{token}"
    assert attributes(finished)["url.full"] == "https://app.example/api/p/{token}/pay"
    assert attributes(finished)["http.status_code"] == 302


def test_without_the_processor_the_token_would_be_recorded() -> None:
    """The control: the SDK itself keeps the URL as given."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("test").start_as_current_span("x") as span:
        span.set_attribute("url.full", f"https://app.example/api/p/{TOKEN}")
    assert TOKEN in str(attributes(exporter.get_finished_spans()[0])["url.full"])


def test_log_records_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    setup.reset_for_tests()
    setup.ensure({})
    with caplog.at_level(logging.INFO, logger="inning.test"):
        logging.getLogger("inning.test").info("portal opened: %s", f"/api/p/{TOKEN}")
        logging.getLogger("inning.test").info(f"link /api/p/{TOKEN} sent")
    assert TOKEN not in caplog.text
    assert caplog.text.count("/api/p/{token}") == 2


def test_the_workspace_transformation_runs_the_same_patterns() -> None:
    bicep = (ROOT / "infra" / "app" / "monitoring.bicep").read_text()
    assert "kind: 'WorkspaceTransforms'" in bicep
    for stream in ("AppRequests", "AppDependencies", "AppTraces"):
        assert f"'Microsoft-Table-{stream}'" in bicep
    found = re.search(r"var scrub = '(.*)'\n", bicep)
    assert found, "monitoring.bicep defines the KQL scrub expression"
    # the Bicep string literal as KQL sees it: \\ is a backslash, \' a quote
    kql = found.group(1).replace("\\\\", "\\").replace("\\'", "'")
    for pattern, replacement in PATTERNS:
        assert f"@'{pattern}'" in kql, pattern
        assert f"@'{replacement}'" in kql, replacement
    assert "replace(scrub, 'COLUMN', 'Url')" in bicep
    assert (
        "defaultDataCollectionRuleResourceId: ruleId"
        in (ROOT / "infra" / "app" / "workspace-transform.bicep").read_text()
    )


def test_log_record_processor_scrubs_exported_bodies_and_attributes() -> None:
    from opentelemetry.instrumentation.logging.handler import LoggingHandler
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

    from shared.telemetry.scrub import ScrubbingLogRecordProcessor

    exporter = InMemoryLogRecordExporter()
    provider = LoggerProvider()
    provider.add_log_record_processor(ScrubbingLogRecordProcessor())  # type: ignore[arg-type]
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = logging.getLogger("inning.scrub-test")
    handler = LoggingHandler(logger_provider=provider)
    logger.addHandler(handler)
    try:
        logger.warning(
            "upload to %s failed", "https://graph.example/upload?tempauth=eyJ0eXAi.secret"
        )
        logger.warning("portal opened", extra={"url": f"https://app.example/api/p/{TOKEN}"})
    finally:
        logger.removeHandler(handler)
    exported = [r.log_record for r in exporter.get_finished_logs()]
    texts = [str(r.body) for r in exported] + [
        str(v) for r in exported for v in attributes(r).values()
    ]
    assert not any(TOKEN in t or "eyJ0eXAi" in t for t in texts), texts
    assert any("/api/p/{token}" in t for t in texts)
