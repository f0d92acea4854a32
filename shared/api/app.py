"""The integration API assembled: routes, error translations, the OpenAPI document."""

from __future__ import annotations

from functools import cached_property

from shared.adapters.tables.keys import InvalidKey
from shared.api import (
    routes_access,
    routes_cases,
    routes_dunning,
    routes_ibans,
    routes_invoices,
    routes_parties,
    routes_poison,
    routes_records,
    routes_statements,
    routes_usage,
)
from shared.api.common import authenticator
from shared.api.http import (
    ApiRequest,
    ApiResponse,
    BadRequest,
    ConflictError,
    NotFoundError,
    Unprocessable,
)
from shared.api.openapi import build_openapi
from shared.api.router import Context, Route, Router
from shared.ports.tables import StorageError
from shared.services.container import Services
from shared.services.errors import ConflictingUpdate, Forbidden, Invalid, NotFound

API_VERSION = "1.0.0"


class IntegrationApi:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.router = Router(authenticator(services.access))
        for module in (
            routes_parties,
            routes_invoices,
            routes_access,
            routes_records,
            routes_statements,
            routes_usage,
            routes_dunning,
            routes_cases,
            routes_poison,
            routes_ibans,
        ):
            module.register(self.router, services)
        self.router.add(
            Route("GET", "/v1/openapi.json", self._openapi, "This document", "meta", auth=False)
        )
        self.router.add(Route("GET", "/v1/health", self._health, "Liveness", "meta", auth=False))
        self.router.translate(NotFound, lambda e: NotFoundError(str(e)))
        self.router.translate(Forbidden, lambda e: NotFoundError(str(e)))
        self.router.translate(
            Invalid,
            lambda e: Unprocessable(
                str(e), details=[{"field": getattr(e, "field", None), "message": str(e)}]
            ),
        )
        self.router.translate(ConflictingUpdate, lambda e: ConflictError(str(e)))
        # an id in a path too long (or too odd) to be a key: nothing is stored under it
        self.router.translate(InvalidKey, lambda e: NotFoundError(f"not found ({e})"))
        self.router.translate(
            StorageError, lambda e: BadRequest(str(e)) if "continuation" in str(e) else None
        )

    @cached_property
    def openapi(self) -> dict[str, object]:
        return build_openapi(self.router, version=API_VERSION)

    def _openapi(self, _ctx: Context) -> ApiResponse:
        return ApiResponse(body=self.openapi)

    def _health(self, _ctx: Context) -> ApiResponse:
        return ApiResponse(body={"status": "ok"})

    def handle(self, request: ApiRequest) -> ApiResponse:
        return self.router.dispatch(request)
