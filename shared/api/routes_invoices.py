"""/v1/clients/{client}/invoices: bulk create/update, list, credit, dispute, withdraw."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from shared.api import schemas
from shared.api.common import (
    batch_items,
    cents_text,
    page_args,
    principal,
    validate_body,
    validate_rows,
)
from shared.api.documents import page_of
from shared.api.http import ApiResponse, BadRequest, NotFoundError
from shared.api.responses import PdfStoredOut
from shared.api.router import Context, Query, Route, Router
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.law.prescription import ClaimKind
from shared.domain.ledger.booking import NoteKind, credit_note_kinds
from shared.domain.money import cents_from_decimal
from shared.ports.tables import PreconditionFailed
from shared.services.claim_terms_changes import Importer
from shared.services.container import Services
from shared.services.errors import Invalid
from shared.services.imports import InvoiceDraft


def invoice_out(inv: Invoice, kinds: Mapping[str, NoteKind] | None = None) -> dict[str, object]:
    """``kinds``: per credit note reference its kind as the ledger booked it, over the kinds
    the invoice keeps (the status routes' answers said ``null`` for a note the invoice keeps
    as a discount: newcomer19 F3)."""
    kinds = dict(inv.note_kinds) | dict(kinds or {})
    return schemas.InvoiceOut(
        number=inv.number,
        debtor=inv.debtor_number,
        invoice_date=inv.invoice_date,
        due_date=inv.due_date,
        amount=cents_text(inv.amount),
        paid=cents_text(inv.paid),
        open_amount=cents_text(inv.open_amount),
        currency=inv.currency,
        paused_until=inv.paused_until,  # 9999-12-31: until resumed by hand
        promise_until=inv.promise_until,
        pause_ended_on=inv.pause_ended_on,
        status=inv.status.value,
        payment_reference=inv.payment_reference,
        dispute_reason=inv.dispute_reason,
        contract_date=inv.contract_date,
        claim_kind=inv.claim_kind.value if inv.claim_kind else None,
        invoiced=cents_text(inv.invoiced) if inv.credit_notes else None,
        credit_notes=[
            schemas.CreditNoteOut(reference=r, amount=cents_text(c), kind=kinds.get(r))
            for r, c in inv.credit_notes
        ],
    ).model_dump(mode="json")


# A credit note booked before the invoice kept its kind (attack17 F3) is labelled from its
# claim's ledger the first time it is shown, and the kind kept on the invoice: a request reads
# the ledgers of at most this many debtors for it (the notes of others show kind null until a
# later request, or GET .../invoices/{invoice}, reaches them)
LABELLED_PER_REQUEST = 10


def _note_kinds(services: Services, client_id: str,
                invoices: Iterable[Invoice]) -> dict[str, dict[str, NoteKind]]:  # fmt: skip
    """Per invoice with credit notes, each note's kind as its claim's ledger booked it, as the
    invoice keeps it (one ledger read per debtor on the page made a page of 1,000 invoices
    1,000 range reads: attack17 F3); a note booked before the invoice kept kinds is read from
    the ledger once (:data:`LABELLED_PER_REQUEST`) and kept."""
    out = {i.number: dict(i.note_kinds) for i in invoices if i.credit_notes}
    unlabelled = [i for i in invoices if any(r not in out[i.number] for r, _ in i.credit_notes)]
    for debtor in sorted({i.debtor_number for i in unlabelled})[:LABELLED_PER_REQUEST]:
        claims = services.ledger.ledger.for_debtor(client_id, debtor)
        for inv in unlabelled:
            if inv.debtor_number == debtor and inv.number in claims:
                kinds = credit_note_kinds(claims[inv.number].events)
                out[inv.number].update(kinds)
                try:
                    services.repos.invoices.note_kinds(client_id, inv.number, kinds)
                except PreconditionFailed:
                    pass  # the invoice keeps changing: a later request keeps the kinds
    return out


def _invoices_out(services: Services, client_id: str,
                  invoices: Sequence[Invoice]) -> list[dict[str, object]]:  # fmt: skip
    kinds = _note_kinds(services, client_id, invoices)
    return [invoice_out(i, kinds.get(i.number)) for i in invoices]


def _draft(model: schemas.InvoiceIn) -> InvoiceDraft:
    return InvoiceDraft(
        number=model.number,
        debtor_number=model.debtor,
        invoice_date=model.invoice_date,
        due_date=model.due_date,
        amount=cents_from_decimal(model.amount),
        open_amount=None if model.open_amount is None else cents_from_decimal(model.open_amount),
        payment_reference=model.payment_reference,
        description=model.description,
        fourteen_day_letter_on=model.fourteen_day_letter_on,
        interest_from=model.interest_from,
        contract_date=model.contract_date,
        claim_kind=ClaimKind(model.claim_kind) if model.claim_kind else None,
    )


def register(router: Router, services: Services) -> None:
    def upsert(ctx: Context) -> ApiResponse:
        dry_run = ctx.request.query.get("dry_run", "false")
        if dry_run not in ("true", "false"):
            # a preview asked as ?dry_run=1 or =True wrote for real, its lowered open amounts
            # booked as received (attack20 F6): only the two words the document names
            raise BadRequest("dry_run must be true or false; nothing was written")
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        valid, errors = validate_rows(batch_items(ctx.request), schemas.InvoiceIn)
        rows = [(i, _draft(m)) for i, m in valid]
        if dry_run == "true":
            # what the upload would do, written nowhere: the console preview's check (cm18 F12)
            checked = services.imports.check_invoices(client, rows, Importer.of(principal(ctx)))
            checked.errors += errors
            return ApiResponse(body={**checked.as_dict(), "dry_run": True})
        result = services.imports.upsert_invoices(client, rows, Importer.of(principal(ctx)))
        result.errors += errors
        return ApiResponse(body=result.as_dict())

    def list_invoices(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        size, token = page_args(ctx.request)
        status = None
        if raw := ctx.request.query.get("status"):
            try:
                status = InvoiceStatus(raw)
            except ValueError:
                allowed = ", ".join(s.value for s in InvoiceStatus)
                raise BadRequest(f"status must be one of {allowed}") from None
        debtor = ctx.request.query.get("debtor")
        if debtor:
            invoices = services.repos.invoices.for_debtor(client.client_id, debtor)
            if status:
                invoices = [i for i in invoices if i.status is status]
            return ApiResponse(
                body={"items": _invoices_out(services, client.client_id, invoices),
                      "continuation": None}
            )  # fmt: skip
        invoices, next_token = services.repos.invoices.list(
            client.client_id, status=status, page_size=size, continuation=token
        )
        return ApiResponse(
            body={"items": _invoices_out(services, client.client_id, invoices),
                  "continuation": next_token}
        )  # fmt: skip

    def get_invoice(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        stored = services.repos.invoices.get(client.client_id, ctx.params["invoice"])
        if stored is None:
            raise NotFoundError(f"invoice {ctx.params['invoice']} not found")
        (out,) = _invoices_out(services, client.client_id, [stored.invoice])
        return ApiResponse(body=out)

    def credit(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        if not ctx.request.body.strip():  # no body: the whole invoice, as always
            inv = services.invoice_status.credit(
                client, ctx.params["invoice"], author=principal(ctx).key_id
            )
            return ApiResponse(body=invoice_out(inv))
        from shared.services.invoice_status import CreditNote

        body = validate_body(ctx.request, schemas.CreditIn)
        note = CreditNote(cents_from_decimal(body.amount), body.reference, body.reason, body.on,
                          discount=body.kind == "discount")  # fmt: skip
        inv = services.invoice_status.credit_part(
            client, ctx.params["invoice"], note, author=principal(ctx).key_id
        )
        (out,) = _invoices_out(services, client.client_id, [inv])
        return ApiResponse(body=out)

    def withdraw(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        inv = services.invoice_status.withdraw(
            client, ctx.params["invoice"], author=principal(ctx).key_id
        )
        return ApiResponse(body=invoice_out(inv))

    def dispute(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, schemas.DisputeIn)
        inv = services.invoice_status.dispute(
            client, ctx.params["invoice"], body.reason, author=principal(ctx).key_id
        )
        return ApiResponse(body=invoice_out(inv))

    def resolve(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = (
            validate_body(ctx.request, schemas.ResolveDisputeIn)
            if ctx.request.body.strip()
            else schemas.ResolveDisputeIn()
        )
        ended = services.dispute_ending.end(
            client, ctx.params["invoice"], principal(ctx).key_id,
            message=body.message, notify=body.notify_debtor,
        )  # fmt: skip
        sent = ended.sent
        return ApiResponse(body={**invoice_out(ended.invoice), "notice": ended.notice,
                                 "collection_resumes_on": _iso(ended.resumes_on),
                                 # what the notice carried (texts26): an SMS may cut the reason
                                 "notice_channel": sent.channel.value if sent else None,
                                 "notice_sms_parts": sent.sms_parts if sent else None,
                                 "notice_sms_encoding": sent.sms_encoding if sent else None,
                                 "reason_shortened": sent is not None and sent.reason == "shortened",
                                 "reason_left_out": sent is not None and sent.reason == "left_out"})  # fmt: skip

    def put_pdf(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        try:  # the same service as the console's upload (shared.services.invoice_pdfs)
            size = services.invoice_pdfs.attach(client, ctx.params["invoice"], ctx.request.body)
        except Invalid as exc:
            raise BadRequest(str(exc)) from None
        return ApiResponse(status=201, body={"invoice": ctx.params["invoice"], "pdf_bytes": size})

    tag = "invoices"
    base = "/v1/clients/{client}/invoices"
    invoice = schemas.InvoiceOut
    status_change = {
        409: "The invoice changed meanwhile; try again",
        422: "The invoice's status does not allow this (field: status)",
    }
    router.add(
        Route(
            "POST",
            base,
            upsert,
            "Create or update invoices (up to 1,000)",
            tag,
            body=schemas.InvoiceBatch,
            response=schemas.BatchResultOut,
            example={
                "items": [
                    {
                        "number": "F-0100",
                        "debtor": "D-1001",
                        "invoice_date": "2025-03-01",
                        "due_date": "2025-03-15",
                        "amount": "121.00",
                    }
                ]
            },
            query=[
                Query(
                    "dry_run",
                    "`true`: write nothing, answer what the request would do (the rows "
                    "refused, and in `notes` each invoice whose `open_amount` lowers what is "
                    "open and what of it counts as received by you); any value but `true` or "
                    "`false` is refused (400) and nothing is written",
                    enum=("true", "false"),
                    example="true",
                )
            ],
            description="Each row is stored whole or rejected; rejected rows are listed with "
            "their index and field. Idempotent by your invoice number. The amount is the "
            "invoice's as invoiced: credit notes booked through …/{invoice}/credit stay off "
            "it when you send the invoice again (to lower what is owed, send a credit note; "
            "to correct the invoiced amount, send the corrected amount). An `open_amount` "
            "below what Inning has open on a stored invoice means your books received the "
            "difference: it is booked as paid to you, listed in `notes` and written in the "
            "debtor's contact log.",
        )
    )
    router.add(
        Route(
            "GET",
            base,
            list_invoices,
            "List invoices, paged (?status=, ?debtor=)",
            tag,
            response=page_of(invoice),
            paged=True,
            query=[
                Query(
                    "status",
                    # a part paid is no longer `open` (newcomer18 F6: a list of `open` read as
                    # "still owed" left out every debtor who had paid something)
                    "Only invoices in this state: `open` is nothing paid yet, `partially_paid` "
                    "something paid and the rest still owed (ask both for everything owed)",
                    enum=tuple(s.value for s in InvoiceStatus),
                    example="open",
                ),
                Query(
                    "debtor",
                    "Only this debtor's invoices (one page, all of them)",
                    example="D-1001",
                ),
            ],
        )
    )
    router.add(Route("GET", base + "/{invoice}", get_invoice, "One invoice", tag, response=invoice))
    router.add(
        Route(
            "POST",
            base + "/{invoice}/credit",
            credit,
            "Credit an invoice, or part of its principal",
            tag,
            body=schemas.CreditIn,
            body_optional=True,
            response=invoice,
            errors={
                **status_change,
                400: "The body is not JSON",
                409: "The invoice changed meanwhile (try again), or this credit note "
                "reference was booked with another amount (code credit_note_other_amount)",
                422: "The invoice's status does not allow this (field: status), the "
                "amount is not above 0 and at most the invoice's principal (field: amount; "
                "a discount: below it and at most the principal open on its date, code "
                "discount_above_open), or the date is after today (Europe/Amsterdam) or before "
                "the invoice's date (field: date), or this credit note reference was booked "
                "as the other kind (field: kind, code credit_note_other_kind)",
            },
            description="No body: the whole invoice is credited. A body credits part of "
            "the principal on the credit note's date, by its `kind`: `correction` (the "
            "default: the invoice was wrong, that part was never owed) takes the interest on "
            "that part back from its first day and the collection costs follow the lower "
            "principal; `discount` (a remission agreed on that date, art. 6:160 BW: a "
            "goodwill discount after default) lowers the principal from that date and keeps "
            "the interest owed on the full principal up to it and the collection costs fixed "
            "on the principal as it stood when they became owed. Money paid beyond the new "
            "total goes to the invoices its payment named, then to the debtor's invoices that "
            "were due when it was received; what is left is an overpayment item (refund it or "
            "re-book it), never an invoice not yet due. The same reference twice books once; "
            "the invoice's `credit_notes` say each note's `kind`.",
            example={"amount": "21.00", "reference": "CN-2026-0042", "reason": "returned"},
        )
    )
    router.add(
        Route(
            "POST",
            base + "/{invoice}/withdraw",
            withdraw,
            "Withdraw an invoice from collection",
            tag,
            response=invoice,
            errors=status_change,
        )
    )
    router.add(
        Route(
            "POST",
            base + "/{invoice}/dispute",
            dispute,
            "Dispute an invoice (stops dunning)",
            tag,
            body=schemas.DisputeIn,
            response=invoice,
            errors=status_change,
            example={"reason": "Goods never arrived"},
        )
    )
    router.add(
        Route(
            "POST",
            base + "/{invoice}/resolve-dispute",
            resolve,
            "End a dispute (the debtor told, or a consumer's invoice held)",
            tag,
            body=schemas.ResolveDisputeIn,
            body_optional=True,
            response=schemas.DisputeEndedOut,
            errors={
                **status_change,
                422: "The invoice is not disputed (invoice_not_disputed), the message is too "
                "long (dispute_message_too_long), or the notice cannot go (channel_not_now)",
            },
            example={
                "message": "The goods were delivered on 3 March; see the signed receipt",
                "notify_debtor": True,
            },
        )
    )
    router.add(
        Route(
            "PUT",
            base + "/{invoice}/pdf",
            put_pdf,
            "Upload the invoice PDF (travels with e-mail reminders)",
            tag,
            consumes="application/pdf",
            status=201,
            response=PdfStoredOut,
            errors={400: "The body is not a PDF, or is over 10 MiB"},
        )
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
