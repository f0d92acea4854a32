"""Before a client's dunning goes live (golive32): /v1/clients/{client}/readiness, what it
still lacks (shared/services/go_live_readiness.py), and /v1/clients/{client}/dunning/preview,
what a run would do (shared/services/dunning_preview.py)."""

from __future__ import annotations

import re
from datetime import timedelta

from shared.adapters.tables.keys import InvalidKey, checked
from shared.api.common import admin_only, cents_text, iso_day, principal, require_admin
from shared.api.http import ApiResponse, BadRequest
from shared.api.responses import ReadinessOut, RunPreviewOut
from shared.api.router import Context, Query, Route, Router
from shared.clock import amsterdam_date
from shared.services.container import Services
from shared.services.dunning_preview import preview_run, steps_in_order
from shared.services.go_live_readiness import blocking_failures, readiness
from shared.services.reports.open_items import MAX_DAYS_AHEAD

# a continuation is the schedule row key a part ended on: its day, then the debtor's key
_ROW_KEY = re.compile(r"\d{8}\|.+", re.DOTALL)


def preview_continuation(text: str | None) -> str | None:
    """The previous answer's continuation, or a 400: it goes into the store's filter as a row
    key, and one that cannot be a key (a control character, longer than a key) was sent on
    to Table Storage as it came; a token this route never gave is refused (attack32b)."""
    if not text:
        return None
    try:
        if _ROW_KEY.fullmatch(text):
            return checked(text)
    except InvalidKey:
        pass
    raise BadRequest("continuation: give the previous answer's continuation as it was")


def register(router: Router, services: Services) -> None:
    def get_readiness(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        require_admin(ctx)
        checks = readiness(services.repos, client)
        return ApiResponse(
            body={
                "ready": not blocking_failures(checks),
                "dunning_starts_on": client.dunning_starts_on,
                "checks": [c.as_dict() for c in checks],
            }
        )

    def get_preview(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        require_admin(ctx)
        today = amsterdam_date(services.clock.now())
        on = max(client.dunning_starts_on or today, today)
        if "on" in ctx.request.query:
            try:
                # YYYY-MM-DD only, as the other query days (leftover32): fromisoformat also
                # read 20250317 and 2025-W12-1 (attack32b)
                on = iso_day(ctx.request.query["on"])
            except ValueError:
                raise BadRequest("on: give a day as YYYY-MM-DD") from None
            if on < today:
                raise BadRequest("on: a run of today or a later day; the past ran already")
            if on > today + timedelta(days=MAX_DAYS_AHEAD):
                # as the claim routes and the open-items report: a day a run may be planned for
                raise BadRequest(f"on is at most {MAX_DAYS_AHEAD} days after today", field="on")
        after = preview_continuation(ctx.request.query.get("continuation"))
        preview = preview_run(services.dunning, client, on, after)
        steps = steps_in_order(preview)
        for step in steps:
            for money in ("principal", "costs", "costs_announced"):
                step[money] = cents_text(int(str(step[money])))
        return ApiResponse(
            body={
                "on": preview.on,
                "debtors": preview.debtors,
                "without_workflow": preview.without_workflow,
                "below_minimum": preview.below_minimum,
                "held_without_account": preview.held_without_account,
                # a day before the go-live day: the steps are what waits for it (walk32 F1)
                "waiting_until": client.dunning_starts_on if client.dunning_waits(on) else None,
                "steps": steps,
                # first_steps_per_day (golive33): who starts a workflow that day, who waits
                "starting": preview.starting,
                "spread_waiting": preview.spread_waiting,
                "continuation": preview.continuation,
            }
        )

    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/dunning/preview",
            get_preview,
            "What the client's daily run would do on a day, nothing sent or written: per "
            "workflow step the debtors, invoices, channel, principal and costs (agency keys, "
            "admin client keys); one part of at most 200 due rows per request",
            "clients and debtors",
            only=admin_only,
            response=RunPreviewOut,
            query=[
                Query(
                    "on",
                    "The run's day (default: the go-live day, or today)",
                    type="date",
                    example="2025-04-01",
                ),
                Query("continuation", "The previous answer's continuation: the next part"),
            ],
            errors={
                400: "on is not a day, before today or more than 366 days ahead; continuation "
                "is not one this gave"
            },
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/readiness",
            get_readiness,
            "Whether the client is ready for its dunning to go live: per check (own bank "
            "account, active workflow, sender, letterhead address, contact phone, go-live day) "
            "ok or the reason code (agency keys, admin client keys)",
            "clients and debtors",
            only=admin_only,
            response=ReadinessOut,
        )
    )
