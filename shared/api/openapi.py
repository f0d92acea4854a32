"""The OpenAPI 3.1 document, generated from the routes' own declarations (``Route`` in
router.py) and the pydantic models: what a route reads (path and query parameters, its body),
what it answers (status, content type, model) and how it fails (every status with the one
error envelope). Nothing here knows a route by name."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.api.router import Query, Route, Router
from shared.clock import amsterdam_date

REF = "#/components/schemas/{model}"
# every answer carries it; errors also in their body
REQUEST_ID_HEADER = {
    "X-Request-Id": {
        "description": "This request's id, as in our log",
        "schema": {"type": "string"},
    }
}

# what a path segment means wherever it appears, with an example from the demo data
PATH_PARAMS: dict[str, tuple[str, str]] = {
    "client": ("Your client number (the client's own number, not the internal id)", "BAKKERIJ"),
    "debtor": ("The debtor's number at this client", "D-1001"),
    "invoice": ("The invoice number, percent-encoded (2025%2F001)", "F-0001"),
    "action": ("The action item's id", "01JDEMOACTION0000000000000"),
    "case": ("The case's id", "01JDEMOCASE00000000000000"),
    "key_id": ("The API key's id (not the key itself)", "k-demo"),
    "template": ("The template's id", "herinnering"),
    "workflow": ("The workflow's id", "standaard"),
}

ERROR_TEXT: dict[int, tuple[str, str]] = {
    400: (
        "bad_request",
        "The request is malformed: unreadable JSON, a bad query parameter or one the route "
        "does not take (code unknown_query_parameter)",
    ),
    401: ("unauthorized", "No API key, or one that is unknown, revoked or expired"),
    403: (
        "forbidden",
        "The key or person is known and the thing in reach, but its role may not do this, "
        "or its client is deactivated (code client_inactive)",
    ),
    404: (
        "not_found",
        "No such thing, or one outside this key's reach (the API does not tell them apart)",
    ),
    405: ("method_not_allowed", "The path exists, the method does not"),
    409: ("conflict", "Someone changed the same thing at the same moment; try again"),
    413: ("payload_too_large", "More than 1,000 rows or a body over the size limit"),
    422: ("unprocessable", "Well-formed, but the content is not acceptable (field and reason)"),
    500: ("internal", "A fault on our side; quote the request_id, which is also in our log"),
}

_QUERY_SCHEMA: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer", "minimum": 1, "maximum": 1000},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "month": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
}


@dataclass(frozen=True)
class ExampleContext:
    """What an example request may depend on: a day it names ahead (a promise, a pause) is
    one from the day the document is served, a URL the app's own (newcomer15 #4: examples with
    fixed days went stale and were refused on the document's own data)."""

    today: date
    public_base_url: str = "https://inning.example"

    def ahead(self, days: int) -> str:
        return (self.today + timedelta(days=days)).isoformat()


# a route's ``example``: the body itself, or a function of the context for what must be fresh
Example = Any | Callable[[ExampleContext], Any]


def example_body(example: Example, context: ExampleContext | None = None) -> Any:
    """The example request as the document shows it today."""
    if callable(example):
        return example(context or ExampleContext(amsterdam_date(datetime.now(UTC))))
    return example


def build_openapi(
    router: Router, *, version: str, server: str = "/api", context: ExampleContext | None = None
) -> dict[str, Any]:
    from shared.api.schemas import ErrorOut

    models: set[type[BaseModel]] = {ErrorOut}
    for route in router.routes:
        models.update(m for m in (route.body, route.response) if m is not None)
    _, defs = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)], ref_template=REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for route in router.routes:
        paths.setdefault(route.template, {})[route.method.lower()] = operation(route, context)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inning integration API",
            "version": version,
            "description": (
                "Push clients, debtors and invoices; read status, contact log and actions. "
                "Money is a decimal string in euros with at most two decimals. Every error "
                "answers with one envelope: "
                '`{"error": {"code", "message", "field"?, "details"?, "request_id"}}`; the '
                "`request_id` is also sent as the `X-Request-Id` header and is in our log. A "
                "refused input (422) names, where it has one, the rule's stable `code` in its "
                "`details` (match on it, not on the English message)."
            ),
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "apiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Api-Key",
                    "description": "An agency key or a client key",
                },
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The same key as `Authorization: Bearer <key>`",
                },
            },
        },
    }


def operation(route: Route, context: ExampleContext | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": route.summary,
        "tags": [route.tag],
        "operationId": _operation_id(route.method, route.template),
        "parameters": [_path_param(n) for n in route.path_params]
        + [_query_param(q) for q in route.query_params],
        "responses": {str(route.status): _success(route)} | _errors(route),
    }
    if route.description:
        op["description"] = route.description
    if route.body is not None:
        media: dict[str, Any] = {"schema": _ref(route.body)}
        if route.example is not None:
            media["example"] = example_body(route.example, context)
        op["requestBody"] = {
            "required": not route.body_optional,
            "content": {"application/json": media},
        }
    elif route.consumes is not None:
        op["requestBody"] = {
            "required": True,
            "content": {route.consumes: {"schema": _raw(route.consumes)}},
        }
    if route.auth:
        op["security"] = [{"apiKey": []}, {"bearer": []}]
    else:
        op["security"] = []
    return op


def error_statuses(route: Route) -> dict[int, str]:
    """Every status other than success the route can answer, and when."""
    out: dict[int, str] = {}
    if route.body is not None or route.consumes is not None or route.query_params or route.auth:
        out[400] = ERROR_TEXT[400][1]  # an unknown query parameter too (sec28)
    if route.auth:
        out[401] = ERROR_TEXT[401][1]
    if route.auth:
        # a plain client key, a staff or read-only person (not for reads); any key of a client
        # the agency deactivated (``client_inactive``, attack16 F3)
        out[403] = ERROR_TEXT[403][1]
    if route.auth or route.path_params:
        out[404] = ERROR_TEXT[404][1]
    if route.body is not None or route.consumes is not None:
        out[413] = ERROR_TEXT[413][1]
    if route.body is not None:
        out[422] = ERROR_TEXT[422][1]
    out.update(route.errors)
    out[500] = ERROR_TEXT[500][1]
    return dict(sorted(out.items()))


def _errors(route: Route) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, text in error_statuses(route).items():
        code = ERROR_TEXT.get(status, ("error", ""))[0]
        responses[str(status)] = {
            "description": text,
            "headers": REQUEST_ID_HEADER,
            "content": {
                "application/json": {
                    "schema": {"$ref": REF.format(model="ErrorOut")},
                    "example": {
                        "error": {"code": code, "message": text, "request_id": "9f1c0c6e2b8a4d7f"}
                    },
                }
            },
        }
    return responses


def _success(route: Route) -> dict[str, Any]:
    text = {200: "OK", 201: "Created", 202: "Accepted", 204: "No content"}.get(route.status, "OK")
    out: dict[str, Any] = {"description": text, "headers": REQUEST_ID_HEADER}
    if route.status == 204:
        return out
    schema = _ref(route.response) if route.produces == "application/json" else _raw(route.produces)
    out["content"] = {route.produces: {"schema": schema}}
    out["content"].update({kind: {"schema": _raw(kind)} for kind in route.also_produces})
    return out


def _raw(content_type: str) -> dict[str, Any]:
    """A body that is a file, not JSON: text for text/*, bytes otherwise."""
    if content_type.startswith("text/"):
        return {"type": "string", "contentMediaType": content_type}
    return {"type": "string", "format": "binary", "contentMediaType": content_type}


def _path_param(name: str) -> dict[str, Any]:
    text, example = PATH_PARAMS.get(name, (name.replace("_", " "), "x"))
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": text,
        "schema": {"type": "string", "minLength": 1},
        "example": example,
    }


def _query_param(query: Query) -> dict[str, Any]:
    schema = dict(_QUERY_SCHEMA[query.type])
    if query.enum:
        schema["enum"] = list(query.enum)
    param: dict[str, Any] = {"name": query.name, "in": "query", "schema": schema}
    if query.description:
        param["description"] = query.description
    if query.required:
        param["required"] = True
    if query.example is not None:
        param["example"] = query.example
    return param


def _ref(model: type[BaseModel] | None) -> dict[str, Any]:
    if model is None:
        return {"type": "object"}
    return {"$ref": REF.format(model=model.__name__)}


def _operation_id(method: str, template: str) -> str:
    return f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', template.lower()).strip('_')}"
