"""Onboarding clients: by their agency, or by themselves into sandbox mode.

A new client gets a copy of its agency's defaults (templates, workflows, segment rules and
house style): copied, not shared, so a later change at either side stays there. Its first
user is invited as client admin with the mobile number given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from shared.adapters.tables.people_repo import AgencyDefaultsRepository, Signup, defaults_scope
from shared.domain.access import Principal
from shared.domain.ids import random_id
from shared.domain.parties import Client, HouseStyle, Language
from shared.domain.people.accounts import (
    User,
    email_error,
    kvk_error,
    normalise_email,
    normalise_mobile,
)
from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Action, Role, Target
from shared.domain.people.tokens import Purpose
from shared.domain.references.iban import iban_error, normalise
from shared.services.account_ownership import BY_AGENCY, BY_CLIENT
from shared.services.errors import Invalid, NotFound
from shared.services.imports import ImportService
from shared.services.people import texts
from shared.services.people.accounts import AccountService
from shared.services.people.admin import AdminService, actor_of
from shared.services.people.kit import Kit, Throttled

SIGNUPS_PER_ADDRESS_PER_HOUR = 5


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

    def copy_defaults(self, agency_id: str, client_id: str) -> None:
        dunning = self.kit.repos.dunning
        scope = defaults_scope(agency_id)
        for template_id, template in dunning.templates(scope).items():
            dunning.save_template(client_id, template_id, template)
        for workflow in dunning.workflows(scope).values():
            dunning.save_workflow(client_id, workflow)
        rules = dunning.rules(scope)
        if rules:
            dunning.save_rules(client_id, rules)

    def _create(self, agency_id: str, c: NewClient, *, sandbox: bool) -> tuple[Client, User]:
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
        if self.kit.repos.clients.id_for_number(agency_id, c.number) is not None:
            raise Invalid(
                f"client number {c.number} is taken", field="number",
                code="client_number_taken", params={"number": c.number},
            )  # fmt: skip
        if self.kit.people.users.by_email(normalise_email(c.first_email)) is not None:
            raise Invalid(
                "this address already has an account", field="first_email",
                code="address_has_account",
            )  # fmt: skip
        style = self.defaults.house_style(agency_id)
        draft = Client(
            "", agency_id, c.number.strip(), c.name.strip(), vat_deductible=c.vat_deductible,
            ibans=(normalise(c.iban),) if c.iban else (), language=Language(c.language if c.language in ("nl", "en") else "nl"),
            sandbox=sandbox, sandbox_email=normalise_email(c.first_email) if sandbox else None,
            contact_email=normalise_email(c.first_email), kvk_number=c.kvk_number.strip(),
            house_style=HouseStyle(**style) if style else HouseStyle(),  # type: ignore[arg-type]
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
        self.copy_defaults(agency_id, client_id)
        user, _ = self.admin.invite_into(
            Target(agency_id, client_id), c.first_email, Role.CLIENT_ADMIN, "onboarding",
            name=c.first_name, mobile=mobile, language=draft.language.value,
        )  # fmt: skip
        found = self.kit.repos.clients.get(client_id)
        assert found is not None
        return found[0], user

    def onboard(self, principal: Principal, c: NewClient) -> tuple[Client, User]:
        self.admin.require(principal, Action.MANAGE_CLIENTS, Target(principal.agency_id, None))
        client, user = self._create(principal.agency_id, c, sandbox=False)
        self.kit.audit(Event.CLIENT_ONBOARDED, agency_id=client.agency_id, client_id=None,
                       actor=actor_of(principal), subject=client.client_id, number=client.number)  # fmt: skip
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
        if (error := kvk_error(kvk)) is not None:
            raise Invalid(error, field="kvk_number")
        if (error := email_error(email)) is not None:
            raise Invalid(error, field="email")
        try:
            mobile = normalise_mobile(mobile)
        except ValueError as exc:
            raise Invalid(str(exc), field="mobile", code="mobile_invalid") from None
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
        self.kit.people.signups.save(signup)
        token = self.accounts.issue_link(Purpose.SIGNUP, signup.signup_id)
        subject, text = texts.mail(
            "signup", lang, org=signup.company, link=self.kit.link(f"signup/{token}")
        )
        self.kit.mail_to(f"@signup.{self.signup_agency}", signup.email, lang, subject, text)

    def verify(self, token: str) -> tuple[Client, User]:
        """Step 2: the address is verified; the client exists in sandbox mode and its first
        user gets an invitation (to the same, now verified, address)."""
        link = self.accounts.use_link(token, Purpose.SIGNUP)
        signup = self.kit.people.signups.get(link.subject)
        if signup is None:
            raise NotFound("no such sign-up")
        client, user = self._create(
            self.signup_agency,
            NewClient(f"SU-{signup.kvk_number}", signup.company, signup.kvk_number, True, "",
                      signup.language, signup.email, signup.mobile),
            sandbox=True,
        )  # fmt: skip
        self.kit.people.signups.save(
            replace(signup, verified=True, client_id=client.client_id, client_number=client.number)
        )
        self.kit.audit(Event.CLIENT_ONBOARDED, agency_id=client.agency_id, client_id=None,
                       actor="self-signup", subject=client.client_id, number=client.number)  # fmt: skip
        return client, user

    def approve(self, principal: Principal, number: str) -> Client:
        """An agency admin takes a signed-up client out of sandbox mode."""
        target = self.admin.target_client(principal, number)
        self.admin.require(principal, Action.MANAGE_CLIENTS, target)
        found = self.kit.repos.clients.get(target.client_id or "")
        if found is None:
            raise NotFound(f"client {number} not found")
        client, etag = found
        if client.sandbox:
            client = replace(client, sandbox=False, sandbox_email=None)
            self.kit.repos.clients.save(client, etag)
            for cid in (None, client.client_id):
                self.kit.audit(Event.SIGNUP_APPROVED, agency_id=client.agency_id, client_id=cid,
                               actor=actor_of(principal), subject=client.client_id)  # fmt: skip
        return client

    def save_defaults_from(self, agency_id: str, style: HouseStyle) -> None:
        self.defaults.save_house_style(agency_id, asdict(style))
