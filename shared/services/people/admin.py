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
from shared.domain.parties import NOT_IN_A_NAME, Client
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
from shared.services.access import end_persons_keys
from shared.services.errors import Forbidden, Invalid, NotFound
from shared.services.people import fresh_password, invited_by, texts
from shared.services.people.accounts import AccountService
from shared.services.people.kit import Kit, Throttled
from shared.services.people.sandbox_invites import SANDBOX_INVITES, require_own_domain
from shared.services.people.signup_waiting import resolve_waiting

MAX_AUDIT_DAYS = 366
# Invitations mail addresses nobody verified, and an address with an account anywhere hears
# that someone tried (attack16 F1: 20 posts, 20 mails to another agency's client's CEO). The
# mails to one address are limited per inviting organisation (attack16b F2: counted for the
# address alone, a stranger's 3 posts an hour silenced the person's own organisation's
# invitation): one organisation mails an address at most INVITE_MAILS_PER_ADDRESS_PER_HOUR
# times an hour, and no other organisation's posts use that up. All organisations together
# mail it at most INVITE_MAILS_PER_ADDRESS_ALL_PER_HOUR times: a flood needs that many posts
# from 7 organisations (each a client or agency, a sign-up's sandbox client a verified mailbox
# of its own), while the person's own organisation, its agency and a few others asking in one
# hour stay well under it. Over either limit nothing is mailed and the answer is the same. An
# inviting organisation is limited as a whole too, and told so: a team of thirty is invited in
# an hour, a mailing to strangers is not.
INVITE_MAILS_PER_ADDRESS_PER_HOUR = 3
INVITE_MAILS_PER_ADDRESS_ALL_PER_HOUR = 20
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
        """The named client of the principal's agency; no number: the principal's own level
        (the agency, or a client's people their own client: ``GET /v1/users`` and
        ``/v1/audit`` without ``?client=`` answered a client's admin 404, attack26 F4)."""
        if not number:
            return Target(principal.agency_id, principal.client_id)
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
        """The console's invitation, with the same answer and the same inviter's view whether
        or not the address has an account: addresses are unique over every agency, so
        "already has an account" would tell any client's admin who is registered anywhere.
        Either way the invitation is the inviter's own row, listed as invited (attack16b F4:
        only the address without an account was listed); its owner gets the link, or, when the
        address has an account, a notice that this organisation tried (no link; nothing
        changes). Both go to the address itself even from a sandbox client: they are the
        person's own account mail, not the client's (codereview16 F4: redirected to a sandbox
        inviter, the notice's subject told who has an account). Filed under the inviting
        organisation (its outbox, its usage), never the owner's client's, within the
        per-address limits (:meth:`_address_allows`, attack16 F1 / attack16b F2).
        ``refuse_reached``: an account the principal reaches itself is refused
        (``address_has_account``, no mail): it lists it anyway. The API and the console's
        Settings page both ask it (newcomer16b F2: the console said "sent" and mailed a
        colleague its own list showed)."""
        target = self.target_client(principal, client_number)
        self.require(principal, Action.MANAGE_USERS, target)
        inviter = self._inviter_allows(principal)
        try:
            self.invite_into(target, email, role, actor_of(principal), name=name, mobile=mobile,
                             language=language, inviter=inviter)  # fmt: skip
        except AlreadyAnAccount:
            found = self.people.users.by_email(normalise_email(email))
            if found is None:
                return  # gone meanwhile: nothing to tell
            owner = found[0]
            if refuse_reached and reaches(principal, owner.tenant):
                raise
            if owner.tenant != target:  # (its own person it lists already)
                # the inviter's own record, listed as for an address without an account
                invited = self._pending_row(target, owner.email, role, name=name,
                                            mobile=mobile, language=language)  # fmt: skip
                self.kit.audit_user(Event.USER_INVITED, invited, actor=actor_of(principal),
                                    role=role.value)  # fmt: skip
            # the notice is a sandbox client's mail too: it takes a place (invite_into gave
            # its own back, nothing was mailed there); over the limit, the same answer
            if (place := self._sandbox_place(self._own_client(target, inviter), inviter)) is None:
                return
            if not self._address_allows(owner.email, inviter):
                if place:
                    self._sandbox_give_back(place)
                return  # told often enough this hour: the same answer, no mail
            subject, text = texts.mail("invite_exists", owner.language, org=self._org_name(target))
            try:
                self.kit.mail_to(self.kit.scope_of_target(target), owner.email, owner.language,
                                 subject, text, own_mail=True)  # fmt: skip
            except Exception:
                self._give_back(owner.email, inviter)
                if place:
                    self._sandbox_give_back(place)
                raise

    def first_user_or_notice(
        self, target: Target, email: str, actor: str, *, name: str, mobile: str | None,
        language: str, user_id: str, inviter: str,
    ) -> User:  # fmt: skip
        """A new client's first user (an onboarding): invited, or, when an account of
        another organisation holds the address, the client's own invitation row (listed as
        invited, as for any address: never accepted while the account holds it) and a notice
        to the owner, as :meth:`invite_or_tell` does: the onboarding answers alike whether or
        not the address has an account elsewhere (misc17a 3). ``user_id``: the client's first
        user's id, so a retry finds the same row and mails the notice once. The caller
        refuses an account it reaches itself before."""
        try:
            return self.invite_into(target, email, Role.CLIENT_ADMIN, actor, name=name,
                                    mobile=mobile, language=language, user_id=user_id)[0]  # fmt: skip
        except AlreadyAnAccount:
            found = self.people.users.by_email(normalise_email(email))
            if found is None or found[0].pending:
                raise  # being invited (a cut-off attempt): "try again", as before
            owner = found[0]
        invited = self._new_user(target, owner.email, Role.CLIENT_ADMIN, name=name,
                                 mobile=mobile, language=language, user_id=user_id)  # fmt: skip
        try:
            self.people.users.add_pending(invited)
            self.kit.audit_user(Event.USER_INVITED, invited, actor=actor,
                                role=Role.CLIENT_ADMIN.value)  # fmt: skip
        except Conflict:
            stored = self.people.users.get(user_id)
            invited = stored[0] if stored is not None else invited  # a retry's own row
        if not self._address_allows(owner.email, inviter):
            return invited  # told often enough this hour: the same answer, no mail
        subject, text = texts.mail("invite_exists", owner.language, org=self._org_name(target))
        try:
            self.kit.mail_to(self.kit.scope_of_target(target), owner.email, owner.language,
                             subject, text, own_mail=True, key=f"notice-{user_id}")  # fmt: skip
        except Exception:
            self._give_back(owner.email, inviter)
            raise
        return invited

    def _inviter_allows(self, principal: Principal) -> str:
        """At most ``INVITES_PER_INVITER_PER_HOUR`` invitations an hour from one organisation
        (the inviter's client, or its agency); counted for every try, whatever the address,
        so the refusal tells nothing about one. Returns the organisation's key."""
        now = self.kit.now()
        inviter = tenant_key(principal.agency_id, principal.client_id)
        if self.kit.counters.increment(COUNTERS, f"invite-by|{inviter}", f"h{now:%Y%m%d%H}",
                                       limit=INVITES_PER_INVITER_PER_HOUR) is None:  # fmt: skip
            raise Throttled(3600 - now.minute * 60 - now.second)
        return inviter

    def _address_allows(self, email: str, inviter: str) -> bool:
        """One more invitation mail (or notice) to ``email`` from ``inviter`` this hour,
        counted: per (address, organisation), then for the address from all of them."""
        now = self.kit.now()
        address = self.kit.hashed("addr", normalise_email(email))
        hour = f"h{now:%Y%m%d%H}"
        if self.kit.counters.increment(COUNTERS, f"invite-to|{address}|{inviter}", hour,
                                       limit=INVITE_MAILS_PER_ADDRESS_PER_HOUR) is None:  # fmt: skip
            return False
        return self.kit.counters.increment(COUNTERS, f"invite-to|{address}", hour,
                                           limit=INVITE_MAILS_PER_ADDRESS_ALL_PER_HOUR) is not None  # fmt: skip

    def _give_back(self, email: str, inviter: str) -> None:
        """The place :meth:`_address_allows` took, given back when the mail could not be
        written (a storage error: the admin's retry must not find the hour used up by mails
        that never went; failure16b F2). A worker that dies between keeps it: the limit errs
        on the side of fewer mails."""
        address = self.kit.hashed("addr", normalise_email(email))
        hour = f"h{self.kit.now():%Y%m%d%H}"
        for key in (f"invite-to|{address}|{inviter}", f"invite-to|{address}"):
            self.kit.counters.increment(COUNTERS, key, hour, by=-1)

    def _own_client(self, target: Target, inviter: str) -> Client | None:
        """The client whose own people invite into it (``inviter`` its organisation), or None
        for the agency's invitations, the CLI's and onboarding's."""
        if target.client_id and inviter == tenant_key(target.agency_id, target.client_id):
            return self._client(target)
        return None

    def _sandbox_place(self, client: Client | None, inviter: str) -> str | None:
        """One of the ``SANDBOX_INVITES`` invitations a client in sandbox mode sends before the
        agency approves it, taken: the counter's key ("" when no such limit applies: not a
        sandbox, or not its own people), or None when they are used up. Taken for a mail
        about to be written and given back (:meth:`_sandbox_give_back`) when none was: a
        refused form, a storage error (the admin's retry would count again) or an hourly
        limit must not spend a place no mail went out on (failure17 F3: three 503s on one
        colleague, and the third was refused after two mails). A worker that dies in between
        keeps it: the limit errs on the side of fewer mails."""
        if client is None or not client.sandbox:
            return ""
        key = f"sandbox-invites|{inviter}"
        taken = self.kit.counters.increment(COUNTERS, key, "all", limit=SANDBOX_INVITES)
        return None if taken is None else key

    def _sandbox_give_back(self, place: str) -> None:
        self.kit.counters.increment(COUNTERS, place, "all", by=-1)

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
        inviter: str = "",
    ) -> tuple[User, str]:
        """No authorisation here: for the CLI (the first admin) and onboarding. Returns the
        user and the invitation link (also mailed). ``user_id``: onboarding names its first
        user after the client, so that a retry of a request cut off after the e-mail index was
        written takes that index over as its own at once. ``inviter``: an administrator's
        organisation, whose invitation is mailed only within the address's hourly limits (over
        them: the invitation stands unmailed and the link is "", a later invitation mails a
        fresh one). Another organisation's invitation nobody accepted does not hold the
        address (attack16b F1): this one is written beside it, and whoever the address's owner
        accepts first has it. An account raises :class:`AlreadyAnAccount`. A sandbox client's
        own people invite only their own domain (:func:`require_own_domain`, codereview16b
        F3): refused before anything is written or mailed, whether or not the address has an
        account; and at most ``SANDBOX_INVITES`` of them are mailed before the agency approves
        it (:meth:`_sandbox_place`: a post that mails nothing spends none)."""
        if (error := email_error(email)) is not None:
            raise Invalid(error, field="email")
        if NOT_IN_A_NAME.search(name):  # as a client's name (small33): the console's form too
            raise Invalid("the name holds a line break, control or direction character",
                          field="name", code="person_name_characters")  # fmt: skip
        client = self._own_client(target, inviter)
        if client is not None:
            require_own_domain(client, normalise_email(email))
        if (error := role_error(role, target.client_id)) is not None:
            raise Invalid(error, field="role")
        if mobile:
            try:
                mobile = normalise_mobile(mobile)
            except ValueError as exc:
                raise Invalid(str(exc), field="mobile", code="mobile_invalid") from None
        # a sandbox client's place is taken after the form is found good, before anything is
        # written, and kept only when the mail is (failure17 F3)
        place = self._sandbox_place(client, inviter)
        if client is not None and place is None:
            raise Invalid(
                f"client {client.number} is in sandbox mode: it has sent the "
                f"{SANDBOX_INVITES} invitations it may send until the agency approves it",
                field="email", code="invite_sandbox_limit", params={"limit": SANDBOX_INVITES},
            )  # fmt: skip
        mailed = False
        try:
            user = self._new_user(target, email, role, name=name, mobile=mobile,
                                  language=language, user_id=user_id)  # fmt: skip
            user = replace(user, extra={**user.extra, **invited_by.mark(actor)})
            try:
                self.people.users.add(user)
            except Conflict:
                user = self._invited_before(target, user, role, actor)
            link = ""
            if not inviter or self._address_allows(user.email, inviter):
                try:
                    token = self.accounts.issue_link(Purpose.INVITE, user.user_id)
                    link = self.kit.link(f"invite/{token}")
                    subject, text = texts.mail(
                        "invite", user.language, org=self._org_name(target), link=link
                    )
                    # the person's own mail: to the address even from a sandbox client (its
                    # link, redirected to the sandbox's own mailbox, made an account of
                    # anyone's address)
                    self.kit.mail(user, subject, text, own_mail=True)
                except Exception:
                    if inviter:
                        self._give_back(user.email, inviter)
                    raise
                mailed = True
        finally:
            if place and not mailed:
                self._sandbox_give_back(place)
        self.kit.audit_user(Event.USER_INVITED, user, actor=actor, role=role.value)
        return user, link

    def _new_user(
        self, target: Target, email: str, role: Role, *, name: str, mobile: str | None,
        language: str, user_id: str = "",
    ) -> User:  # fmt: skip
        return User(
            user_id or random_id("u"), normalise_email(email), target.agency_id,
            target.client_id, role, UserStatus.INVITED, self.kit.now(), name=name.strip()[:200],
            mobile=mobile or None, language="en" if language == "en" else "nl",
        )  # fmt: skip

    def _own_pending(
        self, target: Target, email: str, user_id: str = ""
    ) -> tuple[User, str] | None:
        """This organisation's earlier invitation of ``email`` nobody came in by (or the row
        of ``user_id``, a retry's own), with its etag."""
        if user_id and (mine := self.people.users.get(user_id)) is not None:
            return mine
        indexed = self.people.users.by_email(email)
        if indexed is not None and indexed[0].tenant == target:
            return indexed if indexed[0].status is UserStatus.INVITED else None
        for user in self.people.users.of_tenant(target.agency_id, target.client_id):
            if user.email == email and user.status is UserStatus.INVITED:
                return self.people.users.get(user.user_id)
        return None

    def _pending_row(
        self, target: Target, email: str, role: Role, *, name: str = "", mobile: str | None = None,
        language: str = "nl",
    ) -> User:  # fmt: skip
        """The inviter's own invitation of an address an account holds: its earlier one (in
        the role asked now), or a new row beside the account, never accepted (its acceptance
        is refused while the account holds the address)."""
        own = self._own_pending(target, email)
        if own is not None:
            return self._in_role(*own, role)
        try:
            mobile = normalise_mobile(mobile) if mobile else None
        except ValueError:
            mobile = None  # the row is only the inviter's record; no SMS goes to it
        user = self._new_user(target, email, role, name=name, mobile=mobile, language=language)
        self.people.users.add_pending(user)
        return user

    def _in_role(self, user: User, etag: str, role: Role, actor: str = "") -> User:
        """The invitation in the role asked now, by whoever asks now (``actor``: the
        acceptance asks whether they still may invite, attack26 F5)."""
        extra = {k: v for k, v in user.extra.items() if k != invited_by.INVITED_BY}
        extra = {**extra, **invited_by.mark(actor)} if actor else user.extra
        if user.role is role and extra == user.extra:
            return user
        user = replace(user, role=role, extra=extra, changed_at=self.kit.now())
        try:
            self.people.users.save(user, etag)
        except PreconditionFailed:
            raise AlreadyAnAccount(
                "this address already has an account", field="email", code="address_has_account"
            ) from None
        return user

    def _invited_before(self, target: Target, user: User, role: Role, actor: str = "") -> User:
        """``user``'s address is indexed already. The same organisation inviting an address
        it invited before, whose owner never came in (the mail lost, the link expired, or a
        storage fault after the user was written): a fresh link for that invitation, in the
        role asked now. Another organisation's invitation nobody accepted: this one beside it
        (the owner's acceptance decides). An account stays as it is (:class:`AlreadyAnAccount`)."""
        own = self._own_pending(target, user.email, user.user_id)
        found = self.people.users.by_email(user.email)
        if (
            found is not None
            and not found[0].pending
            and (own is None or found[0].user_id != own[0].user_id)
        ):
            raise AlreadyAnAccount(
                "this address already has an account", field="email", code="address_has_account"
            )
        if own is not None and own[0].status is UserStatus.INVITED and own[0].tenant == target:
            return self._in_role(*own, role, actor)
        if found is None:
            raise AlreadyAnAccount(
                "this address is being invited; if that was cut short, try again in a few minutes",
                field="email", code="address_being_invited",
            )  # fmt: skip
        if own is not None or not found[0].pending:
            raise AlreadyAnAccount(
                "this address already has an account", field="email", code="address_has_account"
            )
        try:
            self.people.users.add_pending(user)
        except Conflict:
            pass  # written by the attempt a storage fault cut off (an id made from its request)
        return user

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
        if old is not role:  # only admins mint keys: a change is a step down from what did
            end_persons_keys(self.kit.repos, self.kit.now(), user.user_id)
        return user

    def deactivate(self, principal: Principal, user_id: str) -> User:
        """Sessions end at once: the epoch moves on and the status is checked per request."""
        user, etag = self._managed(principal, user_id)
        user = replace(
            user, status=UserStatus.DEACTIVATED, epoch=user.epoch + 1, changed_at=self.kit.now()
        )
        self.people.users.save(user, etag)
        self.kit.audit_user(Event.USER_DEACTIVATED, user, actor=actor_of(principal))
        # the keys the person minted with a session end with the sessions (attack24 F11)
        end_persons_keys(self.kit.repos, self.kit.now(), user.user_id)
        return user

    def end_sessions(self, principal: Principal, user_id: str) -> User:
        """Every session of the user ends now; they sign in again (ASVS 5.0 7.4.5). The keys
        they minted end too: whoever held a session taken over could have minted one
        (attack26 L3); an integration's key is minted again by someone who still may."""
        user, etag = self._managed(principal, user_id)
        user = invited_by.ended(replace(user, epoch=user.epoch + 1), self.kit.now())
        self.people.users.save(user, etag)
        ended = end_persons_keys(self.kit.repos, self.kit.now(), user.user_id)
        self.kit.audit_user(
            Event.SESSIONS_REVOKED, user, actor=actor_of(principal), which="all",
            keys_ended=str(ended),
        )  # fmt: skip
        return user

    def reset_factor(self, principal: Principal, user_id: str) -> User:
        """The user sets a new password through the link mailed to them, then enrols a new
        second factor at the next sign-in; every session ends."""
        user, etag = self._managed(principal, user_id)
        return self._reset_factor(user, etag, actor_of(principal))[0]

    def reset_factor_by_operator(self, email: str) -> tuple[User, int]:
        """``inning user reset-factor``: an operator with the storage's keys resets anyone's,
        the agency's admins included (after the pepper was rotated no sealed TOTP secret
        opens, so no admin could sign in to reset the others); with how many of the keys
        they minted ended."""
        found = self.people.users.by_email(email)
        if found is None:
            raise NotFound(f"no account for {email}")
        return self._reset_factor(*found, "cli")

    def _reset_factor(self, user: User, etag: str, actor: str) -> tuple[User, int]:
        user = replace(
            user, factor=None, totp_secret=None, totp_last_step=-1, recovery_hashes=(),
            epoch=user.epoch + 1, changed_at=self.kit.now(),
        )  # fmt: skip
        user = invited_by.ended(user, self.kit.now())  # and the invitations they sent
        # whoever took the account over knows its password: the new factor is enrolled only
        # after a new password set through the link mailed to the person (people27 F7)
        # (an invitation nobody accepted has no password; a deactivated person gets no link)
        fresh = not user.pending and user.status is UserStatus.ACTIVE
        if fresh:
            user = fresh_password.require(user, self.kit.now())
        self.people.users.save(user, etag)
        # a reset is what an admin does for an account taken over: its keys end with its
        # sessions (attack26 L3); after a pepper rotation every key is dead anyway
        ended = end_persons_keys(self.kit.repos, self.kit.now(), user.user_id)
        self.kit.audit_user(Event.FACTOR_RESET, user, actor=actor, keys_ended=str(ended))
        subject, text = texts.mail(
            "factor", user.language, what=texts.what("factor_reset", user.language),
            when=f"{self.kit.now():%Y-%m-%d %H:%M}",
        )  # fmt: skip
        self.kit.mail(user, subject, text)
        if fresh:
            token = self.accounts.issue_link(Purpose.RESET, user.user_id)
            link = self.kit.link(f"reset/{token}")
            subject, text = texts.mail("reset_after_factor", user.language, link=link)
            self.kit.mail(user, subject, text, reset=True)
        return user, ended

    # -- clients ---------------------------------------------------------------------------------
    def set_client_active(
        self, principal: Principal, number: str, active: bool, *, refusal: str = ""
    ) -> Client:
        """Inactive: dunning stops, its people cannot sign in, its data stays. ``refusal``: why
        a sign-up is refused (the console's "Weigeren"), kept on its waiting item."""
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
        if not active and client.sandbox:  # a sign-up refused: it waits no longer
            why = f": {refusal}" if refusal else ""
            resolve_waiting(
                self.kit, client, f"refused (deactivated) by {actor_of(principal)}{why}"
            )
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
