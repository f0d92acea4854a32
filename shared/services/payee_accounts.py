"""The accounts a client's debtors may be told to pay to, for the check that a dunning text
names no other (:mod:`shared.domain.dunning.foreign_ibans`, attack26 F3)."""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.dunning.foreign_ibans import foreign_in_message, ibans_in, shown_parts
from shared.domain.dunning.template_reasons import foreign_iban
from shared.domain.dunning.templates import (
    MessageTemplate,
    RenderedMessage,
    TemplateContext,
    TemplateError,
)
from shared.domain.parties import Client
from shared.domain.references.iban import mask, normalise
from shared.services.repositories import Repositories


def payee_accounts(repos: Repositories, client: Client) -> list[str]:
    """The client's own accounts and its agency's third-party account."""
    agency = repos.agencies.get(client.agency_id)
    third_party = agency.third_party_iban if agency is not None else None
    return [*client.ibans, *([third_party] if third_party else [])]


def _shown(source: str, part: str) -> list[str]:
    return shown_parts("", "", source) if part == "html" else [source]


def _accounts(repos: Repositories, client: Client, found: list[str]) -> list[str]:
    """``found`` less the payee accounts (the agency read only when there is something to
    judge: nearly every text names no account but through ``{{ client.iban }}``)."""
    if not found:
        return []
    ours = {normalise(a) for a in payee_accounts(repos, client)}
    return [i for i in found if i not in ours]


def refuse_foreign_in_template(
    repos: Repositories, client: Client, template: MessageTemplate, sample: RenderedMessage,
    sample_iban: str,
) -> None:  # fmt: skip
    """:class:`TemplateError` (``tpl_foreign_iban``) when the template's source, or what the
    sample debtor reads (whose ``{{ client.iban }}`` is ``sample_iban``), names an account
    that is not the client's or its agency's."""
    for part, source in (("subject", template.subject), ("text", template.text),
                         ("html", template.html or "")):  # fmt: skip
        if foreign := _accounts(repos, client, ibans_in(_shown(source, part))):
            raise TemplateError(part, foreign_iban(mask(foreign[0])))
    if foreign := _accounts(repos, client, foreign_in_message(sample, [sample_iban])):
        raise TemplateError("text", foreign_iban(mask(foreign[0])))


def foreign_in_sent(
    repos: Repositories, client: Client, rendered: RenderedMessage, context: TemplateContext
) -> list[str]:
    """The accounts a message about to go names that are not the client's or its agency's
    (the context's own account and links are its own), masked."""
    links = (context.portal_link, context.payment_link, context.logo_url,
             context.header_image_url, context.footer_image_url)  # fmt: skip
    found = foreign_in_message(rendered, [context.client_iban], links)
    return [mask(i) for i in _accounts(repos, client, found)]


def foreign_in_params(
    repos: Repositories, client: Client, params: Iterable[str], context: TemplateContext
) -> list[str]:
    """:func:`foreign_in_sent` of an approved WhatsApp template's parameters: Meta approved
    the words around them, and what fills them is the client's description's (people27 F4:
    a parameter ``"NL20INGB0001234567"`` went to the debtor by hand and in the daily run)."""
    shown = RenderedMessage("", "\n".join(params), None)
    return foreign_in_sent(repos, client, shown, context)
