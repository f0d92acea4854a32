"""What every people use case needs: storage, the clock, the pepper, a way to write mail and
SMS, and the audit log."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from shared.adapters.tables.messaging_repo import CounterRepository
from shared.adapters.tables.people_repo import PeopleRepositories
from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.domain.people.accounts import User
from shared.domain.people.audit import AuditEvent, Event, tenant_key
from shared.domain.people.authorisation import Target
from shared.domain.people.factors import digest
from shared.domain.scopes import agency_outbox
from shared.ports.tables import Conflict
from shared.services.messaging import MessagingService
from shared.services.repositories import Repositories

# marks on an outbound message (read by the messaging service): an account message is not
# held back by the debtors' contact hours; a password reset also ignores sandbox mode
ACCOUNT_MESSAGE = "account"
SANDBOX_EXEMPT = "reset"
_SEQUENCE = itertools.count()


class Throttled(Exception):
    """Too many attempts: try again after ``seconds``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many attempts; try again in {seconds} seconds")
        self.seconds = seconds


@dataclass
class Kit:
    repos: Repositories
    people: PeopleRepositories
    counters: CounterRepository
    messaging: MessagingService
    clock: Clock
    pepper: bytes
    base_url: str
    sent: list[str] = field(default_factory=list)  # keys of messages written (for tests/logs)

    def now(self) -> datetime:
        return self.clock.now()

    def hashed(self, purpose: str, value: str) -> str:
        return digest(self.pepper, purpose, value)

    def audit(
        self,
        event: Event,
        *,
        agency_id: str,
        client_id: str | None,
        actor: str,
        subject: str = "",
        source: str = "",
        event_id: str = "",
        **detail: str,
    ) -> None:
        """``event_id``: a caller that may write the same event again (a retry finishing what
        failed) names it, time-ordered as ours; the second insert is then refused (Conflict)."""
        now = self.now()
        # time, then this process's sequence: events of one instant keep their order
        event_id = event_id or (
            f"{int(now.timestamp() * 1000):012x}{next(_SEQUENCE) % 16**8:08x}{secrets.token_hex(3)}"
        )
        self.people.audit.add(
            AuditEvent(
                tenant_key(agency_id, client_id),
                event_id,
                now,
                event,
                actor,
                subject,
                self.hashed("addr", source)[:16] if source else "",
                detail,
            )
        )

    def keyed_event_id(self, at: datetime, *parts: str) -> str:
        """An event id shaped like ours (its time first) whose tail is made from ``parts``:
        the same on every retry of one request, so its second insert is refused."""
        return f"{int(at.timestamp() * 1000):012x}{self.hashed('event', '|'.join(parts))[:14]}"

    def audit_once(
        self,
        event: Event,
        *,
        agency_id: str,
        client_id: str | None,
        actor: str,
        subject: str,
        event_id: str,
        source: str = "",
        **detail: str,
    ) -> None:
        """:meth:`audit` under a keyed ``event_id``: a retry that finds it written is done."""
        try:
            self.audit(event, agency_id=agency_id, client_id=client_id, actor=actor,
                       subject=subject, source=source, event_id=event_id, **detail)  # fmt: skip
        except Conflict:
            pass  # written by the attempt a storage fault cut off

    def has_event(self, agency_id: str, client_id: str | None, event_id: str) -> bool:
        tenant = tenant_key(agency_id, client_id)
        return any(
            e.event_id == event_id
            for e in self.people.audit.between(tenant, event_id, event_id + "~")
        )

    def audit_user(self, event: Event, user: User, actor: str = "", **kw: str) -> None:
        self.audit(
            event,
            agency_id=user.agency_id,
            client_id=user.client_id,
            actor=actor or user.user_id,
            subject=user.user_id,
            **kw,
        )

    def scope_of(self, user: User) -> str:
        """The outbox partition of a person's messages: their client (whose sandbox mode then
        applies), or their agency."""
        return user.client_id or agency_outbox(str(user.agency_id))

    @staticmethod
    def scope_of_target(target: Target) -> str:
        """The outbox partition of a mail an organisation causes (an invitation's notice to
        an address with an account elsewhere): the client's, or its agency's; never the
        recipient's client (attack16 F1)."""
        return target.client_id or agency_outbox(str(target.agency_id))

    def mail(
        self,
        user: User,
        subject: str,
        text: str,
        *,
        reset: bool = False,
        key: str = "",
        own_mail: bool = False,
    ) -> str:
        return self.mail_to(self.scope_of(user), user.email, user.language, subject, text,
                            reset=reset, key=key, own_mail=own_mail)  # fmt: skip

    def mail_to(
        self,
        scope: str,
        email: str,
        language: str,
        subject: str,
        text: str,
        *,
        reset: bool = False,
        key: str = "",
        own_mail: bool = False,
    ) -> str:
        """``key``: a caller that may mail again on a retry names the message; the outbox
        then keeps one (queued again, sent once). ``reset`` and ``own_mail``: the mail is the
        addressee's own (a password reset, an invitation or its notice), never redirected to
        a sandbox client's own mailbox (codereview16 F4)."""
        now = self.now()
        key = key or time_ordered_id(now, "acct-")
        extra = {ACCOUNT_MESSAGE: SANDBOX_EXEMPT if reset or own_mail else "yes"}
        message = OutboundMessage(scope, key, Channel.EMAIL, None, email, now, extra=extra)
        self.messaging.enqueue(
            message, MessageContent(subject=subject, text=text, language=language)
        )
        if key not in self.sent:
            self.sent.append(key)
        return key

    def sms(self, user: User, number: str, text: str) -> str:
        now = self.now()
        key = time_ordered_id(now, "acct-")
        message = OutboundMessage(
            self.scope_of(user), key, Channel.SMS, None, number, now, extra={ACCOUNT_MESSAGE: "yes"}
        )
        self.messaging.enqueue(message, MessageContent(text=text, language=user.language))
        self.sent.append(key)
        return key

    def link(self, path: str) -> str:
        return f"{self.base_url}/api/console/{path}"
