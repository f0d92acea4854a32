"""``POST /v1/clients/{client}/debtors/{debtor}/standing``: the debtor died, was declared
bankrupt or entered the WSNP (or none of these any more): nothing is asked of him, his plans
pause, interest stops from a ruling (shared.domain.standing, docs/law.md "A debtor who died or
went bankrupt"). A legal decision that lets interest go: an admin's (MANAGE_SETTLEMENTS, as
a prescription release)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.api.common import principal, validate_body
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.domain.parties import Debtor
from shared.domain.standing import LiftReason, Standing
from shared.services.container import Services
from shared.services.errors import NotFound


class StandingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    standing: Literal["normal", "deceased", "bankrupt", "wsnp"] = Field(
        description="deceased (the debt passes to the estate, 4:182 BW), bankrupt "
        "(faillissement: claims go to the curator), wsnp (wettelijke schuldsanering); "
        "normal lifts the standing, for the reason given"
    )
    since: date | None = Field(
        default=None,
        description="The day it took effect: the day of death or of the ruling (not in the "
        "future); required unless normal",
    )
    reason: Literal["mistake", "akkoord", "clean_slate", "ended"] | None = Field(
        default=None,
        description="Why a standing is lifted (with normal): mistake (it was never so: as if "
        "never set), akkoord (a bankruptcy or WSNP ended by a homologated akkoord, art. 157, "
        "340 Fw), clean_slate (the WSNP ended with a clean slate, art. 358 Fw), ended (ended "
        "otherwise: no assets, the final distribution, no clean slate). Required to lift a "
        "bankruptcy or WSNP; a death or a bank's proposal is lifted only as a mistake (the "
        "default). Only a mistake brings back the interest and costs of the ruling's period.",
    )


class StandingOut(BaseModel):
    debtor: str
    standing: str
    since: date | None
    confirmed: bool = Field(description="False: proposed by a bank's MD07 return")
    lifted_on: date | None
    lift_reason: str | None = Field(description="Why it was lifted (see the request's reason)")


def standing_out(d: Debtor) -> dict[str, object]:
    s = d.standing
    in_force = s is not None and s.in_force
    return StandingOut(
        debtor=d.number,
        standing=s.standing.value if s is not None and in_force else "normal",
        since=s.since if s is not None and in_force else None,
        confirmed=s.confirmed if s is not None and in_force else True,
        lifted_on=s.lifted_on if s is not None else None,
        lift_reason=(
            (s.lift_reason or LiftReason.MISTAKE).value
            if s is not None and s.lifted_on is not None
            else None
        ),
    ).model_dump(mode="json")


def register(router: Router, services: Services) -> None:
    def set_standing(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, StandingIn)
        debtor = services.debtor_standing.set(
            client, ctx.params["debtor"], Standing(body.standing), body.since,
            principal(ctx).key_id, LiftReason(body.reason) if body.reason else None,
        )  # fmt: skip
        return ApiResponse(body=standing_out(debtor))

    def get_standing(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        found = services.repos.debtors.get(client.client_id, ctx.params["debtor"])
        if found is None:
            raise NotFound(f"debtor {ctx.params['debtor']} not found")
        return ApiResponse(body=standing_out(found[0]))

    path = "/v1/clients/{client}/debtors/{debtor}/standing"
    router.add(
        Route(
            "POST",
            path,
            set_standing,
            "Set a debtor's standing: deceased, bankrupt, WSNP, or normal again",
            "clients and debtors",
            body=StandingIn,
            response=StandingOut,
            status=200,
            errors={
                404: "No such debtor",
                422: "No day given, or a day in the future; a bankruptcy or WSNP lifted "
                "without a reason, or for one that does not fit it",
            },
            example={"standing": "bankrupt", "since": "2026-02-03"},
            description="While a standing holds, the daily run sends the debtor nothing and "
            "charges no new costs, his payment plans are paused (their direct debits leave the "
            "files), the portal refers him to the agency, and after a bankruptcy or WSNP "
            "ruling his claims bear no interest from its day (art. 128 Fw). An action item "
            "lists what staff must do (for a ruling: the claims as they stood on its day, and "
            "the payments received since, art. 23 Fw). Only claims that existed on the "
            "ruling's day are in it. Setting the same again changes nothing; normal with "
            "reason mistake lifts it as if never set and dunning resumes at the workflow's "
            "pace from that day; a ruling that ended (akkoord, clean_slate, ended) keeps the "
            "interest of its period stopped and its claims out of the dunning until staff "
            "booked what it paid (an item says what to write off).",
        )
    )
    router.add(
        Route(
            "GET",
            path,
            get_standing,
            "A debtor's standing",
            "clients and debtors",
            response=StandingOut,
            errors={404: "No such debtor"},
        )
    )
