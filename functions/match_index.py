"""Queue trigger: a client's statement matching index, built once (shared/services/
match_index_ready.py). A reply quoting a betalingskenmerk asks for it here instead of building
it inside the mailbox reader: a client of 200,000 open invoices takes minutes, and the reader
files every mailbox every 2 minutes. Idempotent: a second message finds the index built."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("build_match_index")
@bp.queue_trigger(arg_name="msg", queue_name="match-index-build", connection="AzureWebJobsStorage")
def build_match_index(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.queue_jobs import build_match_index as work

    work(bootstrap.services(), msg.get_body())  # records the cause, for its poison item
