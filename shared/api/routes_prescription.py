"""Staff decisions the law leaves to a person (law4 findings 5 and 6):

- ``POST /v1/clients/{client}/invoices/{invoice}/prescription``: an interruption Inning did not
  send (a demand of the client's own, an acknowledgement by the debtor, art. 3:317/3:318 BW)
  with the day it reached the debtor, and/or the release of a claim dunning holds as past its
  prescription date (art. 3:322 BW: not applied by itself, so a person decides);
- ``PUT|GET|DELETE /v1/clients/{client}/debtors/{debtor}/messages/{message}/acknowledgement``:
  a message the debtor wrote marked as his acknowledgement of named invoices (art. 3:318 BW:
  a person reads it; Inning does not guess from free text), or the mark taken back;
- ``POST /v1/clients/{client}/invoices/{invoice}/fourteen-day-letter-received``: the debtor did
  receive the 14-day letter reported undeliverable or bounced after all; its costs term again
  (art. 6:96 lid 6 BW).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.api.common import principal, validate_body
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.api.schemas import ExternalNumber
from shared.domain.law.acknowledgement import MessageMark
from shared.services.container import Services
from shared.services.errors import NotFound


class PrescriptionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    interrupted_on: date | None = Field(
        default=None,
        description="The day a demand of the client's own or an acknowledgement by the debtor "
        "reached the debtor (after the due date, not in the future)",
    )
    release: bool = Field(
        default=False, description="Let dunning go on past the claim's prescription date"
    )
    reason: str = Field(
        min_length=3,
        max_length=500,
        pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$",
        description="Why: what proves the interruption (the demand, the acknowledgement) or "
        "why dunning may go on; kept on the debtor's contact log with who decided",
    )

    @field_validator("reason")
    @classmethod
    def _said(cls, value: str) -> str:
        if len(value.strip()) < 3:
            raise ValueError("say why, in at least 3 characters")
        return value.strip()


class PrescriptionDecisionOut(BaseModel):
    invoice: str
    interruptions: list[date]
    released_on: date | None


class AcknowledgementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invoices: list[ExternalNumber] = Field(
        min_length=1,
        max_length=200,
        description="The debtor's invoices the message acknowledges (all of them: a mark "
        "given again with other invoices replaces the earlier one)",
    )


class AcknowledgementOut(BaseModel):
    message: str = Field(description="The contact-log entry id of the debtor's message")
    received_on: date = Field(description="The day it counts: the day Inning received it")
    invoices: list[str]


class LetterReceivedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    received_on: date | None = Field(
        default=None,
        description="The day the letter actually reached the debtor, when later than the day "
        "it was assumed to (forwarded, collected late): the 14-day term runs from the day "
        "after it (art. 6:96 lid 6 BW). Not before the first postal delivery day after the "
        "letter was posted (an e-mailed letter: its day), not in the future. "
        "Left out: the original term (the failure was the debtor's own doing, art. 3:37 lid 3)",
    )


class LetterReceivedOut(BaseModel):
    invoice: str
    costs_term_restored: list[str]


def register(router: Router, services: Services) -> None:
    def decide(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, PrescriptionDecisionIn)
        decision = services.dunning.prescriptions.record(
            client,
            ctx.params["invoice"],
            interrupted_on=body.interrupted_on,
            release=body.release,
            author=principal(ctx).key_id,
            reason=body.reason,
        )
        out = PrescriptionDecisionOut(
            invoice=decision.invoice_number,
            interruptions=list(decision.interruptions),
            released_on=decision.released_on,
        )
        return ApiResponse(body=out.model_dump(mode="json"))

    def received(ctx: Context) -> ApiResponse:
        from shared.clock import amsterdam_date
        from shared.services.letter_receipt_check import check_receipt_claim
        from shared.services.letter_undelivered import confirm_for_invoice

        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = (
            validate_body(ctx.request, LetterReceivedIn)
            if ctx.request.body.strip()
            else LetterReceivedIn()
        )
        # a letter never sent, or received before the post can deliver (attack6 finding 4)
        check_receipt_claim(services.repos, client.client_id, ctx.params["invoice"],
                            body.received_on)  # fmt: skip
        restored = confirm_for_invoice(
            services.repos, client.client_id, ctx.params["invoice"],
            received_on=body.received_on, today=amsterdam_date(services.clock.now()),
            restate=services.ledger.restate_terms,
        )  # fmt: skip
        out = LetterReceivedOut(invoice=ctx.params["invoice"], costs_term_restored=restored)
        return ApiResponse(body=out.model_dump(mode="json"))

    def acknowledgement_out(mark: MessageMark) -> dict[str, object]:
        out = AcknowledgementOut(
            message=mark.message, received_on=mark.received_on, invoices=list(mark.invoices)
        )
        return out.model_dump(mode="json")

    def get_acknowledgement(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        marks = services.message_acknowledgements.marks(client.client_id, ctx.params["debtor"])
        mark = marks.get(ctx.params["message"])
        if mark is None:
            raise NotFound("the message is not marked as an acknowledgement")
        return ApiResponse(body=acknowledgement_out(mark))

    def put_acknowledgement(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, AcknowledgementIn)
        mark = services.message_acknowledgements.mark(
            client, ctx.params["debtor"], ctx.params["message"], body.invoices,
            principal(ctx).key_id,
        )  # fmt: skip
        return ApiResponse(body=acknowledgement_out(mark))

    def delete_acknowledgement(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        services.message_acknowledgements.unmark(
            client, ctx.params["debtor"], ctx.params["message"], principal(ctx).key_id
        )
        return ApiResponse(status=204)

    marked = "/v1/clients/{client}/debtors/{debtor}/messages/{message}/acknowledgement"
    for route in (
        Route("GET", marked, get_acknowledgement,
              "The invoices a debtor's message is marked to acknowledge", "records",
              response=AcknowledgementOut,
              errors={404: "No such debtor or message, or the message is not marked"}),
        Route("PUT", marked, put_acknowledgement,
              "Mark a debtor's message as his acknowledgement of named invoices (art. 3:318 BW)",
              "records", body=AcknowledgementIn, response=AcknowledgementOut, status=200,
              errors={404: "No such debtor or message on his contact log",
                      422: "Not a message the debtor sent (portal, e-mail, WhatsApp; an automatic "
                           "reply is none), no invoices, or an invoice that is not his"},
              example={"invoices": ["F-0100"]},
              description="`{message}` is the entry id on the debtor's contact log "
              "(`GET …/debtors/{debtor}/contacts`). It interrupts prescription of those "
              "invoices on the day the message was received, and of no others; Inning does "
              "not read free text itself. Marking again changes nothing, also twice at once; "
              "on the contact log and the audit log. An admin's (manage_settlements), as a "
              "prescription decision."),
        Route("DELETE", marked, delete_acknowledgement,
              "Take back a message's mark as an acknowledgement (a mistake)", "records",
              status=204,
              errors={404: "No such debtor or message, or the message is not marked"},
              description="Its day no longer counts for the invoices it named; on the contact "
              "log and the audit log. The claims are looked at again in the next run."),
    ):  # fmt: skip
        router.add(route)

    tag = "invoices"
    base = "/v1/clients/{client}/invoices/{invoice}"
    router.add(
        Route(
            "POST",
            base + "/prescription",
            decide,
            "Record an interruption of prescription, or release a held claim",
            tag,
            body=PrescriptionDecisionIn,
            response=PrescriptionDecisionOut,
            status=200,
            errors={
                404: "No such invoice",
                422: "Neither interrupted_on nor release given, no reason, or the date is out "
                "of range",
            },
            example={
                "interrupted_on": "2025-05-20",  # after the example invoice's due day
                "release": False,
                "reason": "acknowledgement by the debtor's letter of 20 May 2025",
            },
            description="A claim past Inning's prescription date is not dunned until this is "
            "recorded. Recording the same again changes nothing.",
        )
    )
    router.add(
        Route(
            "POST",
            base + "/fourteen-day-letter-received",
            received,
            "Confirm the debtor received a 14-day letter reported undeliverable",
            tag,
            body=LetterReceivedIn,
            body_optional=True,
            response=LetterReceivedOut,
            status=200,
            errors={
                400: "The body is not JSON",
                404: "No such invoice, or no 14-day letter of it reported undelivered",
                422: "The letter's sending failed (never sent: send it again), received_on "
                "before the first postal delivery day after posting or in the future, or an "
                "unknown field",
            },
            example={"received_on": "2025-03-31"},
            description="Puts back the collection costs term the failure report cleared: "
            "without a body the letter's own term; with received_on the 14 days from the day "
            "after that day.",
        )
    )
