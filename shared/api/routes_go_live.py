"""/v1/clients/{client}/readiness: what a client still lacks before its dunning goes live
(golive32; shared/services/go_live_readiness.py)."""

from __future__ import annotations

from shared.api.common import admin_only, principal, require_admin
from shared.api.http import ApiResponse
from shared.api.responses import ReadinessOut
from shared.api.router import Context, Route, Router
from shared.services.container import Services
from shared.services.go_live_readiness import blocking_failures, readiness


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
