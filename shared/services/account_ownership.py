"""Proving that a bank account is the client's before its statements are booked for it.

Registering an IBAN for a client (the client's ``ibans`` in a bulk upsert) no longer claims the
account: it records a *pending claim* with a verification code, and answers the same whether
the account is free or somebody else's (no oracle), and without touching the real owner's
claim (no blocking). The claim remembers who registered it: the agency (its bulk upsert, its
people in the console) or the client itself (a client's admin in the console, a sign-up). It
becomes ownership only by proof its holder alone can give, or by the agency's decision
(attack8 #1: a client's admin added another client's IBAN and "confirmed" the code shown on
its own page; and a credit anybody pays INTO an account proves nothing):

- a transfer FROM the account carrying the code, in a statement the agency's bank delivered
  (never an upload): a credit on the agency's own account (its third-party funds, never a
  client's: there the claimant is the payee and writes the description) whose counterparty
  is the account and whose payer, as the bank names it, is the client itself (its letters can
  ask a debtor to quote the code, never make the debtor's bank write the client's name:
  pooled11), or a debit on the account's own statement;
- the client's confirmation of the code (``POST /v1/clients/{c}/ibans/confirm``, the client's
  own key), but only for an account *the agency* registered for it: two parties agree then;
  an account the client added itself is not proven by the client saying so;
- the agency's decision (``POST /v1/clients/{c}/ibans/decide``, an agency key, or the
  settings page of an agency admin), audited; taking an account another client of the agency
  holds needs that client named (``take_from``): the agency sees whose account it moves, and
  that client gets an ``account_taken_over`` item (its statements are no longer booked for it;
  whose the account is now is not said).

While another client of the same agency owns the account or has a pending claim on it, no
proof makes it a second client's: the agency gets an ``account_claim`` item on its list and
decides. A proof for an account another agency owns changes nothing for either party: the
operator gets an ``account_dispute`` item on the platform list. In both cases the claimant
keeps seeing "pending" (it learns nothing it could not learn from its own bank).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from shared.adapters.tables.banking_repo import ACCOUNT_OWNERS, AccountOwner
from shared.adapters.tables.keys import encode
from shared.domain.ids import time_ordered_id
from shared.domain.parties import Client
from shared.domain.records import ActionItem
from shared.domain.references.iban import normalise
from shared.domain.scopes import agency_scope
from shared.domain.statements.model import Statement, StatementLine
from shared.ports.tables import (
    Conflict,
    PreconditionFailed,
    Row,
    StorageError,
    all_rows,
    prefix_range,
)
from shared.services.errors import ConflictingUpdate, Invalid, NotFound, Taken
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id

PLATFORM_SCOPE = "@_platform"
_CLAIM = "claim|"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a bank statement
_MARK = "INNV"  # every code starts so: lines without it are not read further
BY_AGENCY, BY_CLIENT = "agency", "client"
TAKEN_KIND = "account_taken_over"
# the agency's item for a transfer with a claim's code whose payer is not the claimant
UNNAMED_PROOF = (
    "A transfer with a client's account code came from a payer whose name is not the client's"
)


@dataclass(frozen=True)
class Claim:
    account: str
    agency_id: str
    client_id: str
    code: str
    by: str = BY_CLIENT  # who registered it; unknown (older rows) counts as the client

    @property
    def confirmable(self) -> bool:
        """The client's confirmation proves it: the agency registered it for the client."""
        return self.by == BY_AGENCY


def _claim_of(account: str, row: Row) -> Claim:
    d = row.data
    by = BY_AGENCY if d.get("By") == BY_AGENCY else BY_CLIENT
    return Claim(account, str(d["AgencyId"]), str(d["ClientId"]), str(d["Code"]), by)


def new_code() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"INNV-{body[:4]}-{body[4:]}"


def _compact(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


class AccountOwnership:
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    # -- claims ------------------------------------------------------------------------------
    def request(
        self, account: str, agency_id: str, client_id: str, *, by: str = BY_CLIENT
    ) -> Claim | None:
        """A pending claim for ``account`` (kept with its first code); ``None`` when the
        client owns the account already. ``by``: who registers it (``BY_AGENCY`` when the
        agency does; a claim the client made itself becomes the agency's once it registers
        the same account for the client)."""
        owner = self.repos.banking.owner(account)
        if owner is not None and owner.client_id == client_id and owner.agency_id == agency_id:
            return None
        rk = f"{_CLAIM}{encode(agency_id)}|{encode(client_id)}"
        data = {"AgencyId": agency_id, "ClientId": client_id, "Code": new_code(), "By": by}
        row = Row(encode(account), rk, data)
        try:
            self.repos.store.insert(ACCOUNT_OWNERS, row)
        except Conflict:
            existing = self.repos.store.get(ACCOUNT_OWNERS, encode(account), rk)
            if existing is not None:
                row = existing
                if by == BY_AGENCY and row.data.get("By") != BY_AGENCY:
                    row.data = {**row.data, "By": BY_AGENCY}
                    try:
                        row = self.repos.store.replace(ACCOUNT_OWNERS, row)
                    except StorageError:
                        pass  # changed since we read it: the next registration tries again
        return _claim_of(account, row)

    def claims(self, account: str) -> list[Claim]:
        rows = all_rows(
            self.repos.store, ACCOUNT_OWNERS, pk=encode(account), rk_range=prefix_range(_CLAIM)
        )
        return [_claim_of(account, r) for r in rows]

    def _claim(self, account: str, agency_id: str, client_id: str) -> Claim | None:
        return next(
            (
                c
                for c in self.claims(account)
                if c.agency_id == agency_id and c.client_id == client_id
            ),
            None,
        )

    def status(
        self, agency_id: str, client_id: str, accounts: tuple[str, ...]
    ) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for account in accounts:
            owner = self.repos.banking.owner(account)
            if owner is not None and owner.client_id == client_id and owner.agency_id == agency_id:
                out.append({"iban": account, "status": "verified"})
                continue
            if owner is not None:  # no proof of the client's can ever make it its own
                out.append(held_elsewhere(account, agency_id, owner))
                continue
            claim = self._claim(account, agency_id, client_id)
            if claim is None:
                claim = self.request(account, agency_id, client_id)
            confirmable = claim is not None and claim.confirmable
            how = ("transfer a small amount FROM this account (held in the client's own name) to the "
                   "agency's account with the code in the description" + (", or confirm the code with the client's own key (the agency "
                   "registered this account)" if confirmable else ", or ask the agency to decide"))  # fmt: skip
            out.append({"iban": account, "status": "pending", "code": claim.code if claim else None,
                        "registered_by": claim.by if claim else BY_CLIENT, "how": how})  # fmt: skip
        return out

    # -- proof -------------------------------------------------------------------------------
    def confirm(
        self, account: str, agency_id: str, client_id: str, code: str, now: datetime
    ) -> str:
        """The client's confirmation of an account the agency registered for it: ``verified``,
        or ``pending`` (an item for the agency or the operator)."""
        claim = self._claim(account, agency_id, client_id)
        if claim is None:
            raise NotFound(f"no IBAN {account} waits for confirmation")
        if _compact(code) != _compact(claim.code):
            raise Invalid("the code does not match", field="code", code="iban_code_mismatch")
        if not claim.confirmable:
            raise Invalid(
                "the client registered this account itself, so its own confirmation proves "
                "nothing: transfer a small amount from this account to the agency's account "
                "with the code in the description, or ask the agency to decide",
                field="code",
                code="iban_self_registered",
            )
        return self._grant(claim, now, "the client's confirmation")

    def verify_by_statement(
        self, agency_id: str, statement: Statement, now: datetime
    ) -> AccountOwner | None:
        """A statement of a claimed account with a DEBIT carrying a claim's code (a transfer
        out of the account, which only its holder makes) proves that claim. A credit proves
        nothing: anybody can pay into an account, with any description."""
        claims = [c for c in self.claims(statement.account) if c.agency_id == agency_id]
        if not claims:
            return None
        texts = [_text(line) for line in statement.lines if line.amount < 0]
        for claim in claims:
            proven = any(_compact(claim.code) in text for text in texts)
            if proven and self._grant(claim, now, "a transfer from the account") == "verified":
                return self.repos.banking.owner(statement.account)
        return None

    def verify_by_transfers(self, owner: AccountOwner, statement: Statement, now: datetime) -> int:
        """Credits on a statement of one of the agency's own accounts (its third-party funds,
        ``owner``: the statement's account's) that came FROM a claimed account with a claim's
        code in the description prove that claim (the holder made the transfer). The number of
        claims proven.

        A client's own account proves nothing so (attack9 F2): there the claimant is the
        payee, and the payee writes the description (its invoice's kenmerk, a payment
        request), so a credit from the account shows only that its holder paid the client.

        On the agency's account the claimant still has a say in what others write: its
        letters, e-mails and calls can ask its debtors to quote the code with their payment
        (attack9 F2 variant), and a debtor paying from its own account would prove it the
        client's. The code says only that the payer knew it; the payer's name the bank gives
        (the account holder's, which nobody writes in a description) says who paid. So the
        transfer proves the claim only when that name is the claiming client's
        (:func:`holder_is`); a transfer with the code from somebody else goes on the agency's
        list with the name, for the agency to decide, and proves nothing by itself."""
        if owner.client_id is not None or owner.account != statement.account:
            return 0
        agency_id = owner.agency_id
        proven = 0
        for line in statement.lines:
            if line.amount <= 0 or not line.counterparty_iban:
                continue
            text = _text(line)
            if _MARK not in text:
                continue
            account = normalise(line.counterparty_iban)
            for claim in self.claims(account):
                if claim.agency_id != agency_id or _compact(claim.code) not in text:
                    continue
                found = self.repos.clients.get(claim.client_id)
                if found is None or not holder_is(line.counterparty_name, found[0].name):
                    self._unnamed_proof(claim, line, now)
                    continue
                if self._grant(claim, now, "a transfer from the account") == "verified":
                    proven += 1
        return proven

    def _unnamed_proof(self, claim: Claim, line: StatementLine, now: datetime) -> None:
        """A transfer with a claim's code from a payer whose name is not the claimant's: the
        agency's item (once per line, however often its statement comes), with the name the
        bank gave, to decide (``POST /v1/clients/{c}/ibans/decide``) or to ignore."""
        key = "|".join(
            (claim.account, claim.client_id, line.booking_date.isoformat(), str(line.amount),
             line.bank_reference or line.end_to_end_id or _text(line))
        )  # fmt: skip
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        # once: the same line read again: on the list already
        self.repos.actions.add_once(ActionItem(
            agency_scope(claim.agency_id), f"proof-{digest}", "account_claim",
            UNNAMED_PROOF, now,
            detail={"account": claim.account, "claimant_client": claim.client_id,
                    "payer_name": line.counterparty_name or "",
                    "date": line.booking_date.isoformat(), "amount": line.amount,
                    "proof": "a transfer from the account with the code, from a payer "
                             "whose name is not the client's"},
        ))  # fmt: skip

    def others(self, account: str, agency_id: str, client_id: str) -> tuple[str | None, list[str]]:
        """For the agency deciding: the other client of the agency holding the account (its
        id, or None) and those claiming it, so that the decision names whom it concerns
        (attack9 F3). Never shown to a client: a claimant sees only "pending"."""
        owner = self.repos.banking.owner(account)
        held = (
            owner.client_id
            if owner is not None and owner.agency_id == agency_id and owner.client_id != client_id
            else None
        )
        claiming = sorted(
            c.client_id
            for c in self.claims(account)
            if c.agency_id == agency_id and c.client_id != client_id
        )
        return held, claiming

    def decide(
        self,
        account: str,
        agency_id: str,
        client_id: str,
        now: datetime,
        *,
        take_from: str | None = None,
    ) -> str:
        """The agency's decision: the account is this client's (also when another client of
        the agency claimed it): ``verified``. Another client of the agency holding it loses
        it only when the decision names that client (``take_from``, its id: the agency saw
        whose account it takes, attack9 F3). Another agency's account stays its own:
        ``pending``, and the operator decides (``account_dispute``; the agency learns no
        more than a claimant does)."""
        for _ in range(3):
            owner = self.repos.banking.owner(account)
            if (
                owner is not None
                and owner.agency_id == agency_id
                and owner.client_id is not None
                and owner.client_id != client_id
                and owner.client_id != take_from
            ):
                found = self.repos.clients.get(owner.client_id)
                number = found[0].number if found else owner.client_id
                raise Invalid(
                    f"the account is the verified account of client {number}: name that client "
                    "to take it over (take_from)",
                    field="iban",
                    code="iban_held_by_other",
                    params={"client": number},
                )
            if owner is not None and owner.agency_id != agency_id:
                claim = self._claim(account, agency_id, client_id) or Claim(
                    account, agency_id, client_id, "", BY_AGENCY
                )
                self._dispute(claim, owner, now, "the agency's decision")
                return DISPUTED
            if owner is not None and owner.client_id is None:
                raise Invalid(
                    "this is the agency's own account (its third-party funds): it is no "
                    "client's to be given",
                    field="iban",
                    code="iban_agency_own",
                )
            if owner is not None and owner.client_id not in (None, client_id):
                # told before the account moves: a crash between leaves the notice, and the
                # retry (the holder unchanged) finds the day's notice there already
                self._tell_taken(account, owner.client_id or "", now)
            try:
                self.repos.banking.assign_account(
                    AccountOwner(account, agency_id, client_id), owner
                )
            except StorageError:
                continue  # changed since we read it: read again
            self._forget_claim(account, agency_id, client_id)
            return "verified"
        raise ConflictingUpdate("the account's owner keeps changing; retry")

    def _forget_claim(self, account: str, agency_id: str, client_id: str) -> None:
        """The granted claim's row goes; gone already when the same decision or proof is
        handled again (a retried request, a redelivered statement)."""
        try:
            self.repos.store.delete(
                ACCOUNT_OWNERS, encode(account), f"{_CLAIM}{encode(agency_id)}|{encode(client_id)}"
            )
        except PreconditionFailed:
            pass

    def _tell_taken(self, account: str, previous: str, now: datetime) -> None:
        """The client that held the account learns it is no longer its own: its statements
        are no longer booked for it, and money its debtors pay there is not matched on its
        invoices. Whose it is now is not said (another client's business)."""
        # once: told already today
        self.repos.actions.add_once(ActionItem(
            previous, day_keyed_id(now.date(), TAKEN_KIND, account), TAKEN_KIND,
            "The agency gave this bank account to another of its clients", now,
            detail={"account": account},
        ))  # fmt: skip

    def _grant(self, claim: Claim, now: datetime, proof: str) -> str:
        owner = self.repos.banking.owner(claim.account)
        if owner is None:
            rivals = [
                c
                for c in self.claims(claim.account)
                if c.agency_id == claim.agency_id and c.client_id != claim.client_id
            ]
            if rivals:  # another client of the agency claims it too: the agency decides
                self._agency_item(claim, None, rivals, now, proof)
                return "pending"
            owner = self.repos.banking.claim_account(
                AccountOwner(claim.account, claim.agency_id, claim.client_id)
            )
        if owner.client_id == claim.client_id and owner.agency_id == claim.agency_id:
            self._forget_claim(claim.account, claim.agency_id, claim.client_id)
            return "verified"
        if owner.agency_id == claim.agency_id:  # another client's, or the agency's own
            self._agency_item(claim, owner, [], now, proof)
            return "pending"
        # another agency owns the account: neither side is told, the operator decides
        self._dispute(claim, owner, now, proof)
        return "pending"

    def _agency_item(
        self,
        claim: Claim,
        owner: AccountOwner | None,
        rivals: list[Claim],
        now: datetime,
        proof: str,
    ) -> None:
        detail: dict[str, object] = {
            "account": claim.account,
            "claimant_client": claim.client_id,
            "proof": proof,
        }
        if owner is not None:
            detail["owner_client"] = owner.client_id or "the agency's own account"
        if rivals:
            detail["also_claimed_by"] = ", ".join(sorted(c.client_id for c in rivals))
        self.repos.actions.add(ActionItem(
            agency_scope(claim.agency_id), time_ordered_id(now), "account_claim",
            "A second client proves an account another client holds or claims", now, detail=detail,
        ))  # fmt: skip

    def _dispute(self, claim: Claim, owner: AccountOwner, now: datetime, proof: str) -> None:
        self.repos.actions.add(ActionItem(
            PLATFORM_SCOPE, time_ordered_id(now), "account_dispute",
            "An account is claimed by a second party with proof", now,
            detail={"account": claim.account, "claimant_agency": claim.agency_id, "claimant_client": claim.client_id,
                    "owner_agency": owner.agency_id, "owner_client": owner.client_id, "proof": proof},
        ))  # fmt: skip


DISPUTED = "disputed"
# why an account is no client's to prove: the reason codes an agency (and the client) may see,
# never who holds it (refusal words: shared/api/console/refusal_words_settings.py)
HELD_ELSEWHERE, HELD_BY_OTHER, AGENCY_OWN = (
    "iban_held_elsewhere",
    "iban_held_by_other",
    "iban_agency_own",
)
_HOW_DISPUTED = {
    HELD_ELSEWHERE: "this account is proven to be another party's: no transfer, confirmation "
    "or decision makes it this client's, and debtors are never told to pay into it; register "
    "the client's own account (the operator looks at the dispute)",
    HELD_BY_OTHER: "this account is the proven account of another client of the agency: the "
    "agency's decision naming that client (take_from) moves it; debtors are never told to pay "
    "into it before",
    AGENCY_OWN: "this is the agency's own third-party account: no client's to be given; "
    "register the client's own account",
}


def held_elsewhere(account: str, agency_id: str, owner: AccountOwner) -> dict[str, object]:
    """An account another party holds, as the client's list shows it: ``disputed`` with the
    reason code and what to do, no code to prove it (iban28: the steps could never work)."""
    if owner.agency_id != agency_id:
        reason = HELD_ELSEWHERE
    else:
        reason = AGENCY_OWN if owner.client_id is None else HELD_BY_OTHER
    return {"iban": account, "status": DISPUTED, "reason": reason, "how": _HOW_DISPUTED[reason]}


def debtor_account(
    repos: Repositories, client: Client, known: Mapping[str, AccountOwner | None] | None = None
) -> str:
    """The account the client's debtors pay into: its first proven account; else its first
    account nobody has proven (pending); "" when every account is another party's (proven by
    another client or agency, or the agency's third-party account) or there is none: the
    daily run then holds the client's dunning (dunning_account_hold.py) and the portal names
    no account. One read per account up to the answer.

    A pending account is still named while no account is proven (what the platform did
    before; holding such clients too is iban28's open item, docs/operations.md): the
    registration refuses another party's proven account (:func:`refuse_taken`), so what
    stays pending is nobody's proven account. A sandbox client's first account as
    registered: its messages reach its own test address, never a debtor. ``known``: owners
    the caller read already (not read again)."""
    if client.sandbox:
        return client.ibans[0] if client.ibans else ""
    unproven = ""
    for account in client.ibans:
        owner = known[account] if known and account in known else repos.banking.owner(account)
        if owner is None:
            unproven = unproven or account
        elif (owner.agency_id, owner.client_id) == (client.agency_id, client.client_id):
            return account
    return unproven


TAKEN = "iban_taken"


def refuse_taken(
    repos: Repositories,
    agency_id: str,
    client_id: str | None,
    accounts: Iterable[str],
    *,
    same_agency: bool = True,
) -> None:
    """409 ``iban_taken`` (the agency's onboarding words) for an account another party holds:
    another agency's (its clients' or its third-party account), this agency's own third-party
    account, and (``same_agency``) another client's of this agency. A pending claim refuses
    nothing (anybody could otherwise block the real owner by claiming first); the request
    that registers it names nobody. ``same_agency=False``: the agency registers the account
    of one of its clients for another, the first step of a take-over that needs its decision
    naming that client (``ibans/decide`` ``take_from``): pending till then, never named to
    debtors."""
    for account in accounts:
        owner = repos.banking.owner(normalise(account))
        ours = owner is not None and owner.agency_id == agency_id and owner.client_id is not None
        if owner is None or (ours and (owner.client_id == client_id or not same_agency)):
            continue  # free; its own; or one of the agency's clients' for a take-over
        iban = normalise(account)
        raise Taken(
            f"IBAN {iban} is registered to another client or agency", field="iban", code=TAKEN,
            params={"iban": iban},
        )  # fmt: skip


def holder_is(payer_name: str | None, client_name: str) -> bool:
    """Whether the name the bank gives for a transfer's payer is the client's own, exactly:
    the same words in the same order, case, accents, punctuation and the legal form aside
    (``BAKKERIJ JANSEN BV`` is ``Bakkerij Jansen B.V.``, ``J JANSEN`` is ``J. Jansen``).
    Initials and small words count (attack11b B3: a debtor "P JANSEN" is not the client
    "J. Jansen", "M VAN DEN BERG" not "Van der Berg"); a name the bank writes otherwise
    ("JANSEN J") proves nothing and goes to the agency. No name, no proof."""
    client = exact_name(client_name)
    return bool(client) and exact_name(payer_name or "") == client


# the legal forms a bank may add or leave out of a company's name (BV, B.V., N.V., V.O.F., C.V.)
_LEGAL_FORMS = frozenset({"BV", "NV", "VOF", "CV"})


def exact_name(name: str) -> tuple[str, ...]:
    """A name's words for an exact comparison: upper case without accents, dots joined
    (``J.J.`` is ``JJ``), other punctuation a space, legal forms left out; order and
    repeats kept."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name.upper()) if not unicodedata.combining(c)
    )
    words = re.findall(r"[A-Z0-9]+", plain.replace(".", ""))
    return tuple(w for w in words if w not in _LEGAL_FORMS)


def _text(line: StatementLine) -> str:
    return _compact(" ".join(filter(None, (line.remittance, line.reference, line.end_to_end_id))))
