"""Framework-neutral HTTP request/response types for the integration API.

The Functions adapter in ``functions/`` converts ``azure.functions.HttpRequest`` into these and
back; everything behind it is testable without the Functions runtime.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

MAX_BODY_BYTES = 4 * 1024 * 1024
# deeper than any body the API accepts; a deeper one is refused before anything recurses on it
MAX_JSON_DEPTH = 32


class ApiError(Exception):
    """An answer other than success. Its body is the one error envelope of the API:
    ``{"error": {"code", "message", "field"?, "details"?, "request_id"}}``."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.field = field


class BadRequest(ApiError):
    pass


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class NotFoundError(ApiError):
    status, code = 404, "not_found"


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"


class ConflictError(ApiError):
    status, code = 409, "conflict"


class PreconditionFailedError(ApiError):
    """An ``If-Match`` that no longer matches: someone changed the resource since it was read."""

    status, code = 412, "precondition_failed"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class Unprocessable(ApiError):
    status, code = 422, "unprocessable"


@dataclass
class ApiRequest:
    method: str
    path: str  # below the route prefix, e.g. "/v1/clients"
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    query: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body as JSON, with numbers kept exact (never float)."""
        if len(self.body) > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"request body exceeds {MAX_BODY_BYTES} bytes")
        if not self.body:
            raise BadRequest("request body is empty; expected JSON")
        try:
            value = json.loads(self.body, parse_float=Decimal, parse_constant=_no_constant)
        except RecursionError:
            raise BadRequest(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"malformed JSON: {exc}") from exc
        if _deeper_than(value, MAX_JSON_DEPTH):
            # validation and error messages recurse over the value: refuse it here, as a 400
            raise BadRequest(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (walked without recursion,
    visiting containers only)."""
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


@dataclass
class ApiResponse:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body, default=_default, ensure_ascii=False).encode("utf-8")


_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]")


def attachment(filename: str) -> str:
    """A ``Content-Disposition`` for a download named ``filename``: the plain name with every
    other character as ``_`` (a client's number may hold a quote that ended the name, or a
    letter a header cannot carry: review31) and the exact name beside it (RFC 6266)."""
    safe = _UNSAFE_IN_NAME.sub("_", filename)
    # safe="": quote keeps "/" by default, and a client number "../x" named a path in the
    # exact name, where RFC 5987 allows no "/" (attack32b)
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(filename, safe='')}"


def error_response(error: ApiError, request_id: str) -> ApiResponse:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    field = error.field
    if field is None and error.details and len(error.details) == 1:
        field = error.details[0].get("field")
    if field is not None:
        body["field"] = field
    if error.details:
        body["details"] = error.details
    body["request_id"] = request_id
    return ApiResponse(status=error.status, body={"error": body})
