"""Onboarding an agency: its profile and its third-party funds account."""

from __future__ import annotations

from dataclasses import replace

from shared.adapters.tables.banking_repo import AccountOwner
from shared.domain.parties import Agency
from shared.domain.references.iban import iban_error, normalise
from shared.services.errors import Invalid
from shared.services.repositories import Repositories


def register_agency(repos: Repositories, agency: Agency) -> Agency:
    """Save the agency; its third-party account (derdengeldenrekening) becomes its own, so
    statements of that account are matched across the clients that allow it."""
    iban = agency.third_party_iban
    if iban is not None:
        if (error := iban_error(iban)) is not None:
            raise Invalid(error, field="third_party_iban")
        iban = normalise(iban)
        owner = repos.banking.owner(iban)
        if owner is not None and (
            owner.agency_id != agency.agency_id or owner.client_id is not None
        ):
            raise Invalid(
                f"IBAN {iban} is registered to another client or agency", field="third_party_iban",
                code="iban_taken", params={"iban": iban},
            )  # fmt: skip
    saved = replace(agency, third_party_iban=iban)
    repos.agencies.save(saved)
    if iban is not None:
        repos.banking.claim_account(AccountOwner(iban, agency.agency_id, None))
    return saved
