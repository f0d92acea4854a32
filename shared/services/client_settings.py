"""A client's own settings as its people change them in the console: details, house style,
automatic booking of bank payments, the postponement the portal grants at once, and the client's
bank accounts (each registered account waits for proof, as through the API:
:mod:`shared.services.account_ownership`). Every change is a read and a replace guarded by the
row's ETag, so two people saving at once never lose one's change silently."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from shared.clock import Clock, amsterdam_today
from shared.domain.dunning.workflow import SWITCHABLE
from shared.domain.law.agreed_costs import AgreedCostsError, fixed_error, parse_percent
from shared.domain.money import AmountError, cents_from_decimal, parse_amount
from shared.domain.parties import (
    NO_DISPUTES_COMMITTEE,
    NOT_IN_A_NAME,
    Address,
    Client,
    HouseStyle,
    Language,
)
from shared.domain.people.accounts import email_error
from shared.domain.phone import PremiumRate, normalise_phone
from shared.domain.references.iban import iban_error, normalise
from shared.domain.sending_mailbox import SenderCheck, for_address
from shared.ports.tables import PreconditionFailed
from shared.services.account_ownership import (
    BY_AGENCY,
    BY_CLIENT,
    AccountOwnership,
    refuse_taken,
)
from shared.services.complaint_route_accounts import foreign_in_route
from shared.services.dunning_spread import MAX_FIRST_STEPS_PER_DAY
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.footer_text import footer_refusal
from shared.services.go_live_day import require_go_live_day
from shared.services.repositories import Repositories

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KVK = re.compile(r"^\d{8}$")
MAX_POSTPONE_DAYS = 62  # two months: longer is always a person's decision
MAX_DUNNING_MINIMUM = 100_000_00  # cents, as the API's dunning_minimum_amount
_THRESHOLD = "the threshold is a percentage from 50 to 100"
RETRIES = 3


def _contact(
    contact_email: str, contact_phone: str, stored_phone: str | None
) -> tuple[str | None, str | None]:
    """The contact e-mail and phone as stored (blank: none; the phone in E.164), or
    :class:`Invalid`. A phone stored before numbers were checked and sent back unchanged (the
    settings form shows it) stays as it is: the other details can still be changed."""
    contact_email = contact_email.strip()
    if contact_email and (error := email_error(contact_email)):
        raise Invalid(error, "contact_email")
    if len(contact_phone) > 30:
        raise Invalid(
            "a phone number has at most 30 characters", "contact_phone", code="phone_length"
        )
    phone = contact_phone.strip()
    kept = phone == (stored_phone or "").strip()
    return contact_email or None, (stored_phone if kept else _phone(phone)) or None


def _phone(text: str) -> str:
    if not text:
        return ""
    try:
        return normalise_phone(text)
    except PremiumRate as exc:
        raise Invalid(str(exc), "contact_phone", code="phone_premium_rate") from None
    except ValueError as exc:
        raise Invalid(str(exc), "contact_phone", code="phone_invalid") from None


def _sender_after(client: Client, email: str | None) -> SenderCheck | None:
    """The contact e-mail's verification after a person set it to ``email`` (sender33): the
    same address (in any case) keeps its state, none needs none, another is unverified. Set
    in the same write as the address, so no moment has the new address verified."""
    if (email or "").lower() == (client.contact_email or "").lower():
        return client.sender_check
    if not email and client.sender_check is not None:
        # cleared: the check stays (for no address), so that the day's count of codes mailed
        # goes on when an address is given again; dropped, set-clear-set bought 5 more codes
        # (25 more guesses) each round (review33b)
        return for_address(client.sender_check, "")
    return for_address(client.sender_check, email) if email else None


class ClientSettings:
    def __init__(
        self,
        repos: Repositories,
        own_links: tuple[str, ...] = (),
        sender_changed: Callable[[Client], Client] | None = None,
        clock: Clock | None = None,
    ) -> None:
        """``own_links``: the app's own base URL, the one place a footer may link to besides
        the client's registered domains (:mod:`shared.services.footer_text`).
        ``sender_changed``: mails the code to a changed contact e-mail
        (``SendingMailbox.send_code``; without it no code goes, the agency may verify it)."""
        self.repos = repos
        self.own_links = own_links
        self.sender_changed = sender_changed
        self.clock = clock  # today's date for the go-live day's bound (None: the system's)

    def _mail_code(self, before: Client, after: Client) -> Client:
        """The code to a contact e-mail this change made unverified (a refusal to mail it,
        such as an agency without a mailbox, leaves it unverified: the agency decides)."""
        check = after.sender_check
        if check is None or check == before.sender_check or self.sender_changed is None:
            return after
        try:
            return self.sender_changed(after)
        except Invalid:
            return after

    def change(self, client_id: str, change: Callable[[Client], Client]) -> Client:
        """Apply ``change`` to the stored client under its ETag (retried on a race)."""
        for _ in range(RETRIES):
            found = self.repos.clients.get(client_id)
            if found is None:
                raise NotFound("client not found")
            updated = change(found[0])
            try:
                self.repos.clients.save(updated, found[1])
            except PreconditionFailed:
                continue
            return updated
        raise ConflictingUpdate("the client's settings changed meanwhile; try again")

    # -- details -----------------------------------------------------------------------------
    def details(
        self, client: Client, *, name: str, contact_email: str, contact_phone: str,
        kvk_number: str, language: str, postal_address: Address | None,
        onboarded_on: str | None = None, dunning_starts_on: str | None = None,
    ) -> Client:  # fmt: skip
        """``postal_address``: what :func:`shared.api.postal_address.postal_address` made of
        the form, checked as the API checks it (None: none, letters carry no return address).
        ``onboarded_on``: the day the agency took the client on (ISO; None or empty: kept as
        stored, so a form without the field never wipes it). ``dunning_starts_on``: the day
        its dunning goes live (ISO; empty: live now; None: kept as stored, a form without it)."""
        name = name.strip()
        if not name or len(name) > 200:
            raise Invalid(
                "the name must have 1 to 200 characters", "name", code="client_name_length"
            )
        if NOT_IN_A_NAME.search(name):  # the API's rule: a stored one went into invitations
            raise Invalid(
                "the name holds a line break, control or direction character", "name",
                code="client_name_characters",
            )  # fmt: skip
        email, phone = _contact(contact_email, contact_phone, client.contact_phone)
        kvk_number = kvk_number.replace(" ", "")
        if kvk_number and not _KVK.match(kvk_number):
            raise Invalid("a KvK number has 8 digits", "kvk_number", code="kvk_invalid")
        try:
            chosen = Language(language)
        except ValueError:
            raise Invalid("the language is nl or en", "language", code="language_choice") from None
        since = _onboarding_day(onboarded_on)
        live = None if dunning_starts_on is None else _go_live_day(dunning_starts_on)
        if live is not None:
            require_go_live_day(live[0], amsterdam_today(self.clock))
        updated = self.change(
            client.client_id,
            lambda c: replace(c, name=name, contact_email=email, contact_phone=phone,
                              kvk_number=kvk_number or None, language=chosen,
                              postal_address=postal_address,
                              onboarded_on=since or c.onboarded_on,
                              dunning_starts_on=c.dunning_starts_on if live is None else live[0],
                              sender_check=_sender_after(c, email)),
        )  # fmt: skip
        return self._mail_code(client, updated)

    def contact(
        self, client: Client, *, contact_email: str, contact_phone: str,
        postal_address: Address | None,
    ) -> Client:  # fmt: skip
        """What the client's own admin may change of its details (newcomer20 F5): where its
        letters come back and debtors reach it. Name, KvK number and language stay the
        agency's (:meth:`details`): the name is whom the agency collects for."""
        email, phone = _contact(contact_email, contact_phone, client.contact_phone)
        updated = self.change(
            client.client_id,
            lambda c: replace(c, contact_email=email, contact_phone=phone,
                              postal_address=postal_address, sender_check=_sender_after(c, email)),
        )  # fmt: skip
        return self._mail_code(client, updated)

    def first_steps(self, client: Client, limit: int | None) -> Client:
        """First steps a daily run gives at most (None: no limit; ``dunning_spread``)."""
        if limit is not None and not 1 <= limit <= MAX_FIRST_STEPS_PER_DAY:
            raise Invalid(
                f"the first steps a day are 1 to {MAX_FIRST_STEPS_PER_DAY}, or empty: no limit",
                "first_steps_per_day", code="first_steps_per_day_invalid",
                params={"limit": MAX_FIRST_STEPS_PER_DAY},
            )  # fmt: skip
        return self.change(client.client_id, lambda c: replace(c, first_steps_per_day=limit))

    def first_steps_text(self, client: Client, text: str) -> Client:
        """:meth:`first_steps` from a form's field (empty: no limit)."""
        text = text.strip()
        # isdecimal, not isdigit: "²" is a digit int() refuses (a 500 in place of the refusal)
        if text and not text.isdecimal():
            return self.first_steps(client, -1)  # refused, as a number out of range
        return self.first_steps(client, int(text) if text else None)

    # -- where a debtor who disagrees can go ------------------------------------------------
    def complaint_route(
        self, client: Client, *, procedure: str, committee: str, affiliated: str
    ) -> Client:
        """The client's complaint procedure (a URL or one line; empty: not recorded) and its
        geschillencommissie: ``affiliated`` "yes" with ``committee`` its name, "no" (none),
        or "" (not recorded), as POST /v1/clients sets them (wki27)."""
        procedure = procedure.strip()
        if len(procedure) > 500 or NOT_IN_A_NAME.search(procedure):
            raise Invalid(
                "the complaint procedure is one line of at most 500 characters",
                "complaint_procedure", code="complaint_procedure_invalid",
            )  # fmt: skip
        committee = committee.strip()
        if affiliated == "yes":
            if not committee or len(committee) > 200 or NOT_IN_A_NAME.search(committee):
                raise Invalid(
                    "name the geschillencommissie (one line, at most 200 characters)",
                    "disputes_committee", code="disputes_committee_name",
                )  # fmt: skip
            chosen: str | None = committee
        elif affiliated == "no":
            chosen = NO_DISPUTES_COMMITTEE
        elif affiliated == "":
            chosen = None
        else:
            raise Invalid("choose yes, no or not recorded", "affiliated", code="disputes_committee_choice")  # fmt: skip
        draft = replace(client, complaint_procedure=procedure or None, disputes_committee=chosen)
        if refused := foreign_in_route(self.repos, client.agency_id, draft):
            raise refused
        return self.change(
            client.client_id,
            lambda c: replace(c, complaint_procedure=procedure or None, disputes_committee=chosen),
        )

    # -- house style -------------------------------------------------------------------------
    def house_style(
        self, client: Client, *, primary_color: str, accent_color: str, footer_text: str
    ) -> Client:
        for field, value in (("primary_color", primary_color), ("accent_color", accent_color)):
            if not _COLOUR.match(value.strip()):
                raise Invalid("a colour is written #rrggbb", field, code="colour_invalid")
        if len(footer_text) > 500:
            raise Invalid(
                "the footer text has at most 500 characters", "footer_text", code="footer_length"
            )
        # a footer stored before the check (attack31 F1) is kept while the form sends it back
        kept = footer_text.strip() == (client.house_style.footer_text or "")
        if not kept and (refused := footer_refusal(self.repos, client, footer_text.strip(),
                                                   self.own_links)):  # fmt: skip
            raise refused

        def styled(c: Client) -> Client:
            style: HouseStyle = replace(
                c.house_style, primary_color=primary_color.strip().lower(),
                accent_color=accent_color.strip().lower(), footer_text=footer_text.strip() or None,
            )  # fmt: skip
            return replace(c, house_style=style)

        return self.change(client.client_id, styled)

    # -- collecting --------------------------------------------------------------------------
    def auto_booking(self, client: Client, *, on: bool, threshold_percent: str) -> Client:
        """Bank payments booked without a person when the match scores at least the threshold
        (50-100 %); off: every payment is a suggestion a person confirms."""
        try:
            percent = Decimal(threshold_percent.strip().replace(",", ".").rstrip("%").strip())
        except InvalidOperation:
            raise Invalid(_THRESHOLD, "threshold", code="threshold_range") from None
        if not Decimal(50) <= percent <= Decimal(100):
            raise Invalid(_THRESHOLD, "threshold", code="threshold_range")
        threshold = float(percent / 100)  # the matcher's score is a fraction (not money)
        return self.change(
            client.client_id, lambda c: replace(c, auto_book=on, auto_book_threshold=threshold)
        )

    def postponement(self, client: Client, *, days: str) -> Client:
        """Postponement asked in the portal up to ``days`` is granted at once (0: never)."""
        if not days.strip().isdigit() or int(days) > MAX_POSTPONE_DAYS:
            raise Invalid(
                f"the days are a whole number from 0 to {MAX_POSTPONE_DAYS}", "days",
                code="postpone_days", params={"limit": MAX_POSTPONE_DAYS},
            )  # fmt: skip
        return self.change(client.client_id, lambda c: replace(c, postpone_auto_days=int(days)))

    def dunning_minimum(self, client: Client, *, amount: str) -> Client:
        """The smallest rest after a payment or credit that is worth chasing, in euros
        (``"5,00"``; 0: every cent): below it no step goes out (docs/law.md)."""
        try:
            cents = parse_amount(amount)
        except AmountError:
            raise Invalid(
                "the dunning minimum is an amount in euros, e.g. 5.00", "minimum",
                code="dunning_minimum_amount",
            ) from None  # fmt: skip
        if cents > MAX_DUNNING_MINIMUM:
            raise Invalid(
                f"the dunning minimum is at most {MAX_DUNNING_MINIMUM // 100} euros", "minimum",
                code="dunning_minimum_limit", params={"amount": MAX_DUNNING_MINIMUM},
            )  # fmt: skip
        return self.change(client.client_id, lambda c: replace(c, dunning_minimum=cents))

    def b2b_costs(self, client: Client, *, basis: str, value: str) -> Client:
        """The collection costs the client's terms agree with businesses: ``staffel`` (the
        statutory one), ``percentage`` (above 0, at most 15, two decimals) or ``fixed`` (an
        amount in euros and cents per notice, at most the staffel's cap). Consumers always get
        the staffel. The console changes it through :mod:`shared.services.agreed_costs_change`
        (the agency's act, audited, never re-pricing announced claims)."""
        percent, fixed = agreed_costs_setting(basis, value)
        return self.change(
            client.client_id,
            lambda c: replace(c, b2b_costs_percent=percent, b2b_costs_fixed=fixed),
        )

    def channels(self, client: Client, *, on: list[str]) -> Client:
        """The channels the client uses to reach its debtors; the others are switched off."""
        known = {c.value for c in SWITCHABLE}
        unknown = sorted(set(on) - known)
        if unknown:
            raise Invalid(
                f"unknown channel {unknown[0]}", "channels", code="channel_unknown",
                params={"channel": unknown[0]},
            )  # fmt: skip
        off = frozenset(known - set(on))
        return self.change(client.client_id, lambda c: replace(c, channels_off=off))

    # -- bank accounts -----------------------------------------------------------------------
    def ibans(self, client: Client) -> list[dict[str, object]]:
        return AccountOwnership(self.repos).status(client.agency_id, client.client_id, client.ibans)

    def add_iban(self, client: Client, text: str, *, by_agency: bool) -> Client:
        """Register an account; it is the client's for statements only once proven.
        ``by_agency``: the agency's people register it (the client's confirmation may then
        prove it); a client's own admin adding it proves nothing by confirming."""
        if (error := iban_error(text)) is not None:
            raise Invalid(error, "iban")
        account = normalise(text)
        # another's proven account refused (iban28); one of the agency's clients' may be
        # registered for the take-over its decision (take_from) makes
        refuse_taken(self.repos, client.agency_id, client.client_id, [account], same_agency=False)
        updated = self.change(
            client.client_id,
            lambda c: c if account in c.ibans else replace(c, ibans=(*c.ibans, account)),
        )
        AccountOwnership(self.repos).request(
            account, client.agency_id, client.client_id, by=BY_AGENCY if by_agency else BY_CLIENT
        )
        return updated

    def confirm_iban(self, client: Client, text: str, code: str, now: datetime) -> str:
        """The client's own confirmation with the code (``verified`` or ``pending``)."""
        account = normalise(text)
        if account not in client.ibans:
            raise NotFound("this IBAN is not registered for the client")
        return AccountOwnership(self.repos).confirm(
            account, client.agency_id, client.client_id, code, now
        )

    def account_holders(self, client: Client) -> dict[str, dict[str, object]]:
        """For the agency deciding on the client's accounts: per registered account another
        client of the agency holds or claims, that client (number and name) and the numbers
        of those claiming it (attack9 F3). Never for a client's own people."""
        ownership = AccountOwnership(self.repos)
        out: dict[str, dict[str, object]] = {}
        for account in client.ibans:
            held, claiming = ownership.others(account, client.agency_id, client.client_id)
            if held is None and not claiming:
                continue
            holder = self.repos.clients.get(held) if held else None
            out[account] = {
                "held_by": {"number": holder[0].number, "name": holder[0].name} if holder else None,
                "claimed_by": [c[0].number for c in map(self.repos.clients.get, claiming) if c],
            }
        return out

    def decide_iban(
        self, client: Client, text: str, now: datetime, *, take_from: str | None = None
    ) -> str:
        """The agency's decision that a registered account is this client's (the caller is
        an agency admin and audits it): ``verified``, or ``pending`` (another agency's: the
        operator decides). ``take_from``: the number of the client of the agency holding
        the account, when the agency takes it over from that client (else refused)."""
        account = normalise(text)
        if account not in client.ibans:
            raise NotFound("this IBAN is not registered for the client")
        held = self.repos.clients.id_for_number(client.agency_id, take_from) if take_from else None
        return AccountOwnership(self.repos).decide(
            account, client.agency_id, client.client_id, now, take_from=held
        )


def agreed_costs_setting(basis: str, value: str) -> tuple[str | None, int]:
    """The form's basis and value as the client stores them: (percent, fixed cents)."""
    percent: str | None = None
    fixed = 0
    if basis == "percentage":
        try:
            percent = parse_percent(value)
        except AgreedCostsError as exc:
            raise Invalid(exc.args[0], "value") from None  # its Reason: code and all
    elif basis == "fixed":
        try:
            amount = Decimal(value.strip().removeprefix("€").strip().replace(",", "."))
        except InvalidOperation:
            raise Invalid(
                "the amount is in euros, like 250.00", "value", code="amount_euros"
            ) from None
        if not amount.is_finite() or not Decimal(0) < amount < Decimal(10) ** 12:
            raise Invalid("the amount is in euros, above 0", "value", code="amount_positive")
        try:
            fixed = cents_from_decimal(amount)
        except AmountError:
            raise Invalid(
                "the amount has at most two decimals", "value", code="amount_decimals"
            ) from None
        if (error := fixed_error(fixed)) is not None:
            raise Invalid(error, "value")
    elif basis != "staffel":
        raise Invalid(
            "choose the staffel, a percentage or a fixed amount", "basis", code="costs_basis"
        )
    return percent, fixed


def _onboarding_day(text: str | None) -> date | None:
    """The onboarding day a form gave (None: none given, the stored one stays)."""
    if not (text or "").strip():
        return None
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise Invalid(
            "the onboarding day is a date (2026-11-20)", "onboarded_on",
            code="onboarded_on_invalid",
        ) from None  # fmt: skip


def _go_live_day(text: str) -> tuple[date | None]:
    """The go-live day a form gave, in a tuple (empty: none, the dunning live now)."""
    if not text.strip():
        return (None,)
    try:
        return (date.fromisoformat(text.strip()),)
    except ValueError:
        raise Invalid(
            "the go-live day is a date (2026-12-14)", "dunning_starts_on",
            code="dunning_starts_on_invalid",
        ) from None  # fmt: skip
