"""A small router: path templates with ``{name}`` segments, one exception-handler point, and
the route table the OpenAPI document is generated from."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
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

log = logging.getLogger("inning.api")


@dataclass
class Context:
    request: ApiRequest
    params: dict[str, str]
    principal: Any = None


Handler = Callable[[Context], ApiResponse]


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
    query: dict[str, str] = field(default_factory=dict)
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        self.pattern = re.compile(f"^{regex}$")


class Router:
    def __init__(self, authenticate: Callable[[ApiRequest], Any]) -> None:
        self.routes: list[Route] = []
        self.authenticate = authenticate
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
        try:
            route, params = self._match(request)
            ctx = Context(request, params)
            if route.auth:
                ctx.principal = self.authenticate(request)
            return route.handler(ctx)
        except ApiError as exc:
            return error_response(exc)
        except Exception as exc:
            for kind, to in self.translations:
                if isinstance(exc, kind) and (translated := to(exc)) is not None:
                    return error_response(translated)
            log.exception("unhandled error", extra={"path": request.path})
            return error_response(_Internal("internal error; the request was logged"))

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


class _Internal(ApiError):
    status, code = 500, "internal"
