"""A small router: path templates with ``{name}`` segments, one exception-handler point, and
the route table the OpenAPI document is generated from.

A route declares what it reads and answers, and the document is built from that alone:

    Route("GET", "/v1/clients/{client}/invoices", list_invoices, "List invoices", "invoices",
          response=page_of(schemas.InvoiceOut), paged=True,
          query=[Query("status", "Only invoices in this state", enum=("open", "paid")),
                 Query("debtor", "Only this debtor's invoices")],
          errors={400: "status is not one of the states"})

Everything after the tag is an optional keyword: ``body`` (a pydantic model the handler
validates the JSON body against), ``consumes`` (the content type of a raw body instead),
``response`` and ``status`` (the model and status code of a success), ``produces`` (its
content type when it is not JSON), ``also_produces`` (another it answers on request, such as
``text/csv`` for ``?format=csv``), ``paged`` (``page_size`` and ``continuation``), ``query``,
``errors`` (status -> when it happens; 401, 404, 400/413/422 for bodies and 500 are added
where they apply), ``example`` (a request body that works on the document's own example data,
sent in the document's order: tests/unit/api/test_openapi_examples_run.py; a function of
``openapi.ExampleContext`` where it names a day ahead or the app's own URL) and
``description`` (a paragraph beyond the summary) and ``only`` (who may call it at all, see
below). ``page_of(Model)`` and ``list_of(Model)``
(shared/api/documents.py) name the shapes of lists. Routes declared before these keywords
existed keep working unchanged; ``query`` may still be ``{name: description}``.

``only`` is the route's role declaration: a guard ``only(principal)`` that raises the route's
refusal (an agency-only route: ``common.agency_only``, 404 as for what is out of reach). The
router asks it right after the key, before the path's reach, the query or the body are read,
as the Functions host would run an authorisation level: a refused caller gets one answer
whatever it sends (people27 L1, plans28 L2: an empty body's 422 told a client key which bodies
an agency route accepts). tests/unit/api/test_route_roles_before_body.py walks every route.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from pydantic import BaseModel

from shared.api.http import (
    ApiError,
    ApiRequest,
    ApiResponse,
    MethodNotAllowed,
    NotFoundError,
    error_response,
)
from shared.api.outage import RETRY_AFTER_SECONDS, is_outage
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.api")

QueryType = Literal["string", "integer", "boolean", "date", "month"]
# what any route takes without reading it: the Functions host's key (``code``, which a gateway
# or a caller holding a function key sends along) and a cache-buster (``_``, jQuery's
# ``cache: false``); every other parameter a route does not declare is refused (sec28)
HARMLESS_QUERY = frozenset({"code", "_"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(frozen=True)
class Query:
    """One query parameter a route reads (``?name=``), as the OpenAPI document shows it."""

    name: str
    description: str = ""
    type: QueryType = "string"
    required: bool = False
    enum: tuple[str, ...] = ()
    example: str | None = None


@dataclass
class Context:
    request: ApiRequest
    params: dict[str, str]
    principal: Any = None
    request_id: str = ""


Handler = Callable[[Context], ApiResponse]
# a route's role declaration: raises (a service's NotFound or NotPermitted, translated as any)
# when the principal may never call the route, whatever it names or sends
Guard = Callable[[Any], None]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    summary: str
    tag: str
    auth: bool = True
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    # the query parameters: Query objects, or (older style) {name: description} of strings
    query: Sequence[Query] | Mapping[str, str] = ()
    paged: bool = False
    status: int = 200
    produces: str = "application/json"
    # other content types the route answers when asked (``?format=csv``), beside ``produces``
    also_produces: tuple[str, ...] = ()
    consumes: str | None = None
    errors: Mapping[int, str] = field(default_factory=dict)
    example: Any = None
    description: str = ""
    body_optional: bool = False  # the body may be left out (the route then does its default)
    only: Guard | None = None  # who may call it: asked before the reach, the query, the body
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        self.pattern = re.compile(f"^{regex}$")

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.template)

    @property
    def query_params(self) -> list[Query]:
        """The declared query parameters, paging included when the route pages."""
        if isinstance(self.query, Mapping):
            declared = [Query(name, text) for name, text in self.query.items()]
        else:
            declared = list(self.query)
        if self.paged:
            declared += [
                Query("page_size", "Rows per page, 1 to 1000 (default 100)", type="integer"),
                Query("continuation", "The `continuation` of the previous page"),
            ]
        return declared


Reach = Callable[[Any, Mapping[str, str]], None]


class Router:
    def __init__(
        self, authenticate: Callable[[ApiRequest], Any], reach: Reach | None = None
    ) -> None:
        """``reach(principal, path_params)`` raises when the principal may not reach what the
        path names (another client): checked before the handler reads a body or a query, so
        an outsider gets the same 404 whatever it sends (attack26 L4: 422 before 404)."""
        self.routes: list[Route] = []
        self.authenticate = authenticate
        self.reach = reach
        self.translations: list[tuple[type[Exception], Callable[[Exception], ApiError | None]]] = []

    def translate(self, kind: type[Exception], to: Callable[[Exception], ApiError | None]) -> None:
        """Turn an exception from a service into an API error (one registry for all routes);
        ``to`` may return ``None`` to leave it an internal error."""
        self.translations.append((kind, to))

    def add(self, route: Route) -> None:
        self.routes.append(route)

    def route(self, method: str, template: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.add(Route(method, template, fn, **kwargs))
            return fn

        return register

    def dispatch(self, request: ApiRequest) -> ApiResponse:
        request_id = _request_id(request)
        response = self._answer(request, request_id)
        response.headers.setdefault("X-Request-Id", request_id)
        return response

    def _answer(self, request: ApiRequest, request_id: str) -> ApiResponse:
        try:
            route, params = self._match(request)
            ctx = Context(request, params, request_id=request_id)
            if route.auth:
                ctx.principal = self.authenticate(request)
                if route.only is not None:
                    route.only(ctx.principal)
                if self.reach is not None:
                    self.reach(ctx.principal, params)
                refuse_unknown_query(route, request)
            return route.handler(ctx)
        except ApiError as exc:
            return error_response(exc, request_id)
        except Exception as exc:
            for kind, to in self.translations:
                if isinstance(exc, kind) and (translated := to(exc)) is not None:
                    return error_response(translated, request_id)
            if is_outage(exc):  # not our bug: the caller should try again shortly
                return unavailable(request.method, request.path, request_id, exc)
            return internal_error(request.method, request.path, request_id)

    def _match(self, request: ApiRequest) -> tuple[Route, dict[str, str]]:
        path = request.path.rstrip("/") or "/"
        allowed = False
        for route in self.routes:
            match = route.pattern.match(path)
            if not match:
                continue
            if route.method != request.method.upper():
                allowed = True
                continue
            return route, {k: unquote(v) for k, v in match.groupdict().items()}
        if allowed:
            raise MethodNotAllowed(f"{request.method} is not allowed on {path}")
        raise NotFoundError(f"no such endpoint: {path}")


def refuse_unknown_query(route: Route, request: ApiRequest) -> None:
    """400 ``unknown_query_parameter`` for a parameter the route does not read: a filter
    the route lacks (``?debtor=`` where there is none) was ignored, and the whole list read as
    the filtered one (sec28). Checked after the key and its reach, so an outsider still gets
    the one 404 (attack26 L4)."""
    known = {q.name for q in route.query_params} | HARMLESS_QUERY
    if unknown := sorted(name for name in request.query if name not in known):
        takes = ", ".join(sorted(q.name for q in route.query_params)) or "none"
        raise UnknownQuery(
            f"unknown query parameter {unknown[0]!r}: {route.method} {route.template} takes "
            f"{takes}",
            field=unknown[0],
        )


def internal_error(method: str, path: str, request_id: str | None = None) -> ApiResponse:
    """A 500 in the error envelope; call it inside ``except``: the stack trace is logged with
    the request id that the answer carries, so support finds one from the other."""
    request_id = request_id or uuid.uuid4().hex
    log.exception(
        "unhandled error request_id=%s %s %s",
        request_id,
        method,
        path,
        extra=log_extra({"request_id": request_id, "path": path}),
    )
    response = error_response(_Internal("internal error; the request was logged"), request_id)
    response.headers["X-Request-Id"] = request_id
    return response


def unavailable(method: str, path: str, request_id: str, exc: Exception) -> ApiResponse:
    """A 503 ``unavailable`` with ``Retry-After``: storage (or a service behind it) could not be
    reached; logged as a warning with the request id, not as an unhandled error."""
    log.warning(
        "storage unavailable request_id=%s %s %s: %s",
        request_id,
        method,
        path,
        exc.__class__.__name__,
        extra=log_extra({"request_id": request_id, "path": path}),
    )
    response = error_response(
        _Unavailable("storage is briefly unavailable; retry the request shortly"), request_id
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["X-Request-Id"] = request_id
    return response


def _request_id(request: ApiRequest) -> str:
    """The caller's ``X-Request-Id`` when it is a plain token (so it can be logged safely),
    otherwise a new one."""
    given = request.header("x-request-id") or ""
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


class UnknownQuery(ApiError):
    status, code = 400, "unknown_query_parameter"


class _Internal(ApiError):
    status, code = 500, "internal"


class _Unavailable(ApiError):
    status, code = 503, "unavailable"
