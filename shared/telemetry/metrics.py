"""Inning's metrics, through the OpenTelemetry metrics API (exported to Application Insights'
``customMetrics`` by the Azure Monitor distro in Azure; a no-op locally, where no meter
provider is configured). Counters for things that happen, histograms for levels (a gauge's
max per interval is what the alerts read).

Names are the alert queries' names (infra/app/alerts.bicep; tests/unit/test_infra.py checks
every name an alert reads is emitted here)."""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger("inning.metrics")

_lock = threading.Lock()
_provider: Any = None  # a MeterProvider set by tests; None: the global one
_instruments: dict[tuple[int, str, str], Any] = {}


def use(provider: Any) -> None:
    """Record into ``provider`` instead of the global meter provider (tests)."""
    global _provider
    with _lock:
        _provider = provider
        _instruments.clear()


def _instrument(kind: str, name: str) -> Any:
    from opentelemetry import metrics as otel

    provider = _provider or otel.get_meter_provider()
    key = (id(provider), kind, name)
    with _lock:
        found = _instruments.get(key)
        if found is None:
            meter = provider.get_meter("inning")
            found = (
                meter.create_counter(name) if kind == "counter" else meter.create_histogram(name)
            )
            _instruments[key] = found
        return found


def count(name: str, value: int = 1, **dimensions: str) -> None:
    """Something happened ``value`` times."""
    if value:
        _instrument("counter", name).add(value, attributes=dimensions)


def level(name: str, value: float, **dimensions: str) -> None:
    """A level observed now (queue depth, clients behind)."""
    _instrument("histogram", name).record(value, attributes=dimensions)


# -- what the trigger adapters report -----------------------------------------------------


def dunning_run(record: Any) -> None:
    """One client's dunning run (a ``RunRecord``): steps due and taken, messages queued,
    errors. Delivery outcomes (sent, deferred, failed) follow per message under the same
    operation id (:func:`delivery`)."""
    if record is None:
        return
    from shared.telemetry import context

    client = str(record.client_id)
    count("inning.dunning.due", int(record.steps), client_id=client)
    count("inning.dunning.queued", int(record.messages), client_id=client)
    count("inning.dunning.failed", len(record.errors), client_id=client)
    count("inning.dunning.runs", 1, outcome="succeeded" if record.succeeded else "failed")
    log.info(
        "dunning run %s for client %s: %d due, %d queued, %d failed",
        record.run_id,
        client,
        record.steps,
        record.messages,
        len(record.errors),
        extra=context.log_extra({"client_id": client, "run_id": str(record.run_id),
                                 "due": record.steps, "queued": record.messages,
                                 "failed": len(record.errors)}),
    )  # fmt: skip


def delivery(outcome: str) -> None:
    """A message job's outcome (sent, deferred, failed, ...), per channel: the channel is the
    sending function's (``send_email`` -> ``email``)."""
    from shared.telemetry import context

    op = context.current()
    channel = op.name.removeprefix("send_") if op and op.name.startswith("send_") else "unknown"
    count("inning.messages.delivered", 1, channel=channel, outcome=outcome)


def statement_file(report: Any) -> None:
    """One statement file: lines, booked, suggested, and the file's outcome."""
    if report is None:
        return
    from shared.telemetry import context

    outcome = str(getattr(report, "status", "") or getattr(report, "outcome", "") or "done")
    count("inning.statements.files", 1, outcome=outcome)
    figures = {}
    for name in ("lines", "booked", "suggested"):
        value = getattr(report, name, None)
        number = len(value) if isinstance(value, list | tuple) else value
        if isinstance(number, int):
            figures[name] = number
            count(f"inning.statements.{name}", number)
    held = getattr(report, "held_back", 0)
    if isinstance(held, int) and held:
        # statements of unknown accounts quarantined while the file's others were booked: the
        # quarantine alert counts them with the files refused whole
        count("inning.statements.held_back", held)
    log.info(
        "statement file %s: %s %s",
        getattr(report, "name", "?"),
        outcome,
        figures,
        extra=context.log_extra({"statement_outcome": outcome, **figures}),
    )


def webhook(provider: str, outcome: str) -> None:
    """A provider webhook processed (Mollie: paid, refund, chargeback, unknown, ...)."""
    count("inning.webhooks", 1, provider=provider, outcome=outcome)


def outbox_swept(run: Any) -> None:
    """An outbox sweep (shared/services/outbox_sweep.py): jobs queued again for messages
    whose job never reached the queue, and messages put on the action list."""
    count("inning.outbox_swept", run.queued, outcome="queued")
    count("inning.outbox_swept", run.raised, outcome="raised")
    count("inning.outbox_swept", run.failed, outcome="failed")


def payments_reconciled(run: Any) -> None:
    """A reconcile run over online payments (shared/services/mollie_reconcile.py): how many
    ended (booked or closed) and how many could not be read; payments left over for the next
    run show as ``more``, the alert's sign that runs fall behind."""
    count("inning.payments_reconciled", run.ended, outcome="ended")
    count("inning.payments_reconciled", run.failed, outcome="failed")
    count("inning.payments_reconciled", int(run.more), outcome="more")
