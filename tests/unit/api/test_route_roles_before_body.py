"""Every route refuses by role before it reads the body (people27 L1, plans28 L2): walked from
the router's own table, so a route added later is walked too. A client's key (its admin's and
its staff's) calls each route with an empty, an empty-object, a broken, a list and a 1 MB body,
an unknown query parameter and the route's own documented example; where any of these answers
is a role refusal (a 403, or the bare 404 ``not found`` of an agency-only route) every one of
them must be that same answer: otherwise a 422 told the caller which bodies the route takes."""

from __future__ import annotations

import json
from typing import Any

from shared.api.http import ApiRequest
from tests.unit.api.conftest import World, client_row, verify_ibans

BODIES: tuple[bytes, ...] = (
    b"",
    b"{}",
    b"not json",
    b'{"items": []}',
    b'{"reason": "", "to": "9999-12-31", "resolution": ""}',
    b"[" + b"1," * 500_000 + b"1]",
)
FILL = {"client": "C1", "case": "K-none", "plan": "P-none", "n": "1"}
# full bodies for routes the document gives no example of (a half body is refused the same)
FULL = {
    ("POST", "/v1/onboarding/clients"): {
        "number": "N2", "name": "Nieuw BV", "kvk_number": "12345678", "iban": "NL91ABNA0417164300",
        "first_email": "n2@example.nl", "first_mobile": "0612345678", "first_name": "An",
    },
    ("POST", "/v1/broadcasts"): {
        "text_nl": "Onderhoud", "text_en": "Maintenance", "starts": "2025-03-03", "ends": "2025-03-05",
    },
}  # fmt: skip
# the body itself says what is asked: a client admin's key issues client keys, never an agency's
BODY_DECIDES = {("POST", "/v1/keys")}


def _callers(world: World) -> dict[str, Any]:
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    made = {}
    for name, admin in (("client admin", True), ("client staff", False)):
        key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": admin})
        made[name] = a.as_key(key.body["key"])
    return made


def _answer(
    caller: Any, method: str, path: str, raw: bytes, **query: str
) -> tuple[int, str, str, str]:
    """(status, code, message, the first detail's code); a success's body is not read (a
    CSV, a PDF)."""
    reply = caller.api.handle(ApiRequest(method, path, {"x-api-key": caller.key}, query, raw))
    if reply.status < 400:
        return reply.status, "", "", ""
    error = json.loads(reply.encoded())["error"]
    detail = (error.get("details") or [{}])[0] or {}
    return reply.status, error["code"], error["message"], detail.get("code", "")


def _refused(route: Any, who: Any) -> bool:
    """Whether the route's declaration refuses this principal."""
    try:
        route.only(who)
    except Exception:
        return True
    return False


def _refusal(answer: tuple[int, str, str, str]) -> bool:
    status, _, message, _ = answer
    return status == 403 or (status == 404 and message == "not found")


def test_every_route_refuses_a_client_by_role_whatever_it_sends(world: World) -> None:
    callers = _callers(world)
    mixed: list[str] = []
    walked = 0
    for route in world.api.router.routes:
        if not route.auth or (route.method, route.template) in BODY_DECIDES:
            continue
        path = route.template
        for name in route.path_params:
            path = path.replace("{" + name + "}", FILL.get(name, "x1"))
        sent = [*BODIES]
        full = FULL.get((route.method, route.template), route.example)
        if isinstance(full, dict | list):
            sent.append(json.dumps(full).encode())
        for who, caller in callers.items():
            answers = {_answer(caller, route.method, path, raw) for raw in sent}
            walked += 1
            if len(answers) > 1 and any(_refusal(a) for a in answers):
                mixed.append(f"{who}: {route.method} {route.template} {sorted(answers)}")
    assert walked > 300
    assert mixed == [], "\n".join(mixed)


def test_a_declared_route_answers_its_refusal_before_the_path_or_the_body(world: World) -> None:
    """Each route that declares a role refuses a client's key with the guard's own answer even
    where the path names nothing (another client, a made-up case), so the refusal is the
    route's, not the record's."""
    from shared.api.common import agency_only  # (imported here: the walk above runs without it)

    callers = _callers(world)
    declared = [r for r in world.api.router.routes if r.only is not None]
    assert any(r.only is agency_only for r in declared)
    wrong = []
    for route in declared:
        path = route.template
        for name in route.path_params:
            path = path.replace("{" + name + "}", "ZZ9" if name == "client" else "none")
        for who, caller in callers.items():
            if not _refused(route, world.services.access.authenticate(caller.key)):
                continue  # the route is this caller's (a client admin's contact-log CSV)
            answer = _answer(caller, route.method, path, b"not json", zz_probe="1")
            if not _refusal(answer):
                wrong.append(f"{who}: {route.method} {route.template} {answer}")
    assert wrong == [], "\n".join(wrong)
