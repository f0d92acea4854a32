"""Filling a client's approved WhatsApp template for one debtor: used by the dunning run and
by messages sent by hand, so a workflow's WhatsApp step and staff's WhatsApp carry the same
parameters (body variables and the payment link in the URL button)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from shared.adapters.tables.conversations_repo import ConversationsRepository
from shared.domain.conversations.whatsapp import (
    WhatsappTemplate,
    button_param,
    params_template,
    split_params,
)
from shared.domain.dunning.templates import (
    MessageTemplate,
    RenderedMessage,
    TemplateContext,
    TemplateError,
    sample_context,
)
from shared.services.errors import Invalid

Renderer = Callable[[MessageTemplate, TemplateContext], RenderedMessage]


@dataclass(frozen=True)
class FilledTemplate:
    name: str
    language: str  # as approved
    params: tuple[str, ...]
    button: str | None
    button_index: int


def fill(
    definition: WhatsappTemplate, debtor_language: str, context: TemplateContext, render: Renderer
) -> FilledTemplate:
    """The template's parameters for this debtor; :class:`TemplateError` when they cannot be
    made (an expression fails, the payment link does not fit the approved button URL)."""
    language = definition.language_for(debtor_language)
    rendered = render(params_template(definition, language), context)
    return FilledTemplate(
        definition.name,
        language,
        split_params(definition, rendered),
        button_param(definition, context.payment_link),
        definition.url_button_index,
    )


def check(definition: WhatsappTemplate, render: Renderer, payment_link: str) -> FilledTemplate:
    """Saving a template's description: its expressions render against the sample context and
    a payment link as this app makes them fits the approved button URL."""
    context = replace(sample_context(), payment_link=payment_link)
    return fill(definition, definition.languages[0][:2], context, render)


def fill_named(
    repo: ConversationsRepository,
    client_id: str,
    name: str,
    debtor_language: str,
    context: TemplateContext,
    render: Renderer,
) -> FilledTemplate:
    definition = repo.whatsapp_template(client_id, name)
    if definition is None:
        raise Invalid(
            f"WhatsApp template {name} is not described: add it (its approved languages, body "
            "parameters and button URL) under whatsapp-templates before it can be sent",
            field="whatsapp_template",
            code="whatsapp_template_unknown",
            params={"name": name},
        )
    try:
        return fill(definition, debtor_language, context, render)
    except TemplateError as exc:
        raise Invalid(
            f"WhatsApp template {name}: {exc}", field="whatsapp_template",
            code="wa_template_unfilled", params={"name": name, "problem": exc.reason},
        ) from exc  # fmt: skip
