"""People on Table Storage: users, sessions, single-use links, SMS challenges, back-off
counters, the audit log, broadcasts and sign-ups.

Table            PartitionKey        RowKey              serves
Users            "user"              user id             a user by id
UserEmails       "email"             e-mail              sign-in name -> user id (unique)
TenantUsers      tenant key          user id             a tenant's users (agency:<id>/client:<id>)
Sessions         session key         "s"                 the session behind a cookie
UserSessions     user id             session key         a user's sessions (account page)
LinkTokens       token key           "t"                 invitation / reset / sign-up link
SmsChallenges    user id             challenge id        an SMS code sent
SignInFailures   "account"/"address" hashed name         back-off state
PeopleCounters   what|who            window              SMS rate limits
PeopleAudit      tenant key          time-ordered id     the audit log (insert only)
Broadcasts       scope               broadcast id        messages to users
Dismissals       user id             scope|broadcast id  what a user dismissed
Signups          "signup"            sign-up id          self-onboarding requests

A client's active flag is on its ``Clients`` row; its history is the audit log's
``client_activated``/``client_deactivated`` events (no table of its own).

Session and token keys are keyed hashes of what the browser holds; a leaked table gives no
working cookie or link.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.keys import InvalidKey, decode, encode
from shared.adapters.tables.sealing import Seal
from shared.domain.people.accounts import Factor, User, UserStatus
from shared.domain.people.audit import AuditEvent, Event
from shared.domain.people.authorisation import Role
from shared.domain.people.backoff import Failures
from shared.domain.people.broadcasts import Broadcast, Severity
from shared.domain.people.factors import SmsChallenge
from shared.domain.people.sessions import Session, Stage
from shared.domain.people.tokens import LinkToken, Purpose
from shared.ports.tables import Conflict, PreconditionFailed, Row, TableStore, all_rows

USERS = "Users"
USER_EMAILS = "UserEmails"
TENANT_USERS = "TenantUsers"
SESSIONS = "Sessions"
USER_SESSIONS = "UserSessions"
LINK_TOKENS = "LinkTokens"
SMS_CHALLENGES = "SmsChallenges"
FAILURES = "SignInFailures"
COUNTERS = "PeopleCounters"
AUDIT = "PeopleAudit"
# an invitation writes its index, tenant and user rows within one request: an index row this
# old whose user does not exist was left by a fault
ORPHAN_AFTER = timedelta(minutes=5)
BROADCASTS = "Broadcasts"
DISMISSALS = "Dismissals"
SIGNUPS = "Signups"
TABLES = (
    USERS, USER_EMAILS, TENANT_USERS, SESSIONS, USER_SESSIONS, LINK_TOKENS, SMS_CHALLENGES,
    FAILURES, COUNTERS, AUDIT, BROADCASTS, DISMISSALS, SIGNUPS, "AgencyDefaults",
)  # fmt: skip


def tenant_of(agency_id: str, client_id: str | None) -> str:
    return f"client:{client_id}" if client_id else f"agency:{agency_id}"


# a TOTP seed confirmed, or one shown for enrolment and not yet confirmed (in ``extra``)
PENDING_TOTP = "pending_totp"
SEED_COLUMN = "TotpSecret"  # the column name, not a secret


def _totp_stored(u: User, seal: Seal, bound: str) -> str | None:
    """The seed sealed; one this instance could not open is written back as it was read
    (failure12 F2): an instance with another pepper that saves the row for a recovery code
    or a role must not wipe the seed for the instances that hold the right key. Only a
    change of factor (a reset, SMS) lets it go."""
    if u.totp_secret:
        return seal.close(u.totp_secret, bound)
    if u.factor is Factor.TOTP:
        return u.unopened.get(SEED_COLUMN)
    return None


def _user_row(u: User, seal: Seal) -> Row:
    bound = f"user|{u.user_id}"
    extra = dict(u.extra)
    if isinstance(pending := extra.get(PENDING_TOTP), str):
        extra[PENDING_TOTP] = seal.close(pending, bound)
    elif PENDING_TOTP in extra and PENDING_TOTP in u.unopened:
        extra[PENDING_TOTP] = u.unopened[PENDING_TOTP]  # an enrolment under way, as read
    return Row(
        "user",
        encode(u.user_id),
        {
            "Email": u.email,
            "AgencyId": u.agency_id,
            "ClientId": u.client_id,
            "Role": u.role.value,
            "Status": u.status.value,
            "CreatedAt": u.created_at,
            "Name": u.name,
            "Mobile": u.mobile,
            "Language": u.language,
            "PasswordHash": u.password_hash,
            "Factor": u.factor.value if u.factor else None,
            SEED_COLUMN: _totp_stored(u, seal, bound),
            "TotpLastStep": u.totp_last_step,
            "RecoveryHashes": put_json(list(u.recovery_hashes)),
            "Epoch": u.epoch,
            "ChangedAt": u.changed_at,
            "Extra": put_json(extra),
        },
    )


def _user(row: Row, seal: Seal) -> User:
    d = row.data
    user_id = decode(row.rk)
    bound = f"user|{user_id}"
    extra = dict(get_json(d.get("Extra"), {}))
    unopened: dict[str, str] = {}
    if isinstance(pending := extra.get(PENDING_TOTP), str):
        extra[PENDING_TOTP] = seal.open(pending, bound)
        if extra[PENDING_TOTP] is None:
            unopened[PENDING_TOTP] = pending
    stored = d.get(SEED_COLUMN)
    secret = seal.open(stored, bound) if stored else None
    if stored and secret is None:
        unopened[SEED_COLUMN] = stored
    return User(
        user_id=user_id,
        email=d["Email"],
        agency_id=d["AgencyId"],
        client_id=d.get("ClientId"),
        role=Role(d["Role"]),
        status=UserStatus(d["Status"]),
        created_at=d["CreatedAt"],
        name=d.get("Name") or "",
        mobile=d.get("Mobile"),
        language=d.get("Language") or "nl",
        password_hash=d.get("PasswordHash"),
        factor=Factor(d["Factor"]) if d.get("Factor") else None,
        totp_secret=secret,
        totp_last_step=int(d.get("TotpLastStep", -1)),
        recovery_hashes=tuple(get_json(d.get("RecoveryHashes"), [])),
        epoch=int(d.get("Epoch", 0)),
        changed_at=d.get("ChangedAt"),
        extra=extra,
        unopened=unopened,
    )


class UserRepository:
    """People's rows; their TOTP seeds sealed (:mod:`~shared.adapters.tables.sealing`)."""

    def __init__(self, store: TableStore, seal: Seal) -> None:
        self.store = store
        self.seal = seal

    def get(self, user_id: str) -> tuple[User, str] | None:
        row = self.store.get(USERS, "user", encode(user_id))
        return (_user(row, self.seal), row.etag or "") if row else None

    def by_email(self, email: str) -> tuple[User, str] | None:
        """None for an address no account has, a blank one too (a form posted without the
        browser's own check must get the sign-in's one answer, not a key error), and one no
        key can hold (a 1,000-character address was a 500 on the sign-in and reset pages,
        attack24 F10: an account's address is one the invitation's check let through)."""
        if not email.strip():
            return None
        try:
            key = encode(email)
        except InvalidKey:
            return None
        row = self.store.get(USER_EMAILS, "email", key)
        return self.get(str(row.data["UserId"])) if row else None

    def add(self, user: User) -> None:
        """The e-mail index first and by insert: two invitations of one address cannot both
        win. Raises :class:`Conflict` when the address has an account. An index row left by an
        invitation that a storage fault cut before its user was written is taken over once it
        is older than any invitation still in flight (failure7 finding 8)."""
        index = Row("email", encode(user.email), {"UserId": user.user_id, "At": user.created_at})
        try:
            self.store.insert(USER_EMAILS, index)
        except Conflict:
            self._take_over_orphan(index, user.created_at)
        self.store.upsert(
            TENANT_USERS,
            Row(encode(tenant_of(user.agency_id, user.client_id)), encode(user.user_id)),
        )
        self.store.insert(USERS, _user_row(user, self.seal))

    def _take_over_orphan(self, index: Row, now: datetime) -> None:
        current = self.store.get(USER_EMAILS, index.pk, index.rk)
        if current is None:
            self.store.insert(USER_EMAILS, index)  # deleted meanwhile: ours now, or Conflict
            return
        if self.store.get(USERS, "user", encode(str(current.data["UserId"]))) is not None:
            raise Conflict("the address has an account")
        if current.data["UserId"] == index.data["UserId"]:
            return  # our own earlier attempt (an id made from its request) cut before its user
        claimed = current.data.get("At")
        if isinstance(claimed, datetime) and now - claimed < ORPHAN_AFTER:
            raise Conflict("an invitation of the address is being written")
        try:
            self.store.replace(USER_EMAILS, replace(index, etag=current.etag))
        except PreconditionFailed:
            raise Conflict("the address was taken meanwhile") from None

    def add_pending(self, user: User) -> None:
        """An invitation of an address whose e-mail index another row holds (another
        organisation's invitation nobody accepted, or an account): the row in its tenant
        without the index, which the person claims by accepting (:meth:`claim_email`). An
        invitation is not an account, so it reserves nothing (attack16b F1). Raises
        :class:`Conflict` when the row is there already (a retry of this invitation)."""
        self.store.upsert(
            TENANT_USERS,
            Row(encode(tenant_of(user.agency_id, user.client_id)), encode(user.user_id)),
        )
        self.store.insert(USERS, _user_row(user, self.seal))

    def claim_email(self, user: User) -> None:
        """The address is ``user``'s from now on (its owner accepts this invitation): the
        e-mail index is taken over from an invitation nobody accepted, or from an index an
        invitation cut before its row left. Raises :class:`Conflict` when an account (one
        whose password is set) holds the address."""
        index = Row("email", encode(user.email), {"UserId": user.user_id, "At": user.created_at})
        current = self.store.get(USER_EMAILS, index.pk, index.rk)
        if current is None:
            self.store.insert(USER_EMAILS, index)  # Conflict when another claimed it meanwhile
            return
        if current.data["UserId"] == user.user_id:
            return
        holder = self.get(str(current.data["UserId"]))
        if holder is not None and not holder[0].pending:
            raise Conflict("the address has an account")
        try:
            self.store.replace(USER_EMAILS, replace(index, etag=current.etag))
        except PreconditionFailed:
            raise Conflict("the address was taken meanwhile") from None

    def still_claims_email(self, user: User) -> bool:
        """After ``user``'s password is saved: does the e-mail index still name it? A claim
        decides only with this (codereview16b F4): :meth:`claim_email` lets a holder without a
        password give way, so two acceptances of one address, each claiming before its save,
        both went on to save a password (two accounts, the index naming one). The index is
        written again under its etag: a claimer that read it (and our row still pending)
        before this finds it changed and is refused, one that replaced it first wins and
        this returns False (the caller undoes its password)."""
        current = self.store.get(USER_EMAILS, "email", encode(user.email))
        if current is None:  # (an index deleted meanwhile: ours again, unless taken)
            try:
                self.store.insert(USER_EMAILS, Row("email", encode(user.email),
                                                   {"UserId": user.user_id, "At": user.created_at}))  # fmt: skip
            except Conflict:
                return False
            return True
        if current.data["UserId"] != user.user_id:
            return False
        try:
            self.store.replace(USER_EMAILS, current)
        except PreconditionFailed:
            return False  # another claimer took it over between our read and this write
        return True

    def save(self, user: User, etag: str) -> str:
        """Replace under the etag (:class:`PreconditionFailed` when someone changed it)."""
        row = _user_row(user, self.seal)
        row.etag = etag
        return self.store.replace(USERS, row).etag or ""

    def of_tenant(self, agency_id: str, client_id: str | None) -> list[User]:
        rows = all_rows(self.store, TENANT_USERS, pk=encode(tenant_of(agency_id, client_id)))
        ids = [r.rk for r in rows]
        found = self.store.get_many(USERS, "user", ids)
        return [_user(found[i], self.seal) for i in ids if i in found]


class SessionRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    @staticmethod
    def _row(s: Session) -> Row:
        return Row(
            s.key,
            "s",
            {
                "UserId": s.user_id,
                "Stage": s.stage.value,
                "CreatedAt": s.created_at,
                "LastSeen": s.last_seen,
                "Epoch": s.epoch,
                "Csrf": s.csrf,
                "Source": s.source,
                "Agent": s.agent[:200],
                "SmsChallenge": s.sms_challenge,
                "Revoked": s.revoked,
                "RenewedTo": s.renewed_to,
            },
        )

    @staticmethod
    def _session(row: Row) -> Session:
        d = row.data
        return Session(
            key=row.pk,
            user_id=d["UserId"],
            stage=Stage(d["Stage"]),
            created_at=d["CreatedAt"],
            last_seen=d["LastSeen"],
            epoch=int(d["Epoch"]),
            csrf=d["Csrf"],
            source=d.get("Source") or "",
            agent=d.get("Agent") or "",
            sms_challenge=d.get("SmsChallenge"),
            revoked=bool(d.get("Revoked", False)),
            renewed_to=d.get("RenewedTo") or None,
        )

    def add(self, s: Session) -> None:
        self.store.upsert(USER_SESSIONS, Row(encode(s.user_id), s.key, {"CreatedAt": s.created_at}))
        self.store.insert(SESSIONS, self._row(s))

    def get(self, key: str) -> Session | None:
        row = self.store.get(SESSIONS, key, "s")
        return self._session(row) if row else None

    def save(self, s: Session) -> bool:
        """Write a live session's change (last seen, an SMS challenge) over the row as stored;
        False when the session ended meanwhile: a request in flight while its session is
        signed out or ended never brings it back (failure7 finding 6, ASVS 7.4.1)."""
        for _ in range(3):
            current = self.store.get(SESSIONS, s.key, "s")
            if current is None or current.data.get("Revoked"):
                return False  # ended, or renewed meanwhile: its mark is not written over
            try:
                self.store.replace(SESSIONS, replace(self._row(s), etag=current.etag))
                return True
            except PreconditionFailed:
                continue  # another request touched it meanwhile: read it again
        return self.store.get(SESSIONS, s.key, "s") is not None

    def end(self, key: str, *, successors: bool = False) -> None:
        """Gone from storage: the cookie is worthless from now on. ``successors``: a sign-out
        or a person ending it also ends the session that took its place (:meth:`retire`), and
        the row is deleted only as read, so a renewal marking it meanwhile is seen (sec28)."""
        for _ in range(5):
            row = self.store.get(SESSIONS, key, "s")
            if row is None:
                return
            try:
                self.store.delete(SESSIONS, key, "s", etag=row.etag if successors else None)
            except PreconditionFailed:
                continue  # touched or renewed meanwhile: read it again
            self.store.delete(USER_SESSIONS, encode(str(row.data["UserId"])), key)
            if successors and (successor := row.data.get("RenewedTo")):
                self.end(str(successor), successors=True)
            return

    def retire(self, key: str, successor: str) -> bool:
        """Mark the session ``key`` revoked and taken over by ``successor`` (kept, not deleted:
        a sign-out with its cookie still ends the successor). False when it is gone already:
        signed out or ended while the renewal was on its way, so the successor must end too
        (sec28: it was a fresh session at the same epoch, the sign-out undone)."""
        for _ in range(5):
            row = self.store.get(SESSIONS, key, "s")
            if row is None:
                return False
            if row.data.get("Revoked"):  # renewed by a sibling request (a form sent twice)
                return bool(row.data.get("RenewedTo"))
            marked = Row(row.pk, row.rk, {**row.data, "Revoked": True, "RenewedTo": successor})
            try:
                self.store.replace(SESSIONS, replace(marked, etag=row.etag))
            except PreconditionFailed:
                continue  # touched meanwhile (its last-seen): read it again
            # no longer one of the person's sessions (the account page's list)
            self.store.delete(USER_SESSIONS, encode(str(row.data["UserId"])), key)
            return True
        return False

    def of_user(self, user_id: str) -> list[Session]:
        keys = [r.rk for r in all_rows(self.store, USER_SESSIONS, pk=encode(user_id))]
        found = [self.get(k) for k in keys]
        return [s for s in found if s is not None]


class TokenRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def add(self, t: LinkToken) -> None:
        self.store.insert(
            LINK_TOKENS,
            Row(
                t.key,
                "t",
                {"Purpose": t.purpose.value, "Subject": t.subject, "CreatedAt": t.created_at},
            ),
        )

    def get(self, key: str) -> tuple[LinkToken, str] | None:
        row = self.store.get(LINK_TOKENS, key, "t")
        if row is None:
            return None
        d = row.data
        token = LinkToken(key, Purpose(d["Purpose"]), d["Subject"], d["CreatedAt"], d.get("UsedAt"))
        return token, row.etag or ""

    def use(self, t: LinkToken, etag: str, at: datetime) -> bool:
        """Mark used under the etag: of two concurrent uses exactly one wins."""
        row = Row(
            t.key,
            "t",
            {
                "Purpose": t.purpose.value,
                "Subject": t.subject,
                "CreatedAt": t.created_at,
                "UsedAt": at,
            },
            etag,
        )
        try:
            self.store.replace(LINK_TOKENS, row)
            return True
        except PreconditionFailed:
            return False


class SmsChallengeRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def add(self, user_id: str, c: SmsChallenge) -> None:
        self.store.insert(SMS_CHALLENGES, self._row(user_id, c))

    @staticmethod
    def _row(user_id: str, c: SmsChallenge, etag: str | None = None) -> Row:
        data = {"CodeHash": c.code_hash, "Number": c.number, "SentAt": c.sent_at,
                "Tries": c.tries, "Used": c.used}  # fmt: skip
        return Row(encode(user_id), c.challenge_id, data, etag)

    def get(self, user_id: str, challenge_id: str) -> tuple[SmsChallenge, str] | None:
        row = self.store.get(SMS_CHALLENGES, encode(user_id), challenge_id)
        if row is None:
            return None
        d = row.data
        c = SmsChallenge(
            challenge_id, d["CodeHash"], d["Number"], d["SentAt"], int(d["Tries"]), bool(d["Used"])
        )
        return c, row.etag or ""

    def save(self, user_id: str, c: SmsChallenge, etag: str) -> bool:
        try:
            self.store.replace(SMS_CHALLENGES, self._row(user_id, c, etag))
            return True
        except PreconditionFailed:
            return False


class FailureRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def get(self, kind: str, name: str) -> Failures:
        row = self.store.get(FAILURES, kind, name)
        return Failures(int(row.data["Count"]), row.data["LastAt"]) if row else Failures()

    def take(self, kind: str, name: str, at: datetime, free: int) -> timedelta:
        """A place for one attempt, written before the attempt is judged (as a failure, until
        :meth:`give_back`), or the wait left and nothing taken. Judged first and counted
        after, every attempt of a burst passed the same read (attack24 F4). Conditional on
        the row's ETag; a row this contended is answered with a wait (fails closed)."""
        for _ in range(10):
            row = self.store.get(FAILURES, kind, name)
            now = Failures(int(row.data["Count"]), row.data["LastAt"]) if row else Failures()
            wait = now.wait(at, free)
            if wait > timedelta(0):
                return wait
            after = now.failed(at)
            new = Row(kind, name, {"Count": after.count, "LastAt": at}, row.etag if row else None)
            try:
                if row is None:
                    self.store.insert(FAILURES, new)
                else:
                    self.store.replace(FAILURES, new)
                return timedelta(0)
            except (Conflict, PreconditionFailed):
                continue
        return timedelta(seconds=1)

    def give_back(self, kind: str, name: str) -> None:
        """The place of an attempt that was right (a lost race leaves it a failure)."""
        for _ in range(10):
            row = self.store.get(FAILURES, kind, name)
            if row is None:
                return
            back = Failures(int(row.data["Count"]), row.data["LastAt"]).given_back()
            try:
                self.store.replace(
                    FAILURES,
                    Row(kind, name, {"Count": back.count, "LastAt": back.last_at}, row.etag),
                )
                return
            except (Conflict, PreconditionFailed):
                continue

    def clear(self, kind: str, name: str) -> None:
        if self.store.get(FAILURES, kind, name) is not None:
            self.store.delete(FAILURES, kind, name)


class AuditRepository:
    """Insert and read; there is deliberately no update or delete."""

    def __init__(self, store: TableStore) -> None:
        self.store = store

    def add(self, e: AuditEvent) -> None:
        self.store.insert(
            AUDIT,
            Row(encode(e.tenant), e.event_id, {
                "At": e.at, "Event": e.event.value, "Actor": e.actor, "Subject": e.subject,
                "Source": e.source, "Detail": put_json(e.detail),
            }),
        )  # fmt: skip

    def between(self, tenant: str, start: str, end: str) -> Iterator[AuditEvent]:
        """Events with ids in [start, end): ids are time-ordered, so this is a time range."""
        for row in all_rows(self.store, AUDIT, pk=encode(tenant), rk_range=(start, end)):
            d = row.data
            yield AuditEvent(
                tenant, row.rk, d["At"], Event(d["Event"]), d["Actor"], d.get("Subject") or "",
                d.get("Source") or "", dict(get_json(d.get("Detail"), {})),
            )  # fmt: skip


class BroadcastRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def add(self, b: Broadcast) -> None:
        self.store.insert(
            BROADCASTS,
            Row(encode(b.scope), b.broadcast_id, {
                "TextNl": b.text_nl, "TextEn": b.text_en, "Starts": b.starts.isoformat(),
                "Ends": b.ends.isoformat(), "Severity": b.severity.value, "CreatedBy": b.created_by,
            }),
        )  # fmt: skip

    def of_scope(self, scope: str) -> list[Broadcast]:
        return [
            Broadcast(
                scope,
                r.rk,
                r.data["TextNl"],
                r.data["TextEn"],
                date.fromisoformat(r.data["Starts"]),
                date.fromisoformat(r.data["Ends"]),
                Severity(r.data["Severity"]),
                r.data["CreatedBy"],
            )
            for r in all_rows(self.store, BROADCASTS, pk=encode(scope))
        ]

    def dismiss(self, user_id: str, scope: str, broadcast_id: str, at: datetime) -> None:
        self.store.upsert(
            DISMISSALS, Row(encode(user_id), f"{encode(scope)}|{broadcast_id}", {"At": at})
        )

    def dismissed(self, user_id: str) -> set[str]:
        """``scope|broadcast id`` of everything this user dismissed."""
        out = set()
        for r in all_rows(self.store, DISMISSALS, pk=encode(user_id)):
            scope, _, broadcast_id = r.rk.partition("|")
            out.add(f"{decode(scope)}|{broadcast_id}")
        return out


@dataclass(frozen=True)
class Signup:
    signup_id: str
    company: str
    kvk_number: str
    email: str
    mobile: str
    language: str
    created_at: datetime
    verified: bool = False
    client_id: str | None = None
    client_number: str | None = None


class SignupRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def save(self, s: Signup) -> None:
        self.store.upsert(
            SIGNUPS,
            Row("signup", s.signup_id, {
                "Company": s.company, "Kvk": s.kvk_number, "Email": s.email, "Mobile": s.mobile,
                "Language": s.language, "CreatedAt": s.created_at, "Verified": s.verified,
                "ClientId": s.client_id, "ClientNumber": s.client_number,
            }),
        )  # fmt: skip

    def get(self, signup_id: str) -> Signup | None:
        row = self.store.get(SIGNUPS, "signup", signup_id)
        if row is None:
            return None
        d = row.data
        return Signup(
            signup_id, d["Company"], d["Kvk"], d["Email"], d["Mobile"], d.get("Language") or "nl",
            d["CreatedAt"], bool(d.get("Verified")), d.get("ClientId"), d.get("ClientNumber"),
        )  # fmt: skip


@dataclass(frozen=True)
class PeopleRepositories:
    users: UserRepository
    sessions: SessionRepository
    tokens: TokenRepository
    sms: SmsChallengeRepository
    failures: FailureRepository
    audit: AuditRepository
    broadcasts: BroadcastRepository
    signups: SignupRepository

    @classmethod
    def over(cls, store: TableStore, pepper: bytes) -> PeopleRepositories:
        return cls(
            UserRepository(store, Seal(pepper, "totp")), SessionRepository(store), TokenRepository(store),
            SmsChallengeRepository(store), FailureRepository(store), AuditRepository(store),
            BroadcastRepository(store), SignupRepository(store),
        )  # fmt: skip


def with_status(user: User, status: UserStatus) -> User:
    return replace(user, status=status)


AGENCY_DEFAULTS = "AgencyDefaults"


class AgencyDefaultsRepository:
    """An agency's default house style; its default templates, workflows and segment rules
    live in the dunning tables under :func:`defaults_scope`."""

    def __init__(self, store: TableStore) -> None:
        self.store = store

    def house_style(self, agency_id: str) -> dict[str, object] | None:
        row = self.store.get(AGENCY_DEFAULTS, encode(agency_id), "house_style")
        return dict(get_json(row.data.get("Json"), {})) if row else None

    def save_house_style(self, agency_id: str, style: dict[str, object]) -> None:
        self.store.upsert(
            AGENCY_DEFAULTS, Row(encode(agency_id), "house_style", {"Json": put_json(style)})
        )


def defaults_scope(agency_id: str) -> str:
    return f"@defaults.{agency_id}"
