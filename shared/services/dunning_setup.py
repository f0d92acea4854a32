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
from shared.domain.dunning.workflow import Workflow
from shared.domain.parties import Client
from shared.services.dunning import DunningService
from shared.services.errors import Invalid, NotFound
from shared.services.repositories import Repositories


@dataclass(frozen=True)
class Problem:
    """A save-time check that failed: the part (subject, text, html), the line (None: the part
    as a whole, such as a 14-day letter lacking a required statement) and the reason."""

    part: str
    line: int | None
    reason: str


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

    walk("", sample_context(language).variables())
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
            self.dunning.validate_template(template, vat_not_deductible=_no_vat_deduction(client))
        except TemplateError as exc:
            return Problem(exc.part, exc.line, exc.reason)
        return None

    def save_template(self, client: Client, template_id: str, template: MessageTemplate) -> None:
        """Keep a template that passes the check; :class:`TemplateError` when it does not."""
        if not template_id.strip() or len(template_id) > 100:
            raise Invalid("a template needs a name of at most 100 characters", "template_id")
        for part, value, most in size_limits(template):
            if len(value) > most:
                raise Invalid(f"the {part} may be at most {most:,} characters", part)
        self.dunning.validate_template(template, vat_not_deductible=not client.vat_deductible)
        self.repos.dunning.save_template(client.client_id, template_id, template)

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
            raise Invalid("a copy within the client needs a new name", "new_id")
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
            raise Invalid("a copy within the client needs a new name", "new_id")
        if source.client_id != target.client_id:
            templates = self.repos.dunning.templates(source.client_id)
            for step in workflow.steps:
                for template_id in step.templates.values():
                    if template_id in templates:
                        self.repos.dunning.save_template(
                            target.client_id, template_id, templates[template_id]
                        )
        copy = replace(workflow, workflow_id=name, active=False)
        self.repos.dunning.save_workflow(target.client_id, copy)
        return copy

    @staticmethod
    def _same_agency(source: Client, target: Client) -> None:
        if source.agency_id != target.agency_id:  # never across tenants, whoever asks
            raise NotFound("client not found")
