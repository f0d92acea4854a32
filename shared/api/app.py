"""The integration API assembled: routes, error translations, the OpenAPI document."""

from __future__ import annotations

import logging
from datetime import date

from shared.adapters.tables.keys import InvalidKey
from shared.api import (
    routes_access,
    routes_case_plans,
    routes_cases,
    routes_client_receipts,
    routes_conversations,
    routes_dunning,
    routes_go_live,
    routes_ibans,
    routes_inbound,
    routes_invoices,
    routes_ledger,
    routes_links,
    routes_open_items,
    routes_parties,
    routes_payment_designation,
    routes_people,
    routes_plans,
    routes_poison,
    routes_prescription,
    routes_rates,
    routes_records,
    routes_sending_mailbox,
    routes_sent_letters,
    routes_settlements,
    routes_standing,
    routes_statements,
    routes_usage,
)
from shared.api.common import authenticator, reach_of
from shared.api.http import (
    ApiRequest,
    ApiResponse,
    BadRequest,
    ConflictError,
    NotFoundError,
    Unprocessable,
)
from shared.api.openapi import ExampleContext, build_openapi
from shared.api.people_auth import ForbiddenError
from shared.api.responses import HealthOut
from shared.api.router import Context, Route, Router
from shared.clock import amsterdam_date
from shared.ports.tables import StorageError
from shared.services.container import Services
from shared.services.errors import (
    ConflictingUpdate,
    Forbidden,
    Invalid,
    NotFound,
    NotPermitted,
    Taken,
)

API_VERSION = "1.0.0"
log = logging.getLogger("inning.api")


class IntegrationApi:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.router = Router(
            authenticator(services.access, lambda: services.people.signin),
            reach_of(services.access),
        )
        self._openapi_of: tuple[date | None, dict[str, object]] = (None, {})
        for module in (
            routes_parties,
            routes_go_live,
            routes_invoices,
            routes_access,
            routes_records,
            routes_sent_letters,
            routes_client_receipts,
            routes_payment_designation,
            routes_statements,
            routes_usage,
            routes_open_items,
            routes_dunning,
            routes_cases,
            routes_case_plans,
            routes_plans,
            routes_rates,
            routes_people,
            routes_links,
            routes_ledger,
            routes_settlements,
            routes_poison,
            routes_ibans,
            routes_sending_mailbox,
            routes_conversations,
            routes_inbound,
            routes_prescription,
            routes_standing,
        ):
            module.register(self.router, services)
        self.router.add(
            Route("GET", "/v1/openapi.json", self._openapi, "This document", "meta", auth=False)
        )
        self.router.add(
            Route(
                "GET",
                "/v1/health",
                self._health,
                "Liveness",
                "meta",
                auth=False,
                response=HealthOut,
                errors={503: "storage is unreachable or no dunning run succeeded for 26 hours"},
            )
        )
        self.router.translate(NotFound, lambda e: NotFoundError(str(e)))
        self.router.translate(Forbidden, lambda e: NotFoundError(str(e)))
        self.router.translate(NotPermitted, _not_permitted)  # before Invalid: it is one
        self.router.translate(Taken, _conflict)  # before Invalid too: another's, a 409
        self.router.translate(Invalid, _unprocessable)
        self.router.translate(ConflictingUpdate, _conflict)
        # an id in a path too long (or too odd) to be a key: nothing is stored under it
        self.router.translate(InvalidKey, lambda e: NotFoundError(f"not found ({e})"))
        self.router.translate(
            StorageError, lambda e: BadRequest(str(e)) if "continuation" in str(e) else None
        )

    @property
    def openapi(self) -> dict[str, object]:
        """Built once a day: its examples name days ahead of today (ExampleContext)."""
        today = amsterdam_date(self.services.clock.now())
        if self._openapi_of[0] != today:
            context = ExampleContext(today, self.services.settings.public_base_url)
            self._openapi_of = (today, build_openapi(self.router, version=API_VERSION,
                                                     context=context))  # fmt: skip
        return self._openapi_of[1]

    def _openapi(self, _ctx: Context) -> ApiResponse:
        return ApiResponse(body=self.openapi)

    def _health(self, _ctx: Context) -> ApiResponse:
        from shared.services.operations.health import health_response

        response = health_response(self.services)
        assert isinstance(response.body, dict)
        if not response.body["checks"]["blobs"]["ok"]:
            # the rate table lives in blobs: reading it now would wait out the SDK's retries
            response.body["statutory_rates"] = None
            return response
        try:
            today = amsterdam_date(self.services.clock.now())
            rates = self.services.statutory_rates.in_force().status(today)
        except Exception:  # the storage checks above already tell what is down
            log.exception("health: statutory rates unreadable")
            rates = None
        assert isinstance(response.body, dict)
        response.body["statutory_rates"] = rates
        return response

    def handle(self, request: ApiRequest) -> ApiResponse:
        return self.router.dispatch(request)


def _conflict(e: Exception) -> ConflictError:
    """A 409 as the API says it: the English message and, when the service gave one, the
    rule's ``code`` in ``details`` as a 422 refusal's (newcomer14 #3: every 409 was a bare
    ``conflict``, so "a natural obligation: never" read as "changed meanwhile: retry")."""
    code = getattr(e, "code", None)
    if code is None:
        return ConflictError(str(e))
    return ConflictError(str(e), details=[{"message": str(e), "code": code}])


def _not_permitted(e: Exception) -> ForbiddenError:
    """A refusal for the caller's role on this resource: 403 with the code, as a 422's."""
    said = _unprocessable(e)
    return ForbiddenError(said.message, field=said.field, details=said.details)


def _unprocessable(e: Exception) -> Unprocessable:
    """A refusal as the API says it: the English message, its field, and (when the service
    gave one) the refusal's ``code`` a caller can act on without matching the sentence."""
    field, code = getattr(e, "field", None), getattr(e, "code", None)
    detail: dict[str, object] = {"field": field, "message": str(e)}
    if code is not None:
        detail["code"] = code
    return Unprocessable(str(e), field=field, details=[detail])
