"""Administering people and clients: invitations, roles, deactivation, factor resets, client
activation, the audit log and broadcasts. Every use case asks the authorisation module first;
what a principal may not reach is "not found", what it reaches but may not change is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta

from shared.domain.access import Principal
from shared.domain.ids import random_id, time_ordered_id
from shared.domain.parties import Client
from shared.domain.people.accounts import (
    User,
    UserStatus,
    email_error,
    normalise_email,
    normalise_mobile,
    role_error,
)
from shared.domain.people.audit import AuditEvent, Event, tenant_key
from shared.domain.people.authorisation import (
    Action,
    Role,
    Target,
    UserPrincipal,
    may,
    permits,
    reaches,
)
from shared.domain.people.broadcasts import PLATFORM, Broadcast, Severity
from shared.domain.people.tokens import Purpose
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services.errors import Forbidden, Invalid, NotFound
from shared.services.people import texts
from shared.services.people.accounts import AccountService
from shared.services.people.kit import Kit, Throttled

MAX_AUDIT_DAYS = 366
# Invitations mail addresses nobody verified, and an address with an account anywhere hears
# that someone tried (attack16 F1: 20 posts, 20 mails to another agency's client's CEO): the
# mails to one address, whoever invites it, are limited as password resets are
# (RESETS_PER_ACCOUNT_PER_HOUR); over it nothing is mailed and the answer is the same. An
# inviting organisation (a client, or an agency) is limited too, and told so: a team of
# thirty is invited in an hour, a mailing to strangers is not.
INVITE_MAILS_PER_ADDRESS_PER_HOUR = 3
INVITES_PER_INVITER_PER_HOUR = 30
COUNTERS = "PeopleCounters"


class NotAllowed(Exception):
    """The principal reaches the resource, but its role may not do this to it."""


def actor_of(principal: Principal) -> str:
    return principal.user_id if isinstance(principal, UserPrincipal) else f"key:{principal.key_id}"


class AlreadyAnAccount(Invalid):
    """The address has an account already (in any tenant: addresses are unique)."""


class AdminService:
    def __init__(self, kit: Kit, accounts: AccountService) -> None:
        self.kit = kit
        self.people = kit.people
        self.accounts = accounts

    # -- the one question ------------------------------------------------------------------------
    @staticmethod
    def require(principal: Principal, action: Action, target: Target) -> None:
        if not reaches(principal, target):
            raise NotFound("not found")
        if not may(principal, action, target):
            raise NotAllowed(f"your role may not {action.value.replace('_', ' ')} here")

    def target_client(self, principal: Principal, number: str | None) -> Target:
        """The agency itself (no number), or the named client of the principal's agency."""
        if not number:
            return Target(principal.agency_id, None)
        client_id = self.kit.repos.clients.id_for_number(principal.agency_id, number)
        if client_id is None:
            raise NotFound(f"client {number} not found")
        return Target(principal.agency_id, client_id)

    def _client(self, target: Target) -> Client:
        found = self.kit.repos.clients.get(target.client_id or "")
        if found is None:
            raise NotFound("client not found")
        return found[0]

    def _org_name(self, target: Target) -> str:
        if target.client_id:
            return self._client(target).name
        agency = self.kit.repos.agencies.get(target.agency_id)
        return agency.name if agency else target.agency_id

    # -- users -----------------------------------------------------------------------------------
    def invite(
        self,
        principal: Principal,
        email: str,
        role: Role,
        client_number: str | None = None,
        *,
        name: str = "",
        mobile: str | None = None,
        language: str = "nl",
    ) -> None:
        """The API's invitation: as the console's (:meth:`invite_or_tell`), the same answer
        whether or not the address has an account elsewhere (attack16 F2: 422
        ``address_has_account`` for any agency's person, 201 otherwise). An account the caller
        reaches itself (it lists it with ``GET /v1/users``) is refused as before: that tells
        it nothing it cannot read."""
        self.invite_or_tell(principal, email, role, client_number, name=name, mobile=mobile,
                            language=language, refuse_reached=True)  # fmt: skip

    def invite_or_tell(
        self,
        principal: Principal,
        email: str,
        role: Role,
        client_number: str | None = None,
        *,
        name: str = "",
        mobile: str | None = None,
        language: str = "nl",
        refuse_reached: bool = False,
    ) -> None:
        """The console's invitation, with the same answer whether or not the address has an
        account: addresses are unique over every agency, so "already has an account" would
        tell any client's admin who is registered anywhere. When it has one, its owner hears
        by mail that this organisation tried (no link; nothing changes). The mail is the
        inviting organisation's (its outbox, its usage, its sandbox mode), never the owner's
        client's, and one address gets at most ``INVITE_MAILS_PER_ADDRESS_PER_HOUR`` of these
        and of invitations together, silently (attack16 F1). ``refuse_reached``: an account
        the principal reaches itself is refused (``address_has_account``)."""
        target = self.target_client(principal, client_number)
        self.require(principal, Action.MANAGE_USERS, target)
        self._inviter_allows(principal)
        try:
            self.invite_into(target, email, role, actor_of(principal), name=name, mobile=mobile,
                             language=language, throttled=True)  # fmt: skip
        except AlreadyAnAccount:
            found = self.people.users.by_email(normalise_email(email))
            if found is None:
                return  # gone meanwhile: nothing to tell
            owner = found[0]
            if refuse_reached and reaches(principal, owner.tenant):
                raise
            if not self._address_allows(owner.email):
                return  # told often enough this hour: the same answer, no mail
            subject, text = texts.mail("invite_exists", owner.language, org=self._org_name(target))
            # filed and counted under the inviting organisation, whose sandbox mode applies
            self.kit.mail_to(self.kit.scope_of_target(target), owner.email, owner.language,
                             subject, text)  # fmt: skip

    def _inviter_allows(self, principal: Principal) -> None:
        """At most ``INVITES_PER_INVITER_PER_HOUR`` invitations an hour from one organisation
        (the inviter's client, or its agency); counted for every try, whatever the address,
        so the refusal tells nothing about one."""
        now = self.kit.now()
        inviter = tenant_key(principal.agency_id, principal.client_id)
        if self.kit.counters.increment(COUNTERS, f"invite-by|{inviter}", f"h{now:%Y%m%d%H}",
                                       limit=INVITES_PER_INVITER_PER_HOUR) is None:  # fmt: skip
            raise Throttled(3600 - now.minute * 60 - now.second)

    def _address_allows(self, email: str) -> bool:
        """One more invitation mail (or notice) to ``email`` this hour, counted."""
        now = self.kit.now()
        key = f"invite-to|{self.kit.hashed('addr', normalise_email(email))}"
        return self.kit.counters.increment(COUNTERS, key, f"h{now:%Y%m%d%H}",
                                           limit=INVITE_MAILS_PER_ADDRESS_PER_HOUR) is not None  # fmt: skip

    def invite_into(
        self,
        target: Target,
        email: str,
        role: Role,
        actor: str,
        *,
        name: str = "",
        mobile: str | None = None,
        language: str = "nl",
        user_id: str = "",
        throttled: bool = False,
    ) -> tuple[User, str]:
        """No authorisation here: for the CLI (the first admin) and onboarding. Returns the
        user and the invitation link (also mailed). ``user_id``: onboarding names its first
        user after the client, so that a retry of a request cut off after the e-mail index was
        written takes that index over as its own at once. ``throttled``: an administrator's
        invitation, mailed only within the address's hourly limit (over it: the invitation
        stands unmailed and the link is "", a later invitation mails a fresh one)."""
        if (error := email_error(email)) is not None:
            raise Invalid(error, field="email")
        if (error := role_error(role, target.client_id)) is not None:
            raise Invalid(error, field="role")
        if mobile:
            try:
                mobile = normalise_mobile(mobile)
            except ValueError as exc:
                raise Invalid(str(exc), field="mobile", code="mobile_invalid") from None
        now = self.kit.now()
        user = User(
            user_id or random_id("u"), normalise_email(email), target.agency_id,
            target.client_id, role, UserStatus.INVITED, now, name=name.strip()[:200], mobile=mobile or None,
            language="en" if language == "en" else "nl",
        )  # fmt: skip
        try:
            self.people.users.add(user)
        except Conflict:
            user = self._invited_before(target, user.email, role)
        link = ""
        if not throttled or self._address_allows(user.email):
            token = self.accounts.issue_link(Purpose.INVITE, user.user_id)
            link = self.kit.link(f"invite/{token}")
            subject, text = texts.mail(
                "invite", user.language, org=self._org_name(target), link=link
            )
            self.kit.mail(user, subject, text)
        self.kit.audit_user(Event.USER_INVITED, user, actor=actor, role=role.value)
        return user, link

    def _invited_before(self, target: Target, email: str, role: Role) -> User:
        """The same organisation inviting an address it invited before, whose owner never
        came in (the mail lost, the link expired, or a storage fault after the user was
        written): a fresh link for that invitation, in the role asked now. Any other account
        of the address stays as it is."""
        found = self.people.users.by_email(email)
        if found is None:
            raise AlreadyAnAccount(
                "this address is being invited; if that was cut short, try again in a few minutes",
                field="email", code="address_being_invited",
            )  # fmt: skip
        earlier, etag = found
        if earlier.status is not UserStatus.INVITED or earlier.tenant != target:
            raise AlreadyAnAccount(
                "this address already has an account", field="email", code="address_has_account"
            )
        if earlier.role is not role:
            earlier = replace(earlier, role=role, changed_at=self.kit.now())
            try:
                self.people.users.save(earlier, etag)
            except PreconditionFailed:
                raise AlreadyAnAccount(
                    "this address already has an account", field="email", code="address_has_account"
                ) from None
        return earlier

    def list_users(self, principal: Principal, client_number: str | None = None) -> list[User]:
        target = self.target_client(principal, client_number)
        self.require(principal, Action.MANAGE_USERS, target)
        return sorted(
            self.people.users.of_tenant(target.agency_id, target.client_id), key=lambda u: u.email
        )

    def _managed(self, principal: Principal, user_id: str) -> tuple[User, str]:
        found = self.people.users.get(user_id)
        if found is None or not reaches(principal, found[0].tenant):
            raise NotFound("no such user")
        self.require(principal, Action.MANAGE_USERS, found[0].tenant)
        return found

    def change_role(self, principal: Principal, user_id: str, role: Role) -> User:
        user, etag = self._managed(principal, user_id)
        if (error := role_error(role, user.client_id)) is not None:
            raise Invalid(error, field="role")
        old = user.role
        user = replace(user, role=role, changed_at=self.kit.now())
        self.people.users.save(user, etag)
        self.kit.audit_user(
            Event.ROLE_CHANGED, user, actor=actor_of(principal), old=old.value, new=role.value
        )
        return user

    def deactivate(self, principal: Principal, user_id: str) -> User:
        """Sessions end at once: the epoch moves on and the status is checked per request."""
        user, etag = self._managed(principal, user_id)
        user = replace(
            user, status=UserStatus.DEACTIVATED, epoch=user.epoch + 1, changed_at=self.kit.now()
        )
        self.people.users.save(user, etag)
        self.kit.audit_user(Event.USER_DEACTIVATED, user, actor=actor_of(principal))
        return user

    def end_sessions(self, principal: Principal, user_id: str) -> User:
        """Every session of the user ends now; they sign in again (ASVS 5.0 7.4.5)."""
        user, etag = self._managed(principal, user_id)
        user = replace(user, epoch=user.epoch + 1)
        self.people.users.save(user, etag)
        self.kit.audit_user(Event.SESSIONS_REVOKED, user, actor=actor_of(principal), which="all")
        return user

    def reset_factor(self, principal: Principal, user_id: str) -> User:
        """The user enrols a new second factor at the next sign-in; every session ends."""
        user, etag = self._managed(principal, user_id)
        return self._reset_factor(user, etag, actor_of(principal))

    def reset_factor_by_operator(self, email: str) -> User:
        """``inning user reset-factor``: an operator with the storage's keys resets anyone's,
        the agency's admins included (after the pepper was rotated no sealed TOTP secret
        opens, so no admin could sign in to reset the others)."""
        found = self.people.users.by_email(email)
        if found is None:
            raise NotFound(f"no account for {email}")
        return self._reset_factor(*found, "cli")

    def _reset_factor(self, user: User, etag: str, actor: str) -> User:
        user = replace(
            user, factor=None, totp_secret=None, totp_last_step=-1, recovery_hashes=(),
            epoch=user.epoch + 1, changed_at=self.kit.now(),
        )  # fmt: skip
        self.people.users.save(user, etag)
        self.kit.audit_user(Event.FACTOR_RESET, user, actor=actor)
        subject, text = texts.mail(
            "factor", user.language, what=texts.what("factor_reset", user.language),
            when=f"{self.kit.now():%Y-%m-%d %H:%M}",
        )  # fmt: skip
        self.kit.mail(user, subject, text)
        return user

    # -- clients ---------------------------------------------------------------------------------
    def set_client_active(self, principal: Principal, number: str, active: bool) -> Client:
        """Inactive: dunning stops, its people cannot sign in, its data stays."""
        target = self.target_client(principal, number)
        self.require(principal, Action.MANAGE_CLIENTS, target)
        found = self.kit.repos.clients.get(target.client_id or "")
        if found is None:
            raise NotFound(f"client {number} not found")
        client, etag = found
        if client.active != active:
            client = replace(client, active=active)
            self.kit.repos.clients.save(client, etag)
            event = Event.CLIENT_ACTIVATED if active else Event.CLIENT_DEACTIVATED
            for cid in (None, client.client_id):
                self.kit.audit(event, agency_id=client.agency_id, client_id=cid, actor=actor_of(principal),
                               subject=client.client_id, number=client.number)  # fmt: skip
        return client

    # -- audit -----------------------------------------------------------------------------------
    def audit(
        self, principal: Principal, start: date, end: date, client_number: str | None = None
    ) -> Iterator[AuditEvent]:
        """Events from ``start`` up to and including ``end`` (UTC days)."""
        if end < start or (end - start).days > MAX_AUDIT_DAYS:
            raise Invalid(
                f"'to' must be on or after 'from', at most {MAX_AUDIT_DAYS} days later",
                code="audit_range", params={"limit": MAX_AUDIT_DAYS},
            )  # fmt: skip
        target = self.target_client(principal, client_number)
        self.require(principal, Action.READ_AUDIT, target)
        low = datetime(start.year, start.month, start.day, tzinfo=self.kit.now().tzinfo)
        high = datetime(end.year, end.month, end.day, tzinfo=low.tzinfo) + timedelta(days=1)
        return self.people.audit.between(
            tenant_key(target.agency_id, target.client_id),
            time_ordered_id(low)[:12],
            time_ordered_id(high)[:12],
        )

    # -- broadcasts ------------------------------------------------------------------------------
    def publish(
        self,
        principal: Principal | None,
        text_nl: str,
        text_en: str,
        starts: date,
        ends: date,
        severity: Severity,
    ) -> Broadcast:
        """An agency admin publishes to the agency's people and its clients' people; the
        platform (``principal`` None: the CLI) to everyone."""
        if principal is not None:
            self.require(principal, Action.PUBLISH_BROADCAST, Target(principal.agency_id, None))
        if not text_nl.strip() or not text_en.strip():
            raise Invalid("a broadcast needs a Dutch and an English text", code="broadcast_texts")
        if ends < starts:
            raise Invalid("'until' must be on or after 'from'", code="broadcast_until")
        scope = principal.agency_id if principal is not None else PLATFORM
        actor = actor_of(principal) if principal is not None else "platform"
        b = Broadcast(scope, time_ordered_id(self.kit.now()), text_nl.strip()[:2000],
                      text_en.strip()[:2000], starts, ends, severity, actor)  # fmt: skip
        self.people.broadcasts.add(b)
        if principal is not None:
            self.kit.audit(Event.BROADCAST_PUBLISHED, agency_id=principal.agency_id, client_id=None,
                           actor=actor, subject=b.broadcast_id)  # fmt: skip
        return b

    def broadcasts_for(self, user: User, today: date) -> list[Broadcast]:
        """What this user sees after sign-in: platform and agency messages of today, not
        dismissed, most severe first."""
        gone = self.people.broadcasts.dismissed(user.user_id)
        shown = [
            b
            for scope in (PLATFORM, user.agency_id)
            for b in self.people.broadcasts.of_scope(scope)
            if b.shown_on(today) and f"{scope}|{b.broadcast_id}" not in gone
        ]
        order = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}
        return sorted(shown, key=lambda b: (order[b.severity], b.broadcast_id))

    def published(self, principal: Principal) -> list[Broadcast]:
        if not permits(principal, Action.READ):
            raise Forbidden("not allowed")
        return self.people.broadcasts.of_scope(principal.agency_id)

    def dismiss(self, user: User, broadcast_id: str) -> None:
        for scope in (PLATFORM, user.agency_id):
            if any(b.broadcast_id == broadcast_id for b in self.people.broadcasts.of_scope(scope)):
                self.people.broadcasts.dismiss(user.user_id, scope, broadcast_id, self.kit.now())
                return
        raise NotFound("no such broadcast")
