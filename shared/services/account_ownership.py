"""Proving that a bank account is the client's before its statements are booked for it.

Registering an IBAN for a client (the client's ``ibans`` in a bulk upsert) no longer claims the
account: it records a *pending claim* with a verification code, and answers the same whether
the account is free or somebody else's (no oracle), and without touching the real owner's
claim (no blocking). The claim becomes ownership by proof:

- a statement line of that very account whose description carries the code (a small transfer
  from the account with the code in its remittance), seen when the agency's statement file
  arrives; or
- the client's confirmation: the client's own key (a client-scoped key, not the agency's)
  confirms the code with ``POST /v1/clients/{c}/ibans/confirm``.

A proof for an account somebody else already owns changes nothing for either party: the
operator gets an ``account_dispute`` item on the platform list, and the claimant keeps seeing
"pending" (it learns nothing it could not learn from its own bank).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from shared.adapters.tables.banking_repo import ACCOUNT_OWNERS, AccountOwner
from shared.adapters.tables.keys import encode
from shared.domain.ids import time_ordered_id
from shared.domain.records import ActionItem
from shared.domain.statements.model import Statement
from shared.ports.tables import Conflict, Row, all_rows, prefix_range
from shared.services.errors import Invalid, NotFound
from shared.services.repositories import Repositories

PLATFORM_SCOPE = "@_platform"
_CLAIM = "claim|"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a bank statement


@dataclass(frozen=True)
class Claim:
    account: str
    agency_id: str
    client_id: str
    code: str


def new_code() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"INNV-{body[:4]}-{body[4:]}"


def _compact(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


class AccountOwnership:
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    # -- claims ------------------------------------------------------------------------------
    def request(self, account: str, agency_id: str, client_id: str) -> Claim | None:
        """A pending claim for ``account`` (kept with its first code); ``None`` when the
        client owns the account already."""
        owner = self.repos.banking.owner(account)
        if owner is not None and owner.client_id == client_id and owner.agency_id == agency_id:
            return None
        rk = f"{_CLAIM}{encode(agency_id)}|{encode(client_id)}"
        row = Row(
            encode(account), rk, {"AgencyId": agency_id, "ClientId": client_id, "Code": new_code()}
        )
        try:
            self.repos.store.insert(ACCOUNT_OWNERS, row)
        except Conflict:
            existing = self.repos.store.get(ACCOUNT_OWNERS, encode(account), rk)
            if existing is not None:
                row = existing
        return Claim(account, agency_id, client_id, str(row.data["Code"]))

    def claims(self, account: str) -> list[Claim]:
        rows = all_rows(
            self.repos.store, ACCOUNT_OWNERS, pk=encode(account), rk_range=prefix_range(_CLAIM)
        )
        return [
            Claim(account, str(r.data["AgencyId"]), str(r.data["ClientId"]), str(r.data["Code"]))
            for r in rows
        ]

    def status(
        self, agency_id: str, client_id: str, accounts: tuple[str, ...]
    ) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for account in accounts:
            owner = self.repos.banking.owner(account)
            if owner is not None and owner.client_id == client_id and owner.agency_id == agency_id:
                out.append({"iban": account, "status": "verified"})
                continue
            claim = next(
                (
                    c
                    for c in self.claims(account)
                    if c.agency_id == agency_id and c.client_id == client_id
                ),
                None,
            )
            if claim is None:
                claim = self.request(account, agency_id, client_id)
            out.append({"iban": account, "status": "pending", "code": claim.code if claim else None,
                        "how": "transfer a small amount from this account with the code in the description, "
                               "or confirm the code with the client's own key"})  # fmt: skip
        return out

    # -- proof -------------------------------------------------------------------------------
    def confirm(
        self, account: str, agency_id: str, client_id: str, code: str, now: datetime
    ) -> str:
        """The client's confirmation: ``verified``, or ``pending`` (a dispute for the operator)."""
        claim = next(
            (
                c
                for c in self.claims(account)
                if c.agency_id == agency_id and c.client_id == client_id
            ),
            None,
        )
        if claim is None:
            raise NotFound(f"no IBAN {account} waits for confirmation")
        if _compact(code) != _compact(claim.code):
            raise Invalid("the code does not match", field="code")
        return self._grant(claim, now, "the client's confirmation")

    def verify_by_statement(
        self, agency_id: str, statement: Statement, now: datetime
    ) -> AccountOwner | None:
        """A statement of a claimed account that carries a claim's code proves that claim."""
        claims = [c for c in self.claims(statement.account) if c.agency_id == agency_id]
        if not claims:
            return None
        texts = [_compact(" ".join(filter(None, (line.remittance, line.reference, line.end_to_end_id))))
                 for line in statement.lines]  # fmt: skip
        for claim in claims:
            proven = any(_compact(claim.code) in text for text in texts)
            if proven and self._grant(claim, now, "a statement line with its code") == "verified":
                return self.repos.banking.owner(statement.account)
        return None

    def _grant(self, claim: Claim, now: datetime, proof: str) -> str:
        owner = self.repos.banking.claim_account(
            AccountOwner(claim.account, claim.agency_id, claim.client_id)
        )
        if owner.client_id == claim.client_id and owner.agency_id == claim.agency_id:
            self.repos.store.delete(
                ACCOUNT_OWNERS,
                encode(claim.account),
                f"{_CLAIM}{encode(claim.agency_id)}|{encode(claim.client_id)}",
            )
            return "verified"
        # somebody else owns the account: neither side is told, the operator decides
        self.repos.actions.add(ActionItem(
            PLATFORM_SCOPE, time_ordered_id(now), "account_dispute",
            "An account is claimed by a second party with proof", now,
            detail={"account": claim.account, "claimant_agency": claim.agency_id, "claimant_client": claim.client_id,
                    "owner_agency": owner.agency_id, "owner_client": owner.client_id, "proof": proof},
        ))  # fmt: skip
        return "pending"
