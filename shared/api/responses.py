"""Models of answers that are built from domain records rather than from a schema of their
own; they exist so that the OpenAPI document says what these routes really return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.api.schemas import BatchResultOut


class PdfStoredOut(BaseModel):
    invoice: str
    pdf_bytes: int


class PortalLinksOut(BaseModel):
    portal_link: str = Field(description="The debtor's own page")
    payment_link: str = Field(description="Starts one payment for everything open")


class PortalRevokedOut(BaseModel):
    revoked: bool
    generation: int


class DebtorDetailOut(BaseModel):
    number: str
    kind: str
    name: str
    emails: list[str]
    mobile: str | None
    whatsapp_consent: bool
    language: str
    segment: str
    paused: bool
    address: dict[str, str] | None = Field(
        default=None, description="The postal address as stored: street, postal_code, city, country"
    )
    kvk_number: str | None = None
    ibans: list[str] = Field(default_factory=list)
    refunds_this_year: int = Field(description="Refunds and chargebacks this calendar year")
    refund_warning: bool = Field(description="Above the client's refund_warning_threshold")


class ContactEntryOut(BaseModel):
    debtor_number: str
    entry_id: str
    at: datetime
    kind: str
    summary: str
    channel: str | None
    invoice_numbers: list[str]
    system: bool = Field(description="Written by Inning itself")
    author: str | None


class ActionOut(BaseModel):
    action_id: str
    kind: str
    title: str
    created_at: datetime
    status: str
    debtor_number: str | None
    invoice_numbers: list[str]
    detail: dict[str, Any]
    assigned_to: str | None
    resolved_at: datetime | None
    resolution: str | None


class AllocationOut(BaseModel):
    invoice_number: str
    component: str = Field(description="costs, interest or principal")
    amount: int = Field(description="Cents")


class PaymentOut(BaseModel):
    payment_id: str
    debtor_number: str | None
    amount: int = Field(description="Cents")
    received_on: date
    source: str
    external_id: str | None
    allocations: list[AllocationOut]
    unallocated: int = Field(description="Cents")
    reversed: bool
    received_by: Literal["third_party", "client"] = Field(
        default="third_party",
        description="Where the money arrived: the agency's third-party account (settlement pays "
        "it out) or the client itself (its own account, its own Mollie, a plan's direct debit: "
        "settlement charges the agency's share of it, pays none of it out)",
    )
    bank_charges: int = Field(
        default=0,
        description="Cents the bank of the account it arrived on kept as its own charges: "
        "`amount` is what the debtor sent and paid, `amount - bank_charges` reached the "
        "account (0: none kept)",
    )
    designated: list[str] = Field(
        default_factory=list,
        description="The invoices the payer named (6:43 lid 1 BW), as booked or as corrected "
        "with `PUT …/payments/{payment}/designation`; empty: he named none",
    )
    booked_to: list[str] | None = Field(
        default=None,
        description="The invoices its money was booked on (null: booked before this was kept)",
    )
    version: str | None = Field(
        default=None,
        description="The payment's version (its designation and where its money is): send it "
        "as `If-Match` with `PUT …/payments/{payment}/designation`, so a correction over a "
        "change made since is refused (412); the same as that route's `ETag`",
    )


class StatementQueuedOut(BaseModel):
    blob: str = Field(description="Where the file waits for the blob trigger")
    status: str


class StatementFileOut(BaseModel):
    blob: str = Field(description="The file as the upload answered it (`blob`)")
    name: str = Field(description="The name given with ?name=")
    status: str = Field(description="waiting, booked, skipped (a statement booked before) or "
                        "quarantined (refused: `problems` says why)")  # fmt: skip
    lines: int = Field(description="Lines of the file, debits included")
    booked: int = Field(description="Credits booked")
    suggested: int = Field(description="Credits on an action list as a suggestion")
    unmatched: int = Field(description="Credits on an action list without a candidate")
    returned: int | None = Field(
        description="Returns (storno, R-transactions): the payment they undo reversed, or an "
        "`unmatched_return` item on the action list; null for a file reported before this "
        "was counted"
    )
    problems: list[str] = Field(description="The quarantine report or the warnings")


class StatementFileOutList(BaseModel):
    items: list[StatementFileOut]


class UsageLineOut(BaseModel):
    item: str
    count: int
    unit_price: str
    amount: str


class UsageOut(BaseModel):
    month: str
    items: list[UsageLineOut]
    total: str


class TemplateOut(BaseModel):
    template_id: str
    language: str
    subject: str
    text: str
    html: str | None
    fourteen_day_letter: bool


class RenderedOut(BaseModel):
    subject: str
    text: str
    html: str | None
    language: str = Field("", description="The template's language: the whole message's")


class WorkflowStepOut(BaseModel):
    id: str = Field(description="The step's id: stays the same when steps are moved")
    name: str
    channel: str
    offset_days: int
    offset_from: str
    templates: dict[str, str]
    fallback: str | None
    min_open_amount: str | None = Field(
        None, description="euros; the step only from this open amount"
    )
    debtor_kinds: list[str] = Field(default_factory=lambda: ["b2b", "b2c"])
    letter_by: str = "letter"


class WorkflowWarningOut(BaseModel):
    code: str = Field(description="step_no_text_in_language")
    message: str
    params: dict[str, Any]


class WorkflowOut(BaseModel):
    workflow_id: str
    name: str
    active: bool
    steps: list[WorkflowStepOut]
    etag: str = Field(
        "", description="The version read; send it as If-Match with a PUT or an activation"
    )
    bundle_days: int = Field(
        0, description="0: off; 1 to 14: invoices due within as many days ride along"
    )
    warnings: list[WorkflowWarningOut] = Field(
        default_factory=list,
        description="Not refused, but staff should know: a step with a text in one language and "
        "not the other (a debtor of the other gets the whole message in the one it has)",
    )


class WorkflowCopiedOut(BaseModel):
    copied_to: str
    workflow_id: str
    active: bool


class RulesSavedOut(BaseModel):
    rules: int


class DebtorPausedOut(BaseModel):
    debtor: str
    paused: bool
    until: date | None = None
    pause_ended_on: date | None = None  # resumed: the day the pause ended (kept)


class InvoicePausedOut(BaseModel):
    invoice: str
    paused_until: date | None
    pause_ended_on: date | None = None  # resumed: the day the pause ended (kept)


class InvoicePromiseOut(BaseModel):
    invoice: str
    promise_until: date | None


class RunOut(BaseModel):
    run_id: str
    business_date: date
    started_at: datetime
    finished_at: datetime | None
    steps: int = Field(description="The steps the run took: messages, staff tasks, hand-overs")
    messages: int = Field(
        description="Of the steps, the messages written to the outbox (sent or queued to send); "
        "a message an earlier attempt wrote is not counted again"
    )
    tasks: int = Field(default=0, description="Staff tasks put on the action list (nothing sent)")
    handovers: int = Field(default=0, description="Cases handed over to the agency")
    errors: list[str]
    succeeded: bool
    without_workflow: int = Field(
        default=0,
        description="Debtors with open invoices that no active workflow took (none active, or "
        "no segment rule matches them): nothing was sent to them",
    )
    waiting_until: date | None = Field(
        default=None,
        description="Set when the client's dunning had not gone live yet (its "
        "dunning_starts_on): nothing was sent, the schedule is kept for that day",
    )
    waiting_debtors: int = Field(
        default=0,
        description="Before the go-live day: the debtors whose steps were due and held, what "
        "the run would have worked on",
    )
    spread_waiting: int = Field(
        default=0,
        description="Debtors whose workflow's first step was due and wait for a later run: "
        "the client's first_steps_per_day was given to debtors due longer (golive33)",
    )


class ClientRunOut(BaseModel):
    client: str
    name: str
    last_success: datetime | None
    last_run: datetime | None
    last_error: str | None


class CaseOut(BaseModel):
    agency_id: str
    case_id: str
    client_id: str
    debtor_number: str
    invoice_numbers: list[str]
    created_at: datetime
    status: str = Field(description="open or withdrawn")
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    transfer_quote: str | None = Field(
        description="What the debtor quotes paying to the agency's third-party account: the "
        "client's code (it names the client on the account every client shares), the debtor "
        "and the invoice numbers; null once the case is withdrawn (he pays the client again)"
    )


class CaseDossierOut(CaseOut):
    dossier: dict[str, Any] = Field(description="Invoices, messages, letters, contact log")


class RatesStatusOut(BaseModel):
    version: str
    newest_rate_from: str
    stale: bool = Field(description="The newest statutory rate is older than seven months")
    warning: str | None


class HealthCheckOut(BaseModel):
    ok: bool
    ms: int
    error: str | None = None


class DunningHealthOut(BaseModel):
    last_success_age_seconds: int | None
    stale_clients: Any = None
    problem: str | None = None


class HealthOut(BaseModel):
    status: str = Field(description="ok, or failing (then the answer is 503)")
    checks: dict[str, HealthCheckOut] = Field(description="tables, queues and blobs reached")
    dunning: DunningHealthOut | None = None
    statutory_rates: RatesStatusOut | None = None


class ReadinessCheckOut(BaseModel):
    check: Literal[
        "debtor_account",
        "workflow",
        "sender",
        "house_style",
        "debtor_contact",
        "go_live_day",
        "sender_verified",
    ]
    ok: bool
    reason: str | None = Field(
        description="Why not, when not ok: no_bank_account, only_other_parties_accounts, "
        "no_active_workflow, no_segment_rule, no_sender_address, no_letterhead_address, no_contact_phone, "
        "go_live_day_not_set, sender_unverified (the contact e-mail is not verified yet: the mail "
        "goes from the agency's mailbox with it as Reply-To)"
    )
    blocking: bool = Field(
        description="Without it the first live run holds, or sends what a debtor cannot act on"
    )


class ReadinessOut(BaseModel):
    ready: bool = Field(description="No blocking check fails")
    dunning_starts_on: date | None = Field(description="The go-live day; null: live now")
    checks: list[ReadinessCheckOut]


class GoLiveWarningOut(BaseModel):
    index: int = Field(description="The row of the request")
    number: str = Field(description="The client's number")
    dunning_starts_on: date
    checks: list[ReadinessCheckOut] = Field(description="The blocking checks that fail")


class ClientBatchResultOut(BatchResultOut):
    warnings: list[GoLiveWarningOut] = Field(
        default_factory=list,
        description="Rows stored with a go-live day (dunning_starts_on) while a blocking "
        "readiness check fails: stored all the same (a credit manager decides); the run "
        "holds or sends nothing to whom it cannot",
    )


class PreviewStepOut(BaseModel):
    workflow: str
    step_id: str
    step: str = Field(description="The step's name")
    channel: str = Field(description="How it goes (a fallback where the debtor lacks the data)")
    debtors: int
    invoices: int
    principal: str = Field(description="The open principal of the step's invoices, euros")
    costs: str = Field(description="Collection costs owed now that the messages state, euros")
    costs_announced: str = Field(
        description="A 14-day letter's costs, owed only if unpaid after its term, euros"
    )


class RunPreviewOut(BaseModel):
    on: date
    debtors: int = Field(description="Debtors with rows due in this part")
    without_workflow: int
    below_minimum: int
    held_without_account: bool = Field(
        description="The client has no account of its own: the run would send nothing"
    )
    waiting_until: date | None = Field(
        description="The day is before the client's go-live day (this one): the run sends "
        "nothing and its record counts these debtors as waiting_debtors"
    )
    steps: list[PreviewStepOut]
    starting: list[str] = Field(
        description="Debtors that start a workflow that day (its first step), in the order "
        "the run gives them (oldest due first), within the client's first_steps_per_day"
    )
    spread_waiting: int = Field(
        description="Debtors whose first step was due and waits for a later run: the day's "
        "first_steps_per_day went to debtors due longer (the run record's spread_waiting)"
    )
    continuation: str | None = Field(description="More rows due: ask again with it")
