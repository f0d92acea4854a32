"""A client's footer text: the line under every letter, e-mail and portal page its debtors
read (attack31 F1). Whoever holds a client's account set it to "betaal voortaan op NL.. / via
tikkie.me/…" and every debtor read it under the client's own name, past the checks the dunning
texts have. The footer may name the client's proven accounts and its agency's third-party
account, and link to the app's own pages and the domains the agency registered for the
client (:func:`shared.services.payee_accounts.link_domains`); anything else is refused."""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.dunning.foreign_links import foreign_hosts
from shared.domain.parties import Client
from shared.domain.references.iban import mask, normalise
from shared.domain.shown_text import accounts_named, hosts_linked
from shared.services.errors import Invalid
from shared.services.payee_accounts import link_domains
from shared.services.repositories import Repositories


def proven_accounts(repos: Repositories, client: Client) -> set[str]:
    """The client's accounts proven its own, its agency's third-party account, and (for a
    sandbox client, whose messages reach only its own test address) every registered one."""
    ours = {normalise(a) for a in client.ibans} if client.sandbox else set()
    for account in client.ibans:
        owner = repos.banking.owner(account)
        if owner is not None and (owner.agency_id, owner.client_id) == (
            client.agency_id, client.client_id,
        ):  # fmt: skip
            ours.add(normalise(account))
    agency = repos.agencies.get(client.agency_id)
    if agency is not None and agency.third_party_iban:
        ours.add(normalise(agency.third_party_iban))
    return ours


def footer_refusal(
    repos: Repositories, client: Client, text: str, own_links: Iterable[str] = ()
) -> Invalid | None:
    """Why ``text`` cannot be ``client``'s footer (422 ``footer_foreign_iban`` or
    ``footer_foreign_link``), or None. ``own_links``: the app's own base URL (the portal's
    and the payment's pages are under it). The stored client is read only when the text
    names an account or a link."""
    if found := accounts_named(text):
        ours = proven_accounts(repos, client)
        if foreign := [a for a in found if a not in ours]:
            return Invalid(
                f"the footer text names the account {mask(foreign[0])}, which is not one of the "
                "client's proven accounts nor the agency's third-party account: debtors read "
                "the footer in every letter and e-mail",
                "footer_text", code="footer_foreign_iban", params={"iban": mask(foreign[0])},
            )  # fmt: skip
    if hosts_linked(text):
        domains = link_domains(repos, client) if client.client_id else ()
        if hosts := foreign_hosts([text], domains, own_links):
            return Invalid(
                f"the footer text links to {hosts[0]}, which is neither Inning's own pages nor "
                "a domain registered for the client (PUT /v1/clients/{client}/link-domains)",
                "footer_text", code="footer_foreign_link", params={"host": hosts[0]},
            )  # fmt: skip
    return None
