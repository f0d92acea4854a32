"""A client's key on the agency-only case-plan routes gets 403 ``plan_of_agency`` whatever it
sends (people27 L1): the role is checked before the body, the installment number or the case is
read, so an empty, broken or half body tells nothing a full one does not."""

from __future__ import annotations

from typing import Any

from tests.unit.plans.test_agency_plan import _case, _client_key, _plan

SENT: tuple[bytes, ...] = (b"", b"{}", b"not json", b'{"reason": ""}', b'{"to": "9999-12-31"}')


def _changing_routes(world: Any, case: str, plan: str, n: str) -> list[tuple[str, str]]:
    """Every route under /v1/cases/{case}/plans that changes something (all but the reads)."""
    found = [
        (route.method, route.template)
        for route in world.api.router.routes
        if route.template.startswith("/v1/cases/{case}/plans") and route.method != "GET"
    ]
    assert len(found) == 7, found  # create, delete, activate, pause, resume, cancel, postpone
    return [
        (method, path.replace("{case}", case).replace("{plan}", plan).replace("{n}", n))
        for method, path in found
    ]


def test_every_changing_case_plan_route_refuses_a_client_before_reading_its_body(
    world: Any,
) -> None:
    case = _case(world)
    plan = _plan(world, case)["plan_id"]
    tech = _client_key(world)
    seen: list[tuple[str, str, bytes, int, str]] = []
    for case_id, plan_id, n in ((case, plan, "1"), (case, plan, "x"), (case, "P-none", "1"),
                                ("no-such-case", "P-none", "0")):  # fmt: skip
        for method, path in _changing_routes(world, case_id, plan_id, n):
            for raw in SENT:
                reply = tech.call(method, path, raw=raw)
                details = (reply.body or {}).get("error", {}).get("details") or [{}]
                code = str(details[0].get("code", ""))
                if (reply.status, code) != (403, "plan_of_agency"):
                    seen.append((method, path, raw, reply.status, code))
    assert seen == []
    still = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan}").body
    assert still["status"] == "active"
