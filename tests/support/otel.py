"""Reading back what the OpenTelemetry SDK recorded, for tests."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.metrics.export import InMemoryMetricReader


def metric_points(
    reader: InMemoryMetricReader,
) -> dict[tuple[str, tuple[tuple[str, Any], ...]], Any]:
    """(metric name, sorted attributes) -> the counter's value or the histogram's max."""
    out: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}
    data: Any = reader.get_metrics_data()
    for rm in data.resource_metrics if data else ():
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                for p in metric.data.data_points:
                    key = (metric.name, tuple(sorted(dict(p.attributes or {}).items())))
                    out[key] = p.value if hasattr(p, "value") else p.max
    return out


def attributes(item: Any) -> dict[str, Any]:
    return dict(item.attributes or {})
