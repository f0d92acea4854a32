"""The integration API's side of people: a session cookie as a credential, the CSRF header
on writes, and the role check every request passes (see
:mod:`shared.domain.people.authorisation`)."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from shared.api.http import ApiError, ApiRequest, NotFoundError, Unauthorized
from shared.domain.access import Principal, Scope
from shared.domain.people.authorisation import AGENCY_ONLY, action_for_request, permits, role_of
from shared.domain.people.sessions import COOKIE

if TYPE_CHECKING:
    from shared.services.people.signin import SignInService

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_HEADER = "x-csrf-token"


class ForbiddenError(ApiError):
    status, code = 403, "forbidden"


def cookies(request: ApiRequest) -> dict[str, str]:
    jar: dict[str, str] = {}
    for part in (request.header("cookie") or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name and name not in jar:  # the first of two same-named cookies wins, as browsers send
            jar[name] = value
    return jar


def session_cookie(request: ApiRequest) -> str:
    return cookies(request).get(COOKIE, "")


def session_principal(signin: SignInService, request: ApiRequest) -> Principal:
    """The signed-in person behind the cookie; writes also need the session's CSRF token in
    ``X-CSRF-Token`` (ASVS 5.0 3.5.1: a cross-site form or fetch cannot know it)."""
    signed = signin.resolve(session_cookie(request))
    if signed is None:
        raise Unauthorized("the session has ended; sign in again")
    if request.method.upper() not in SAFE_METHODS:
        given = request.header(CSRF_HEADER) or ""
        if not hmac.compare_digest(given.encode(), signed.session.csrf.encode()):
            raise ForbiddenError("a write with a session needs its CSRF token in X-CSRF-Token")
    return signed.user.principal(signed.session.key)


def authorise_request(principal: Principal, request: ApiRequest) -> None:
    """Deny what the principal's role may never do; the tenant is checked where the route
    resolves what it names."""
    action = action_for_request(request.method, request.path)
    if principal.scope is Scope.CLIENT and _client_replay(request):
        return  # the route refuses it: 404 out of reach, 403 with the reason on its own list
    if action in AGENCY_ONLY and principal.scope is Scope.CLIENT:
        raise NotFoundError("not found")  # a client does not learn that agency routes exist
    if principal.scope is Scope.CLIENT and _agency_route(request.path):
        raise NotFoundError("not found")  # whatever its role: the agency's runs are not its own
    if not permits(principal, action):
        raise ForbiddenError(
            f"the role {role_of(principal).value} may not {action.value.replace('_', ' ')}"
        )


REPLAY_REFUSED = (
    "replaying a failed message is the agency's work (an agency administrator or agency key); "
    "the item stays on the list until then"
)


def _client_replay(request: ApiRequest) -> bool:
    """``POST /v1/clients/{client}/actions/{id}/replay``: a client's people see the item, only
    the agency's administrators replay it (``manage_clients``); see routes_poison."""
    parts = [p for p in request.path.split("/") if p]
    return (
        request.method.upper() == "POST"
        and len(parts) == 6
        and parts[1] == "clients"
        and parts[3] == "actions"
        and parts[5] == "replay"
    )


def _agency_route(path: str) -> bool:
    """Routes of the agency's own business (its settlement runs and defaults), not of one of
    its clients."""
    parts = [p for p in path.split("/") if p]
    return parts[1:2] in (["settlements"], ["settlement-defaults"])
