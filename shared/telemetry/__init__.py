"""Telemetry: one operation id from an HTTP request or a timer through every queue message it
causes, structured logs carrying client, run, message and operation ids, Inning's metrics, and
no portal token in any recorded URL.

Nothing here imports OpenTelemetry at module import time: the Azure Monitor distro is loaded
on the first invocation in Azure only (:mod:`shared.telemetry.setup`), so a cold start and a
local run do not pay for it."""
