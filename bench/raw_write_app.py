"""The bulk-import benchmark's baseline as a Functions app (served by a second local host in the
same run): the same request as ``POST /api/v1/clients/{client}/invoices`` (API key, client
lookup, JSON body, the same row validation, the same rows built the same way: the invoice's two,
the open sums', the schedule's and the usage meter's; the matching index's and the console's
search keys only for a client that has them, as the import: since perf27 a client no statement
met has no matching index, since perf28 a client never searched no search keys) written blind, each table in full transactions: no reads of what is stored, no
comparison, no concurrency guard, no follow-up marks. What the import does beyond this is what
the benchmark measures."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="raw/clients/{client}/invoices", methods=["POST"])
def raw_invoices(req: func.HttpRequest) -> func.HttpResponse:
    from shared import bootstrap
    from shared.adapters.tables.invoices_repo import INDEX_GROUP
    from shared.api import schemas
    from shared.api.common import validate_rows
    from shared.api.routes_invoices import _draft
    from shared.domain.figures.portfolio import open_changes
    from shared.domain.invoices import Invoice
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
    repo = services.repos.invoices
    # the matching index's rows carry the debtors' names and kinds: read once, as the import
    # reads them to check that the debtors exist
    found = services.repos.debtors.get_many(
        client.client_id, sorted({i.debtor_number for i in invoices})
    )
    debtors = {n: d for n, (d, _) in found.items()}

    def write(chunk: list[Invoice]) -> None:
        ops: list[Op] = []
        for invoice in chunk:
            ops += repo.write_ops(invoice, None)
        repo.write_many(client.client_id, ops)

    def index(group: list[Invoice]) -> None:
        repo.match_index.update(client.client_id, [(None, i) for i in group], debtors)

    # as the import asks, once a request: both lazy indexes' markers in one read (perf31)
    marks = services.console_search.marks(client.client_id)
    indexed = repo.match_index.kept(client.client_id, marks.matched)

    # the same rows as the import, each table in full transactions and in parallel as the
    # import writes them: invoices 50 a transaction, index rows 25 invoices a transaction
    chunks = [invoices[i : i + per_chunk] for i in range(0, len(invoices), per_chunk)]
    groups = [invoices[i : i + INDEX_GROUP] for i in range(0, len(invoices), INDEX_GROUP)]
    with ThreadPoolExecutor(max_workers=imports.PARALLEL_CHUNKS) as pool:
        list(pool.map(write, chunks))
        if indexed:
            list(pool.map(index, groups))
    services.console_search.index_invoices(client.client_id, [(None, i) for i in invoices], marks)
    repo.figures.move_open(client.client_id, open_changes([(None, i) for i in invoices]))
    shards = max(1, client.dunning_shards)  # the same schedule rows as the import
    services.dunning.schedule_invoices(client.client_id, invoices, shards=shards)
    services.managed_invoices.record(client.client_id, invoices)  # the usage meter's row
    body = {"created": len(invoices), "rejected": len(errors)}
    return func.HttpResponse(json.dumps(body), mimetype="application/json")
