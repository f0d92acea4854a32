"""The complaint procedure and the geschillencommissie a client records reach every debtor who
disputes (the rejected dispute's notice, the portal's dispute page, wki27): like a template's
words they may name no account but the client's own or its agency's (attack26 F3, review27 F2:
one naming another account was saved (200), shown on the portal unchecked, and every rejected
dispute's notice was then refused when sent: 422 hand_message_foreign_iban, no dispute ended)."""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.dunning.foreign_ibans import ibans_in
from shared.domain.parties import Client
from shared.domain.references.iban import mask, normalise
from shared.services.errors import Invalid
from shared.services.repositories import Repositories


def foreign_in_route(
    repos: Repositories, agency_id: str, client: Client, stored_ibans: Iterable[str] = ()
) -> Invalid | None:
    """The refusal of a client whose complaint procedure or committee names an account that is
    not one of its own (``client.ibans``, ``stored_ibans``) nor its agency's third-party
    account; ``None`` when they name none (the agency read only then)."""
    for field, text in (
        ("complaint_procedure", client.complaint_procedure),
        ("disputes_committee", client.disputes_committee),
    ):
        found = ibans_in([text]) if text else []
        if not found:
            continue
        agency = repos.agencies.get(agency_id)
        third_party = agency.third_party_iban if agency is not None else None
        ours = {normalise(a) for a in (*client.ibans, *stored_ibans, third_party or "") if a}
        if foreign := [a for a in found if a not in ours]:
            return Invalid(
                f"the {field.replace('_', ' ')} names the account {mask(foreign[0])}, not the "
                "client's or the agency's",
                field,
                code="complaint_route_foreign_iban",
                params={"iban": mask(foreign[0])},
            )
    return None
