"""Onboarding clients: by their agency, or by themselves into sandbox mode.

A new client gets a copy of its agency's defaults (templates, workflows, segment rules and
house style): copied, not shared, so a later change at either side stays there. Its first
user is invited as client admin with the mobile number given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date

from shared.adapters.tables.people_repo import AgencyDefaultsRepository, Signup, defaults_scope
from shared.clock import amsterdam_date
from shared.domain.access import Principal
from shared.domain.ids import random_id
from shared.domain.parties import Client, HouseStyle, Language
from shared.domain.people.accounts import (
    User,
    UserStatus,
    company_error,
    email_error,
    kvk_error,
    normalise_email,
    normalise_mobile,
)
from shared.domain.people.audit import Event, tenant_key
from shared.domain.people.authorisation import Action, Target, reaches
from shared.domain.people.tokens import Purpose
from shared.domain.quoted import quoted
from shared.domain.records import ActionItem
from shared.domain.references.iban import iban_error, normalise
from shared.domain.scopes import agency_scope
from shared.services.account_ownership import BY_AGENCY, BY_CLIENT, refuse_taken
from shared.services.errors import Invalid, NotFound
from shared.services.go_live_day import require_go_live_day
from shared.services.imports import ImportService
from shared.services.people import texts
from shared.services.people.accounts import AccountService, LinkInvalid
from shared.services.people.admin import AdminService, actor_of
from shared.services.people.kit import Kit, Throttled
from shared.services.people.signup_waiting import SIGNUP_WAITING, resolve_waiting, waiting_item_id

SIGNUPS_PER_ADDRESS_PER_HOUR = 5
# the sign-up mails an address nobody verified: at most this many an hour to one mailbox from
# one caller's address, silently over it (the form answers the same), as password resets are
# limited per account. Counted per (mailbox, caller) since attack16b F2: counted per mailbox
# alone, a stranger's 3 posts an hour kept the company's own sign-up from its own network
# out. All callers together mail one mailbox at most SIGNUP_MAILS_PER_RECIPIENT_ALL_PER_HOUR
# times: attack16 F6's flood (4 callers x 5 = 20 mails) is stopped at 10, while a stranger
# needs 4 addresses of his own to use up an hour, and the company's sign-up still goes out
# beside up to three strangers'.
SIGNUP_MAILS_PER_RECIPIENT_PER_HOUR = 3
SIGNUP_MAILS_PER_RECIPIENT_ALL_PER_HOUR = 10


@dataclass(frozen=True)
class NewClient:
    number: str
    name: str
    kvk_number: str
    vat_deductible: bool
    iban: str
    language: str
    first_email: str
    first_mobile: str
    first_name: str = ""
    dunning_starts_on: date | None = None  # its go-live day (None: live at once)
    first_steps_per_day: int | None = None  # its backlog spread over days (None: no limit)


class OnboardingService:
    def __init__(
        self,
        kit: Kit,
        admin: AdminService,
        accounts: AccountService,
        imports: ImportService,
        signup_agency: str,
    ) -> None:
        self.kit = kit
        self.admin = admin
        self.accounts = accounts
        self.imports = imports
        self.signup_agency = signup_agency
        self.defaults = AgencyDefaultsRepository(kit.repos.store)

    def copy_defaults(self, agency_id: str, client_id: str, *, missing_only: bool = False) -> None:
        """``missing_only``: a retry finishing an onboarding a storage fault cut off copies
        what the client lacks and leaves what is there as it is."""
        dunning = self.kit.repos.dunning
        scope = defaults_scope(agency_id)
        have_templates = dunning.templates(client_id) if missing_only else {}
        for template_id, template in dunning.templates(scope).items():
            if template_id not in have_templates:
                dunning.save_template(client_id, template_id, template)
        have_workflows = dunning.workflows(client_id) if missing_only else {}
        for workflow_id, workflow in dunning.workflows(scope).items():
            if workflow_id not in have_workflows:
                dunning.save_workflow(client_id, workflow)
        rules = dunning.rules(scope)
        if rules and not (missing_only and dunning.rules(client_id)):
            dunning.save_rules(client_id, rules)

    def first_user_id(self, client_id: str) -> str:
        """The first user's id, made from its client: every attempt of one onboarding writes
        the same person (an e-mail index a cut attempt left is then its own)."""
        return f"u{self.kit.hashed('first-user', client_id)[:16]}"

    def onboarded_event_id(self, client_id: str, user: User) -> str:
        """CLIENT_ONBOARDED's id: the same for every attempt of one onboarding (its first
        user is written once), so the event is written once and tells that it finished."""
        # whole seconds: the time as any store keeps it, read back on a retry
        at = user.created_at.replace(microsecond=0)
        return self.kit.keyed_event_id(at, "onboarded", client_id, user.user_id)

    def _earlier(self, agency_id: str, c: NewClient) -> str | None:
        """The client an earlier attempt of this same onboarding made (a storage fault cut
        it off: its caller was told to retry), or None when the number is free. The number
        of another client (another name, KvK number or first address) is taken."""
        client_id = self.kit.repos.clients.id_for_number(agency_id, c.number)
        if client_id is None:
            return None
        found = self.kit.repos.clients.get(client_id)
        if found is not None and (
            found[0].name != c.name.strip()
            or found[0].kvk_number != c.kvk_number.strip()
            or found[0].contact_email != normalise_email(c.first_email)
        ):
            raise Invalid(
                f"client number {c.number} is taken", field="number",
                code="client_number_taken", params={"number": c.number},
            )  # fmt: skip
        return client_id  # its row, or only its number (cut before the row: written below)

    def _same_details(self, client_id: str, c: NewClient, mobile: str) -> None:
        """A repeat of an onboarding carries the details its first attempt stored: another
        IBAN, language, VAT setting or first mobile is not "the same request again" and is
        refused naming them, not answered 201 with the first values kept (newcomer15c #1: a
        corrected IBAN was dropped while letters and direct debits name the first one)."""
        found = self.kit.repos.clients.get(client_id)
        differ: list[str] = []
        if found is not None:  # cut before its row: the row is written below, as asked
            client = found[0]
            iban = (normalise(c.iban),) if c.iban else ()
            if client.ibans[:1] != iban:  # the first IBAN: letters', plans' and debits' own
                differ.append("iban")
            if client.language.value != _language(c.language):
                differ.append("language")
            if client.vat_deductible != c.vat_deductible:
                differ.append("vat_deductible")
        user = self._first_user(client_id, c)
        if user is not None and user[0].mobile != mobile:
            differ.append("first_mobile")
        if differ:
            raise Invalid(
                f"client {c.number} was onboarded with other details ({', '.join(differ)}): "
                "send the details it has, then change them by POST /v1/clients (the first "
                "user's mobile: by the person, on his account)",
                field=differ[0], code="client_onboarded_other_details",
                params={"number": c.number, "fields": differ},
            )  # fmt: skip

    def _finished(self, agency_id: str, client_id: str, c: NewClient) -> tuple[Client, User] | None:
        """The earlier attempt's client and first user when that onboarding finished (its
        event written, or the person came in): the same request again answers them."""
        found = self._first_user(client_id, c)
        if found is None:
            return None
        user = found[0]
        done = user.status is not UserStatus.INVITED or self.kit.has_event(
            agency_id, None, self.onboarded_event_id(client_id, user)
        )
        client = self.kit.repos.clients.get(client_id)
        return (client[0], user) if done and client is not None else None

    def _first_user(self, client_id: str, c: NewClient) -> tuple[User, str] | None:
        """The client's first user as an earlier attempt wrote it: by its id (made from the
        client), or the address's indexed row when it is this client's (an onboarding from
        before those ids)."""
        found = self.kit.people.users.get(self.first_user_id(client_id))
        if found is None:
            found = self.kit.people.users.by_email(normalise_email(c.first_email))
            if found is not None and found[0].client_id != client_id:
                return None
        return found

    def _account_holder(self, email: str) -> User | None:
        """The account that holds the address: an invitation nobody accepted is none
        (attack16b F1: another client's invitation of it refused the company's own verified
        sign-up and its agency's onboarding, 422 address_has_account, for good)."""
        found = self.kit.people.users.by_email(normalise_email(email))
        return found[0] if found is not None and not found[0].pending else None

    def _create(
        self, agency_id: str, c: NewClient, *, sandbox: bool, principal: Principal | None = None
    ) -> tuple[Client, User, bool]:
        """The client and its first user, and whether they were there already: an onboarding
        that finished before, answered again (its audit event stands). A first address an
        account holds: refused when ``principal`` (an agency's onboarding) reaches that
        account itself; another organisation's account answers alike (misc17a 3: 422
        address_has_account told an agency who is registered at any other agency), its owner
        told by mail; a sign-up's (``sandbox``) raises :class:`_HasAccount`."""
        if (error := kvk_error(c.kvk_number)) is not None:
            raise Invalid(error, field="kvk_number")
        if c.iban and (error := iban_error(c.iban)) is not None:
            raise Invalid(error, field="iban")
        if (error := email_error(c.first_email)) is not None:
            raise Invalid(error, field="first_email")
        try:
            mobile = normalise_mobile(c.first_mobile)
        except ValueError as exc:
            raise Invalid(str(exc), field="first_mobile", code="mobile_invalid") from None
        if not c.name.strip() or not c.number.strip():
            raise Invalid(
                "a client needs a name and a number", field="name", code="client_name_number"
            )
        require_go_live_day(c.dunning_starts_on, amsterdam_date(self.kit.now()))
        # a retry of a request a storage fault cut off (answered 503 "retry") finishes it
        earlier = self._earlier(agency_id, c)
        if earlier is not None:
            self._same_details(earlier, c, mobile)
        if earlier is not None and (done := self._finished(agency_id, earlier, c)) is not None:
            return (*done, True)
        if not sandbox and not c.iban.strip():
            # an onboarded client is live at once (no approval), and every reminder's
            # "overmaken naar ..." names the client's first account: without one its first run
            # asked debtors to pay to nothing (newcomer24 F1; a sign-up is held at approval)
            raise Invalid(
                f"client {c.number.strip()} needs a bank account: its reminders and letters ask "
                "debtors to pay to it from the first daily run; give its IBAN (iban)",
                field="iban", code="onboard_without_bank_account",
                params={"number": c.number.strip()},
            )  # fmt: skip
        if c.iban:  # another's proven account: 409 iban_taken, as an agency's (iban28)
            refuse_taken(self.kit.repos, agency_id, earlier, [c.iban])
        owner = self._account_holder(c.first_email)
        if owner is not None and principal is not None and reaches(principal, owner.tenant):
            raise Invalid(
                "this address already has an account", field="first_email",
                code="address_has_account",
            )  # fmt: skip
        if owner is not None and sandbox:
            raise _HasAccount(owner)
        style = self.defaults.house_style(agency_id)
        draft = Client(
            "", agency_id, c.number.strip(), c.name.strip(), vat_deductible=c.vat_deductible,
            ibans=(normalise(c.iban),) if c.iban else (), language=Language(_language(c.language)),
            sandbox=sandbox, sandbox_email=normalise_email(c.first_email) if sandbox else None,
            contact_email=normalise_email(c.first_email), kvk_number=c.kvk_number.strip(),
            house_style=HouseStyle(**style) if style else HouseStyle(),  # type: ignore[arg-type]
            onboarded_on=amsterdam_date(self.kit.now()),  # its first agreement starts here
            dunning_starts_on=c.dunning_starts_on, first_steps_per_day=c.first_steps_per_day,
        )  # fmt: skip
        # a sign-up's own IBAN is its own word, not the agency's registration
        result = self.imports.upsert_clients(
            agency_id, [(0, draft)], by=BY_CLIENT if sandbox else BY_AGENCY
        )
        if result.errors:
            err = result.errors[0]
            raise Invalid(err.message, field=err.field)
        client_id = self.kit.repos.clients.id_for_number(agency_id, draft.number)
        assert client_id is not None
        self.copy_defaults(agency_id, client_id, missing_only=earlier is not None)
        # a half invitation of an earlier attempt is made whole (``invite_into`` repairs it);
        # an account elsewhere: the client's own invitation row, its owner told
        user = self.admin.first_user_or_notice(
            Target(agency_id, client_id), c.first_email, "onboarding", name=c.first_name,
            mobile=mobile, language=draft.language.value, user_id=self.first_user_id(client_id),
            inviter=tenant_key(agency_id, None),
        )  # fmt: skip
        found = self.kit.repos.clients.get(client_id)
        assert found is not None
        return found[0], user, False

    def onboard(self, principal: Principal, c: NewClient) -> tuple[Client, User]:
        self.admin.require(principal, Action.MANAGE_CLIENTS, Target(principal.agency_id, None))
        client, user, finished = self._create(
            principal.agency_id, c, sandbox=False, principal=principal
        )
        if finished:
            return client, user
        self.kit.audit_once(Event.CLIENT_ONBOARDED, agency_id=client.agency_id, client_id=None,
                            actor=actor_of(principal), subject=client.client_id,
                            event_id=self.onboarded_event_id(client.client_id, user),
                            number=client.number)  # fmt: skip
        return client, user

    # -- self-onboarding -------------------------------------------------------------------------
    def sign_up(
        self, company: str, kvk: str, email: str, mobile: str, language: str, source: str
    ) -> None:
        """Step 1: check the form, mail a link to verify the address. Nothing else exists yet."""
        if not self.signup_agency:
            raise Invalid(
                "sign-up is closed here; ask your collection agency for an invitation",
                code="signup_closed",
            )
        now = self.kit.now()
        if self.kit.counters.increment(
            "PeopleCounters", f"signup|{self.kit.hashed('addr', source)}", f"h{now:%Y%m%d%H}",
            limit=SIGNUPS_PER_ADDRESS_PER_HOUR,
        ) is None:  # fmt: skip
            raise Throttled(3600 - now.minute * 60)
        if not company.strip():
            raise Invalid("enter the company name", field="company", code="signup_company")
        if (error := company_error(company)) is not None:
            raise Invalid(error, field="company")
        if (error := kvk_error(kvk)) is not None:
            raise Invalid(error, field="kvk_number")
        if (error := email_error(email)) is not None:
            raise Invalid(error, field="email")
        try:
            mobile = normalise_mobile(mobile)
        except ValueError as exc:
            raise Invalid(str(exc), field="mobile", code="mobile_invalid") from None
        if not self._recipient_allows(normalise_email(email), source):
            return  # mailed often enough this hour: nothing kept, nothing sent, the same answer
        lang = "en" if language == "en" else "nl"
        signup = Signup(
            random_id("s"),
            company.strip()[:200],
            kvk.strip(),
            normalise_email(email),
            mobile,
            lang,
            now,
        )
        try:
            self.kit.people.signups.save(signup)
            token = self.accounts.issue_link(Purpose.SIGNUP, signup.signup_id)
            subject, text = texts.mail(
                "signup", lang, org=signup.company, link=self.kit.link(f"signup/{token}")
            )
            self.kit.mail_to(f"@signup.{self.signup_agency}", signup.email, lang, subject, text)
        except Exception:
            # a storage error before the mail was written: its place under the recipient's
            # hourly limit is given back, or the person's retries find the hour used up by
            # mails that never went (failure16b F2)
            self._give_back(signup.email, source)
            raise

    def _recipient_allows(self, email: str, source: str) -> bool:
        """One more sign-up mail to ``email`` asked from ``source`` this hour, counted: per
        (mailbox, caller's address), then for the mailbox from all callers."""
        hour = f"h{self.kit.now():%Y%m%d%H}"
        to = f"signup-to|{self.kit.hashed('addr', email)}"
        counters = self.kit.counters
        if counters.increment("PeopleCounters", f"{to}|{self.kit.hashed('addr', source)}", hour,
                              limit=SIGNUP_MAILS_PER_RECIPIENT_PER_HOUR) is None:  # fmt: skip
            return False
        return counters.increment("PeopleCounters", to, hour,
                                  limit=SIGNUP_MAILS_PER_RECIPIENT_ALL_PER_HOUR) is not None  # fmt: skip

    def _give_back(self, email: str, source: str) -> None:
        hour = f"h{self.kit.now():%Y%m%d%H}"
        to = f"signup-to|{self.kit.hashed('addr', email)}"
        for key in (f"{to}|{self.kit.hashed('addr', source)}", to):
            self.kit.counters.increment("PeopleCounters", key, hour, by=-1)

    def verify(self, token: str) -> tuple[Client, User] | None:
        """Step 2: the address is verified; the client exists in sandbox mode and its first
        user gets an invitation (to the same, now verified, address). The link is spent
        last: a verification a storage fault cut off is finished by opening it again.
        An address an account holds already gets no client: a notice by mail instead of the
        invitation, and the same answer (``None``; misc17a 3: address_has_account told
        whoever opened the link that the address is registered at some agency)."""
        link = self.accounts.peek_link(token, Purpose.SIGNUP)
        signup = self.kit.people.signups.get(link.subject)
        if signup is None:
            raise NotFound("no such sign-up")
        try:
            made = self._verified(signup)
        except _HasAccount:
            subject, text = texts.mail("signup_exists", signup.language, org=signup.company)
            self.kit.mail_to(f"@signup.{self.signup_agency}", signup.email, signup.language,
                             subject, text, own_mail=True,
                             key=f"signup-exists-{signup.signup_id}")  # fmt: skip
            self.kit.people.signups.save(replace(signup, verified=True))
            made = None
        try:
            self.accounts.use_link(token, Purpose.SIGNUP)
        except LinkInvalid:
            pass  # spent meanwhile by the same verification opened twice: the work is one
        return made

    def _verified(self, signup: Signup) -> tuple[Client, User]:
        asked = NewClient(f"SU-{signup.kvk_number}", signup.company, signup.kvk_number, True,
                          "", signup.language, signup.email, signup.mobile)  # fmt: skip
        try:
            client, user, finished = self._create(self.signup_agency, asked, sandbox=True)
        except Invalid as exc:
            if exc.code != "client_number_taken":
                raise
            # the KvK number is a claim (only the address was verified): another sign-up that
            # named it first does not hand it the number (attack16 F4: the company itself was
            # refused client_number_taken); this one gets a number of its own, the same on a
            # retry, and the agency hears that two sign-ups name one KvK number
            first = self.kit.repos.clients.id_for_number(self.signup_agency, asked.number)
            own = f"{asked.number}-{self.kit.hashed('signup-number', signup.signup_id)[:6].upper()}"
            client, user, finished = self._create(self.signup_agency, replace(asked, number=own),
                                                  sandbox=True)  # fmt: skip
            self._tell_kvk_shared(client, first, signup.kvk_number)
        self._tell_waiting(client)
        self.kit.people.signups.save(
            replace(signup, verified=True, client_id=client.client_id, client_number=client.number)
        )
        if not finished:
            self.kit.audit_once(Event.CLIENT_ONBOARDED, agency_id=client.agency_id, client_id=None,
                                actor="self-signup", subject=client.client_id,
                                event_id=self.onboarded_event_id(client.client_id, user),
                                number=client.number)  # fmt: skip
        return client, user

    def _tell_kvk_shared(self, client: Client, first_id: str | None, kvk: str) -> None:
        """The agency's own action list (``GET /v1/actions``) carries one item naming the two
        sandbox clients that name the KvK number ``kvk``, once (a retry adds nothing): the
        agency checks which is the company before approving. Never either client's list: a
        KvK number is public, so an item there told anyone who signs up with it the other
        company's name, number and sign-up address (attack16b F3, codereview16 F3)."""
        first = self.kit.repos.clients.get(first_id) if first_id else None
        if first is None:
            return
        earlier = first[0]
        item = ActionItem(
            agency_scope(client.agency_id), f"kvk-shared-{client.client_id}", "signup_kvk_shared",
            f"KvK number {kvk} is named by sign-up {client.number} ({quoted(client.name)}, "
            f"{client.contact_email}) and earlier by client {earlier.number} ({quoted(earlier.name)}, "
            f"{earlier.contact_email}): a KvK number at sign-up is a claim; check which is the "
            "company before approving either", self.kit.now(),
            detail={"kvk_number": kvk, "client": client.number, "earlier": earlier.number},
        )  # fmt: skip
        # once: told by the attempt a storage fault cut off
        self.kit.repos.actions.add_once(item)

    def _tell_waiting(self, client: Client) -> None:
        """The agency's own list carries one item per verified sign-up until it is approved or
        refused: the business works in sandbox mode and waits, and nothing else told the
        agency (newcomer20 F8: it found them only by reading ``GET /v1/clients``). A retried
        verification finds the item there (its id is the client's) and adds nothing."""
        item = ActionItem(
            agency_scope(client.agency_id), waiting_item_id(client.client_id), SIGNUP_WAITING,
            # what was verified first, then what the sign-up only says, its name quoted: a
            # name "X, KvK 12345678, boss@real.nl" led the title with a KvK number and an
            # address nobody checked (attack23)
            f"Sign-up {client.number} waits for approval: e-mail address "
            f"{client.contact_email or '-'} verified; given by the sign-up, not checked: KvK "
            f"{client.kvk_number}, company name {quoted(client.name)}. Nothing reaches its "
            "debtors until then. Approving needs its bank account: the client registers it on "
            "its Settings page, Bank accounts; then approve it (POST /v1/clients/"
            f"{client.number}/approve), or refuse it by deactivating the client",
            self.kit.now(),
            detail={"client": client.number, "kvk_number": client.kvk_number,
                    "email": client.contact_email},
        )  # fmt: skip
        # once: told by an earlier attempt of this verification
        self.kit.repos.actions.add_once(item)

    def approve(self, principal: Principal, number: str) -> Client:
        """An agency admin takes a signed-up client out of sandbox mode."""
        target = self.admin.target_client(principal, number)
        self.admin.require(principal, Action.MANAGE_CLIENTS, target)
        found = self.kit.repos.clients.get(target.client_id or "")
        if found is None:
            raise NotFound(f"client {number} not found")
        client, etag = found
        if client.sandbox and not client.ibans:
            # a sign-up gives no account, and every reminder's "overmaken naar ..." names the
            # client's: approved without one, its debtors were asked to pay to nothing
            # (newcomer20 F1)
            raise Invalid(
                f"client {client.number} has no bank account: its reminders and letters would "
                "ask debtors to pay to none; register the account first (the client's "
                "Settings, Bank accounts, or its ibans in POST /v1/clients), then approve",
                field="ibans", code="approve_without_bank_account",
                params={"number": client.number},
            )  # fmt: skip
        if client.sandbox:
            client = replace(client, sandbox=False, sandbox_email=None)
            self.kit.repos.clients.save(client, etag)
            for cid in (None, client.client_id):
                self.kit.audit(Event.SIGNUP_APPROVED, agency_id=client.agency_id, client_id=cid,
                               actor=actor_of(principal), subject=client.client_id)  # fmt: skip
        # also when approved already: an approval cut off before this still ends the item
        resolve_waiting(self.kit, client, f"approved by {actor_of(principal)}")
        return client

    def refuse(self, principal: Principal, number: str, reason: str) -> Client:
        """An agency admin refuses a sign-up in one step (the console's "Weigeren"): the
        sandbox client is deactivated as ``POST /v1/clients/{number}/deactivate`` does, its
        waiting item resolved with the reason, and the person who signed up told once. Before,
        refusing meant deactivating the client on the API and mailing the business by hand
        (agency21 F1, left). A retry after a cut-off deactivates nothing again and mails
        nothing twice (the mail's key is the client's)."""
        target = self.admin.target_client(principal, number)
        self.admin.require(principal, Action.MANAGE_CLIENTS, target)
        found = self.kit.repos.clients.get(target.client_id or "")
        if found is None:
            raise NotFound(f"client {number} not found")
        client = found[0]
        if not client.sandbox:
            # an approved client may have debtors in collection: stopping it is a
            # deactivation with its consequences in sight, not a sign-up's refusal
            raise Invalid(
                f"client {client.number} is approved already: a sign-up is refused only "
                "before its approval; deactivate the client instead",
                code="refuse_approved_signup", params={"number": client.number},
            )  # fmt: skip
        reason = " ".join(reason.split())[:500]
        if not reason:
            raise Invalid("give the reason the sign-up is refused: the business is told it",
                          field="reason", code="signup_refusal_reason")  # fmt: skip
        client = self.admin.set_client_active(principal, number, False, refusal=reason)
        email = client.contact_email or client.sandbox_email
        if email:
            lang = client.language.value
            subject, text = texts.mail("signup_refused", lang, org=client.name,
                                       kvk=client.kvk_number or "-", reason=reason)  # fmt: skip
            self.kit.mail_to(f"@signup.{client.agency_id}", email, lang, subject, text,
                             key=f"signup-refused-{client.client_id}", own_mail=True)  # fmt: skip
        return client

    def save_defaults_from(self, agency_id: str, style: HouseStyle) -> None:
        self.defaults.save_house_style(agency_id, asdict(style))


class _HasAccount(Exception):
    """A sign-up's verified address is an account's already: no client is made."""

    def __init__(self, owner: User) -> None:
        super().__init__("the address has an account")
        self.owner = owner


def _language(asked: str) -> str:
    """The client's language of an onboarding request: nl or en, anything else nl."""
    return asked if asked in ("nl", "en") else "nl"
