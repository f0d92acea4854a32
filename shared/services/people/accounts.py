"""A person's own account: accepting an invitation, enrolling a second factor, the password,
recovery codes, sessions, and the password reset by mail.

ASVS 5.0: 6.2.2/6.2.3 change needs the current password, 6.3.7 mail on factor change,
6.4.1 reset links single use and short lived, 6.4.3 no factor bypass on reset (the second
factor is still asked at the next sign-in), 6.6.1 an SMS number is verified before use,
7.4.3 other sessions end after a credential change, 6.3.8 a reset never tells whether an
address has an account.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

import segno

from shared.domain.people.accounts import (
    Factor,
    User,
    UserStatus,
    normalise_email,
    normalise_mobile,
)
from shared.domain.people.audit import Event
from shared.domain.people.factors import (
    new_recovery_codes,
    new_totp_secret,
    normal_recovery_code,
    provisioning_uri,
    same,
    totp_step,
)
from shared.domain.people.passwords import hash_password, password_error, verify_password
from shared.domain.people.sessions import Session, Stage
from shared.domain.people.tokens import LinkToken, Purpose, new_token
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services.access import end_persons_keys
from shared.services.errors import Invalid
from shared.services.people import factor_told, fresh_password, invited_by, texts
from shared.services.people.kit import Kit, Throttled
from shared.services.people.signin import Signed, SignInService

RESETS_PER_ADDRESS_PER_HOUR = 10
# when an enrolment under way began (kept by an earlier version: dropped at its confirmation)
PENDING_AT = "pending_at"
# when the confirmation of the enrolment under way was first accepted (in ``extra``, beside its
# pending secret or number): the time its audit event is filed under, the same on a retry
CONFIRMED_AT = "factor_confirmed_at"
RESETS_PER_ACCOUNT_PER_HOUR = 3
# how long every reset request takes at least: well above the round trips an account's link,
# mail and audit entry add (tens of ms on Table Storage), so its time tells nothing
RESET_ANSWER_SECONDS = 0.5
# which session started the enrolment under way (a keyed hash of its key, beside the pending
# secret): only that session is shown the secret again or may confirm it. Any other session of
# the person finished a change the person left half-done without the password the start asked
# for (attack24 F1)
PENDING_BY = "pending_totp_by"


def _has_account() -> Invalid:
    return Invalid(
        "this address already has an account; sign in with it", field="email",
        code="address_has_account",
    )  # fmt: skip


class LinkInvalid(Exception):
    """The link is unknown, used or expired."""


class AccountService:
    def __init__(self, kit: Kit, signin: SignInService) -> None:
        self.kit = kit
        self.people = kit.people
        self.signin = signin
        self.reset_answer_seconds = RESET_ANSWER_SECONDS

    # -- links -----------------------------------------------------------------------------------
    def issue_link(self, purpose: Purpose, subject: str) -> str:
        token = new_token()
        self.people.tokens.add(
            LinkToken(self.kit.hashed("link", token), purpose, subject, self.kit.now())
        )
        return token

    def peek_link(self, token: str, purpose: Purpose) -> LinkToken:
        found = self.people.tokens.get(self.kit.hashed("link", token)) if token else None
        if found is None or found[0].purpose is not purpose or not found[0].usable(self.kit.now()):
            raise LinkInvalid()
        return found[0]

    def use_link(self, token: str, purpose: Purpose) -> LinkToken:
        """Single use: marking it used is conditional on the etag, so only one use wins."""
        found = self.people.tokens.get(self.kit.hashed("link", token)) if token else None
        if found is None or found[0].purpose is not purpose or not found[0].usable(self.kit.now()):
            raise LinkInvalid()
        if not self.people.tokens.use(found[0], found[1], self.kit.now()):
            raise LinkInvalid()
        return found[0]

    def _user(self, user_id: str) -> tuple[User, str]:
        found = self.people.users.get(user_id)
        if found is None:
            raise LinkInvalid()
        return found

    # -- invitation ------------------------------------------------------------------------------
    def accept_invitation(self, token: str, password: str, source: str, agent: str = "") -> Signed:
        """Sets the password; the session that follows may only enrol a second factor. The
        password is saved before the link is spent: an acceptance a storage fault cut off
        (answered "retry") is finished by opening the link again, not refused as used."""
        link = self.peek_link(token, Purpose.INVITE)
        user, etag = self._user(link.subject)
        if user.status is not UserStatus.INVITED:
            raise LinkInvalid()
        if not invited_by.still_may(self.people.users, user, link.created_at):
            raise LinkInvalid()  # its inviter left or lost the right to invite (attack26 F5)
        if (error := password_error(password, email=user.email)) is not None:
            raise Invalid(error, field="password")
        # the address is bound now, not at the invitation: another organisation's invitation
        # nobody accepted gives way, an account keeps it (attack16b F1)
        try:
            self.people.users.claim_email(user)
        except Conflict:
            self._unbound(user, etag)
            raise _has_account() from None
        user = replace(user, password_hash=hash_password(password), changed_at=self.kit.now())
        try:
            saved = self.people.users.save(user, etag)
        except PreconditionFailed:
            raise LinkInvalid() from None  # the same link accepted meanwhile: one wins
        # the claim decides only now (codereview16b F4): another organisation's invitation of
        # the address, accepted at the same moment, may have taken the index over while this
        # row had no password yet; then this acceptance loses and its password is undone
        if not self.people.users.still_claims_email(user):
            self._unbound(user, saved)
            raise _has_account()
        self.use_link(token, Purpose.INVITE)
        self.kit.audit_user(Event.INVITATION_ACCEPTED, user, source=source)
        return self.signin._open(user, Stage.ENROL, source, agent)

    def _unbound(self, user: User, etag: str) -> None:
        """An invitation whose address another account holds keeps no password: saved by an
        acceptance that lost the claim (or was cut before it undid it), it is taken back, so
        the row stays an invitation nobody accepted (``pending``), not a second account of
        the address."""
        if user.pending:
            return
        back = replace(user, password_hash=None, changed_at=self.kit.now())
        try:
            self.people.users.save(back, etag)
        except PreconditionFailed:
            pass  # changed meanwhile (its own other acceptance): that one's check undoes it

    # -- enrolling a second factor ---------------------------------------------------------------
    def reauthenticate(self, signed: Signed, password: str, source: str) -> None:
        """The password again before a signed-in person changes their second factor or
        recovery codes (ASVS 5.0 7.5.1): a borrowed session cannot take the account over.
        Under the sign-in's back-off, as its failures count for it: without it a borrowed
        session guessed the password at the hasher's speed (attack24 F2)."""
        names = self.signin.take_try(signed.user.email, source)
        found = self.people.users.get(signed.user.user_id)
        if found is None or not verify_password(found[0].password_hash, password):
            self.kit.audit_user(
                Event.LOGIN_FAILED, signed.user, source=source, reason="current password"
            )
            raise Invalid(
                "the current password is not right", field="current", code="password_current_wrong"
            )
        self.signin.give_back(*names)

    def start_totp(self, signed: Signed) -> tuple[str, str, str]:
        """A new secret, kept aside until a code from it is confirmed: (secret, otpauth URI,
        QR code as SVG)."""
        found = self.people.users.get(signed.user.user_id)
        assert found is not None
        user, etag = found
        secret = new_totp_secret()
        extra = {k: v for k, v in user.extra.items() if k not in (PENDING_AT, CONFIRMED_AT)}
        extra["pending_totp"] = secret
        extra[PENDING_BY] = self._started_by(signed)
        self.people.users.save(replace(user, extra=extra), etag)
        uri = provisioning_uri(secret, user.email)
        svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code")
        return secret, uri, svg

    def pending_totp(self, user: User) -> str | None:
        return user.extra.get("pending_totp")

    def _started_by(self, signed: Signed) -> str:
        return self.kit.hashed("pending-totp-by", signed.session.key)[:32]

    def pending_totp_of(self, signed: Signed, user: User) -> str | None:
        """The secret of the enrolment under way when ``signed``'s session started it (an
        enrolment started before this check, by no known session, is started again)."""
        secret = self.pending_totp(user)
        by = user.extra.get(PENDING_BY, "")
        return secret if secret and by and same(by, self._started_by(signed)) else None

    def confirm_totp(
        self, signed: Signed, code: str, source: str, agent: str = ""
    ) -> tuple[Signed, list[str]]:
        found = self.people.users.get(signed.user.user_id)
        assert found is not None
        user, etag = factor_told.tell_left(self.kit, *found)  # a change a cut left untold
        secret = self.pending_totp_of(signed, user)
        step = totp_step(secret, code, self.kit.now(), -1) if secret else None
        if secret is None or step is None:
            raise Invalid(
                "that code does not match; check the time on your phone and try again", field="code",
                code="totp_mismatch",
            )  # fmt: skip
        at, etag = self._confirmed_at(user, etag)
        extra = {k: v for k, v in user.extra.items()
                 if k not in ("pending_totp", PENDING_BY, PENDING_AT, CONFIRMED_AT)}  # fmt: skip
        user = replace(
            user, factor=Factor.TOTP, totp_secret=secret, totp_last_step=step, extra=extra
        )
        return self._enrolled(signed, user, etag, "totp", source, agent, at)

    def start_sms(self, signed: Signed, number: str) -> Signed:
        try:
            mobile = normalise_mobile(number)
        except ValueError as exc:
            raise Invalid(str(exc), field="mobile", code="mobile_invalid") from None
        found = self.people.users.get(signed.user.user_id)
        assert found is not None
        user, etag = found
        extra = {k: v for k, v in user.extra.items() if k not in (PENDING_AT, CONFIRMED_AT)}
        extra["pending_mobile"] = mobile
        self.people.users.save(replace(user, extra=extra), etag)
        return self.signin.send_sms(Signed(signed.cookie, signed.session, user), mobile)

    def confirm_sms(
        self, signed: Signed, code: str, source: str, agent: str = ""
    ) -> tuple[Signed, list[str]]:
        found = self.people.users.get(signed.user.user_id)
        assert found is not None
        user, etag = factor_told.tell_left(self.kit, *found)  # a change a cut left untold
        mobile = user.extra.get("pending_mobile")
        if mobile is None or not self.signin.check_sms(signed, code):
            raise Invalid(
                "that code does not match or has expired; ask for a new one", field="code",
                code="sms_code_mismatch",
            )  # fmt: skip
        found = self.people.users.get(user.user_id)
        assert found is not None
        user, etag = found
        at, etag = self._confirmed_at(user, etag)
        # an app's enrolment left unconfirmed goes too: SMS is the factor now
        extra = {k: v for k, v in user.extra.items() if k not in (
            "pending_mobile", "pending_totp", PENDING_BY, PENDING_AT, CONFIRMED_AT)}  # fmt: skip
        user = replace(user, factor=Factor.SMS, mobile=mobile, totp_secret=None, extra=extra)
        return self._enrolled(signed, user, etag, "sms", source, agent, at)

    def _confirmed_at(self, user: User, etag: str) -> tuple[datetime, str]:
        """When the enrolment's confirmation was first accepted, and the user's ETag after
        it is noted: the factor changes then, so its audit event is filed then (an audit
        query of that day finds it; filed under the day the enrolment began, a factor
        confirmed days later was missed, codereview15 F5), and a retry of a confirmation a
        fault cut off finds the same time, so the event's keyed id is the same."""
        try:
            return datetime.fromisoformat(user.extra[CONFIRMED_AT]), etag
        except (KeyError, ValueError):
            pass
        now = self.kit.now()
        noted = replace(user, extra={**user.extra, CONFIRMED_AT: now.isoformat()})
        try:
            return now, self.people.users.save(noted, etag)
        except PreconditionFailed:
            raise Invalid(
                "your account changed meanwhile; try again", code="account_changed"
            ) from None

    def _enrolled(
        self,
        signed: Signed,
        user: User,
        etag: str,
        what: str,
        source: str,
        agent: str,
        confirmed: datetime,
    ) -> tuple[Signed, list[str]]:
        """A factor is set: new recovery codes, a new epoch (every other session ends), a new
        session id for this one, an audit entry and a mail.

        The user is saved first, with a note that the change is to be told, then the entry
        and the mail are made, keyed by the change (:mod:`factor_told`): a confirmation cut
        before its save tells nothing and its retry (the person's next code) saves it; cut
        after, the retry or the next sign-in tells it (failure15b Q5, failure15c #2)."""
        codes = new_recovery_codes()
        user = replace(
            user,
            status=UserStatus.ACTIVE if user.status is UserStatus.INVITED else user.status,
            recovery_hashes=tuple(
                self.kit.hashed("recovery", normal_recovery_code(c)) for c in codes
            ),
            epoch=user.epoch + 1,
            changed_at=self.kit.now(),
        )
        user = replace(user, extra=factor_told.noted(user, what, confirmed, source))
        try:
            etag = self.people.users.save(user, etag)
        except PreconditionFailed:
            raise Invalid(
                "your account changed meanwhile; try again", code="account_changed"
            ) from None
        user, _ = factor_told.tell_left(self.kit, user, etag)
        return self.signin.renew(signed, user, source, agent), codes

    def renew_recovery_codes(self, signed: Signed) -> list[str]:
        found = self.people.users.get(signed.user.user_id)
        assert found is not None
        user, etag = found
        codes = new_recovery_codes()
        hashes = tuple(self.kit.hashed("recovery", normal_recovery_code(c)) for c in codes)
        self.people.users.save(replace(user, recovery_hashes=hashes), etag)
        self.kit.audit_user(Event.RECOVERY_CODES_RENEWED, user)
        self._notify(user, "recovery_new")
        return codes

    # -- password --------------------------------------------------------------------------------
    def change_password(
        self, signed: Signed, current: str, new: str, source: str, agent: str = ""
    ) -> Signed:
        names = self.signin.take_try(signed.user.email, source)
        found = self.people.users.get(signed.user.user_id)
        assert found is not None
        user, etag = found
        if not verify_password(user.password_hash, current):
            self.kit.audit_user(Event.LOGIN_FAILED, user, source=source, reason="current password")
            raise Invalid(
                "the current password is not right", field="current", code="password_current_wrong"
            )
        self.signin.give_back(*names)
        if (error := password_error(new, email=user.email)) is not None:
            raise Invalid(error, field="password")
        user = replace(
            user, password_hash=hash_password(new), epoch=user.epoch + 1, changed_at=self.kit.now()
        )
        user = invited_by.ended(user, self.kit.now())  # and what was minted and invited
        self.people.users.save(user, etag)
        ended = end_persons_keys(self.kit.repos, self.kit.now(), user.user_id)
        self.kit.audit_user(Event.PASSWORD_CHANGED, user, source=source, keys_ended=str(ended))
        self._notify(user, "password")
        return self.signin.renew(signed, user, source, agent)

    def request_reset(self, email: str, source: str) -> None:
        """Mails a reset link when the address has a usable account; says nothing either way
        (the caller shows one answer for all), and takes the same time either way: an
        account's link, mail and audit entry cost round trips an unknown address does not,
        and the answer's time told who has an account (attack24 F3), so every answer waits
        until :data:`RESET_ANSWER_SECONDS` have passed."""
        started = time.monotonic()
        self._mail_reset(email, source)
        time.sleep(max(0.0, self.reset_answer_seconds - (time.monotonic() - started)))

    def _mail_reset(self, email: str, source: str) -> None:
        """Throttled per address and per account, silently for the account (a limit that
        answers differently would reveal the account)."""
        now = self.kit.now()
        hour = f"h{now:%Y%m%d%H}"
        if (
            self.kit.counters.increment(
                "PeopleCounters",
                f"reset-addr|{self.kit.hashed('addr', source)}",
                hour,
                limit=RESETS_PER_ADDRESS_PER_HOUR,
            )
            is None
        ):
            raise Throttled(3600 - now.minute * 60)
        normal = normalise_email(email)
        found = self.people.users.by_email(normal)
        if found is None or found[0].status is not UserStatus.ACTIVE:
            return
        user = found[0]
        if (
            self.kit.counters.increment(
                "PeopleCounters",
                f"reset-user|{user.user_id}",
                hour,
                limit=RESETS_PER_ACCOUNT_PER_HOUR,
            )
            is None
        ):
            return
        token = self.issue_link(Purpose.RESET, user.user_id)
        subject, text = texts.mail("reset", user.language, link=self.kit.link(f"reset/{token}"))
        self.kit.mail(user, subject, text, reset=True)
        self.kit.audit_user(Event.PASSWORD_RESET_REQUESTED, user, source=source)

    def peek_reset(self, token: str) -> tuple[LinkToken, User, str]:
        """A reset link, its person and their ETag, while nothing changed on the account since
        the link was mailed: a password reset with another link, changed on the account page,
        a factor or role change or a deactivation spends every link mailed before it (attack24
        F5: a link of the hour set a password after the person had reset or changed it)."""
        link = self.peek_link(token, Purpose.RESET)
        user, etag = self._user(link.subject)
        if user.changed_at is not None and user.changed_at > link.created_at:
            raise LinkInvalid()
        return link, user, etag

    def complete_reset(self, token: str, new: str, source: str) -> User:
        _, user, etag = self.peek_reset(token)
        if (error := password_error(new, email=user.email)) is not None:
            raise Invalid(error, field="password")
        self.use_link(token, Purpose.RESET)
        user = replace(
            fresh_password.cleared(user),  # what a factor reset asked for (people27 F7)
            password_hash=hash_password(new), epoch=user.epoch + 1, changed_at=self.kit.now(),
        )  # fmt: skip
        user = invited_by.ended(user, self.kit.now())  # and what was minted and invited
        self.people.users.save(user, etag)
        ended = end_persons_keys(self.kit.repos, self.kit.now(), user.user_id)
        self.kit.audit_user(Event.PASSWORD_CHANGED, user, source=source, how="reset",
                            keys_ended=str(ended))  # fmt: skip
        self._notify(user, "password")
        return user

    # -- sessions --------------------------------------------------------------------------------
    def sessions(self, signed: Signed) -> list[Session]:
        now = self.kit.now()
        return [
            s
            for s in self.people.sessions.of_user(signed.user.user_id)
            if s.alive(now, signed.user.epoch)
        ]

    def end_session(self, signed: Signed, key: str) -> None:
        # the row says whose it is: one renewed since the page was shown (no longer listed,
        # its row marked) still ends, with what took its place (sec28)
        found = self.people.sessions.get(key)
        if found is not None and found.user_id == signed.user.user_id:
            self.people.sessions.end(key, successors=True)
            self.kit.audit_user(Event.SESSIONS_REVOKED, signed.user, which="one")

    def end_other_sessions(self, signed: Signed, source: str, agent: str = "") -> Signed:
        """Every other session ends, and with them the keys the person minted and the
        invitations they sent (attack31 F2): whoever took the account over minted a key or
        invited a private address, which outlived the owner's recovery; an integration's key
        is minted again. A new password (changed or reset) ends them too."""
        found = self.people.users.get(signed.user.user_id)
        assert found is not None
        user, etag = found
        user = invited_by.ended(replace(user, epoch=user.epoch + 1), self.kit.now())
        self.people.users.save(user, etag)
        ended = end_persons_keys(self.kit.repos, self.kit.now(), user.user_id)
        self.kit.audit_user(Event.SESSIONS_REVOKED, user, which="others", keys_ended=str(ended))
        return self.signin.renew(signed, user, source, agent)

    def _notify(self, user: User, what: str, *, key: str = "") -> None:
        subject, text = texts.mail(
            "factor", user.language, what=texts.what(what, user.language),
            when=f"{self.kit.now():%Y-%m-%d %H:%M}",
        )  # fmt: skip
        self.kit.mail(user, subject, text, key=key)
