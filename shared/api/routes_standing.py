"""``POST /v1/clients/{client}/debtors/{debtor}/standing``: the debtor died, was declared
bankrupt or entered the WSNP (or none of these any more): nothing is asked of him, his plans
pause, interest stops from a ruling (shared.domain.standing, docs/law.md "A debtor who died or
went bankrupt"). A legal decision that lets interest go: an admin's (MANAGE_SETTLEMENTS, as
a prescription release)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.api.common import principal, validate_body
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.domain.access import Scope
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor
from shared.domain.standing import DebtorStanding, LiftReason, Standing, rulings_that_bind
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


class RulingOut(BaseModel):
    standing: str
    since: date
    confirmed: bool
    recorded_by_agency: bool = Field(
        description="Set or confirmed by the agency: the agency's alone to change or lift "
        "while it holds; a ruling the agency ended (akkoord, clean_slate, ended) is the "
        "agency's alone to set again (a client's admin: 422 standing_agency_recorded)"
    )
    in_force: bool = Field(description="True: it holds now; False: an insolvency ruling that "
                           "ended and still binds its claims (see lift_reason)")  # fmt: skip
    lifted_on: date | None
    lift_reason: str | None
    lifted_by: str | None


class LiftOut(BaseModel):
    standing: str
    since: date
    confirmed: bool = Field(description="False: the bank's MD07 proposal was lifted")
    lifted_on: date
    reason: str
    by: str


class NotClaimableOut(BaseModel):
    invoice: str
    why: Literal["clean_slate", "akkoord"] = Field(
        description="A natural obligation (art. 6:3 BW) after a clean slate (art. 358 Fw) or an "
        "akkoord (art. 160 Fw): not dunned, no interest or costs, no plan; a payment made "
        "anyway is booked and kept"
    )


class StandingOut(BaseModel):
    debtor: str
    standing: str
    since: date | None
    confirmed: bool = Field(description="False: proposed by a bank's MD07 return")
    recorded_by_agency: bool = Field(
        description="The standing in force was set or confirmed by the agency: the agency's "
        "alone to change or lift (a client's admin: 422 standing_agency_recorded)"
    )
    lifted_on: date | None
    lift_reason: str | None = Field(description="Why it was lifted (see the request's reason)")
    rulings: list[RulingOut] = Field(
        default_factory=list,
        description="Every standing that binds the debtor's claims now, newest first: the one "
        "in force and the insolvency rulings that ended (a clean slate, an akkoord, ended "
        "otherwise), also one kept when a later standing was lifted as a mistake",
    )
    lifts: list[LiftOut] = Field(
        default_factory=list, description="Every lift of a standing, oldest first: who, when, why"
    )
    not_claimable: list[NotClaimableOut] = Field(
        default_factory=list,
        description="Open claims that can no longer be claimed (natural obligations)",
    )


def standing_out(
    d: Debtor, not_claimable: Sequence[tuple[Invoice, LiftReason]] = ()
) -> dict[str, object]:
    s = d.standing
    in_force = s is not None and s.in_force
    return StandingOut(
        debtor=d.number,
        standing=s.standing.value if s is not None and in_force else "normal",
        since=s.since if s is not None and in_force else None,
        confirmed=s.confirmed if s is not None and in_force else True,
        recorded_by_agency=bool(s is not None and in_force and s.recorded_by_agency),
        lifted_on=s.lifted_on if s is not None else None,
        lift_reason=(
            (s.lift_reason or LiftReason.MISTAKE).value
            if s is not None and s.lifted_on is not None
            else None
        ),
        rulings=[_ruling(r) for r in rulings_that_bind(s)],
        lifts=[
            LiftOut(
                standing=x.standing.value,
                since=x.since,
                confirmed=x.confirmed,
                lifted_on=x.lifted_on,
                reason=x.reason.value,
                by=x.by,
            )
            for x in (s.lifts if s is not None else ())
        ],
        not_claimable=[
            NotClaimableOut(
                invoice=i.number, why="clean_slate" if how is LiftReason.CLEAN_SLATE else "akkoord"
            )
            for i, how in not_claimable
        ],
    ).model_dump(mode="json")


def _ruling(r: DebtorStanding) -> RulingOut:
    return RulingOut(
        standing=r.standing.value, since=r.since, confirmed=r.confirmed,
        recorded_by_agency=r.recorded_by_agency, in_force=r.in_force,
        lifted_on=r.lifted_on, lift_reason=r.lift_reason.value if r.lift_reason else None,
        lifted_by=r.lifted_by,
    )  # fmt: skip


def register(router: Router, services: Services) -> None:
    def set_standing(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, StandingIn)
        debtor = services.debtor_standing.set(
            client, ctx.params["debtor"], Standing(body.standing), body.since,
            principal(ctx).key_id, LiftReason(body.reason) if body.reason else None,
            by_agency=principal(ctx).scope is Scope.AGENCY,
        )  # fmt: skip
        unclaimed = services.debtor_standing.not_claimable(client, debtor)
        shown = services.debtor_standing.as_recorded(client, debtor)  # who decides, as refused
        return ApiResponse(body=standing_out(shown, unclaimed))

    def get_standing(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        found = services.repos.debtors.get(client.client_id, ctx.params["debtor"])
        if found is None:
            raise NotFound(f"debtor {ctx.params['debtor']} not found")
        unclaimed = services.debtor_standing.not_claimable(client, found[0])
        shown = services.debtor_standing.as_recorded(client, found[0])  # who decides, as refused
        return ApiResponse(body=standing_out(shown, unclaimed))

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
                "without a reason, or for one that does not fit it; a standing the agency "
                "recorded (recorded_by_agency), or its ruling that ended, changed by a client "
                "(standing_agency_recorded); a death over a bankruptcy or WSNP in force, "
                "whatever its day: it does not end a bankruptcy, lift that with how it ended "
                "(or as a mistake) first; it ends a WSNP and leaves the estate bankrupt by law "
                "(art. 350 Fw), record that bankruptcy over it (standing_ruling_in_force)",
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
            "booked what it paid (an item says what to write off). The answer lists the rulings "
            "that bind the claims now (also one kept under a standing lifted as a mistake), every "
            "lift (who, when, why) and the claims a clean slate or an akkoord left natural "
            "obligations (not_claimable: never asked in the portal, no plan over them; a payment "
            "made anyway is booked). A standing the agency set or confirmed (recorded_by_agency) "
            "is the agency's alone to change or lift while it holds, and to set again once it "
            "ended, as is a ruling the agency ended (its lift: akkoord, clean_slate, ended); "
            "one stored before that flag is the agency's when the debtor's log names an "
            "agency key or person as who set it.",
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
