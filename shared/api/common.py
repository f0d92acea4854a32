"""Helpers every route module uses: auth, row validation, paging, conversions."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared.api.http import ApiRequest, BadRequest, PayloadTooLarge, Unauthorized, Unprocessable
from shared.api.people_auth import authorise_request, session_cookie, session_principal
from shared.api.router import Context, Guard
from shared.domain.access import Principal, Scope
from shared.domain.money import format_cents
from shared.domain.people.authorisation import Action, Target
from shared.services.access import AccessService
from shared.services.batch import RowError
from shared.services.errors import NotFound
from shared.services.people.admin import AdminService

if TYPE_CHECKING:
    from shared.services.people.signin import SignInService

M = TypeVar("M", bound=BaseModel)
MAX_ROWS = 1000


def plain_record(obj: Any) -> dict[str, Any]:
    """A client's record (a dataclass) as an answer's body: enums as their values, without
    its ``client_id`` (the route's path says whose it is)."""
    return {
        k: (v.value if hasattr(v, "value") else v)
        for k, v in asdict(obj).items()
        if k != "client_id"
    }


def authenticator(
    access: AccessService, sessions: Callable[[], SignInService] | None = None
) -> Callable[[ApiRequest], Principal]:
    """An API key, or else (when ``sessions`` is given) a signed-in person's session cookie;
    either way the principal's role must allow what the request does."""

    def authenticate(request: ApiRequest) -> Principal:
        text = request.header("x-api-key") or ""
        auth = request.header("authorization") or ""
        if auth.lower().startswith("bearer "):
            text = auth[7:].strip()
        if not text and sessions is not None and session_cookie(request):
            principal: Principal | None = session_principal(sessions(), request)
        else:
            principal = access.authenticate(text) if text else None
        if principal is None:
            raise Unauthorized("missing or invalid API key")
        authorise_request(principal, request)
        return principal

    return authenticate


def reach_of(access: AccessService) -> Callable[[Any, Mapping[str, str]], None]:
    """The router's tenant check: a path naming a client (``{client}``) the principal may not
    reach is 404 before the route reads its body or query, the same for every record of it."""

    def reach(who: Any, params: Mapping[str, str]) -> None:
        if isinstance(who, Principal) and "client" in params:
            access.refuse_unreachable_client(who, params["client"])

    return reach


def principal(ctx: Context) -> Principal:
    assert isinstance(ctx.principal, Principal)
    return ctx.principal


def agency_only(who: Any) -> None:
    """The role declaration of an agency-only route (``Route(..., only=agency_only)``): a
    client's key or person gets 404 before the router reads the path's records, the query or
    the body, so what it sends changes nothing in the answer."""
    if not isinstance(who, Principal) or who.scope is not Scope.AGENCY:
        raise NotFound("not found")  # a client key does not learn that agency routes exist


def admin_only(who: Any) -> None:
    """The declaration of a route for admins (an agency key, a client key with the admin
    flag): the others get the one 404 before anything is read."""
    if not isinstance(who, Principal) or not who.is_admin:
        raise NotFound("not found")


def agency_action(action: Action) -> Guard:
    """The declaration of a route doing an agency-level ``action`` (onboarding, a broadcast):
    the service's own check (``AdminService.require`` on the agency), asked first; a client's
    principal gets its 404, a person of the agency without the right its 403."""

    def guard(who: Any) -> None:
        assert isinstance(who, Principal)
        AdminService.require(who, action, Target(who.agency_id, None))

    return guard


def require_agency(ctx: Context) -> Principal:
    agency_only(ctx.principal)
    return principal(ctx)


def require_admin(ctx: Context) -> Principal:
    """An agency key, or a client key with the admin flag; other keys learn nothing (404, as
    for anything outside their reach)."""
    admin_only(ctx.principal)
    return principal(ctx)


def batch_items(request: ApiRequest) -> list[Any]:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise Unprocessable('expected a JSON object {"items": [...]}')
    items: list[Any] = body["items"]
    if len(items) > MAX_ROWS:
        raise PayloadTooLarge(f"at most {MAX_ROWS} items per request, got {len(items)}")
    return items


def validate_rows(items: list[Any], model: type[M]) -> tuple[list[tuple[int, M]], list[RowError]]:
    valid: list[tuple[int, M]] = []
    errors: list[RowError] = []
    for index, item in enumerate(items):
        try:
            valid.append((index, model.model_validate(item)))
        except ValidationError as exc:
            for err in exc.errors():
                message = _message(err)
                errors.append(RowError(index, _field(model, err, message), message))
    return valid, errors


# pydantic's own words for a date it cannot read ("Input should be a valid date or datetime,
# invalid character in year") say neither the form nor what came (newcomer31 F7)
_DATE_ERRORS = frozenset(
    {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"}
)
DATE_EXPECTED = "expected a date as YYYY-MM-DD (e.g. 2025-12-31)"


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(text: str) -> date:
    """A day as the API writes it, YYYY-MM-DD only: ``date.fromisoformat`` also reads
    ``20261204`` and ``2026-W49-5``, which the bodies (pydantic) refuse; a query parameter
    took them (leftover32)."""
    if not _ISO_DAY.fullmatch(text):
        raise ValueError(f"{DATE_EXPECTED}, not {text!r}")
    return date.fromisoformat(text)


def _message(err: Any) -> str:
    if err.get("type") in _DATE_ERRORS:
        why = (err.get("ctx") or {}).get("error")  # "day value is outside expected range"
        return f"{DATE_EXPECTED}, not {err.get('input')!r}" + (f" ({why})" if why else "")
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def _field(model: type[BaseModel], err: Any, message: str) -> str | None:
    """Where the error is: its location, or for a rule across fields (a model validator, no
    location: "contract_date is after due_date") the first of the model's fields its message
    names, so every row error names a field to fix (newcomer31 F9)."""
    if err["loc"]:
        return ".".join(str(p) for p in err["loc"])
    named = (w for w in re.findall(r"[a-z][a-z0-9_]*", message) if w in model.model_fields)
    return next(named, None)


def validate_body(request: ApiRequest, model: type[M]) -> M:
    try:
        return model.model_validate(request.json())
    except ValidationError as exc:
        details = [
            {"field": _field(model, e, _message(e)), "message": _message(e)} for e in exc.errors()
        ]
        raise Unprocessable("invalid request body", details=details) from None


def page_args(request: ApiRequest) -> tuple[int, str | None]:
    raw = request.query.get("page_size", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise BadRequest("page_size must be a whole number from 1 to 1000")
    return int(raw), request.query.get("continuation") or None


def cents_text(cents: int) -> str:
    return format_cents(cents)
