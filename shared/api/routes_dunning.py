"""Dunning configuration and control: templates, workflows, segment rules, pauses and
promises, run history, previews, the contact-log export."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import UTC, date, datetime

from shared.api import schemas
from shared.api.common import (
    admin_only,
    agency_only,
    cents_text,
    iso_day,
    principal,
    require_admin,
    require_agency,
    validate_body,
)
from shared.api.documents import list_of
from shared.api.http import (
    ApiResponse,
    BadRequest,
    NotFoundError,
    PreconditionFailedError,
    Unprocessable,
    attachment,
)
from shared.api.responses import (
    ClientRunOut,
    DebtorPausedOut,
    InvoicePausedOut,
    InvoicePromiseOut,
    RenderedOut,
    RulesSavedOut,
    RunOut,
    TemplateOut,
    WorkflowCopiedOut,
    WorkflowOut,
)
from shared.api.router import Context, Query, Route, Router
from shared.clock import AMSTERDAM, amsterdam_date
from shared.domain.dunning.templates import MessageTemplate, TemplateError
from shared.domain.dunning.workflow import (
    OffsetFrom,
    SegmentRule,
    Step,
    StepChannel,
    Workflow,
)
from shared.domain.money import cents_from_decimal
from shared.domain.parties import DebtorKind
from shared.domain.spreadsheet import csv_cell
from shared.services.container import Services
from shared.services.dunning import refuse_past_pause
from shared.services.dunning_setup import (
    NotActivatable,
    SavedWorkflow,
    WorkflowChanged,
    language_gaps,
)
from shared.services.errors import NotFound


def _step(s: schemas.StepIn) -> Step:
    return Step(
        name=s.name, channel=StepChannel(s.channel), offset_days=s.offset_days, offset_from=OffsetFrom(s.offset_from),
        templates=dict(s.templates), min_open_amount=cents_from_decimal(s.min_open_amount) if s.min_open_amount else 0,
        debtor_kinds=frozenset(DebtorKind(k) for k in s.debtor_kinds),
        fallback=StepChannel(s.fallback) if s.fallback else None, letter_by=StepChannel(s.letter_by),
        step_id=s.id or "",
    )  # fmt: skip


def _workflow_out(w: Workflow, etag: str = "") -> dict[str, object]:
    """Every field a step is saved with, so that what is read can be put back unchanged."""
    return {"workflow_id": w.workflow_id, "name": w.name, "active": w.active, "etag": etag,
            "bundle_days": w.bundle_days,
            # saved, but staff should know: a step without a text in one of the languages
            "warnings": [{"code": r.code, "message": str(r), "params": r.params} for r in language_gaps(w)],
            "steps": [{"id": s.step_id, "name": s.name, "channel": s.channel.value, "offset_days": s.offset_days, "offset_from": s.offset_from.value,
                       "templates": dict(s.templates), "fallback": s.fallback.value if s.fallback else None,
                       "min_open_amount": cents_text(s.min_open_amount) if s.min_open_amount else None,
                       "debtor_kinds": sorted(k.value for k in s.debtor_kinds), "letter_by": s.letter_by.value}
                      for s in w.steps]}  # fmt: skip


def _if_match(ctx: Context) -> str | None:
    """The version the caller read (``If-Match``); none or ``*``: whatever is stored."""
    value = (ctx.request.header("If-Match") or "").strip()
    return None if value in ("", "*") else value


def _saved(saved: SavedWorkflow) -> ApiResponse:
    return ApiResponse(body=_workflow_out(saved.workflow, saved.etag), headers={"ETag": saved.etag})


def register(router: Router, services: Services) -> None:
    dunning = services.dunning
    repo = services.repos.dunning

    def client_of(ctx: Context):  # type: ignore[no-untyped-def]
        return services.access.client_for(principal(ctx), ctx.params["client"])

    def put_template(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, schemas.TemplateIn)
        template = MessageTemplate(
            body.language, body.subject, body.text, body.html, body.fourteen_day_letter
        )
        try:
            # checked in a worker process, within its budget (the client's VAT decides the
            # 14-day letter), and against the active workflows that use it
            services.dunning_setup.save_template(client, ctx.params["template"], template)
        except TemplateError as exc:
            # the reason's code names the kind of fault (tpl_syntax, tpl_unknown_variable, ...)
            said = {"field": exc.part, "line": exc.line, "message": str(exc.reason)}
            code = getattr(exc.reason, "code", None)
            raise Unprocessable(
                str(exc), details=[{**said, "code": code} if code else said]
            ) from None
        except NotActivatable as exc:
            raise Unprocessable(
                "an active workflow uses this template and would fail its checks",
                details=[{"field": "template", "message": e} for e in exc.errors],
            ) from None
        return ApiResponse(body={"template_id": ctx.params["template"], **asdict(template)})

    def list_templates(ctx: Context) -> ApiResponse:
        items = [
            {"template_id": k, **asdict(t)}
            for k, t in sorted(repo.templates(client_of(ctx).client_id).items())
        ]
        return ApiResponse(body={"items": items})

    def preview(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, schemas.PreviewIn)
        try:
            rendered = dunning.preview(client, ctx.params["template"], body.debtor)
        except TemplateError as exc:
            raise Unprocessable(str(exc)) from None
        return ApiResponse(body=asdict(rendered))

    def put_workflow(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, schemas.WorkflowIn)
        # a changed workflow must be activated again
        try:
            saved = services.dunning_setup.save_workflow(
                client, ctx.params["workflow"], body.name, [_step(s) for s in body.steps],
                etag=_if_match(ctx), bundle_days=body.bundle_days,
            )  # fmt: skip
        except WorkflowChanged as exc:
            raise PreconditionFailedError(str(exc)) from None
        return _saved(saved)

    def list_workflows(ctx: Context) -> ApiResponse:
        rows = repo.workflow_rows(client_of(ctx).client_id)
        return ApiResponse(
            body={"items": [_workflow_out(w, e) for _, (w, e) in sorted(rows.items())]}
        )

    def get_workflow(ctx: Context) -> ApiResponse:
        found = repo.workflow(client_of(ctx).client_id, ctx.params["workflow"])
        if found is None:
            raise NotFoundError(f"workflow {ctx.params['workflow']} not found")
        return ApiResponse(body=_workflow_out(*found), headers={"ETag": found[1]})

    def activate(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        try:
            active = services.dunning_setup.activate_workflow(
                client, ctx.params["workflow"], etag=_if_match(ctx)
            )
        except NotFound as exc:
            raise BadRequest(str(exc)) from None
        except WorkflowChanged as exc:
            raise PreconditionFailedError(str(exc)) from None
        except NotActivatable as exc:
            raise Unprocessable(
                "the workflow cannot be activated",
                details=[{"field": "steps", "message": e} for e in exc.errors],
            ) from None
        return _saved(active)

    def copy(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        source = client_of(ctx)
        body = validate_body(ctx.request, schemas.CopyIn)
        target = services.access.client_for(agency, body.to)
        try:
            # the target's templates of the same names are replaced: not when that would make
            # one of its active workflows fail its checks
            copy = services.dunning_setup.copy_workflow(source, ctx.params["workflow"], target)
        except NotFound as exc:
            raise BadRequest(str(exc)) from None
        except NotActivatable as exc:
            raise Unprocessable(
                "an active workflow of the target uses a template the copy would replace, and "
                "would fail its checks",
                details=[{"field": "to", "message": e} for e in exc.errors],
            ) from None
        return ApiResponse(
            body={"copied_to": body.to, "workflow_id": copy.workflow_id, "active": False}
        )

    def put_rules(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, schemas.SegmentRulesIn)
        rules = [
            SegmentRule(r.workflow, DebtorKind(r.kind) if r.kind else None, r.segment,
                        cents_from_decimal(r.min_open) if r.min_open else None, cents_from_decimal(r.max_open) if r.max_open else None)
            for r in body.rules
        ]  # fmt: skip
        services.dunning_setup.save_rules(client, rules)
        return ApiResponse(body={"rules": len(rules)})

    def pause_debtor(ctx: Context) -> ApiResponse:
        client = client_of(ctx)  # who may reach what comes before what the body says
        body = validate_body(ctx.request, schemas.PauseIn)
        debtor = dunning.pause_debtor(
            client, ctx.params["debtor"], body.reason, body.until, principal(ctx).key_id
        )
        return ApiResponse(
            body={
                "debtor": debtor.number,
                "paused": True,
                "until": debtor.pause.until if debtor.pause else None,
            }
        )

    def resume_debtor(ctx: Context) -> ApiResponse:
        debtor = dunning.resume_debtor(client_of(ctx), ctx.params["debtor"], principal(ctx).key_id)
        return ApiResponse(
            body={"debtor": debtor.number, "paused": False, "pause_ended_on": debtor.pause_ended_on}
        )

    def pause_invoice(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = (
            validate_body(ctx.request, schemas.InvoicePauseIn)
            if ctx.request.body
            else schemas.InvoicePauseIn()
        )
        stored = services.repos.invoices.get(client.client_id, ctx.params["invoice"])
        if stored is None or stored.invoice.paused_until != body.until:  # not a retry
            refuse_past_pause(body.until, amsterdam_date(services.clock.now()))
        inv = dunning.change_invoice(
            client,
            ctx.params["invoice"],
            paused_until=body.until,
            author=principal(ctx).key_id,
        )
        return ApiResponse(
            body={
                "invoice": inv.number,
                "paused_until": None if inv.paused_until == date.max else inv.paused_until,
            }
        )

    def resume_invoice(ctx: Context) -> ApiResponse:
        inv = dunning.change_invoice(
            client_of(ctx), ctx.params["invoice"], resume=True, author=principal(ctx).key_id
        )
        return ApiResponse(
            body={"invoice": inv.number, "paused_until": None, "pause_ended_on": inv.pause_ended_on}
        )

    def promise(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, schemas.PromiseIn)
        inv = dunning.change_invoice(
            client,
            ctx.params["invoice"],
            promise_until=body.until,
            author=principal(ctx).key_id,
        )
        return ApiResponse(body={"invoice": inv.number, "promise_until": inv.promise_until})

    def runs(ctx: Context) -> ApiResponse:
        items = [
            {**asdict(r), "succeeded": r.succeeded} for r in repo.runs(client_of(ctx).client_id)
        ]
        for item in items:
            item.pop("client_id", None)
        return ApiResponse(body={"items": items})

    def runs_overview(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        mine = {
            c.client_id: c for c in services.repos.clients.all() if c.agency_id == agency.agency_id
        }
        index = {cid: (ok, last, error) for cid, ok, last, error in repo.client_runs()}
        rows = [
            {"client": c.number, "name": c.name, "last_success": index.get(cid, (None, None, None))[0],
             "last_run": index.get(cid, (None, None, None))[1], "last_error": index.get(cid, (None, None, None))[2]}
            for cid, c in mine.items()
        ]  # fmt: skip
        rows.sort(
            key=lambda r: (
                r["last_success"] is not None,
                r["last_success"] or datetime.min.replace(tzinfo=UTC),
            )
        )
        return ApiResponse(body={"items": rows})

    def contact_csv(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        require_admin(ctx)  # the whole log of every debtor: for admins only
        try:
            start = iso_day(ctx.request.query["from"])
            end = iso_day(ctx.request.query["to"])
        except (KeyError, ValueError):
            raise BadRequest("give ?from=YYYY-MM-DD&to=YYYY-MM-DD") from None
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["date", "time", "debtor", "kind", "channel", "invoices", "summary", "system", "author"]
        )
        for entry in services.repos.contacts.between(client.client_id):
            local = entry.at.astimezone(AMSTERDAM)
            if start <= local.date() <= end:
                writer.writerow([csv_cell(v) for v in (local.date().isoformat(), local.strftime("%H:%M"), entry.debtor_number, entry.kind.value, entry.channel or "",
                                 " ".join(entry.invoice_numbers), entry.summary, "yes" if entry.system else "no", entry.author or "")])  # fmt: skip
        return ApiResponse(raw=out.getvalue().encode(), content_type="text/csv",
                           headers={"Content-Disposition": attachment(f"contact-log-{client.number}-{start}-{end}.csv")})  # fmt: skip

    base = "/v1/clients/{client}"
    tag = "dunning"
    changing = {422: "The debtor or invoice cannot change this way now, or changed meanwhile"}
    for route in (
        Route(
            "PUT",
            base + "/templates/{template}",
            put_template,
            "Create or replace a template (checked: line and reason)",
            tag,
            body=schemas.TemplateIn,
            response=TemplateOut,
            example={"language": "nl", "subject": "Herinnering", "text": "Beste {{ debtor.name }}"},
        ),
        Route(
            "GET",
            base + "/templates",
            list_templates,
            "Templates",
            tag,
            response=list_of(TemplateOut),
        ),
        Route(
            "POST",
            base + "/templates/{template}/preview",
            preview,
            "Render a template for a debtor, sending nothing",
            tag,
            body=schemas.PreviewIn,
            response=RenderedOut,
            example={"debtor": "D-1001"},
        ),
        Route(
            "PUT",
            base + "/workflows/{workflow}",
            put_workflow,
            "Create or replace a workflow (inactive until activated)",
            tag,
            body=schemas.WorkflowIn,
            response=WorkflowOut,
            errors={412: "If-Match: the workflow was changed since that version was read"},
            description="Send the `etag` read as `If-Match`: a save over a version someone else "
            "saved meanwhile is refused (412), not silently undone. Steps keep their `id` (see "
            "StepIn.id): debtors in flight stay at the step they took when steps are inserted, "
            "removed or moved.",
            example={
                "name": "Standaard",
                "steps": [
                    {
                        "name": "herinnering",
                        "channel": "email",
                        "offset_days": 7,
                        "templates": {"nl": "herinnering"},
                    }
                ],
            },
        ),
        Route(
            "GET",
            base + "/workflows",
            list_workflows,
            "Workflows",
            tag,
            response=list_of(WorkflowOut),
        ),
        Route(
            "GET",
            base + "/workflows/{workflow}",
            get_workflow,
            "One workflow, with its ETag (send it as If-Match to save over this version)",
            tag,
            response=WorkflowOut,
            errors={404: "No such workflow"},
        ),
        Route(
            "POST",
            base + "/workflows/{workflow}/activate",
            activate,
            "Activate (refused when a 14-day letter lacks its parts)",
            tag,
            response=WorkflowOut,
            errors={
                400: "No such workflow",
                412: "If-Match: the workflow was changed since that version was read",
                422: "A step lacks a template or a 14-day letter its legal parts",
            },
        ),
        Route(
            "POST",
            base + "/workflows/{workflow}/copy",
            copy,
            "Copy a workflow and its templates to another client (agency key)",
            tag,
            only=agency_only,
            body=schemas.CopyIn,
            response=WorkflowCopiedOut,
            example={"to": "ADVIES"},
        ),
        Route(
            "PUT",
            base + "/segment-rules",
            put_rules,
            "The ordered rules that assign debtors to workflows",
            tag,
            body=schemas.SegmentRulesIn,
            response=RulesSavedOut,
            example={"rules": [{"workflow": "standaard", "kind": "b2c"}]},
        ),
        Route(
            "POST",
            base + "/debtors/{debtor}/pause",
            pause_debtor,
            "Pause a debtor (reason, optional end date)",
            tag,
            body=schemas.PauseIn,
            response=DebtorPausedOut,
            errors=changing,
            example=lambda c: {"reason": "Debt counselling", "until": c.ahead(60)},
        ),
        Route(
            "POST",
            base + "/debtors/{debtor}/resume",
            resume_debtor,
            "Resume a debtor",
            tag,
            response=DebtorPausedOut,
            errors=changing,
        ),
        Route(
            "POST",
            base + "/invoices/{invoice}/pause",
            pause_invoice,
            "Pause one invoice",
            tag,
            body=schemas.InvoicePauseIn,
            response=InvoicePausedOut,
            errors=changing,
            example=lambda c: {"until": c.ahead(60)},
            description="The body is optional: without one the invoice waits until resumed.",
        ),
        Route(
            "POST",
            base + "/invoices/{invoice}/resume",
            resume_invoice,
            "Resume one invoice",
            tag,
            response=InvoicePausedOut,
            errors=changing,
        ),
        Route(
            "POST",
            base + "/invoices/{invoice}/promise",
            promise,
            "Record a promise to pay by a date",
            tag,
            body=schemas.PromiseIn,
            response=InvoicePromiseOut,
            errors=changing,
            example=lambda c: {"until": c.ahead(14)},
        ),
        Route(
            "GET",
            base + "/runs",
            runs,
            "The client's dunning runs, newest first",
            tag,
            response=list_of(RunOut),
        ),
        Route(
            "GET",
            base + "/contact-log.csv",
            contact_csv,
            "The contact log for a date range (?from=&to=), CSV (agency keys, admin client keys)",
            tag,
            only=admin_only,
            produces="text/csv",
            query=[
                Query(
                    "from",
                    "First day (Amsterdam), inclusive",
                    type="date",
                    required=True,
                    example="2025-01-01",
                ),
                Query(
                    "to",
                    "Last day (Amsterdam), inclusive",
                    type="date",
                    required=True,
                    example="2025-12-31",
                ),
            ],
            errors={400: "from or to missing or not a date"},
        ),
        Route(
            "GET",
            "/v1/dunning/runs",
            runs_overview,
            "The agency's clients by last successful run, oldest first",
            tag,
            only=agency_only,
            response=list_of(ClientRunOut),
        ),
    ):
        router.add(route)
