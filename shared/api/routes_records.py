"""Read access to what happened: a debtor's contact log, the action list, payments."""

from __future__ import annotations

import re
from typing import Any

from shared.api import schemas
from shared.api.common import (
    agency_only,
    page_args,
    plain_record,
    principal,
    require_agency,
    validate_body,
)
from shared.api.documents import page_of
from shared.api.http import ApiResponse, BadRequest, NotFoundError
from shared.api.responses import ActionOut, ContactEntryOut, PaymentOut
from shared.api.router import Context, Query, Route, Router
from shared.domain.access import Scope
from shared.domain.ids import time_ordered_id
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.domain.scopes import agency_scope
from shared.domain.statements.matching import readable_reason
from shared.ports.tables import PreconditionFailed
from shared.services.container import Services
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.ledger.redesignation import version_of
from shared.services.people.admin import actor_of


def action_record(item: ActionItem) -> dict[str, Any]:
    """An action item as the API shows it: a reason written before the matcher named an
    invoice of a pooled account by its number and client's code reads as one written now."""
    out = plain_record(item)
    reasons = item.detail.get("reasons")
    if isinstance(reasons, list):
        shown = [readable_reason(r) if isinstance(r, str) else r for r in reasons]
        out["detail"] = {**item.detail, "reasons": shown}
    return out


def register(router: Router, services: Services) -> None:
    def contact_log(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        size, token = page_args(ctx.request)
        include_system = ctx.request.query.get("system", "true") != "false"
        entries, next_token = services.repos.contacts.for_debtor(
            client.client_id, ctx.params["debtor"], include_system=include_system,
            page_size=size, continuation=token,
        )  # fmt: skip
        return ApiResponse(
            body={"items": [plain_record(e) for e in entries], "continuation": next_token}
        )

    def actions(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        size, token = page_args(ctx.request)
        status = None
        if raw := ctx.request.query.get("status"):
            try:
                status = ActionStatus(raw)
            except ValueError:
                raise BadRequest("status must be open, assigned or resolved") from None
        # the runbook's ?kind=dispute_untold (docs/operations.md) was ignored: every item came
        kind = ctx.request.query.get("kind") or None
        if kind is not None and not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", kind):
            raise BadRequest("kind must be an item kind such as dispute or new_case")
        items, next_token = services.repos.actions.list(
            client.client_id, status=status, page_size=size, continuation=token, kind=kind
        )
        return ApiResponse(
            body={"items": [action_record(a) for a in items], "continuation": next_token}
        )

    def payments(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        size, token = page_args(ctx.request)
        items, next_token = services.repos.payments.list(
            client.client_id, page_size=size, continuation=token
        )
        return ApiResponse(
            body={
                "items": [{**plain_record(p), "version": version_of(p)} for p in items],
                "continuation": next_token,
            }
        )

    def _scope(ctx: Context) -> str:
        if "client" in ctx.params:
            return services.access.client_for(principal(ctx), ctx.params["client"]).client_id
        return agency_scope(require_agency(ctx).agency_id)

    def agency_actions(ctx: Context) -> ApiResponse:
        size, token = page_args(ctx.request)
        items, next_token = services.repos.actions.list(
            _scope(ctx), page_size=size, continuation=token
        )
        return ApiResponse(
            body={"items": [action_record(a) for a in items], "continuation": next_token}
        )

    def confirm(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, schemas.ConfirmPaymentIn)
        caller = principal(ctx)
        item = services.actions.confirm_payment(
            client, ctx.params["action"], body.invoices, caller.key_id,
            by_agency=caller.scope is Scope.AGENCY,
        )  # fmt: skip
        return ApiResponse(body=action_record(item))

    def agency_confirm(ctx: Context) -> ApiResponse:
        """Money on the agency's pooled account, on its own list: the agency decides whose."""
        agency = require_agency(ctx)
        body = validate_body(ctx.request, schemas.AgencyConfirmIn)
        client = services.access.client_for(agency, body.client)
        item = services.actions.confirm_for_agency(
            agency.agency_id, client, ctx.params["action"], body.invoices, agency.key_id
        )
        return ApiResponse(body=action_record(item))

    def reverse_payment(ctx: Context) -> ApiResponse:
        """The bank payment a return without end-to-end id sent back, chosen by a person on
        the return's item: reversed as a matched return would be (statement_returns)."""
        caller = principal(ctx)
        client = services.access.client_for(caller, ctx.params["client"])
        body = validate_body(ctx.request, schemas.ReversePaymentIn)
        item = services.returns.reverse(client.client_id, ctx.params["action"], client,
                                        body.payment, body.note, caller.key_id,
                                        actor_of(caller),
                                        by_agency=caller.scope is Scope.AGENCY)  # fmt: skip
        return ApiResponse(body=action_record(item))

    def agency_reverse_payment(ctx: Context) -> ApiResponse:
        """A return on the agency's own list (its pooled account): the agency says whose."""
        agency = require_agency(ctx)
        body = validate_body(ctx.request, schemas.AgencyReversePaymentIn)
        client = services.access.client_for(agency, body.client)
        item = services.returns.reverse(agency_scope(agency.agency_id), ctx.params["action"],
                                        client, body.payment, body.note, agency.key_id,
                                        actor_of(agency), by_agency=True)  # fmt: skip
        return ApiResponse(body=action_record(item))

    def received_on(ctx: Context) -> ApiResponse:
        """A payment the client received, booked again on the day its books give."""
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, schemas.ReceivedOnIn)
        again = services.imports.receipts.book_on_its_day(
            client, ctx.params["payment"], body.received_on, body.reason,
            actor_of(principal(ctx)),
        )  # fmt: skip
        return ApiResponse(body=plain_record(again))

    def resolve(ctx: Context) -> ApiResponse:
        body = validate_body(ctx.request, schemas.ResolveIn)
        item = services.actions.resolve(
            _scope(ctx), ctx.params["action"], body.resolution, principal(ctx).key_id,
            principal(ctx),
        )  # fmt: skip
        return ApiResponse(body=action_record(item))

    def resend(ctx: Context) -> ApiResponse:
        """A person checked with the provider that an ``uncertain`` message did not go out
        (its ``verify_delivery`` item): it is sent again, once, and the item resolved."""
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        found = services.repos.actions.get(client.client_id, ctx.params["action"])
        if found is None:
            raise NotFound(f"action {ctx.params['action']} not found")
        item = found[0]
        # a verify_delivery item (the provider's answer was lost), or a poison item of a
        # message job that died mid-send (the record is uncertain too)
        key = item.detail.get("key") if item.kind in ("verify_delivery", "poison") else None
        if not isinstance(key, str) or item.status is ActionStatus.RESOLVED:
            raise Invalid(
                "only an open verify_delivery item's message (or a poison item's uncertain "
                "message) can be sent again"
            )
        try:
            sent = services.messaging.resend_unconfirmed(
                client.client_id, key, principal(ctx).key_id
            )
        except LookupError as exc:
            raise NotFound(str(exc)) from exc
        except PreconditionFailed as exc:
            raise ConflictingUpdate("the message changed meanwhile; read it again") from exc
        if not sent:
            raise Invalid("the message is no longer unconfirmed (sent, confirmed or resent)")
        if item.kind == "poison":
            services.actions.resolve(
                client.client_id, item.action_id,
                "checked with the provider: it did not go out; sent again", principal(ctx).key_id,
            )  # fmt: skip
        after = services.repos.actions.get(client.client_id, item.action_id)
        return ApiResponse(body=plain_record(after[0] if after else item))

    def send_letter_again(ctx: Context) -> ApiResponse:
        """A 14-day letter its ``delivery_failure`` item reports as never sent (or come back):
        a fresh letter, dated when it goes out, with its own costs term; once per item, the
        item resolved (letters8)."""
        from shared.services.request_decisions import DecisionUnfinished

        client = services.access.client_for(principal(ctx), ctx.params["client"])
        try:
            decision = services.request_decisions.send_letter_again(
                client, ctx.params["action"], principal(ctx).key_id
            )
        except DecisionUnfinished as exc:
            raise ConflictingUpdate(str(exc)) from exc
        return ApiResponse(body=plain_record(decision.item))

    def letter_qualified(ctx: Context) -> ApiResponse:
        """A person confirms the letter a ``kind_letter_check`` item names met 6:96 lid 6 for
        the consumer: its costs become owed from its term's end (law11b F5)."""
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        item, _ = services.debtor_kind_changes.confirm_letter(
            client, ctx.params["action"], principal(ctx)
        )
        return ApiResponse(body=plain_record(item))

    def assign(ctx: Context) -> ApiResponse:
        body = validate_body(ctx.request, schemas.AssignIn)
        return ApiResponse(
            body=plain_record(
                services.actions.assign(_scope(ctx), ctx.params["action"], body.assignee)
            )
        )

    def add_note(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, schemas.NoteIn)
        if services.repos.debtors.get(client.client_id, ctx.params["debtor"]) is None:
            raise NotFoundError(f"debtor {ctx.params['debtor']} not found")
        now = services.clock.now()
        entry = ContactEntry(client.client_id, ctx.params["debtor"], time_ordered_id(now), now, ContactKind.NOTE, body.text,
                             channel=body.channel, author=principal(ctx).key_id)  # fmt: skip
        services.repos.contacts.add(entry)
        return ApiResponse(status=201, body=plain_record(entry))

    tag = "records"
    statuses = tuple(s.value for s in ActionStatus)
    action_change = {
        409: "The action item changed meanwhile; try again",
        422: "The action item is resolved already, the invoices do not fit, or its statement "
        "line is booked for another client or other invoices already",
    }
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/debtors/{debtor}/contacts",
            contact_log,
            "A debtor's contact log, newest first (?system=false hides system entries)",
            tag,
            response=page_of(ContactEntryOut),
            paged=True,
            query=[Query("system", "false hides what Inning wrote itself", type="boolean")],
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/actions",
            actions,
            "The action list (?status=open)",
            tag,
            response=page_of(ActionOut),
            paged=True,
            query=[
                Query("status", "Only items in this state", enum=statuses, example="open"),
                Query("kind", "Only items of this kind", example="dispute"),
            ],
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/payments",
            payments,
            "Payments received",
            tag,
            response=page_of(PaymentOut),
            paged=True,
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/clients/{client}/payments/{payment}/received-on",
            received_on,
            "Book a payment the client received (a client_receipt item's, id sync-...) again on "
            "the day the client's books give: reversed and booked anew as received by the "
            "client on that day (id <payment>-on-<yyyymmdd>), by art. 6:44 from that day; on "
            "the contact log and the audit log. The same request again answers the same",
            tag,
            body=schemas.ReceivedOnIn,
            response=PaymentOut,
            errors={404: "No such payment",
                    422: "Not a payment received by the client, reversed, already on that "
                         "day, or the day is in the future"},
            example={"received_on": "2026-01-21", "reason": "the client's books: paid 21-1"},
        )
    )  # fmt: skip
    base = "/v1/clients/{client}/actions/{action}"
    router.add(
        Route(
            "POST",
            base + "/confirm",
            confirm,
            "Book a suggested bank payment on invoices",
            tag,
            body=schemas.ConfirmPaymentIn,
            response=ActionOut,
            errors=action_change,
            example={"invoices": ["F-0100"]},
        )
    )
    reversal = {
        404: "No such action item or payment",
        409: "The action item changed meanwhile; try again",
        422: "Not an unmatched_return item, resolved already or reversing another payment, or "
        "the payment is no bank payment of the return's amount received before it, or is "
        "reversed already",
    }
    reversal_text = (
        "Reverse the booked bank payment a return sent back (an unmatched_return item: a "
        "return that quoted no end-to-end id its payment was found by; its payments name the "
        "ones that fit): the invoices reopen, the next settlement takes back what was paid "
        "out, on the audit log (payment_reversed); the item is resolved. The same request "
        "again answers the same. Agency staff and the client's administrators "
        "(reverse_receipts), as reversing a sync receipt"
    )
    router.add(
        Route(
            "POST",
            base + "/reverse-payment",
            reverse_payment,
            reversal_text,
            tag,
            body=schemas.ReversePaymentIn,
            response=ActionOut,
            errors=reversal,
            example={"payment": "bank-4736ed60a819ddf9c00a527dc3f4901e-1",
                     "note": "the bank's return of 3 March, AC04"},
        )
    )  # fmt: skip
    router.add(
        Route(
            "POST",
            base + "/resolve",
            resolve,
            "Resolve an action item",
            tag,
            body=schemas.ResolveIn,
            response=ActionOut,
            errors={
                **action_change,
                403: "A bankruptcy's or WSNP's filing item (kind debtor_standing) decides the "
                "money received under the ruling, which the settlement run holds until then: "
                "an administrator's act, as lifting the ruling (code ruling_money_admin in "
                "details)",
                422: action_change[422] + "; a kind_letter_check item's resolution may not "
                "read as the confirm of its letter (that is …/letter-qualified, an "
                "administrator's act): closing it keeps the costs off; the filing item of a "
                "ruling the agency recorded is the agency's to resolve (ruling_money_agency)",
            },
            example={"resolution": "Called the debtor; pays Friday"},
        )
    )
    router.add(
        Route(
            "POST",
            base + "/resend",
            resend,
            "Send again a message whose provider's answer was lost, after checking it did not go out",
            tag,
            response=ActionOut,
            errors=action_change,
        )
    )
    router.add(
        Route(
            "POST",
            base + "/send-again",
            send_letter_again,
            "Send again a 14-day letter that never reached the debtor (its delivery_failure "
            "item): a fresh letter dated when it goes out, with its own costs term; once",
            tag,
            response=ActionOut,
            errors={
                409: "The item was decided already, or its decision is not finished: do it again",
                422: "Not a failed 14-day letter's item, none of its invoices is still due, or "
                "the debtor has no address or e-mail",
            },
        )
    )
    router.add(
        Route(
            "POST",
            base + "/letter-qualified",
            letter_qualified,
            "Confirm that the letter sent to a debtor while he counted as a business met 6:96 "
            "lid 6 for him as a consumer (its kind_letter_check item): its costs become owed",
            tag,
            response=ActionOut,
            errors={
                404: "No such action item",
                409: "The item changed meanwhile: reload it",
                422: "Not a kind_letter_check item, the debtor is no consumer now, the item "
                "was cleared (resolved without this): only a new 14-day letter makes the costs "
                "owed then",
            },
            description="Until this, the consumer owes no collection costs on a letter sent "
            "to him as a business (a business sommatie states other costs and interest than "
            "a consumer's 14-day letter must): the claim, the portal, letters, plans and a "
            "hand-over show none. Confirmed, the costs are owed from the day after the "
            "letter's 14-day term, what he paid is allocated again, and the item is resolved "
            "with that day; a claim he paid in full as he was told while the letter was held "
            "stays paid, its share not claimed (the resolution names it). Resolving the item "
            "instead (…/resolve) keeps them off. An administrator's act (it makes a consumer "
            "owe costs, as …/fourteen-day-letter-received).",
        )
    )
    router.add(
        Route(
            "POST",
            base + "/assign",
            assign,
            "Assign an action item",
            tag,
            body=schemas.AssignIn,
            response=ActionOut,
            example={"assignee": "anna"},
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/actions",
            agency_actions,
            "The agency's own action list (agency key)",
            tag,
            only=agency_only,
            response=page_of(ActionOut),
            paged=True,
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/actions/{action}/confirm",
            agency_confirm,
            "Book a payment of the agency's own list (its pooled account) on one client's "
            "invoices (agency key)",
            tag,
            only=agency_only,
            body=schemas.AgencyConfirmIn,
            response=ActionOut,
            errors=action_change,
            example={"client": "BAKKERIJ", "invoices": ["F-0100"]},
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/actions/{action}/reverse-payment",
            agency_reverse_payment,
            reversal_text.replace("an unmatched_return item", "an unmatched_return item of "
                                  "the agency's own list, its pooled account; agency key"),
            tag, only=agency_only,
            body=schemas.AgencyReversePaymentIn,
            response=ActionOut,
            errors=reversal,
            example={"client": "BAKKERIJ", "payment": "bank-4736ed60a819ddf9c00a527dc3f4901e-1",
                     "note": "the bank's return of 3 March, AC04"},
        )
    )  # fmt: skip
    router.add(
        Route(
            "POST",
            "/v1/actions/{action}/resolve",
            resolve,
            "Resolve an agency action item",
            tag,
            only=agency_only,
            body=schemas.ResolveIn,
            response=ActionOut,
            errors=action_change,
            example={"resolution": "File re-uploaded"},
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/clients/{client}/debtors/{debtor}/notes",
            add_note,
            "Add a note (a call, a letter received) to the contact log",
            tag,
            body=schemas.NoteIn,
            response=ContactEntryOut,
            status=201,
            example={"text": "Debtor called: pays next week", "channel": "phone"},
        )
    )
