"""A client's bank accounts and their proof of ownership (see ``shared.services.account_ownership``).

``GET /v1/clients/{c}/ibans``: each IBAN verified, pending with the code to prove it, or
disputed (another party proved it: a ``reason``, no code, as no proof could work; iban28).
``POST /v1/clients/{c}/ibans/confirm`` ``{"iban": ..., "code": ...}``: the client's own confirmation;
only a client key may give it (the agency cannot confirm its own registration), and it proves
only an account the agency registered (one the client added itself is not proven by its word).
``POST /v1/clients/{c}/ibans/decide`` ``{"iban": ...}``: the agency's decision that the account is
this client's (an agency key; audited), also when another of its clients claimed it. An account
another of its clients holds (proven) moves only with ``"take_from": "<that client's number>"``:
the decision names whose account it takes (else 422 ``iban_held_by_other``, naming the client).
Another agency's account: 200 ``{"status": "disputed", "reason": "iban_held_elsewhere"}`` (the
operator decides; whose it is is not said).
``GET /v1/clients/{c}/link-domains``, ``PUT`` ``{"domains": ["bakkerij.nl"]}`` (agency key,
audited): the domains the client's texts may link to besides the portal's and the payment's
links (people27 F8: a link elsewhere diverts the money like a foreign account).
"""

from __future__ import annotations

from pydantic import Field

from shared.api.common import principal, require_agency, validate_body
from shared.api.http import ApiError, ApiResponse
from shared.api.router import Context, Route, Router
from shared.api.schemas import Strict
from shared.domain.access import Scope
from shared.domain.people.audit import Event
from shared.domain.references.iban import normalise
from shared.services.account_ownership import DISPUTED, HELD_ELSEWHERE, AccountOwnership
from shared.services.container import Services
from shared.services.payee_accounts import link_domains, save_link_domains
from shared.services.people.admin import actor_of


class ConfirmIbanIn(Strict):
    iban: str = Field(min_length=5, max_length=50)
    code: str = Field(min_length=4, max_length=40)


class DecideIbanIn(Strict):
    iban: str = Field(min_length=5, max_length=50)
    # the number of the client of the agency that holds the account now, when taking it over
    take_from: str | None = Field(default=None, min_length=1, max_length=100)


class LinkDomainsIn(Strict):
    domains: list[str] = Field(max_length=20)


class LinkDomainsOut(Strict):
    domains: list[str]


class ClientKeyRequired(ApiError):
    status, code = 403, "forbidden"


def register(router: Router, services: Services) -> None:
    def ibans(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        items = AccountOwnership(services.repos).status(
            client.agency_id, client.client_id, client.ibans
        )
        return ApiResponse(body={"items": items})

    def confirm(ctx: Context) -> ApiResponse:
        p = principal(ctx)
        client = services.access.client_for(p, ctx.params["client"])
        if p.scope is not Scope.CLIENT:
            raise ClientKeyRequired("only the client's own key can confirm its account")
        body = validate_body(ctx.request, ConfirmIbanIn)
        account = normalise(body.iban)
        if account not in client.ibans:
            raise ClientKeyRequired("this IBAN is not registered for the client")
        status = AccountOwnership(services.repos).confirm(
            account, client.agency_id, client.client_id, body.code, services.clock.now()
        )
        return ApiResponse(body={"iban": account, "status": status})

    def decide(ctx: Context) -> ApiResponse:
        p = require_agency(ctx)
        client = services.access.client_for(p, ctx.params["client"])
        body = validate_body(ctx.request, DecideIbanIn)
        account = normalise(body.iban)
        status = services.client_settings.decide_iban(
            client, account, services.clock.now(), take_from=body.take_from
        )
        services.people.kit.audit(Event.ACCOUNT_ASSIGNED, agency_id=client.agency_id,
                                  client_id=client.client_id, actor=actor_of(p),
                                  subject=client.client_id, account=account, status=status)  # fmt: skip
        body_out: dict[str, object] = {"iban": account, "status": status}
        if status == DISPUTED:  # another agency's: why, never whose (iban28)
            body_out["reason"] = HELD_ELSEWHERE
        return ApiResponse(body=body_out)

    def domains(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        return ApiResponse(body={"domains": list(link_domains(services.repos, client))})

    def put_domains(ctx: Context) -> ApiResponse:
        # the agency's, as the client's accounts are: a client's staff who could register
        # "tikkie.me" would pass the check it is there for
        p = require_agency(ctx)
        client = services.access.client_for(p, ctx.params["client"])
        body = validate_body(ctx.request, LinkDomainsIn)
        kept = save_link_domains(services.repos, client, body.domains)
        services.people.kit.audit(Event.LINK_DOMAINS_CHANGED, agency_id=client.agency_id,
                                  client_id=client.client_id, actor=actor_of(p),
                                  subject=client.client_id, domains=",".join(kept))  # fmt: skip
        return ApiResponse(body={"domains": list(kept)})

    tag = "parties"
    router.add(Route("GET", "/v1/clients/{client}/link-domains", domains,
                     "The domains the client's texts may link to besides the app's own links", tag,
                     response=LinkDomainsOut))  # fmt: skip
    router.add(Route("PUT", "/v1/clients/{client}/link-domains", put_domains,
                     "Register the client's own domains for links in its texts (agency key, audited)",
                     tag, body=LinkDomainsIn, response=LinkDomainsOut,
                     errors={404: "not an agency key", 422: "not a domain name (link_domain_invalid)"}))  # fmt: skip
    router.add(Route("GET", "/v1/clients/{client}/ibans", ibans,
                     "The client's IBANs: verified, or pending with the code that proves them", tag))  # fmt: skip
    router.add(Route("POST", "/v1/clients/{client}/ibans/confirm", confirm,
                     "The client confirms its account with the code (client key)", tag, body=ConfirmIbanIn,
                     errors={403: "not the client's own key, or the IBAN is not registered for it",
                             422: "a wrong code, or an account the client registered itself"}))  # fmt: skip
    router.add(Route("POST", "/v1/clients/{client}/ibans/decide", decide,
                     "The agency decides the account is this client's (agency key, audited); "
                     "another agency's account answers status disputed, reason iban_held_elsewhere",
                     tag,
                     body=DecideIbanIn,
                     errors={404: "not an agency key, or the IBAN is not registered for the client",
                             422: "the agency's own third-party funds account, or another client's "
                                  "proven account without take_from naming that client"}))  # fmt: skip
