"""Signing in: password, then the second factor, then a fresh session; and the session
behind every later request.

ASVS 5.0: 6.3.1 back-off per account and per address (no lock-out an attacker controls),
6.3.3 a second factor always, 6.3.7 mail on a new sign-in, 6.5.1 codes once, 6.6.3 SMS
tries limited, 7.2.4 a new session id after sign-in, 7.3.1/7.3.2 idle and absolute limits,
7.4.1 sign-out ends the session on the server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from shared.adapters.tables.people_repo import COUNTERS
from shared.domain.ids import time_ordered_id
from shared.domain.people.accounts import Factor, User, UserStatus, normalise_email
from shared.domain.people.audit import Event
from shared.domain.people.backoff import FREE_FAILURES_ACCOUNT, FREE_FAILURES_ADDRESS
from shared.domain.people.factors import (
    SmsChallenge,
    new_sms_code,
    normal_recovery_code,
    same,
    totp_step,
)
from shared.domain.people.passwords import verify_password
from shared.domain.people.sessions import PENDING, Session, Stage, new_csrf, new_session_id
from shared.ports.tables import PreconditionFailed
from shared.services.people import factor_passed, factor_told, fresh_password, texts
from shared.services.people.kit import Kit, Throttled

log = logging.getLogger("inning.people")

SMS_PER_USER_PER_HOUR = 5
# the audit tenant of failed sign-ins for addresses without an account ("agency:-": no agency
# id is "-", so no agency's export ever lists them)
UNKNOWN_ADDRESSES = "-"
SMS_PER_NUMBER_PER_DAY = 10


class SignInFailed(Exception):
    """Wrong e-mail, password or code: deliberately not saying which."""


# the step of the last accepted TOTP code and a keyed hash of the address it came from, in
# ``User.extra``: a replay from elsewhere is told, one from the same place is not (misc16 #4)
TOTP_USED_FROM = "totp_used_from"


class CodeReused(SignInFailed):
    """The TOTP code was right but already used (its 30 s step, RFC 6238 §5.2): refused, and
    the person is told to wait for the next code rather than that the code is wrong."""


class ClientInactive(Exception):
    """The password was right, but the user's client is inactive."""


class SmsLimited(Exception):
    """Too many SMS codes for this user or number; use another factor or wait."""


@dataclass(frozen=True)
class Signed:
    """A session and the id for the cookie (only the browser ever holds the id)."""

    cookie: str
    session: Session
    user: User


class SignInService:
    def __init__(self, kit: Kit) -> None:
        self.kit = kit
        self.people = kit.people

    # -- back-off ------------------------------------------------------------------------------
    def _names(self, email: str, source: str) -> tuple[str, str]:
        return self.kit.hashed("acct", normalise_email(email)), self.kit.hashed("addr", source)

    def take_try(self, email: str, source: str) -> tuple[str, str]:
        """A place under both back-offs for one attempt, taken before it is judged and kept
        as a failure unless :meth:`give_back` returns it (checked before and counted after,
        a burst of attempts all passed one read: attack24 F4); :class:`Throttled` while
        either waits. The address first: a throttled address never counts against an
        account. Returns the two names to give back."""
        account, address = self._names(email, source)
        now, failures = self.kit.now(), self.people.failures
        wait = failures.take("address", address, now, FREE_FAILURES_ADDRESS)
        if wait <= timedelta(0):
            wait = failures.take("account", account, now, FREE_FAILURES_ACCOUNT)
            if wait > timedelta(0):
                failures.give_back("address", address)
        if wait > timedelta(0):
            raise Throttled(max(1, int(wait.total_seconds() + 0.999)))
        return account, address

    def give_back(self, account: str, address: str) -> None:
        """The attempt was right: its places are no failures."""
        self.people.failures.give_back("account", account)
        self.people.failures.give_back("address", address)

    # -- sessions ------------------------------------------------------------------------------
    def _open(self, user: User, stage: Stage, source: str, agent: str) -> Signed:
        cookie = new_session_id()
        now = self.kit.now()
        session = Session(
            self.kit.hashed("session", cookie), user.user_id, stage, now, now, user.epoch,
            new_csrf(), self.kit.hashed("addr", source)[:16], agent[:200],
        )  # fmt: skip
        self.people.sessions.add(session)
        return Signed(cookie, session, user)

    def renew(self, signed: Signed, user: User, source: str, agent: str) -> Signed:
        """A new id for the same person (ASVS 5.0 7.2.4): the old cookie stops working. The
        new session is written first: a write refused in between leaves the old one to try
        again with (``factor_passed``), not the person without either."""
        renewed = self._open(user, Stage.FULL, source, agent)
        if not self.people.sessions.retire(signed.session.key, renewed.session.key):
            # signed out while this request was on its way: the new id ends with the old
            self.people.sessions.end(renewed.session.key)
        return renewed

    def _user_may_enter(self, user: User) -> bool:
        if user.status is UserStatus.DEACTIVATED:
            return False
        if user.client_id is not None:
            found = self.kit.repos.clients.get(user.client_id)
            if found is None or not found[0].active:
                return False
        return True

    def resolve(self, cookie: str, *, full: bool = True) -> Signed | None:
        """The live session behind a cookie, or None (unknown, expired, revoked, the user
        deactivated or their client inactive). Touches last-seen at most once a minute."""
        if not cookie or len(cookie) > 100:
            return None
        key = self.kit.hashed("session", cookie)
        session = self.people.sessions.get(key)
        if session is None:
            return None
        found = self.people.users.get(session.user_id)
        now = self.kit.now()
        if found is None or not session.alive(now, found[0].epoch):
            # a renewed one's row stays a while: a sign-out with its cookie (a request on its
            # way as the new id came) still finds what took its place (sec28)
            if session.renewed_to is None or now - session.last_seen >= PENDING:
                self.people.sessions.end(key)
            return None
        user = found[0]
        if not self._user_may_enter(user):
            self.people.sessions.end(key)
            return None
        if full and session.stage is not Stage.FULL:
            return None
        if session.stage is Stage.FULL and session.needs_touch(now):
            session = replace(session, last_seen=now)
            if not self.people.sessions.save(session):
                return None  # signed out or ended while this request was on its way
        return Signed(cookie, session, user)

    def sign_out(self, cookie: str) -> None:
        """Final (ASVS 5.0 7.4.1): the session and any that took its place (a renewal in
        flight or just done with this cookie) end; a renewal meeting the end ends its own."""
        signed = self.resolve(cookie, full=False)
        if cookie and len(cookie) <= 100:
            # alive, or renewed already (its row marked): it and what took its place end
            self.people.sessions.end(self.kit.hashed("session", cookie), successors=True)
        if signed is not None:
            self.kit.audit_user(Event.LOGOUT, signed.user)

    # -- step 1: password ------------------------------------------------------------------------
    def password(self, email: str, password: str, source: str, agent: str = "") -> Signed:
        """Checks the password; a session that may only complete the second factor (or enrol
        one). Raises :class:`SignInFailed`, :class:`Throttled` or :class:`ClientInactive`."""
        account, address = self.take_try(email, source)
        found = self.people.users.by_email(normalise_email(email))
        if found is None:
            # the second read an address with an account makes (its user row), of an id no
            # user has: the same round trips either way
            self.people.users.get(f"{UNKNOWN_ADDRESSES}{account[:24]}")
        user = found[0] if found else None
        ok = verify_password(user.password_hash if user else None, password)
        # after an admin's factor reset the old password is not enough (people27 F7): the
        # link mailed to the person sets a new one; refused as a wrong password, so whoever
        # took the account over learns nothing
        stale = user is not None and ok and fresh_password.required(user)
        if user is None or not ok or stale or user.status is UserStatus.DEACTIVATED:
            if user is not None:
                reason = "fresh password required" if stale else "password"
                self.kit.audit_user(Event.LOGIN_FAILED, user, source=source, reason=reason)
            else:
                # the same storage work as for an address with an account (a failed sign-in
                # must not tell by its time whether the address has one): the attempt is
                # kept under the platform, the address only as a keyed hash
                self.kit.audit(Event.LOGIN_FAILED, agency_id=UNKNOWN_ADDRESSES, client_id=None,
                               actor="", subject=account[:16], source=source,
                               reason="unknown address")  # fmt: skip
            raise SignInFailed()  # its place stays taken: a failure
        self.give_back(account, address)
        if not self._user_may_enter(user):
            self.kit.audit_user(Event.LOGIN_FAILED, user, source=source, reason="client inactive")
            raise ClientInactive()
        stage = Stage.PASSWORD if user.factor is not None else Stage.ENROL
        signed = self._open(user, stage, source, agent)
        if user.factor is Factor.SMS:
            try:
                signed = self.send_sms(signed)
            except SmsLimited:
                pass  # the page says so when the user asks for a code
        return signed

    # -- step 2: the second factor -------------------------------------------------------------
    def send_sms(self, signed: Signed, number: str | None = None) -> Signed:
        """A new 6-digit code to the user's number (or ``number`` while enrolling), replacing
        the previous one; at most 5 an hour per user and 10 a day per number."""
        user = signed.user
        to = number or user.mobile
        if not to:
            raise SmsLimited()
        now = self.kit.now()
        counters = self.kit.counters
        hour, day = f"h{now:%Y%m%d%H}", f"d{now:%Y%m%d}"
        # each limit checked and counted in one conditional write: parallel requests cannot
        # all pass a count read before any of them counted (failure7 finding 10)
        number = f"sms-number|{self.kit.hashed('num', to)}"
        if counters.count(COUNTERS, number, day) >= SMS_PER_NUMBER_PER_DAY:
            raise SmsLimited()
        if counters.increment(COUNTERS, f"sms-user|{user.user_id}", hour,
                              limit=SMS_PER_USER_PER_HOUR) is None:  # fmt: skip
            raise SmsLimited()
        if counters.increment(COUNTERS, number, day, limit=SMS_PER_NUMBER_PER_DAY) is None:
            raise SmsLimited()
        code = new_sms_code()
        challenge_id = time_ordered_id(now)
        self.people.sms.add(
            user.user_id,
            SmsChallenge(challenge_id, self.kit.hashed(f"sms|{challenge_id}", code), to, now),
        )
        self.kit.sms(user, to, texts.SMS["en" if user.language == "en" else "nl"].format(code=code))
        session = replace(signed.session, sms_challenge=challenge_id)
        self.people.sessions.save(session)
        return Signed(signed.cookie, session, user)

    def check_sms(self, signed: Signed, code: str) -> bool:
        """The code of this session's challenge: unexpired, untried five times, unused, or
        used by this session already: a sign-in (or enrolment) cut after the code was
        accepted, before its new session was written, completes when the same form is sent
        again (the TOTP and recovery codes' :mod:`factor_passed`). The challenge is this
        session's own (``Session.sms_challenge``; every send makes a new one and no other
        session names it), so the code stays spent for every other session; a wrong code
        against it still counts a try."""
        challenge_id = signed.session.sms_challenge
        if not challenge_id:
            return False
        for _ in range(5):
            found = self.people.sms.get(signed.user.user_id, challenge_id)
            if found is None:
                return False
            challenge, etag = found
            if not replace(challenge, used=False).usable(self.kit.now()):
                return False  # expired or tried five times, whether accepted before or not
            good = same(challenge.code_hash, self.kit.hashed(f"sms|{challenge_id}", code.strip()))
            if good and challenge.used:
                return True  # accepted in this session before, its sign-in cut after
            after = (
                replace(challenge, used=True)
                if good
                else replace(challenge, tries=challenge.tries + 1)
            )
            if self.people.sms.save(signed.user.user_id, after, etag):
                return good
        return False

    def check_totp(
        self, user: User, etag: str, code: str, source: str = "", session_key: str = ""
    ) -> bool:
        """Accept a code once: the matched step is stored under the etag, so of two requests
        with one code only one succeeds (ASVS 5.0 6.5.1), with the address it came from
        (keyed hash). A replay is logged and raises :class:`CodeReused`, so the page says
        the code was used; it mails an alarm only when it comes from another address than
        the sign-in that used the code (:meth:`_tell_reuse`)."""
        now = self.kit.now()
        for _ in range(5):
            secret = user.totp_secret
            if secret is None:
                return False  # sealed under a pepper since rotated: an admin resets the factor
            step = totp_step(secret, code, now, user.totp_last_step)
            if step is None:
                if (used := totp_step(secret, code, now, -1)) is not None:
                    self.kit.audit_user(Event.TOTP_REPLAYED, user)
                    self._tell_reuse(user, used, source)
                    raise CodeReused()
                return False
            extra = {**user.extra, TOTP_USED_FROM: f"{step}|{self._from(source)}"}
            extra = factor_passed.mark(extra, session_key, "totp")
            try:
                self.people.users.save(replace(user, totp_last_step=step, extra=extra), etag)
                return True
            except PreconditionFailed:
                found = self.people.users.get(user.user_id)
                if found is None:
                    return False
                user, etag = found
        return False

    def _from(self, source: str) -> str:
        return self.kit.hashed("totp-used-from", source)

    def _tell_reuse(self, user: User, step: int, source: str) -> None:
        """A used code entered again: a "partially successful authentication" (the password
        was right) that ASVS 5.0 6.3.5 (level 3) has the user told of. Not the same person
        signing in again within the code's 30 s from where he used it, who retyped what his
        app still showed and got one alarm a try (newcomer15b #3): only a code entered from
        another address than the sign-in that used it, which someone else watched or relayed
        (misc16 #4), and once per code (the outbox keeps one message per key). A code whose
        use recorded no address (accepted before this was deployed, or the enrolment's) tells
        nothing."""
        used_step, _, used_from = user.extra.get(TOTP_USED_FROM, "").partition("|")
        if used_step != str(user.totp_last_step) or not used_from:
            return
        if same(used_from, self._from(source)):
            return
        subject, text = texts.mail(
            "code_reused", user.language, when=f"{self.kit.now():%Y-%m-%d %H:%M}"
        )
        key = "acct-reused-" + self.kit.hashed("totp-reused", f"{user.user_id}|{step}")[:32]
        self.kit.mail(user, subject, text, key=key)

    def use_recovery_code(self, user: User, etag: str, code: str, session_key: str = "") -> bool:
        digest = self.kit.hashed("recovery", normal_recovery_code(code))
        for _ in range(5):
            match = next((h for h in user.recovery_hashes if same(h, digest)), None)
            if match is None:
                return False
            left = tuple(h for h in user.recovery_hashes if h != match)
            try:
                spent = replace(
                    user,
                    recovery_hashes=left,
                    extra=factor_passed.mark(user.extra, session_key, "recovery"),
                )
                self.people.users.save(spent, etag)
            except PreconditionFailed:
                found = self.people.users.get(user.user_id)
                if found is None:
                    return False
                user, etag = found
                continue
            self.kit.audit_user(Event.RECOVERY_CODE_USED, user, left=str(len(left)))
            self._notify(user, "recovery")
            return True
        return False

    def second_factor(self, cookie: str, code: str, source: str, agent: str = "") -> Signed:
        """Completes sign-in with a TOTP, SMS or recovery code: a new session id (the one
        from step 1 ends). :class:`SignInFailed` or :class:`Throttled` otherwise."""
        signed = self.resolve(cookie, full=False)
        if signed is None or signed.session.stage is not Stage.PASSWORD:
            raise SignInFailed()
        account, address = self.take_try(signed.user.email, source)
        found = self.people.users.get(signed.user.user_id)
        assert found is not None
        user, etag = found
        normal = normal_recovery_code(code)
        key = signed.session.key
        passed = factor_passed.passed_here(user, key)
        if passed is not None:  # its code was taken, the sign-in cut after: not asked again
            ok, how = True, passed
        elif len(normal) == 24:
            ok, how = self.use_recovery_code(user, etag, code, key), "recovery"
        elif user.factor is Factor.TOTP:
            try:
                ok, how = self.check_totp(user, etag, code, source, key), "totp"
            except CodeReused:  # counted and audited as any refused code, then said so
                self.kit.audit_user(Event.SECOND_FACTOR_FAILED, user, source=source,
                                    factor="totp")  # fmt: skip
                raise
        else:
            ok, how = self.check_sms(signed, code), "sms"
        if not ok:  # its place stays taken: a failure
            self.kit.audit_user(Event.SECOND_FACTOR_FAILED, user, source=source, factor=how)
            raise SignInFailed()
        self.people.failures.clear("account", account)
        self.people.failures.give_back("address", address)
        found = self.people.users.get(user.user_id)
        assert found is not None
        # a factor change a cut left untold (saved, its event and mail not made) is told now
        fresh, _ = factor_told.tell_left(self.kit, *found)
        signed = self.renew(signed, fresh, source, agent)
        self.kit.audit_user(Event.LOGIN, fresh, source=source, factor=how)
        subject, text = texts.mail(
            "login", user.language, when=f"{self.kit.now():%Y-%m-%d %H:%M}", agent=agent[:80] or "-"
        )
        self.kit.mail(user, subject, text)
        return signed

    def _notify(self, user: User, what: str) -> None:
        subject, text = texts.mail(
            "factor", user.language, what=texts.what(what, user.language),
            when=f"{self.kit.now():%Y-%m-%d %H:%M}",
        )  # fmt: skip
        self.kit.mail(user, subject, text)
