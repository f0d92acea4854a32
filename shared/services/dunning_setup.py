"""A client's dunning set-up as people edit it: templates checked before they are kept,
previewed unsaved for a real debtor, and workflows and templates copied within a client or to
another client of the same agency. The API's routes and the console's pages both come here for
what is more than a read (the check of :func:`shared.domain.dunning.templates.validate`, run in
the isolated renderer, is the one the API's template route applies)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from shared.clock import Clock, amsterdam_date
from shared.domain.dunning.templates import (
    MessageTemplate,
    RenderedMessage,
    TemplateError,
    sample_context,
)
from shared.domain.dunning.workflow import (
    SegmentRule,
    Step,
    StepChannel,
    Workflow,
    activation_errors,
    with_step_ids,
)
from shared.domain.parties import Client, Language
from shared.domain.reasons import Reason
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services.dunning import DunningService
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.payee_accounts import own_links, refuse_foreign_in_template
from shared.services.repositories import Repositories


@dataclass(frozen=True)
class Problem:
    """A save-time check that failed: the part (subject, text, html), the line (None: the part
    as a whole, such as a 14-day letter lacking a required statement) and the reason."""

    part: str
    line: int | None
    reason: str


@dataclass(frozen=True)
class SavedWorkflow:
    """A workflow as saved, and the ETag a next edit saves under."""

    workflow: Workflow
    etag: str

    @property
    def warnings(self) -> list[Reason]:
        return language_gaps(self.workflow)


def language_gaps(workflow: Workflow) -> list[Reason]:
    """What saving does not refuse but staff should know: a step with a text in one of the
    debtors' languages and none in the other. A debtor who reads the other gets the step
    whole in the language it has (a message speaks one language: text, labels and payment
    block), which may not be what the client wants."""
    gaps = []
    for n, step in enumerate(workflow.steps, 1):
        ours = [k for k in step.templates if k != "whatsapp"]  # Meta's template: its own
        if step.channel in (StepChannel.STAFF_TASK, StepChannel.HANDOVER) or not ours:
            continue
        for language in (lang.value for lang in Language if lang.value not in ours):
            gaps.append(Reason(
                f"step {n} ({step.name}) has no {language} text: debtors who read {language} "
                f"get this step wholly in {ours[0]}",
                code="step_no_text_in_language",
                params={"n": n, "step": step.name, "language": language, "sent_in": ours[0]},
            ))  # fmt: skip
    return gaps


class WorkflowChanged(ConflictingUpdate):
    """Someone saved the workflow since the editor read it: the edit is not saved over theirs
    (the API answers 412, the console shows the newer version beside the person's rows)."""

    def __init__(self, workflow_id: str) -> None:
        super().__init__(
            f"workflow {workflow_id} was changed by someone else since it was read; read it "
            "again and make the change on that version"
        )
        self.workflow_id = workflow_id


class NotActivatable(Invalid):
    """A workflow the activation checks refuse (:func:`activation_errors`): each reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            "the workflow cannot be activated: " + "; ".join(errors), "steps",
            code="workflow_not_activatable", params={"problems": errors},
        )  # fmt: skip
        self.errors = errors


class BreaksActiveWorkflow(NotActivatable):
    """A template change an active workflow that uses it would fail its checks with."""

    def __init__(self, errors: list[str]) -> None:
        message = "an active workflow uses the template and would fail its checks: "
        Invalid.__init__(self, message + "; ".join(errors), "template",
                         code="template_breaks_workflow", params={"problems": errors})  # fmt: skip
        self.errors = errors


# the bounds of the API's workflow schema (shared/api/schemas.py, StepIn and WorkflowIn), for
# the console's editor alike
MAX_STEPS = 30
OFFSET_DAYS = (-60, 365)
# bundling reaches at most two weeks ahead: further, a reminder would come well before its day
MAX_BUNDLE_DAYS = 14
FALLBACKS = (StepChannel.EMAIL, StepChannel.SMS, StepChannel.LETTER, StepChannel.STAFF_TASK)
LETTER_BY = (StepChannel.LETTER, StepChannel.EMAIL)
LANGUAGES = ("nl", "en")


def template_variables(language: str = "nl") -> list[str]:
    """Every variable a template may use, as written in a template (``debtor.name``,
    ``invoices[].due_date``), from the complete context the save-time check renders with."""
    names: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for key, inner in value[0].items():
                walk(f"{prefix}[].{key}", inner)
        else:
            names.append(prefix)

    walk("", sample_context(language).variables(language))
    return names


def _no_vat_deduction(client: Client | None) -> bool:
    return client is not None and not client.vat_deductible


def size_limits(template: MessageTemplate) -> list[tuple[str, str, int]]:
    """The sizes the API's template schema allows, for the console's forms alike."""
    return [
        ("subject", template.subject, 500),
        ("text", template.text, 20_000),
        ("html", template.html or "", 100_000),
    ]


class DunningSetup:
    def __init__(self, repos: Repositories, dunning: DunningService, clock: Clock) -> None:
        self.repos = repos
        self.dunning = dunning
        self.clock = clock

    # -- templates ---------------------------------------------------------------------------
    def check(self, template: MessageTemplate, client: Client | None = None) -> Problem | None:
        """The save-time check; the first problem found, with its line where it has one
        (``client``: whose template, when its VAT decides what a 14-day letter must say)."""
        try:
            sample = self.dunning.validate_template(
                template, vat_not_deductible=_no_vat_deduction(client)
            )
            if client is not None:
                self._no_foreign_account(client, template, sample)
        except TemplateError as exc:
            return Problem(exc.part, exc.line, exc.reason)
        return None

    def _no_foreign_account(
        self, client: Client, template: MessageTemplate, sample: RenderedMessage
    ) -> None:
        """No account but the client's or its agency's in what debtors read (attack26 F3), no
        link but the message's own and the client's domains (people27 F8)."""
        context = sample_context(template.language)
        refuse_foreign_in_template(
            self.repos, client, template, sample, context.client_iban, own_links(context)
        )

    def save_template(self, client: Client, template_id: str, template: MessageTemplate) -> None:
        """Keep a template that passes the check; :class:`TemplateError` when it does not."""
        if not template_id.strip() or len(template_id) > 100:
            raise Invalid(
                "a template needs a name of at most 100 characters", "template_id",
                code="template_name", params={"limit": 100},
            )  # fmt: skip
        for part, value, most in size_limits(template):
            if len(value) > most:
                raise _too_long(part, most)
        sample = self.dunning.validate_template(
            template, vat_not_deductible=not client.vat_deductible
        )
        self._no_foreign_account(client, template, sample)
        self.keeps_active_workflows(client, {template_id: template})
        self.repos.dunning.save_template(client.client_id, template_id, template)

    def keeps_active_workflows(self, client: Client, changed: dict[str, MessageTemplate]) -> None:
        """:class:`BreaksActiveWorkflow` when keeping ``changed`` (templates by name) would make one
        of the client's active workflows fail the checks it was activated with: a 14-day step
        whose template is swapped for one that is no 14-day letter, or lacks the legal parts
        or the VAT statement, would otherwise run as if checked (attack8 #3a). What such a
        workflow failed before the change does not stop an unrelated save."""
        workflows = self.repos.dunning.workflows(client.client_id)
        using = [w for _, w in sorted(workflows.items()) if w.active and _uses(w, changed)]
        if not using:
            return
        before = self.repos.dunning.templates(client.client_id)
        after = {**before, **changed}
        errors: list[str] = []
        for workflow in using:
            had = set(activation_errors(workflow, before, vat_deductible=client.vat_deductible))
            errors += [
                Reason(
                    f"active workflow {workflow.workflow_id}: {e}",
                    code="active_workflow_fails",
                    params={"workflow": workflow.workflow_id, "problem": e},
                )
                for e in activation_errors(workflow, after, vat_deductible=client.vat_deductible)
                if e not in had
            ]
        if errors:
            raise BreaksActiveWorkflow(errors)

    def preview(
        self, client: Client, template: MessageTemplate, debtor_number: str | None
    ) -> RenderedMessage:
        """The template as it would read, saved or not: for one of the client's debtors with
        its open invoices and the amounts of the ledger today, or with the sample context when
        no debtor is chosen (no links are made: a preview creates no portal link)."""
        if not debtor_number:
            return self.dunning.render(
                template,
                sample_context(template.language, fourteen_day_letter=template.fourteen_day_letter),
            )
        found = self.repos.debtors.get(client.client_id, debtor_number)
        if found is None:
            raise NotFound(f"debtor {debtor_number} not found")
        invoices = self.repos.invoices.for_debtor(client.client_id, debtor_number)
        today: date = amsterdam_date(self.clock.now())
        context = self.dunning.preview_context(
            client, found[0], invoices, today, template, with_links=False
        )
        return self.dunning.render(template, context)

    def copy_template(
        self, source: Client, template_id: str, target: Client, new_id: str | None = None
    ) -> str:
        """Copy a template (within the client under a new name, or to a client of the same
        agency); the name it was kept under."""
        self._same_agency(source, target)
        template = self.repos.dunning.templates(source.client_id).get(template_id)
        if template is None:
            raise NotFound(f"template {template_id} not found")
        name = (new_id or "").strip() or template_id
        if source.client_id == target.client_id and name == template_id:
            raise Invalid(
                "a copy within the client needs a new name", "new_id", code="copy_needs_name"
            )
        # it may replace the target's template of that name, which an active workflow uses
        self.keeps_active_workflows(target, {name: template})
        self.repos.dunning.save_template(target.client_id, name, template)
        return name

    # -- workflows ---------------------------------------------------------------------------
    def copy_workflow(
        self, source: Client, workflow_id: str, target: Client, new_id: str | None = None
    ) -> Workflow:
        """Copy a workflow with the templates its steps use; the copy is inactive until it is
        activated (its checks run then). Within the client it needs a new name; to another
        client, templates already there under the same name are replaced."""
        self._same_agency(source, target)
        workflow = self.repos.dunning.workflows(source.client_id).get(workflow_id)
        if workflow is None:
            raise NotFound(f"workflow {workflow_id} not found")
        name = (new_id or "").strip() or workflow_id
        if source.client_id == target.client_id and name == workflow_id:
            raise Invalid(
                "a copy within the client needs a new name", "new_id", code="copy_needs_name"
            )
        if source.client_id != target.client_id:
            templates = self.repos.dunning.templates(source.client_id)
            copied = {
                template_id: templates[template_id]
                for step in workflow.steps
                for template_id in step.templates.values()
                if template_id in templates
            }
            # the target's templates of the same names are replaced: its active workflows
            # that use them must pass their checks with the copies, else nothing is copied
            self.keeps_active_workflows(target, copied)
            for template_id, template in copied.items():
                self.repos.dunning.save_template(target.client_id, template_id, template)
        # over a workflow of the target's, its steps keep the target's ids where they are the
        # same step (equal, else the same name and channel): the target's invoices in flight
        # stay at the step they took, a removed step's go on at the step after the one they
        # took before; the source's ids would name other steps of the target's (money9 #3)
        # (saved over the version matched: one saved meanwhile is matched again)
        for _ in range(5):
            existing = self.repos.dunning.workflow(target.client_id, name)
            steps = workflow.steps
            if existing is not None:
                steps = with_step_ids([replace(s, step_id="") for s in steps], existing[0].steps)
            copy = replace(workflow, workflow_id=name, steps=steps, active=False)
            try:
                self.repos.dunning.save_workflow(target.client_id, copy,
                                                 existing[1] if existing else None,
                                                 new=existing is None)  # fmt: skip
            except (PreconditionFailed, Conflict):
                continue
            return copy
        raise WorkflowChanged(name)

    def save_workflow(
        self,
        client: Client,
        workflow_id: str,
        name: str,
        steps: list[Step],
        *,
        activate: bool = False,
        etag: str | None = None,
        bundle_days: int | None = None,
    ) -> SavedWorkflow:
        """Create or replace a workflow. ``bundle_days`` (``Workflow.bundle_days``, 0 to
        ``MAX_BUNDLE_DAYS``; None: the stored value is kept, a new workflow's is 0). Kept inactive (a changed workflow is checked again
        before it runs), or with ``activate`` checked first and kept active, so that a running
        workflow is never left stopped by an edit that does not pass: NotActivatable, and
        nothing is saved.

        Each step keeps its id (``with_step_ids``: given, or the old step it is the same as):
        the invoices in flight stay at the step they took, wherever the edit put it (README,
        "Editing a running workflow"). ``etag``: the version the editor read ("": none, a new
        workflow); saved only over that one (WorkflowChanged when someone saved since: nothing
        is lost silently). Without
        it, saved over what this call read (a write between the read and the save is read
        again, never overwritten unseen)."""
        workflow_id, name = workflow_id.strip(), name.strip()
        if not workflow_id or len(workflow_id) > 100 or not workflow_id.isprintable():
            raise Invalid(
                "a workflow needs a name in Inning of at most 100 characters", "workflow_id",
                code="workflow_id_length", params={"limit": 100},
            )  # fmt: skip
        if not name or len(name) > 100:
            raise Invalid(
                "a workflow needs a name of at most 100 characters", "name",
                code="workflow_name_length", params={"limit": 100},
            )  # fmt: skip
        if not 1 <= len(steps) <= MAX_STEPS:
            raise Invalid(
                f"a workflow has 1 to {MAX_STEPS} steps", "steps", code="workflow_steps",
                params={"limit": MAX_STEPS},
            )  # fmt: skip
        for n, step in enumerate(steps, 1):
            _check_step(n, step)
        ids = [s.step_id for s in steps if s.step_id]
        if len(ids) != len(set(ids)):
            raise Invalid("two steps have the same id", "steps", code="steps_same_id")
        if bundle_days is not None and not 0 <= bundle_days <= MAX_BUNDLE_DAYS:
            raise Invalid(
                f"bundle_days is 0 (off) to {MAX_BUNDLE_DAYS}", "bundle_days",
                code="workflow_bundle_days", params={"limit": MAX_BUNDLE_DAYS},
            )  # fmt: skip
        for _ in range(5):
            found = self.repos.dunning.workflow(client.client_id, workflow_id)
            if etag is not None and (found[1] if found else "") != etag:
                raise WorkflowChanged(workflow_id)  # ("": the editor made a new one)
            old = found[0].steps if found else ()
            kept = found[0].bundle_days if found else 0
            workflow = Workflow(workflow_id, name, with_step_ids(steps, old), active=False,
                                bundle_days=kept if bundle_days is None else bundle_days)  # fmt: skip
            if activate:
                workflow = self._checked_active(client, workflow)
            try:
                written = self.repos.dunning.save_workflow(
                    client.client_id, workflow, found[1] if found else None, new=found is None
                )
            except (PreconditionFailed, Conflict):
                if etag is not None:
                    raise WorkflowChanged(workflow_id) from None
                continue  # someone saved meanwhile: match the steps to theirs
            if workflow.active:
                self.dunning.wake_waiting(client.client_id)
            return SavedWorkflow(workflow, written)
        raise WorkflowChanged(workflow_id)

    def activate_workflow(
        self, client: Client, workflow_id: str, etag: str | None = None
    ) -> SavedWorkflow:
        """Activate a saved workflow once its checks pass (NotActivatable: why not); the
        version read (or ``etag``'s, WorkflowChanged when it is no longer that one), never one
        saved meanwhile unseen."""
        for _ in range(5):
            found = self.repos.dunning.workflow(client.client_id, workflow_id)
            if found is None:
                raise NotFound(f"workflow {workflow_id} not found")
            if etag is not None and found[1] != etag:
                raise WorkflowChanged(workflow_id)
            active = self._checked_active(client, found[0])
            try:
                written = self.repos.dunning.save_workflow(client.client_id, active, found[1])
            except PreconditionFailed:
                if etag is not None:
                    raise WorkflowChanged(workflow_id) from None
                continue
            # the invoices a run found without a workflow go in the next run, not a week later
            self.dunning.wake_waiting(client.client_id)
            return SavedWorkflow(active, written)
        raise WorkflowChanged(workflow_id)

    def _checked_active(self, client: Client, workflow: Workflow) -> Workflow:
        templates = self.repos.dunning.templates(client.client_id)
        errors = activation_errors(workflow, templates, vat_deductible=client.vat_deductible)
        if errors:
            raise NotActivatable(errors)
        return replace(workflow, active=True)

    def save_rules(self, client: Client, rules: list[SegmentRule]) -> list[SegmentRule]:
        """Replace the segment rules (first match wins); each names one of the client's
        workflows, and a range of open amounts that can hold a debtor."""
        known = self.repos.dunning.workflows(client.client_id)
        for n, rule in enumerate(rules, 1):
            if rule.workflow_id not in known:
                raise Invalid(
                    f"rule {n}: there is no workflow {rule.workflow_id}", "workflow",
                    code="rule_unknown_workflow", params={"n": n, "workflow": rule.workflow_id},
                )  # fmt: skip
            low, high = rule.min_open, rule.max_open
            if low is not None and high is not None and low > high:
                raise Invalid(
                    f"rule {n}: 'from open' is above 'up to open'", "min_open",
                    code="rule_range", params={"n": n},
                )  # fmt: skip
        self.repos.dunning.save_rules(client.client_id, rules)
        self.dunning.wake_waiting(client.client_id)
        return rules

    @staticmethod
    def _same_agency(source: Client, target: Client) -> None:
        if source.agency_id != target.agency_id:  # never across tenants, whoever asks
            raise NotFound("client not found")


def _uses(workflow: Workflow, templates: dict[str, MessageTemplate]) -> bool:
    return any(
        template_id in templates
        for step in workflow.steps
        for language, template_id in step.templates.items()
        if language != "whatsapp"  # Meta's approved template, not one of ours
    )


def _too_long(part: str, most: int) -> Invalid:
    """A template part over the API schema's size, with the code of that part's sentence."""
    message, limit = f"the {part} may be at most {most:,} characters", {"limit": most}
    if part == "subject":
        return Invalid(message, part, code="template_subject_length", params=limit)
    if part == "text":
        return Invalid(message, part, code="template_text_length", params=limit)
    return Invalid(message, part, code="template_html_length", params=limit)


def _check_step(n: int, step: Step) -> None:
    where, said = f"step {n}", {"n": n, "step": step.name}
    if not step.name.strip() or len(step.name) > 100:
        raise Invalid(f"{where} needs a name of at most 100 characters", "steps",
                      code="step_name", params={"n": n, "limit": 100})  # fmt: skip
    low, high = OFFSET_DAYS
    if not low <= step.offset_days <= high:
        raise Invalid(f"{where} ({step.name}): days from {low} to {high}", "steps",
                      code="step_days", params={**said, "low": low, "high": high})  # fmt: skip
    if step.fallback is not None and step.fallback not in FALLBACKS:
        raise Invalid(f"{where} ({step.name}): no fallback by {step.fallback.value}", "steps",
                      code="step_fallback", params={**said, "channel": step.fallback.value})  # fmt: skip
    if step.letter_by not in LETTER_BY:
        raise Invalid(f"{where} ({step.name}): a 14-day letter goes by letter or e-mail", "steps",
                      code="step_letter_by", params=said)  # fmt: skip
    if not step.debtor_kinds:
        raise Invalid(f"{where} ({step.name}): for business or consumer debtors, or both", "steps",
                      code="step_debtor_kinds", params=said)  # fmt: skip
    if step.min_open_amount < 0:
        raise Invalid(
            f"{where} ({step.name}): the amount from which it applies is negative", "steps",
            code="step_amount_negative", params=said,
        )  # fmt: skip
    # "whatsapp" names the template Meta approved for a WhatsApp step (whatsapp-templates)
    unknown = sorted(set(step.templates) - {*LANGUAGES, "whatsapp"})
    if unknown:
        raise Invalid(f"{where} ({step.name}): no language {', '.join(unknown)}", "steps",
                      code="step_language", params={**said, "languages": ", ".join(unknown)})  # fmt: skip
