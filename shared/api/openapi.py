"""The OpenAPI 3.1 document, generated from the route table and the pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.api.router import Router

REF = "#/components/schemas/{model}"


def build_openapi(router: Router, *, version: str, server: str = "/api") -> dict[str, Any]:
    models: set[type[BaseModel]] = set()
    for route in router.routes:
        models.update(m for m in (route.body, route.response) if m is not None)
    from shared.api.schemas import ErrorOut

    models.add(ErrorOut)
    _, defs = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)], ref_template=REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for route in router.routes:
        op: dict[str, Any] = {
            "summary": route.summary,
            "tags": [route.tag],
            "operationId": _operation_id(route.method, route.template),
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in re.findall(r"\{(\w+)\}", route.template)
            ],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": _ref(route.response)}},
                },
                "default": {
                    "description": "Error",
                    "content": {"application/json": {"schema": _ref(ErrorOut)}},
                },
            },
        }
        if route.method == "GET" and "{" not in route.template.rsplit("/", 1)[-1]:
            op["parameters"] += [
                {
                    "name": "page_size",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                },
                {"name": "continuation", "in": "query", "schema": {"type": "string"}},
            ]
        if route.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(route.body)}},
            }
        if route.auth:
            op["security"] = [{"apiKey": []}, {"bearer": []}]
        paths.setdefault(route.template, {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inning integration API",
            "version": version,
            "description": "Push clients, debtors and invoices; read status, contact log and "
            "actions. Money is a decimal string in euros with at most two decimals.",
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def _ref(model: type[BaseModel] | None) -> dict[str, Any]:
    if model is None:
        return {"type": "object"}
    return {"$ref": REF.format(model=model.__name__)}


def _operation_id(method: str, template: str) -> str:
    return f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', template.lower()).strip('_')}"
