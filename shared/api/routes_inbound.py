"""/v1/clients/{client}/inbound-mail: debtors' e-mails that reached the client's mailbox.

Read the list (unlinked first), one message with its attachments (downloaded through the
client's own message, never by blob name), and link a message to one or several debtors:
register only, also create an action, or choose a template, which pauses each debtor
(reason: correspondence) and answers the sender in the same thread. A client's key and staff
reach only that client's mail (the client's own partition)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.adapters.tables.inbound_repo import FiledMail
from shared.api.common import page_args, principal, validate_body
from shared.api.documents import page_of
from shared.api.http import ApiResponse
from shared.api.router import Context, Query, Route, Router
from shared.api.sender_files import sender_file_headers, served_type
from shared.services.container import Services


class LinkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    debtors: list[str] = Field(
        min_length=1, max_length=50, description="The client's debtor numbers"
    )
    create_action: bool = Field(False, description="Also put a task on the action list per debtor")
    template: str | None = Field(
        None, description='An answer template ("in-behandeling"): pause each debtor and answer'
    )
    note: str | None = Field(None, max_length=2000, description="For the action's task")


class AttachmentOut(BaseModel):
    index: int
    name: str
    content_type: str
    size: int
    kept: bool
    skipped: str | None


class CandidateOut(BaseModel):
    debtor: str
    reasons: list[str]
    invoices: list[str]
    certain: bool


class InboundMailOut(BaseModel):
    id: str
    mailbox: str
    received_at: datetime
    sender: str
    sender_name: str
    subject: str
    kind: Literal["correspondence", "auto_reply", "non_delivery"]
    linked: bool
    debtors: list[str]
    candidates: list[CandidateOut]
    attachments: list[AttachmentOut]
    answer: str | None
    answer_note: str | None = None
    action_id: str | None


class InboundMailDetailOut(InboundMailOut):
    text: str
    quoted: str
    in_reply_to: str
    notes: list[str]


def mail_out(m: FiledMail, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.key, "mailbox": m.mailbox, "received_at": m.received_at, "sender": m.sender,
        "sender_name": m.sender_name, "subject": m.subject, "kind": m.kind.value, "linked": m.linked,
        "debtors": list(m.filed_debtors),
        "candidates": [{"debtor": c.debtor_number, "reasons": list(c.reasons),
                        "invoices": list(c.invoice_numbers), "certain": c.certain} for c in m.candidates],
        "attachments": [{"index": i, "name": a.name, "content_type": a.content_type, "size": a.size,
                         "kept": a.blob is not None, "skipped": a.skipped} for i, a in enumerate(m.attachments)],
        "answer": m.answer_key, "answer_note": m.answer_note, "action_id": m.action_id,
    }  # fmt: skip
    if detail:
        out.update(
            text=m.fresh_text, quoted=m.quoted_text, in_reply_to=m.in_reply_to, notes=list(m.notes)
        )
    return out


def content_disposition(name: str) -> str:
    """An attachment's name for the download (RFC 6266): an ASCII fallback in ``filename``
    and the name itself, UTF-8 and percent-encoded, in ``filename*`` (a header is Latin-1:
    "Factuur €.pdf" or "счёт.pdf" must not break the response)."""
    from urllib.parse import quote

    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._- ") else "_" for c in name)
    fallback = fallback.strip()[:150] or "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name[:150], safe='')}"


def register(router: Router, services: Services) -> None:
    def client_of(ctx: Context) -> Any:
        return services.access.client_for(principal(ctx), ctx.params["client"])

    def list_mail(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        size, token = page_args(ctx.request)
        items, more = services.inbound_mail.listing(
            client, state=ctx.request.query.get("state") or None, page_size=size, continuation=token
        )
        return ApiResponse(body={"items": [mail_out(m) for m in items], "continuation": more})

    def one(ctx: Context) -> ApiResponse:
        mail = services.inbound_mail.get(client_of(ctx), ctx.params["mail"])
        return ApiResponse(body=mail_out(mail, detail=True))

    def attachment(ctx: Context) -> ApiResponse:
        raw = ctx.params["index"]
        if not raw.isdigit():
            from shared.api.http import NotFoundError

            raise NotFoundError(f"attachment {raw} not found")
        name, content_type, data = services.inbound_mail.attachment(
            client_of(ctx), ctx.params["mail"], int(raw)
        )
        # the sender's file under the app's origin: an inert type, sandboxed (attack33)
        return ApiResponse(
            raw=data,
            content_type=served_type(content_type),
            headers=sender_file_headers({"Content-Disposition": content_disposition(name)}),
        )

    def link(ctx: Context) -> ApiResponse:
        from shared.services.inbound.linking import LinkRequest

        client = client_of(ctx)
        body = validate_body(ctx.request, LinkBody)
        mail = services.inbound_mail.link(
            client,
            ctx.params["mail"],
            LinkRequest(tuple(body.debtors), body.create_action, body.template, body.note),
            author=principal(ctx).key_id,
        )
        return ApiResponse(body=mail_out(mail, detail=True))

    tag = "inbound-mail"
    base = "/v1/clients/{client}/inbound-mail"
    router.add(Route("GET", base, list_mail, "Debtors' e-mails, newest first; unlinked before linked", tag,
                     response=page_of(InboundMailOut), paged=True,
                     query=[Query("state", "Only unlinked or only linked messages (default: unlinked first, then linked)",
                                  enum=("unlinked", "linked"), example="unlinked")],
                     errors={422: "state is not unlinked or linked, or the continuation is not this list's"}))  # fmt: skip
    router.add(Route("GET", base + "/{mail}", one, "One e-mail with its text, candidates and attachments", tag,
                     response=InboundMailDetailOut, errors={404: "no such message for this client"}))  # fmt: skip
    router.add(Route("GET", base + "/{mail}/attachments/{index}", attachment, "Download an attachment", tag,
                     produces="application/octet-stream",
                     errors={404: "no such message or attachment, or it was not kept (see skipped)"}))  # fmt: skip
    router.add(Route("POST", base + "/{mail}/link", link,
                     "Link an e-mail to debtors: register, also create an action, or answer with a template", tag,
                     body=LinkBody, response=InboundMailDetailOut,
                     errors={404: "no such message for this client",
                             409: "the message changed meanwhile; try again",
                             422: "a debtor does not exist, the template is unknown, or an automatic reply was to be answered"},
                     example={"debtors": ["D-1001"], "create_action": False, "template": "in-behandeling"},
                     description="Idempotent: linking again adds what is new; the answer is sent once."))  # fmt: skip
