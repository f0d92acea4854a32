"""The accounts a client's debtors may be told to pay to, for the check that a dunning text
names no other (:mod:`shared.domain.dunning.foreign_ibans`, attack26 F3), and the places it
may link to (:mod:`shared.domain.dunning.foreign_links`, people27 F8)."""

from __future__ import annotations

from collections.abc import Iterable

from shared.adapters.tables.conversations_repo import ConversationsRepository
from shared.domain.dunning.foreign_ibans import foreign_in_message, ibans_in, shown_parts
from shared.domain.dunning.foreign_links import (
    domain_refused,
    foreign_hosts,
    hosts_in,
    normalise_domain,
    without_template_code,
)
from shared.domain.dunning.template_reasons import foreign_iban, foreign_link
from shared.domain.dunning.templates import (
    MessageTemplate,
    RenderedMessage,
    TemplateContext,
    TemplateError,
)
from shared.domain.parties import Client
from shared.domain.references.iban import mask, normalise
from shared.services.errors import Invalid
from shared.services.repositories import Repositories


def payee_accounts(repos: Repositories, client: Client) -> list[str]:
    """The client's own accounts and its agency's third-party account. A registered account
    another party has proven is not the client's (``debtor_account`` names it to no debtor;
    heldplan31: typed into a message by hand it passed as the client's)."""
    agency = repos.agencies.get(client.agency_id)
    third_party = agency.third_party_iban if agency is not None else None
    ours = [a for a in client.ibans if client.sandbox or not _proven_by_another(repos, client, a)]
    return [*ours, *([third_party] if third_party else [])]


def _proven_by_another(repos: Repositories, client: Client, account: str) -> bool:
    owner = repos.banking.owner(account)
    return owner is not None and (owner.agency_id, owner.client_id) != (
        client.agency_id,
        client.client_id,
    )


def _shown(source: str, part: str) -> list[str]:
    return shown_parts("", "", source) if part == "html" else [source]


def _accounts(repos: Repositories, client: Client, found: list[str]) -> list[str]:
    """``found`` less the payee accounts (the agency read only when there is something to
    judge: nearly every text names no account but through ``{{ client.iban }}``)."""
    if not found:
        return []
    ours = {normalise(a) for a in payee_accounts(repos, client)}
    return [i for i in found if i not in ours]


def own_links(context: TemplateContext) -> tuple[str | None, ...]:
    """The links a message's context makes itself: the portal's, the payment's, the images',
    a message by hand's ``reminder_link``."""
    reminder = context.extra.get("reminder_link")
    return (context.portal_link, context.payment_link, context.logo_url,
            context.header_image_url, context.footer_image_url,
            reminder if isinstance(reminder, str) else None)  # fmt: skip


def foreign_links(
    repos: Repositories, client: Client, texts: list[str], links: Iterable[str | None]
) -> list[str]:
    """The hosts links in ``texts`` lead to that are not the message's own ``links`` nor
    under the client's registered domains (read only when there is something to judge).
    The client's complaint procedure (wki27: set by the agency, checked for accounts when
    saved) is its own: a rejected dispute's notice names it, a URL or a line with one or more
    links in it ("Zie Bakkerij.NL/klachten of bel 030-1234567", sec28)."""
    procedure = client.complaint_procedure
    links = (*links, procedure, *(hosts_in([procedure]) if procedure else ()))
    if not foreign_hosts(texts, (), links):
        return []
    return foreign_hosts(texts, link_domains(repos, client), links)


def refuse_foreign_in_template(
    repos: Repositories, client: Client, template: MessageTemplate, sample: RenderedMessage,
    sample_iban: str, sample_links: Iterable[str | None] = (),
) -> None:  # fmt: skip
    """:class:`TemplateError` (``tpl_foreign_iban``) when the template's source, or what the
    sample debtor reads (whose ``{{ client.iban }}`` is ``sample_iban``), names an account
    that is not the client's or its agency's; (``tpl_foreign_link``) when either links
    anywhere but the sample's own ``sample_links`` and the client's registered domains."""
    sample_links = tuple(sample_links)
    for part, source in (("subject", template.subject), ("text", template.text),
                         ("html", template.html or "")):  # fmt: skip
        if foreign := _accounts(repos, client, ibans_in(_shown(source, part))):
            raise TemplateError(part, foreign_iban(mask(foreign[0])))
        written = _shown(without_template_code(source), part)
        if hosts := foreign_links(repos, client, written, sample_links):
            raise TemplateError(part, foreign_link(hosts[0]))
    if foreign := _accounts(repos, client, foreign_in_message(sample, [sample_iban])):
        raise TemplateError("text", foreign_iban(mask(foreign[0])))
    shown = shown_parts(sample.subject, sample.text, sample.html)
    if hosts := foreign_links(repos, client, shown, sample_links):
        raise TemplateError("text", foreign_link(hosts[0]))


def foreign_in_sent(
    repos: Repositories, client: Client, rendered: RenderedMessage, context: TemplateContext
) -> list[str]:
    """The accounts a message about to go names that are not the client's or its agency's
    (the context's own account and links are its own), masked."""
    found = foreign_in_message(rendered, [context.client_iban], own_links(context))
    return [mask(i) for i in _accounts(repos, client, found)]


def foreign_in_params(
    repos: Repositories, client: Client, params: Iterable[str], context: TemplateContext
) -> list[str]:
    """:func:`foreign_in_sent` of an approved WhatsApp template's parameters: Meta approved
    the words around them, and what fills them is the client's description's (people27 F4:
    a parameter ``"NL20INGB0001234567"`` went to the debtor by hand and in the daily run)."""
    shown = RenderedMessage("", "\n".join(params), None)
    return foreign_in_sent(repos, client, shown, context)


def foreign_links_in_sent(
    repos: Repositories, client: Client, rendered: RenderedMessage, context: TemplateContext
) -> list[str]:
    """The hosts a message about to go links to that are not its context's own links nor
    under the client's registered domains (people27 F8: "Betaal via https://tikkie.me/…")."""
    shown = shown_parts(rendered.subject, rendered.text, rendered.html)
    return foreign_links(repos, client, shown, own_links(context))


def foreign_links_in_params(
    repos: Repositories, client: Client, params: Iterable[str], context: TemplateContext
) -> list[str]:
    """:func:`foreign_links_in_sent` of an approved WhatsApp template's parameters."""
    return foreign_links(repos, client, list(params), own_links(context))


def link_domains(repos: Repositories, client: Client) -> tuple[str, ...]:
    """The domains the agency registered for the client's texts to link to."""
    return ConversationsRepository(repos.store).link_domains(client.client_id)


def save_link_domains(
    repos: Repositories, client: Client, domains: Iterable[str]
) -> tuple[str, ...]:
    """Register the domains the client's texts may link to (its own website's), replacing
    the ones before; 422 ``link_domain_invalid`` for one that is no domain name."""
    kept: dict[str, None] = {}
    domains = list(domains)
    for domain in domains:
        # a domain in another script's Latin-alike letters only beside one the client writes
        # in that script (leftover33)
        if reason := domain_refused(domain, [d for d in domains if d is not domain]):
            raise Invalid(f"{domain!r} {reason}", field="domains",
                          code="link_domain_invalid", params={"domain": domain})  # fmt: skip
        kept[normalise_domain(domain)] = None
    ConversationsRepository(repos.store).save_link_domains(client.client_id, tuple(kept))
    return tuple(kept)
