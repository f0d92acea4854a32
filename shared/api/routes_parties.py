"""/v1/clients and /v1/clients/{client}/debtors."""

from __future__ import annotations

import logging
from dataclasses import asdict, replace
from datetime import date

from pydantic import ValidationError

from shared.api import schemas
from shared.api.common import (
    agency_only,
    batch_items,
    page_args,
    principal,
    require_agency,
    validate_body,
    validate_rows,
)
from shared.api.documents import page_of
from shared.api.http import ApiResponse, NotFoundError
from shared.api.responses import (
    ClientBatchResultOut,
    DebtorDetailOut,
    PortalLinksOut,
    PortalRevokedOut,
)
from shared.api.router import Context, Route, Router
from shared.clock import amsterdam_date
from shared.domain.access import Scope
from shared.domain.money import cents_from_decimal, format_cents
from shared.domain.parties import Address, Client, Debtor, DebtorKind, HouseStyle, Language
from shared.services.account_ownership import refuse_taken
from shared.services.batch import RowError
from shared.services.complaint_route_accounts import foreign_in_route
from shared.services.container import Services
from shared.services.errors import Invalid, Taken
from shared.services.footer_text import footer_refusal
from shared.services.go_live_day import require_go_live_day
from shared.services.go_live_readiness import blocking_failures, readiness
from shared.services.people.admin import actor_of

log = logging.getLogger("inning.api")


def client_out(c: Client) -> dict[str, object]:
    """The client as stored; its postal address shown as stored even when today's rules
    would refuse it (a log line says which client's to correct, never a 500 for the list)."""
    if c.postal_address is not None:
        try:
            schemas.AddressIn(**asdict(c.postal_address))
        except ValidationError as exc:
            log.warning(
                "client %s (%s): stored postal address breaks the address rules, shown as "
                "stored: %s", c.number, c.client_id, exc.errors()[0]["msg"],
            )  # fmt: skip
    return schemas.ClientOut(
        number=c.number, client_id=c.client_id, name=c.name, vat_deductible=c.vat_deductible,
        ibans=list(c.ibans), language=c.language.value, sandbox=c.sandbox, active=c.active,
        auto_book=c.auto_book, b2b_collection_costs_rate=c.b2b_costs_percent,
        b2b_collection_costs_amount=format_cents(c.b2b_costs_fixed) if c.b2b_costs_fixed else None,
        dunning_minimum_amount=format_cents(c.dunning_minimum),
        postal_address=schemas.AddressOut(**asdict(c.postal_address)) if c.postal_address else None,
        contact_email=c.contact_email or None, contact_phone=c.contact_phone or None,
        complaint_procedure=c.complaint_procedure, disputes_committee=c.disputes_committee,
        onboarded_on=c.onboarded_on, dunning_starts_on=c.dunning_starts_on,
        first_steps_per_day=c.first_steps_per_day,
    ).model_dump()  # fmt: skip


def debtor_out(d: Debtor) -> dict[str, object]:
    return schemas.DebtorOut(
        number=d.number, kind=d.kind.value, name=d.name, emails=list(d.emails), mobile=d.mobile,
        whatsapp_consent=d.whatsapp_consent, language=d.language.value, segment=d.segment,
        paused=d.pause is not None, pause_ended_on=d.pause_ended_on,
        standing=d.standing.standing.value if d.standing and d.standing.in_force else "normal",
        # what the import stored reads back as stored (newcomer26 F4)
        address=schemas.AddressOut(**asdict(d.address)) if d.address else None,
        kvk_number=d.kvk_number, ibans=list(d.ibans),
    ).model_dump()  # fmt: skip


def _client_from(model: schemas.ClientIn, today: date | None = None) -> Client:
    """``today``: a new client's onboarding day when the row gives none (an update without
    it keeps the stored day: it is not among the fields sent)."""
    return Client(
        client_id="",
        agency_id="",
        number=model.number,
        name=model.name or "",
        vat_deductible=model.vat_deductible,
        ibans=tuple(model.ibans),
        language=Language(model.language),
        sandbox=model.sandbox,
        sandbox_email=model.sandbox_email,
        contact_email=model.contact_email,
        contact_phone=model.contact_phone,
        kvk_number=model.kvk_number,
        house_style=HouseStyle(**model.house_style.model_dump()),
        postal_address=Address(**model.postal_address.model_dump())
        if model.postal_address
        else None,
        allow_third_party_matching=model.allow_third_party_matching,
        auto_book_threshold=model.auto_book_threshold,
        auto_book_margin=model.auto_book_margin,
        auto_book=model.auto_book,
        client_bears_costs=model.client_bears_costs,
        dunning_shards=model.dunning_shards,
        refund_warning_threshold=model.refund_warning_threshold,
        postpone_auto_days=model.postpone_auto_days,
        charge_interest=model.charge_interest,
        contractual_interest_percent=None
        if model.contractual_interest_rate is None
        else str(model.contractual_interest_rate),
        costs_minimum_principal=cents_from_decimal(model.costs_minimum_amount),
        dunning_minimum=cents_from_decimal(model.dunning_minimum_amount),
        b2b_costs_from_due=model.b2b_costs_from_due,
        b2b_costs_percent=None
        if model.b2b_collection_costs_rate is None
        else f"{model.b2b_collection_costs_rate:.2f}",
        b2b_costs_fixed=0
        if model.b2b_collection_costs_amount is None
        else cents_from_decimal(model.b2b_collection_costs_amount),
        complaint_procedure=(model.complaint_procedure or "").strip() or None,
        disputes_committee=None
        if model.disputes_committee is None
        else model.disputes_committee.strip(),
        onboarded_on=model.onboarded_on or today,
        dunning_starts_on=model.dunning_starts_on,
        first_steps_per_day=model.first_steps_per_day,
    )


# request fields whose Client attribute has another name
_CLIENT_ATTRIBUTE = {
    "contractual_interest_rate": "contractual_interest_percent",
    "costs_minimum_amount": "costs_minimum_principal",
    "dunning_minimum_amount": "dunning_minimum",
    "b2b_collection_costs_rate": "b2b_costs_percent",
    "b2b_collection_costs_amount": "b2b_costs_fixed",
}


# one basis of agreed B2B costs at a time: sending either replaces both (the other cleared)
_AGREED_COSTS = frozenset({"b2b_collection_costs_rate", "b2b_collection_costs_amount"})


def _client_fields(model: schemas.ClientIn) -> frozenset[str]:
    """The Client attributes the request sent: an update changes those and keeps the rest."""
    sent = set(model.model_fields_set)
    if sent & _AGREED_COSTS:
        sent |= _AGREED_COSTS
    return frozenset(_CLIENT_ATTRIBUTE.get(f, f) for f in sent)


def _debtor_from(model: schemas.DebtorIn) -> Debtor:
    return Debtor(
        client_id="",
        number=model.number,
        kind=DebtorKind(model.kind),
        name=model.name,
        emails=tuple(model.emails),
        mobile=model.mobile,
        whatsapp_consent=model.whatsapp_consent,
        address=Address(**model.address.model_dump()) if model.address else None,
        language=Language(model.language),
        segment=model.segment,
        kvk_number=model.kvk_number,
        ibans=tuple(model.ibans),
        workflow_override=model.workflow,
    )


def register(router: Router, services: Services) -> None:
    def list_clients(ctx: Context) -> ApiResponse:
        p = principal(ctx)
        if p.scope is Scope.CLIENT:
            assert p.client_id is not None
            found = services.repos.clients.get(p.client_id)
            return ApiResponse(
                body={"items": [client_out(found[0])] if found else [], "continuation": None}
            )
        size, token = page_args(ctx.request)
        clients, next_token = services.repos.clients.list_for_agency(
            p.agency_id, page_size=size, continuation=token
        )
        return ApiResponse(
            body={"items": [client_out(c) for c in clients], "continuation": next_token}
        )

    def upsert_clients(ctx: Context) -> ApiResponse:
        p = require_agency(ctx)
        valid, errors = validate_rows(batch_items(ctx.request), schemas.ClientIn)
        valid, errors = _no_foreign_route(p.agency_id, valid, errors)
        valid, errors = _no_foreign_footer(p.agency_id, valid, errors)
        valid, errors = _no_taken_account(p.agency_id, valid, errors)
        valid, errors = _go_live_in_reach(valid, errors)
        # agreed B2B costs: never re-pricing announced claims, audited (attack6 finding 1)
        agreed = services.agreed_costs_change
        refused, refusals, changes = agreed.screen_import(
            p.agency_id, [(i, _client_from(m), _client_fields(m)) for i, m in valid]
        )
        valid = [(i, m) for i, m in valid if i not in refused]
        today = amsterdam_date(services.clock.now())  # a new client is taken on today
        result = services.imports.upsert_clients(
            p.agency_id,
            [(i, _client_from(m, today)) for i, m in valid],
            given={i: _client_fields(m) for i, m in valid},
        )
        agreed.audit_import(actor_of(p), changes)
        result.errors += errors + refusals
        rejected = {e.index for e in result.errors}
        warnings = [
            w
            for i, m in valid
            if i not in rejected and m.dunning_starts_on is not None
            and "dunning_starts_on" in m.model_fields_set
            for w in _go_live_warning(p.agency_id, i, m.number)
        ]  # fmt: skip
        return ApiResponse(body={**result.as_dict(), "warnings": warnings})

    def _go_live_in_reach(
        valid: list[tuple[int, schemas.ClientIn]], errors: list[RowError]
    ) -> tuple[list[tuple[int, schemas.ClientIn]], list[RowError]]:
        """Rows setting a go-live day more than ``MAX_DAYS_AHEAD`` days ahead refused
        (small33: a typo's year waited for decades); an update without the day keeps it."""
        today = amsterdam_date(services.clock.now())
        kept: list[tuple[int, schemas.ClientIn]] = []
        for index, model in valid:
            try:
                require_go_live_day(model.dunning_starts_on, today)
            except Invalid as exc:
                errors.append(RowError(index, "dunning_starts_on", f"{exc} ({exc.code})"))
                continue
            kept.append((index, model))
        return kept, errors

    def _go_live_warning(agency_id: str, index: int, number: str) -> list[dict[str, object]]:
        """A go-live day set while a blocking readiness check fails: stored all the same,
        as the run holds rather than refuses such a client (golive32); the sender is told."""
        client_id = services.repos.clients.id_for_number(agency_id, number)
        found = services.repos.clients.get(client_id) if client_id else None
        if found is None:
            return []
        failing = blocking_failures(readiness(services.repos, found[0]))
        if not failing:
            return []
        return [{"index": index, "number": number, "dunning_starts_on": found[0].dunning_starts_on,
                 "checks": [c.as_dict() for c in failing]}]  # fmt: skip

    def _no_taken_account(
        agency_id: str, valid: list[tuple[int, schemas.ClientIn]], errors: list[RowError]
    ) -> tuple[list[tuple[int, schemas.ClientIn]], list[RowError]]:
        """Rows whose ``ibans`` name an account another agency, or this agency as its
        third-party account, holds refused (iban28: debtors were told to pay into another
        agency's derdengeldenrekening); one of the agency's other clients' stays allowed, the
        first step of a take-over its decision names (``ibans/decide`` ``take_from``)."""
        sent = [(i, m) for i, m in valid if m.ibans and "ibans" in m.model_fields_set]
        if not sent:
            return valid, errors
        ids = services.repos.clients.ids_for_numbers(agency_id, [m.number for _, m in sent])
        refused: set[int] = set()
        for index, model in sent:
            try:
                refuse_taken(services.repos, agency_id, ids.get(model.number), model.ibans,
                             same_agency=False)  # fmt: skip
            except Taken as exc:
                errors.append(RowError(index, "ibans", str(exc)))
                refused.add(index)
        return [(i, m) for i, m in valid if i not in refused], errors

    def _no_foreign_route(
        agency_id: str, valid: list[tuple[int, schemas.ClientIn]], errors: list[RowError]
    ) -> tuple[list[tuple[int, schemas.ClientIn]], list[RowError]]:
        """Rows whose complaint procedure or committee names another account refused (review27
        F2); a row without ``ibans`` keeps the stored client's, which count as its own."""
        kept = []
        for index, model in valid:
            draft = _client_from(model)
            if draft.complaint_procedure or draft.disputes_committee:
                stored: tuple[str, ...] = ()
                if "ibans" not in model.model_fields_set:  # the row keeps the stored ones
                    stored_id = services.repos.clients.id_for_number(agency_id, model.number)
                    found = services.repos.clients.get(stored_id) if stored_id else None
                    stored = found[0].ibans if found else ()
                if refused := foreign_in_route(services.repos, agency_id, draft, stored):
                    errors.append(RowError(index, refused.field, str(refused)))
                    continue
            kept.append((index, model))
        return kept, errors

    def _no_foreign_footer(
        agency_id: str, valid: list[tuple[int, schemas.ClientIn]], errors: list[RowError]
    ) -> tuple[list[tuple[int, schemas.ClientIn]], list[RowError]]:
        """Rows whose footer text names an account that is not the stored client's proven
        one nor the agency's, or links elsewhere than Inning's pages and the client's
        registered domains, refused (attack31 F1: the footer is under every letter)."""
        kept = []
        for index, model in valid:
            text = (model.house_style.footer_text or "").strip()
            if text and "house_style" in model.model_fields_set:
                stored_id = services.repos.clients.id_for_number(agency_id, model.number)
                found = services.repos.clients.get(stored_id) if stored_id else None
                if found is not None and found[0].house_style.footer_text == text:
                    kept.append((index, model))  # stored before the check: kept as it is
                    continue
                client = found[0] if found else replace(_client_from(model), agency_id=agency_id)
                own = (services.settings.public_base_url,)
                if refused := footer_refusal(services.repos, client, text, own):
                    errors.append(RowError(index, f"house_style.{refused.field}", str(refused)))
                    continue
            kept.append((index, model))
        return kept, errors

    def get_client(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        sender = services.sending_mailbox.status(client)
        shown = {"contact_email_verified": sender["verified"], "sends_from": sender["sends_from"]}
        body = schemas.ClientDetailOut.model_validate({**client_out(client), **shown})
        return ApiResponse(body=body.model_dump())

    def put_contact(ctx: Context) -> ApiResponse:
        # the client's own admin too (newcomer20 F5): its letters' return address was the
        # agency's to give, and a signed-up client's letters went out without one
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, schemas.ClientContactIn)
        a = body.postal_address
        # a field left out keeps its value, null or "" clears it: a PUT of the phone alone
        # cleared the sender address and made the client not ready to go live (walk32 F3)
        given = body.model_fields_set
        changed = services.client_settings.contact(
            client,
            contact_email=(body.contact_email or "")
            if "contact_email" in given
            else client.contact_email or "",
            contact_phone=(body.contact_phone or "")
            if "contact_phone" in given
            else client.contact_phone or "",
            postal_address=(Address(a.street, a.postal_code, a.city, a.country) if a else None)
            if "postal_address" in given
            else client.postal_address,
        )
        if "first_steps_per_day" in given:  # golive33: the client's admin spreads it too
            changed = services.client_settings.first_steps(changed, body.first_steps_per_day)
        return ApiResponse(body=client_out(changed))

    def upsert_debtors(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        valid, errors = validate_rows(batch_items(ctx.request), schemas.DebtorIn)
        # a change of consumer/business on a debtor with open claims (attack6 finding 3)
        kinds = services.debtor_kind_changes
        screened = kinds.screen(principal(ctx), client, [(i, _debtor_from(m)) for i, m in valid])
        kinds.mark(principal(ctx), client, screened.changes)  # before they are stored
        result = services.imports.upsert_debtors(client, screened.rows, screened.stored)
        kinds.record(principal(ctx), client, screened.changes)
        result.errors += errors + screened.refused
        return ApiResponse(body=result.as_dict())

    def list_debtors(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        size, token = page_args(ctx.request)
        debtors, next_token = services.repos.debtors.list(
            client.client_id, page_size=size, continuation=token
        )
        return ApiResponse(
            body={"items": [debtor_out(d) for d in debtors], "continuation": next_token}
        )

    def get_debtor(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        found = services.repos.debtors.get(client.client_id, ctx.params["debtor"])
        if found is None:
            raise NotFoundError(f"debtor {ctx.params['debtor']} not found")
        refunds = services.online_payments.refunds_this_year(client.client_id, found[0].number)
        body = debtor_out(found[0]) | {
            "refunds_this_year": refunds,
            # counted apart: a chargeback is the bank's decision, not a refund the client gave
            "chargebacks_this_year": services.online_payments.chargebacks_this_year(
                client.client_id, found[0].number
            ),
            # the red flag staff see: more refunds and chargebacks than the client tolerates
            "refund_warning": refunds > client.refund_warning_threshold,
        }
        return ApiResponse(body=body)

    def own_debtor(ctx: Context) -> tuple[str, str]:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        if services.repos.debtors.get(client.client_id, ctx.params["debtor"]) is None:
            raise NotFoundError(f"debtor {ctx.params['debtor']} not found")
        return client.client_id, ctx.params["debtor"]

    def portal_link(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        # on the debtor's log first, as the console's link (attack24 F7); a sandbox client
        # reaches no debtor (attack8 #2), an unknown debtor is 404
        portal, pay = services.dossier.hand_out_links(
            client, ctx.params["debtor"], principal(ctx).key_id
        )
        return ApiResponse(body={"portal_link": portal, "payment_link": pay})

    def revoke_portal_links(ctx: Context) -> ApiResponse:
        generation = services.portal.links.revoke(*own_debtor(ctx))
        return ApiResponse(body={"revoked": True, "generation": generation})

    tag = "clients and debtors"
    debtor_path = "/v1/clients/{client}/debtors/{debtor}"
    router.add(
        Route(
            "POST",
            debtor_path + "/portal-link",
            portal_link,
            "A fresh portal link and payment link for this debtor (to send by hand); who asked is "
            "put on the debtor's contact log (never the link)",
            tag,
            response=PortalLinksOut,
            errors={422: "the client is in sandbox mode: no link until the agency approves it"},
        )
    )
    router.add(
        Route(
            "POST",
            debtor_path + "/portal-link/revoke",
            revoke_portal_links,
            "Make every portal link issued to this debtor so far stop working",
            tag,
            response=PortalRevokedOut,
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients",
            list_clients,
            "List the clients this key reaches",
            tag,
            response=page_of(schemas.ClientOut),
            paged=True,
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/clients",
            upsert_clients,
            "Create or update clients (agency key, up to 1,000)",
            tag,
            only=agency_only,
            body=schemas.ClientBatch,
            response=ClientBatchResultOut,
            example={
                "items": [
                    {"number": "BAKKERIJ", "name": "Bakkerij De Korenschoof"},
                    {"number": "ADVIES", "name": "Adviesbureau Korenschoof"},  # a copy's target
                ]
            },
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}",
            get_client,
            "One client, with whether its contact e-mail is verified as its mail's sender",
            tag,
            response=schemas.ClientDetailOut,
        )
    )
    router.add(
        Route(
            "PUT",
            "/v1/clients/{client}/contact",
            put_contact,
            "Change the client's contact e-mail, phone and postal address (its admin, or the "
            "agency's); a field left out keeps its value, null clears it",
            tag,
            body=schemas.ClientContactIn,
            response=schemas.ClientOut,
            example={
                "contact_email": "debiteuren@delinde.example",
                "contact_phone": "030 123 45 67",
                "postal_address": {
                    "street": "Lindelaan 12",
                    "postal_code": "3511 AB",
                    "city": "Utrecht",
                    "country": "NL",
                },
            },
            errors={
                422: "an e-mail address, phone number (phone_length, phone_invalid, "
                "phone_premium_rate) or "
                "postal address it cannot take"
            },
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/clients/{client}/debtors",
            upsert_debtors,
            "Create or update debtors (up to 1,000)",
            tag,
            body=schemas.DebtorBatch,
            response=schemas.BatchResultOut,
            example={
                "items": [
                    {
                        "number": "D-1001",
                        "kind": "b2c",
                        "name": "J. de Vries",
                        "emails": ["j.devries@example.nl"],
                        "mobile": "06 12345678",
                    }
                ]
            },
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/debtors",
            list_debtors,
            "List debtors, paged",
            tag,
            response=page_of(schemas.DebtorOut),
            paged=True,
        )
    )
    router.add(
        Route(
            "GET",
            debtor_path,
            get_debtor,
            "One debtor, with this year's refunds and chargebacks",
            tag,
            response=DebtorDetailOut,
        )
    )
