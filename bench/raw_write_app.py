"""The bulk-import benchmark's baseline as a Functions app (served by a second local host in the
same run): the same request as ``POST /api/v1/clients/{client}/invoices`` (API key, client
lookup, JSON body, the same row validation, the same invoice rows built the same way) written
blind: no reads of what is stored, no comparison, no concurrency guard. What the import does
beyond this is what the benchmark measures."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="raw/clients/{client}/invoices", methods=["POST"])
def raw_invoices(req: func.HttpRequest) -> func.HttpResponse:
    from shared import bootstrap
    from shared.api import schemas
    from shared.api.common import validate_rows
    from shared.api.routes_invoices import _draft
    from shared.ports.tables import MAX_BATCH, Op
    from shared.services import imports

    services = bootstrap.services()
    principal = services.access.authenticate(req.headers.get("X-Api-Key", ""))
    if principal is None:
        return func.HttpResponse(status_code=401)
    client = services.access.client_for(principal, req.route_params["client"])
    valid, errors = validate_rows(json.loads(req.get_body())["items"], schemas.InvoiceIn)
    invoices = [services.imports._merge(client, _draft(m), None) for _, m in valid]
    per_chunk = MAX_BATCH // 2  # as the import: an invoice's rows never split

    def write(chunk: list[object]) -> None:
        ops: list[Op] = []
        for invoice in chunk:
            ops += services.repos.invoices.write_ops(invoice, None)  # type: ignore[arg-type]
        services.repos.invoices.save_many(client.client_id, ops)

    chunks = [invoices[i : i + per_chunk] for i in range(0, len(invoices), per_chunk)]
    with ThreadPoolExecutor(max_workers=imports.PARALLEL_CHUNKS) as pool:
        list(pool.map(write, chunks))
    shards = max(1, client.dunning_shards)  # the same schedule rows as the import
    services.dunning.schedule_invoices(client.client_id, invoices, shards=shards)
    body = {"created": len(invoices), "rejected": len(errors)}
    return func.HttpResponse(json.dumps(body), mimetype="application/json")
