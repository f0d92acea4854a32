"""Blob trigger: a bank statement file dropped in ``statements/<agency id>/`` is parsed,
matched and booked (or quarantined with a report). Flex Consumption runs blob triggers only
from Event Grid, hence ``source=EVENT_GRID``; the local host emulates that."""

from __future__ import annotations

import azure.functions as func

from shared.telemetry import metrics

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("ingest_statement")
@bp.blob_trigger(
    arg_name="blob",
    path="statements/{name}",
    connection="AzureWebJobsStorage",
    source=func.BlobSource.EVENT_GRID,
)
def ingest_statement(blob: func.InputStream, context: func.Context) -> None:
    from shared import bootstrap

    name = (blob.name or "").split("/", 1)[-1]  # "statements/<agency>/<file>" -> "<agency>/<file>"
    services = bootstrap.services()
    with services.poison.watch("blob-trigger", f"statements/{name}".encode()):  # poison's cause
        report = services.statements.ingest(name, blob.read())
        services.payment_overview.remember(report)  # what the console shows per file
    metrics.statement_file(report)
