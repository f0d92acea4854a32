"""The bodies of the queue-triggered jobs that have no module of their own in ``functions/``
beyond the trigger: installments, the settlement run, the usage month and a client's
restatement for a statutory rate table.

Each runs inside ``poison.watch`` so that a job that keeps failing leaves its cause for the
poison item (and the item lands on its owner's list, see ``shared.services.poison``). The
function modules and the fault suite's harness both call these, so the suite tests what
production runs.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.services.container import Services

INSTALLMENTS = "installments"
SETTLEMENT_RUN = "settlement-run"
USAGE_MONTH = "usage-month"


def process_installments(services: Services, body: bytes) -> None:
    with services.poison.watch(INSTALLMENTS, body):
        job = json.loads(body)
        services.plans.process_queued(
            str(job["client_id"]),
            str(job["plan_id"]),
            date.fromisoformat(job["on"]),
            date.fromisoformat(job.get("row_on") or job["on"]),
        )


def run_settlement_agency(services: Services, body: bytes) -> None:
    with services.poison.watch(SETTLEMENT_RUN, body):
        job = json.loads(body)
        services.settlement_runs.run_agency(
            str(job["agency_id"]), date.fromisoformat(str(job["date"]))
        )


def open_usage_month(services: Services, body: bytes) -> None:
    with services.poison.watch(USAGE_MONTH, body):
        job = json.loads(body)
        services.managed_invoices.open_month(str(job["client_id"]), str(job["month"]))


def restate_client_rates(services: Services, body: bytes) -> None:
    from shared.services.rate_restatement import RESTATE_QUEUE, RestateJob

    with services.poison.watch(RESTATE_QUEUE, body):
        services.rate_restatement.run(RestateJob.from_body(body))


def build_match_index(services: Services, body: bytes) -> None:
    """A client's statement matching index, asked for by a reply quoting a kenmerk (ops28)."""
    from shared.services.match_index_ready import BUILD_QUEUE, build_from_message

    with services.poison.watch(BUILD_QUEUE, body):
        build_from_message(services.repos, services.queues, body)
