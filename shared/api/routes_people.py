"""/v1/users, /v1/clients/{client}/activate|deactivate|approve, /v1/onboarding/clients,
/v1/broadcasts, /v1/audit and /v1/audit.csv, /v1/me: people and clients, for admins with an
API key or a session (the services ask the authorisation module)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from shared.api.common import agency_action, iso_day, principal, validate_body
from shared.api.http import ApiError, ApiResponse, BadRequest, Unprocessable
from shared.api.people_auth import ForbiddenError
from shared.api.router import Context, Handler, Query, Route, Router
from shared.api.schemas import FIRST_STEPS_RULE, PRINTABLE_OR_EMPTY, ExternalNumber, Name
from shared.clock import amsterdam_date
from shared.domain.people.accounts import User, normalise_email
from shared.domain.people.audit import to_csv
from shared.domain.people.authorisation import Action, Role, UserPrincipal
from shared.domain.people.broadcasts import Broadcast, Severity
from shared.services.container import Services
from shared.services.go_live_readiness import blocking_failures, readiness
from shared.services.people.admin import NotAllowed
from shared.services.people.facade import People
from shared.services.people.kit import Throttled
from shared.services.people.onboarding import NewClient


class TooManyRequests(ApiError):
    status, code = 429, "too_many_requests"


RoleName = Literal["agency_admin", "agency_staff", "client_admin", "client_staff", "read_only"]


class InviteIn(BaseModel):
    email: str = Field(max_length=254)
    role: RoleName
    client: str | None = Field(None, description="client number; none for the agency's own people")
    # the client's names' rule (small33): it goes into the invitation's mail and the user lists
    name: str = Field("", max_length=200, pattern=PRINTABLE_OR_EMPTY)
    mobile: str | None = None
    language: Literal["nl", "en"] = "nl"


class RoleIn(BaseModel):
    role: RoleName


class BroadcastIn(BaseModel):
    text_nl: str = Field(min_length=1, max_length=2000)
    text_en: str = Field(min_length=1, max_length=2000)
    starts: date
    ends: date
    severity: Literal["info", "warning", "critical"] = "info"


class OnboardIn(BaseModel):
    # the number and name rules of POST /v1/clients: a NUL, a line break or a right-to-left
    # override was stored through this route, into every letter and CSV (attack33)
    number: Annotated[ExternalNumber, Field(max_length=40)]
    name: Name
    kvk_number: str
    vat_deductible: bool = True
    iban: str = Field(
        default="",
        description="The client's bank account, named by its reminders and letters: needed "
        "(left out or empty: 422 onboard_without_bank_account)",
    )
    language: Literal["nl", "en"] = "nl"
    first_email: str
    first_mobile: str
    first_name: str = Field("", max_length=200, pattern=PRINTABLE_OR_EMPTY)
    dunning_starts_on: date | None = Field(
        default=None,
        description="The day the client's dunning goes live (ISO, Amsterdam): until then the "
        "daily run sends nothing for it, so a backlog imported at onboarding can be checked "
        "first. Left out: live from the next daily run. At most 366 days ahead (422 "
        "dunning_starts_on_too_far)",
    )
    first_steps_per_day: int | None = Field(
        default=None, ge=1, le=1_000_000, description=FIRST_STEPS_RULE
    )


class UserOut(BaseModel):
    user_id: str
    email: str
    name: str
    role: str
    status: str
    client_id: str | None
    second_factor: str | None
    created_at: str


def user_out(u: User) -> dict[str, object]:
    return UserOut(
        user_id=u.user_id, email=u.email, name=u.name, role=u.role.value, status=u.status.value,
        client_id=u.client_id, second_factor=u.factor.value if u.factor else None,
        created_at=u.created_at.isoformat(),
    ).model_dump()  # fmt: skip


def broadcast_out(b: Broadcast) -> dict[str, object]:
    return {"broadcast_id": b.broadcast_id, "scope": b.scope, "text_nl": b.text_nl,
            "text_en": b.text_en, "starts": b.starts.isoformat(), "ends": b.ends.isoformat(),
            "severity": b.severity.value}  # fmt: skip


def _day(ctx: Context, name: str) -> date:
    raw = ctx.request.query.get(name, "")
    try:
        return iso_day(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a date such as 2025-03-01") from None


def register(router: Router, services: Services) -> None:
    router.translate(NotAllowed, lambda e: ForbiddenError(str(e)))

    def people() -> People:
        return services.people

    def list_users(ctx: Context) -> ApiResponse:
        users = people().admin.list_users(principal(ctx), ctx.request.query.get("client") or None)
        return ApiResponse(body={"items": [user_out(u) for u in users]})

    def invite(ctx: Context) -> ApiResponse:
        """202 whether or not the address has an account elsewhere (attack16 F2): the answer
        names no user; the invitation is in ``GET /v1/users`` when one was made."""
        body = validate_body(ctx.request, InviteIn)
        try:
            people().admin.invite(
                principal(ctx), body.email, Role(body.role), body.client, name=body.name,
                mobile=body.mobile, language=body.language,
            )  # fmt: skip
        except Throttled as exc:
            raise TooManyRequests(
                f"too many invitations from your organisation this hour; try again in {exc.seconds} seconds",
                details=[{"code": "invitations_throttled", "seconds": exc.seconds}],
            ) from None  # fmt: skip
        return ApiResponse(status=202, body={
            "email": normalise_email(body.email), "role": body.role, "client": body.client,
            "status": "accepted",
        })  # fmt: skip

    def change_role(ctx: Context) -> ApiResponse:
        body = validate_body(ctx.request, RoleIn)
        user = people().admin.change_role(principal(ctx), ctx.params["user"], Role(body.role))
        return ApiResponse(body=user_out(user))

    def deactivate(ctx: Context) -> ApiResponse:
        return ApiResponse(
            body=user_out(people().admin.deactivate(principal(ctx), ctx.params["user"]))
        )

    def end_sessions(ctx: Context) -> ApiResponse:
        return ApiResponse(
            body=user_out(people().admin.end_sessions(principal(ctx), ctx.params["user"]))
        )

    def reset_factor(ctx: Context) -> ApiResponse:
        return ApiResponse(
            body=user_out(people().admin.reset_factor(principal(ctx), ctx.params["user"]))
        )

    def set_active(active: bool) -> Handler:
        def handler(ctx: Context) -> ApiResponse:
            client = people().admin.set_client_active(principal(ctx), ctx.params["client"], active)
            return ApiResponse(body={"number": client.number, "active": client.active})

        return handler

    def approve(ctx: Context) -> ApiResponse:
        client = people().onboarding.approve(principal(ctx), ctx.params["client"])
        return ApiResponse(body={"number": client.number, "sandbox": client.sandbox})

    def onboard(ctx: Context) -> ApiResponse:
        b = validate_body(ctx.request, OnboardIn)
        client, user = people().onboarding.onboard(
            principal(ctx),
            NewClient(b.number, b.name, b.kvk_number, b.vat_deductible, b.iban, b.language,
                      b.first_email, b.first_mobile, b.first_name, b.dunning_starts_on,
                      b.first_steps_per_day),
        )  # fmt: skip
        # a go-live day set while a blocking readiness check fails: onboarded all the same,
        # the agency told what the first live run would miss (golive32)
        failing = (
            blocking_failures(readiness(services.repos, client))
            if client.dunning_starts_on is not None
            else []
        )
        return ApiResponse(
            status=201,
            body={
                "number": client.number,
                "client_id": client.client_id,
                "first_user": user_out(user),
                "warnings": [c.as_dict() for c in failing],
            },
        )

    def list_broadcasts(ctx: Context) -> ApiResponse:
        p = principal(ctx)
        if isinstance(p, UserPrincipal):  # a person sees what is meant for them today
            found = people().kit.people.users.get(p.user_id)
            assert found is not None
            today = amsterdam_date(services.clock.now())  # a broadcast's days are Dutch
            shown = people().admin.broadcasts_for(found[0], today)
            return ApiResponse(body={"items": [broadcast_out(b) for b in shown]})
        return ApiResponse(body={"items": [broadcast_out(b) for b in people().admin.published(p)]})

    def publish(ctx: Context) -> ApiResponse:
        b = validate_body(ctx.request, BroadcastIn)
        made = people().admin.publish(
            principal(ctx), b.text_nl, b.text_en, b.starts, b.ends, Severity(b.severity)
        )
        return ApiResponse(status=201, body=broadcast_out(made))

    def dismiss(ctx: Context) -> ApiResponse:
        p = principal(ctx)
        if not isinstance(p, UserPrincipal):
            raise Unprocessable("only a signed-in person dismisses a broadcast")
        found = people().kit.people.users.get(p.user_id)
        assert found is not None
        people().admin.dismiss(found[0], ctx.params["broadcast"])
        return ApiResponse(status=204)

    def audit(ctx: Context) -> ApiResponse:
        events = people().admin.audit(principal(ctx), _day(ctx, "from"), _day(ctx, "to"),
                                      ctx.request.query.get("client") or None)  # fmt: skip
        items = [{"at": e.at.isoformat(), "event": e.event.value, "actor": e.actor,
                  "subject": e.subject, "source": e.source, "detail": e.detail} for e in events]  # fmt: skip
        return ApiResponse(body={"items": items})

    def audit_csv(ctx: Context) -> ApiResponse:
        events = people().admin.audit(principal(ctx), _day(ctx, "from"), _day(ctx, "to"),
                                      ctx.request.query.get("client") or None)  # fmt: skip
        return ApiResponse(
            raw=to_csv(events).encode("utf-8"),
            content_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )

    def me(ctx: Context) -> ApiResponse:
        p = principal(ctx)
        body: dict[str, object] = {"agency_id": p.agency_id, "client_id": p.client_id,
                                   "scope": p.scope.value}  # fmt: skip
        if isinstance(p, UserPrincipal):
            body |= {"user_id": p.user_id, "role": p.role.value}
        return ApiResponse(body=body)

    tag = "people"
    admin = {403: "the caller's role may not do this"}
    audit_query = [
        Query("from", "First day (YYYY-MM-DD)", type="date"),
        Query("to", "Last day (YYYY-MM-DD)", type="date"),
        Query("client", "Only this client's events (its number)"),
    ]
    for route in (
        Route("GET", "/v1/users", list_users, "Users of the agency or of one client", tag,
              query=[Query("client", "Only this client's users (its number)")], errors={**admin, 400: "unknown client", 422: "the client number is not valid"}),
        Route("POST", "/v1/users", invite, "Invite a user (mail with a 72-hour single-use link); the same "
              "answer whether or not the address has an account elsewhere", tag, body=InviteIn, status=202,
              errors={**admin, 422: "the address has an account the caller reaches itself (or is not valid)",
                      429: "too many invitations from the caller's organisation this hour"}),
        Route("POST", "/v1/users/{user}/role", change_role, "Change a user's role", tag, body=RoleIn, errors=admin),
        Route("POST", "/v1/users/{user}/deactivate", deactivate, "Deactivate a user (sessions end at once)", tag,
              errors=admin),
        Route("POST", "/v1/users/{user}/end-sessions", end_sessions, "End every session of a user and revoke the API keys they minted", tag, errors=admin),
        Route("POST", "/v1/users/{user}/reset-factor", reset_factor, "Clear a user's second factor; their sessions end and the API keys they minted are revoked", tag, errors=admin),
        Route("POST", "/v1/clients/{client}/activate", set_active(True), "Activate a client", tag, errors=admin),
        Route("POST", "/v1/clients/{client}/deactivate", set_active(False),
              "Deactivate a client (dunning stops, users cannot sign in)", tag, errors=admin),
        Route("POST", "/v1/clients/{client}/approve", approve, "Take a signed-up client out of sandbox mode", tag,
              description="Idempotent: a client out of sandbox mode already answers 200 with "
                          "`sandbox: false` (a retry after a lost answer is safe).",
              errors={**admin, 422: "approve_without_bank_account: the client has no bank account "
                                    "yet (its reminders would name none); register it first"}),
        Route("POST", "/v1/onboarding/clients", onboard, "Onboard a client with its first user", tag, only=agency_action(Action.MANAGE_CLIENTS), body=OnboardIn,
              status=201, errors={**admin, 409: "the client number or the user's e-mail exists; "
                                       "iban_taken (the account is another client's or agency's)",
                                  422: "invalid details; onboard_without_bank_account (no iban: "
                                       "every reminder names the client's account); client_number_taken; "
                                       "client_onboarded_other_details; address_has_account (only an "
                                       "account the agency reaches itself: an account elsewhere "
                                       "answers 201 alike and its owner is told)"}),
        Route("GET", "/v1/broadcasts", list_broadcasts, "Broadcasts (a person: those shown to them)", tag),
        Route("POST", "/v1/broadcasts", publish, "Publish a broadcast to the agency's users", tag, only=agency_action(Action.PUBLISH_BROADCAST), body=BroadcastIn,
              status=201, errors=admin),
        Route("POST", "/v1/broadcasts/{broadcast}/dismiss", dismiss, "Dismiss a broadcast", tag, status=204,
              errors={422: "only a signed-in person dismisses a broadcast"}),
        Route("GET", "/v1/audit", audit, "The security audit log", tag, query=audit_query,
              errors={**admin, 400: "a date is not a date", 422: "the client number is not valid"}),
        Route("GET", "/v1/audit.csv", audit_csv, "The audit log as CSV", tag, query=audit_query,
              produces="text/csv", errors={**admin, 400: "a date is not a date", 422: "the client number is not valid"}),
        Route("GET", "/v1/me", me, "Who is calling", tag),
    ):  # fmt: skip
        router.add(route)
