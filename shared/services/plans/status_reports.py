"""A bank's status report (pain.002) about a client's direct-debit file: every rejected
collection fails its installment with the bank's reason (and, when it was already booked,
its payment is reversed), staff are told; what is not one of ours goes on the action list.

Idempotent: a report read twice fails nothing twice (a returned collection stays returned)
and tells staff once per collection (action items keyed by the end-to-end id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.parties import Client
from shared.domain.plans.pain002 import CollectionStatus, Pain002Error, parse_pain002
from shared.domain.records import ActionItem
from shared.services.errors import Invalid
from shared.services.plans.service import PlanService

UNKNOWN_REASON = "NARR"  # ISO: narrative; the bank gave no code


@dataclass(frozen=True)
class StatusReportResult:
    original_message_id: str
    group_status: str | None
    rejected: int
    failed: list[tuple[str, int, str]] = field(default_factory=list)  # plan, installment, code
    unknown: list[str] = field(default_factory=list)  # end-to-end ids not of our collections


class StatusReports:
    def __init__(self, plans: PlanService, clock: Clock) -> None:
        self.plans = plans
        self.clock = clock

    def ingest(self, client: Client, data: bytes) -> StatusReportResult:
        try:
            report = parse_pain002(data)
        except Pain002Error as e:
            raise Invalid(str(e), field="body") from e
        rejected = [c for c in report.collections if c.rejected]
        listed = {c.end_to_end_id for c in report.collections}
        desk = self.plans.desk
        if desk is not None:
            # a file or block rejected whole names no collections: they are the file's own
            whole: list[tuple[str | None, str | None]] = []
            if report.whole_file_rejected:
                whole.append((None, report.group_reason))
            for block_id, reason in report.rejected_blocks:
                sequence = block_id.rsplit("-", 1)[-1] if "-" in block_id else None
                whole.append((sequence if sequence in ("FRST", "RCUR") else None, reason))
            for sequence, reason in whole:
                for e2e in desk.collections_of_file(
                    client.client_id, report.original_message_id, sequence
                ):
                    if e2e not in listed:
                        listed.add(e2e)
                        rejected.append(CollectionStatus(e2e, "RJCT", reason))
        result = StatusReportResult(
            report.original_message_id, report.group_status, rejected=len(rejected)
        )
        for c in rejected:
            code = c.reason or report.group_reason or UNKNOWN_REASON
            plan = self.plans.debit_came_back(client, c.end_to_end_id, code)
            if plan is None:
                result.unknown.append(c.end_to_end_id)
                continue
            number = next(d.number for d in plan.debits if d.end_to_end_id == c.end_to_end_id)
            result.failed.append((plan.plan_id, number, code))
        if result.unknown:
            now = self.clock.now()
            self.plans.repos.actions.add(ActionItem(
                client_id=client.client_id, action_id=time_ordered_id(now),
                kind="unmatched_status_report",
                title=(f"The bank rejected {len(result.unknown)} collection(s) of file "
                       f"{report.original_message_id} that are not in a payment plan"),
                created_at=now, detail={"end_to_end_ids": result.unknown[:100],
                                        "original_message_id": report.original_message_id},
            ))  # fmt: skip
        return result
