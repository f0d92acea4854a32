"""Rendering a dunning template: in-process (the domain's budget only) against the isolated
worker pool the services use (a pipe round trip to a separate process), same templates, one run.
The ratio is what the hard time and memory limit costs per message."""

from __future__ import annotations

import time
from typing import Any

from shared.adapters.template_sandbox import IsolatedRenderer
from shared.domain.dunning.templates import MessageTemplate, render, sample_context

TEMPLATE = MessageTemplate(
    "nl",
    "Herinnering {% for i in invoices %}{{ i.number }} {% endfor %}",
    "Beste {{ debtor.name }},\n\n{% for i in invoices %}{{ i.number }}: {{ i.open_amount|money }}\n"
    "{% endfor %}Totaal {{ total|money }}. Betaal via {{ payment_link }}.\n{{ qr_svg }}",
    html="<p>Beste {{ debtor.name }},</p><p>Totaal {{ total|money }}</p>{{ qr_svg }}",
)


def run(_connection_string: str, scale: float) -> dict[str, Any]:
    n = max(50, int(2000 * scale))
    context = sample_context()
    start = time.perf_counter()
    for _ in range(n):
        render(TEMPLATE, context)
    in_process = time.perf_counter() - start
    renderer = IsolatedRenderer(workers=1)
    cold = time.perf_counter()
    renderer.render(TEMPLATE, context)  # starts the worker (once per process)
    cold = time.perf_counter() - cold
    start = time.perf_counter()
    for _ in range(n):
        renderer.render(TEMPLATE, context)
    isolated = time.perf_counter() - start
    renderer.close()
    return {
        "benchmark": "template_render",
        "renders": n,
        "in_process_ms_per_render": round(in_process / n * 1000, 3),
        "isolated_ms_per_render": round(isolated / n * 1000, 3),
        "isolated_over_in_process": round(isolated / in_process, 2),
        "worker_start_ms": round(cold * 1000, 1),
    }
