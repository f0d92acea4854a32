"""Dunning configuration, the schedule index and run records on Table Storage.

| table            | PartitionKey | RowKey                          | serves                          |
| DunningTemplates | client id    | template id                     | templates per client            |
| Workflows        | client id    | workflow id                     | workflows per client            |
| SegmentRules     | client id    | ``rules``                       | the ordered assignment rules    |
| DunningSchedule  | client id    | ``yyyymmdd|debtor|invoice``     | what is due: a range read up to |
|                  |              |                                 | today costs what is due, not the|
|                  |              |                                 | portfolio                       |
|                  |              | ``yyyymmdd|!i|<id>``            | the invoices one import brought |
|                  |              |                                 | in (``Invoices``: JSON pairs)   |
| DunningRuns      | client id    | inverted time ``|`` run id      | run history, newest first       |
| ClientRuns       | ``runs``     | client id                       | clients by last successful run  |
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from shared.adapters.tables.codec import (
    get_date,
    get_json,
    get_json_parts,
    put_date,
    put_json,
    put_json_parts,
)
from shared.adapters.tables.keys import decode, encode
from shared.domain.dunning.templates import MessageTemplate
from shared.domain.dunning.workflow import OffsetFrom, SegmentRule, Step, StepChannel, Workflow
from shared.domain.parties import DebtorKind
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    TableStore,
    TransactionFailed,
)

TEMPLATES = "DunningTemplates"
WORKFLOWS = "Workflows"
SEGMENT_RULES = "SegmentRules"
SCHEDULE = "DunningSchedule"
RUNS = "DunningRuns"
CLIENT_RUNS = "ClientRuns"
TABLES = (TEMPLATES, WORKFLOWS, SEGMENT_RULES, SCHEDULE, RUNS, CLIENT_RUNS)


def _step_json(step: Step) -> dict[str, Any]:
    return {
        "name": step.name,
        "channel": step.channel.value,
        "offset_days": step.offset_days,
        "offset_from": step.offset_from.value,
        "templates": dict(step.templates),
        "min_open_amount": step.min_open_amount,
        "debtor_kinds": sorted(k.value for k in step.debtor_kinds),
        "fallback": step.fallback.value if step.fallback else None,
        "letter_by": step.letter_by.value,
        "id": step.step_id,
    }


def step_from_json(d: dict[str, Any], place: int = 0) -> Step:
    """A stored step; one stored before steps had ids gets its place (see ``Step.step_id``)."""
    return Step(
        name=d["name"],
        channel=StepChannel(d["channel"]),
        offset_days=int(d["offset_days"]),
        offset_from=OffsetFrom(d.get("offset_from", "due_date")),
        templates=dict(d.get("templates", {})),
        min_open_amount=int(d.get("min_open_amount", 0)),
        debtor_kinds=frozenset(DebtorKind(k) for k in d.get("debtor_kinds", ["b2b", "b2c"])),
        fallback=StepChannel(d["fallback"]) if d.get("fallback") else None,
        letter_by=StepChannel(d.get("letter_by", "letter")),
        step_id=str(d.get("id") or place),
    )


def _workflow(row: Row) -> Workflow:
    steps = get_json(row.data.get("Steps"), [])
    return Workflow(
        decode(row.rk),
        row.data["Name"],
        tuple(step_from_json(s, n) for n, s in enumerate(steps)),
        bool(row.data.get("Active", False)),
        bundle_days=int(row.data.get("BundleDays", 0) or 0),
    )


IMPORTED = "!i"  # never an encoded debtor number: the encoder writes "!" only before two hex digits
# a debtor a run found without a workflow: ``~waiting|<debtor>`` beside the schedule
WAITING = "waiting|"
_ROW_CHARS = 30_000  # a string property holds 64 KiB (32K UTF-16 characters)


@dataclass(frozen=True)
class ScheduleEntry:
    on: date
    debtor_number: str
    invoice_number: str
    row_key: str
    imported: bool = False  # from an import's row, which holds many invoices (row_key is shared)


@dataclass(frozen=True)
class RunRecord:
    client_id: str
    run_id: str
    business_date: date
    started_at: datetime
    finished_at: datetime | None
    steps: int  # the steps the run took (messages, staff tasks, hand-overs)
    messages: int  # of those, the messages it wrote to the outbox (sent or queued to send)
    errors: tuple[str, ...]
    # debtors with open invoices that no active workflow took: nothing went to them
    without_workflow: int = 0
    tasks: int = 0  # staff tasks put on the action list (nothing sent)
    handovers: int = 0  # cases handed over to the agency
    # before the client's go-live day (onboard32): that day, and the debtors whose steps were
    # due and held (what the run would have worked on), nothing sent
    waiting_until: date | None = None
    waiting_debtors: int = 0
    # a backlog spread over days (golive33): debtors whose workflow's first step was due and
    # that wait for a later run, the day's first_steps_per_day given to others
    spread_waiting: int = 0

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.errors


class DunningRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    # -- templates ---------------------------------------------------------------------------
    def save_template(self, client_id: str, template_id: str, t: MessageTemplate) -> None:
        self.store.upsert(
            TEMPLATES,
            # a template may hold 120,000 characters (text and HTML): over one property's limit
            Row(encode(client_id), encode(template_id), put_json_parts("Template", asdict(t))),
        )

    def templates(self, client_id: str) -> dict[str, MessageTemplate]:
        page = self.store.query(TEMPLATES, pk=encode(client_id))
        return {
            decode(r.rk): MessageTemplate(**get_json_parts(r.data, "Template", {}))
            for r in page.rows
        }

    # -- workflows ---------------------------------------------------------------------------
    def save_workflow(
        self, client_id: str, workflow: Workflow, etag: str | None = None, *, new: bool = False
    ) -> str:
        """Write a workflow; its new ETag. Under ``etag`` only when nobody wrote it since that
        read (PreconditionFailed), ``new`` only when there is none yet (Conflict); else as is."""
        data = {
            "Name": workflow.name,
            "Active": workflow.active,
            "Steps": put_json([_step_json(s) for s in workflow.steps]),
            "BundleDays": workflow.bundle_days,
        }
        row = Row(encode(client_id), encode(workflow.workflow_id), data, etag=etag)
        if etag is not None:
            written = self.store.replace(WORKFLOWS, row)
        elif new:
            written = self.store.insert(WORKFLOWS, row)
        else:
            written = self.store.upsert(WORKFLOWS, row)
        return written.etag or ""

    def workflows(self, client_id: str) -> dict[str, Workflow]:
        return {k: w for k, (w, _) in self.workflow_rows(client_id).items()}

    def workflow(self, client_id: str, workflow_id: str) -> tuple[Workflow, str] | None:
        """One workflow and its ETag (what an editor saves under)."""
        row = self.store.get(WORKFLOWS, encode(client_id), encode(workflow_id))
        return (_workflow(row), row.etag or "") if row is not None else None

    def workflow_rows(self, client_id: str) -> dict[str, tuple[Workflow, str]]:
        page = self.store.query(WORKFLOWS, pk=encode(client_id))
        return {decode(r.rk): (_workflow(r), r.etag or "") for r in page.rows}

    def save_rules(self, client_id: str, rules: list[SegmentRule]) -> None:
        data = [{**asdict(r), "kind": r.kind.value if r.kind else None} for r in rules]
        self.store.upsert(
            SEGMENT_RULES, Row(encode(client_id), "rules", {"Rules": put_json(data) or "[]"})
        )

    def rules(self, client_id: str) -> list[SegmentRule]:
        row = self.store.get(SEGMENT_RULES, encode(client_id), "rules")
        raw = get_json(row.data.get("Rules"), []) if row else []
        return [
            SegmentRule(**{**r, "kind": DebtorKind(r["kind"]) if r.get("kind") else None})
            for r in raw
        ]

    # -- schedule ----------------------------------------------------------------------------
    @staticmethod
    def schedule_key(on: date, debtor: str, invoice: str) -> str:
        return f"{on:%Y%m%d}|{encode(debtor)}|{encode(invoice)}"

    def due(self, client_id: str, today: date, limit: int = 5000) -> list[ScheduleEntry]:
        """Every entry on or before ``today``: the work of this run, and nothing else."""
        return self.due_part(client_id, today, None, limit)[0]

    def due_part(
        self, client_id: str, today: date, after: str | None = None, limit: int = 5000
    ) -> tuple[list[ScheduleEntry], str | None]:
        """At most ``limit`` rows due on or before ``today`` whose key sorts after ``after``
        (None: from the first), in key order, and the key of the last one read when more may
        be due (None: none left): what the run's follow-up job goes on after."""
        out: list[ScheduleEntry] = []
        token = None
        upper = f"{today:%Y%m%d}|\U0010ffff"
        read = 0
        while read < limit:
            page = self.store.query(
                SCHEDULE, pk=encode(client_id), rk_range=(after, upper), continuation=token,
                page_size=min(1000, limit - read),
            )  # fmt: skip
            for row in page.rows:
                if after is not None and row.rk <= after:
                    continue  # the row the previous part ended on
                read += 1
                day, debtor, invoice = row.rk.split("|")
                if debtor == IMPORTED:
                    on = date(int(day[:4]), int(day[4:6]), int(day[6:]))
                    pairs = json.loads(str(row.data.get("Invoices", "[]")))
                    out += [ScheduleEntry(on, str(d), str(n), row.rk, True) for d, n in pairs]
                    continue
                out.append(
                    ScheduleEntry(
                        date(int(day[:4]), int(day[4:6]), int(day[6:])),
                        decode(debtor),
                        decode(invoice),
                        row.rk,
                    )
                )
            token = page.continuation
            if not token:
                return out, None
        return out, (out[-1].row_key if out else after)

    def schedule_imported(
        self, client_id: str, on: date, invoices: Sequence[tuple[str, str]]
    ) -> None:
        """(debtor, invoice) pairs an import brought in, to look at on ``on``: one row per
        30,000 characters of them, one transaction (a row per invoice took ten per 1,000).
        The run that reads it gives each invoice its own next row and deletes it."""
        batch = secrets.token_hex(8)
        rows: list[list[tuple[str, str]]] = [[]]
        size = 0
        for debtor, invoice in invoices:
            if size + len(debtor) + len(invoice) + 8 > _ROW_CHARS and rows[-1]:
                rows.append([])
                size = 0
            rows[-1].append((debtor, invoice))
            size += len(debtor) + len(invoice) + 8  # brackets, quotes, commas
        ops = [
            Op(OpKind.UPSERT, Row(encode(client_id), f"{on:%Y%m%d}|{IMPORTED}|{batch}-{i:03d}",
                                  {"Invoices": json.dumps(part)}))
            for i, part in enumerate(rows)
            if part
        ]  # fmt: skip
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(SCHEDULE, ops[start : start + MAX_BATCH])

    def reschedule(self, client_id: str, moves: Sequence[tuple[str | None, str | None]]) -> None:
        """(old row key, new row key) pairs: delete the old entry, add the new one."""
        ops: list[Op] = []
        for old, new in moves:
            if old and old != new:
                ops.append(Op(OpKind.DELETE, Row(encode(client_id), old)))
            if new and old != new:
                ops.append(Op(OpKind.UPSERT, Row(encode(client_id), new, {})))
        seen: set[str] = set()
        unique = [op for op in ops if not (op.row.rk in seen or seen.add(op.row.rk))]  # type: ignore[func-returns-value]
        for start in range(0, len(unique), MAX_BATCH):
            chunk = unique[start : start + MAX_BATCH]
            try:
                self.store.transact(SCHEDULE, chunk)
            except TransactionFailed:
                for op in chunk:  # a delete of a row already gone must not block the rest
                    try:
                        self.store.transact(SCHEDULE, [op])
                    except TransactionFailed as exc:
                        # only "already as wanted" is fine; an outage must reach the caller,
                        # or an invoice would silently drop out of the schedule
                        if not (
                            op.kind is OpKind.DELETE and isinstance(exc.cause, PreconditionFailed)
                        ):
                            raise

    def mark_once(self, client_id: str, what: str) -> bool:
        """True the first time ``what`` is marked for this client (kept beside the schedule,
        under keys that sort after every date)."""
        try:
            self.store.insert(SCHEDULE, Row(encode(client_id), f"~{what}", {}))
            return True
        except Conflict:
            return False

    def unmark_all(self, client_id: str, prefix: str) -> None:
        """Every mark of :meth:`mark_once` whose ``what`` starts with ``prefix``, taken away."""
        pk = encode(client_id)
        token = None
        while True:
            page = self.store.query(SCHEDULE, pk=pk, rk_range=(f"~{prefix}", f"~{prefix}\U0010ffff"),
                                    continuation=token)  # fmt: skip
            for row in page.rows:
                self.store.delete(SCHEDULE, pk, row.rk)
            token = page.continuation
            if not token:
                return

    def marks(self, client_id: str, prefix: str) -> list[str]:
        """The ``what`` of every mark of :meth:`mark_once` that starts with ``prefix``, in
        key order, without the prefix (one range read)."""
        pk, found, token = encode(client_id), [], None
        while True:
            page = self.store.query(SCHEDULE, pk=pk, rk_range=(f"~{prefix}", f"~{prefix}\U0010ffff"),
                                    continuation=token)  # fmt: skip
            found += [row.rk[len(prefix) + 1 :] for row in page.rows]
            token = page.continuation
            if not token:
                return found

    def marked(self, client_id: str, what: str) -> bool:
        """Whether :meth:`mark_once` marked ``what`` for this client."""
        return self.store.get(SCHEDULE, encode(client_id), f"~{what}") is not None

    def waiting_for_workflow(self, client_id: str) -> list[str]:
        """The debtors a run found without a workflow (``mark_once`` of ``WAITING``), till a
        workflow is activated or the segment rules change (``release_waiting``)."""
        page = self.store.query(
            SCHEDULE, pk=encode(client_id), rk_range=(f"~{WAITING}", f"~{WAITING}\U0010ffff")
        )
        out = [decode(r.rk[len(WAITING) + 1 :]) for r in page.rows]
        while page.continuation:
            page = self.store.query(
                SCHEDULE, pk=encode(client_id),
                rk_range=(f"~{WAITING}", f"~{WAITING}\U0010ffff"), continuation=page.continuation,
            )  # fmt: skip
            out += [decode(r.rk[len(WAITING) + 1 :]) for r in page.rows]
        return out

    def release_waiting(self, client_id: str, debtors: Sequence[str]) -> None:
        for debtor in debtors:
            try:
                self.store.transact(
                    SCHEDULE,
                    [Op(OpKind.DELETE, Row(encode(client_id), f"~{WAITING}{encode(debtor)}"))],
                )
            except TransactionFailed as exc:
                if not isinstance(exc.cause, PreconditionFailed):
                    raise  # gone already is fine; an outage is not

    def claim_value(self, client_id: str, what: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` stored under ``what`` the first time; every later call gets that first
        call's data (an action item's id and time, so a retried run writes the same item)."""
        try:
            self.store.insert(SCHEDULE, Row(encode(client_id), f"~{what}", dict(data)))
            return data
        except Conflict:
            row = self.store.get(SCHEDULE, encode(client_id), f"~{what}")
            return dict(row.data) if row is not None else data

    def value(self, client_id: str, what: str) -> dict[str, Any] | None:
        """What :meth:`claim_value` stored under ``what`` (None: nothing)."""
        row = self.store.get(SCHEDULE, encode(client_id), f"~{what}")
        return dict(row.data) if row is not None else None

    def unmark(self, client_id: str, what: str) -> None:
        """``what``'s mark gone (gone already is fine; an outage is not)."""
        try:
            self.store.transact(SCHEDULE, [Op(OpKind.DELETE, Row(encode(client_id), f"~{what}"))])
        except TransactionFailed as exc:
            if not isinstance(exc.cause, PreconditionFailed):
                raise

    # -- runs --------------------------------------------------------------------------------
    def save_run(self, run: RunRecord) -> None:
        inverted = 10**13 - int(run.started_at.timestamp() * 1000)
        self.store.upsert(
            RUNS,
            Row(encode(run.client_id), f"{inverted:013d}|{run.run_id}", {
                "RunId": run.run_id, "BusinessDate": run.business_date.isoformat(), "StartedAt": run.started_at,
                "FinishedAt": run.finished_at, "Steps": run.steps, "Messages": run.messages, "Errors": put_json(list(run.errors)),
                "WithoutWorkflow": run.without_workflow, "Tasks": run.tasks, "Handovers": run.handovers,
                "WaitingUntil": put_date(run.waiting_until), "WaitingDebtors": run.waiting_debtors,
                "SpreadWaiting": run.spread_waiting,
            }),
        )  # fmt: skip
        index = self.store.get(CLIENT_RUNS, "runs", encode(run.client_id))
        data = dict(index.data) if index else {}
        data["LastRunAt"] = run.started_at
        if run.succeeded:
            data["LastSuccessAt"] = run.finished_at
        else:
            data["LastError"] = "; ".join(run.errors)[:1000] or "unfinished"
        self.store.upsert(CLIENT_RUNS, Row("runs", encode(run.client_id), data))

    def runs(self, client_id: str, limit: int = 50) -> list[RunRecord]:
        page = self.store.query(RUNS, pk=encode(client_id), page_size=limit)
        return [
            RunRecord(client_id, r.data["RunId"], date.fromisoformat(r.data["BusinessDate"]), r.data["StartedAt"], r.data.get("FinishedAt"),
                      int(r.data.get("Steps", 0)), int(r.data.get("Messages", 0)), tuple(get_json(r.data.get("Errors"), [])),
                      int(r.data.get("WithoutWorkflow", 0)), int(r.data.get("Tasks", 0)),
                      int(r.data.get("Handovers", 0)), get_date(r.data.get("WaitingUntil")),
                      int(r.data.get("WaitingDebtors", 0)), int(r.data.get("SpreadWaiting", 0)))
            for r in page.rows
        ]  # fmt: skip

    def client_runs(self) -> list[tuple[str, datetime | None, datetime | None, str | None]]:
        page = self.store.query(CLIENT_RUNS, pk="runs")
        return [
            (
                decode(r.rk),
                r.data.get("LastSuccessAt"),
                r.data.get("LastRunAt"),
                r.data.get("LastError"),
            )
            for r in page.rows
        ]
