"""The client's sending mailbox: verifying a changed contact e-mail, and the From every
client's mail gets (sender33; the rule is shared/domain/sending_mailbox.py).

- :func:`verified_sender`: the outbox's one door (``MessagingService.enqueue``) sets every
  client's mail's From by the rule, whichever service made it, so that no new caller can send
  as an address nobody proved (the dunning run, a message by hand, a case's or plan's notice).
- :class:`SendingMailbox`: a change of the contact e-mail starts a check; a code goes to the
  new address from the agency's mailbox, under the agency's own outbox (the client's people
  see the client's outbox, and the code in it would prove nothing); the code comes back
  through the API or the console; agency staff may mark the address verified (audited)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from shared.adapters.tables.linked_accounts_repo import LinkedAccountRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.messaging import (
    AS_AGENCY,
    SENT_AS,
    Channel,
    MessageContent,
    OutboundMessage,
)
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.people.factors import same
from shared.domain.scopes import agency_outbox, is_agency_scope
from shared.domain.sending_mailbox import (
    MAX_ATTEMPTS,
    PURPOSE,
    CodeRefused,
    after_wrong,
    check_code,
    for_address,
    hashed_value,
    is_verified,
    mail_from,
    may_mail_code,
    new_code,
    with_code,
)
from shared.services.errors import Invalid
from shared.services.repositories import Repositories

log = logging.getLogger("inning.sending_mailbox")

# on a message whose From the rule replaced: the address it asked for (for the record)
ASKED_SENDER = "sender_asked"
# what the rule drops of a message that no longer goes from the mailbox it was read in: an
# answer in that mailbox's own conversation (shared/services/inbound/linking.py)
_THREAD = ("graph_reply_to", "in_reply_to", "references")

_SUBJECT = {
    "nl": "Uw code om {address} als afzender te bevestigen",
    "en": "Your code to confirm {address} as sender",
}
_TEXT = {
    "nl": (
        "Goedendag,\n\nVoor {client} is {address} opgegeven als het adres waarvan Inning de "
        "herinneringen en andere e-mail aan debiteuren verstuurt. Vul deze code in bij "
        "Instellingen in Inning om dat te bevestigen:\n\n{code}\n\nDe code is 24 uur geldig en "
        "werkt één keer. Tot de bevestiging gaat de e-mail uit van {agency}, met dit adres als "
        "antwoordadres. Heeft u dit niet aangevraagd? Dan kunt u deze e-mail negeren; er "
        "gaat niets namens dit adres uit.\n"
    ),
    "en": (
        "Hello,\n\n{address} was given for {client} as the address Inning sends its reminders "
        "and other mail to debtors from. Enter this code under Settings in Inning to confirm "
        "it:\n\n{code}\n\nThe code is valid for 24 hours and works once. Until it is confirmed "
        "the mail goes from {agency}, with this address to reply to. Did you not ask for "
        "this? Then ignore this mail: nothing goes out in this address's name.\n"
    ),
}


def verified_sender(
    repos: Repositories, message: OutboundMessage, client: Client
) -> OutboundMessage:
    """``message`` with the From the rule allows: a client's e-mail asked to go from the
    client's contact e-mail (or the address a check waits on) while that is unverified goes
    from the agency's mailbox, replies to the address asked. The services name no other
    client address as a sender: the mailbox the client linked (proven by Microsoft's sign-in)
    and a mailbox Inning reads for it (only a verified or linked one, inbound/reader.py).
    ``client``: the message's client as the outbox read it (no read of its own); the agency and
    the link are read only for an unverified address."""
    if message.channel is not Channel.EMAIL or not message.sender:
        return message
    if is_agency_scope(message.client_id) or client.client_id != message.client_id:
        return message  # the agency's own people's mail: never a client's address
    check = client.sender_check
    asked = message.sender.strip().lower()
    unverified = {(client.contact_email or "").lower(), check.address if check else ""} - {""}
    if check is None or asked not in unverified:
        return message
    agency = repos.agencies.get(client.agency_id)
    link = LinkedAccountRepository(repos.store).graph(client.client_id)
    chosen = mail_from(
        message.sender, message.reply_to, contact_email=client.contact_email, check=check,
        linked_mailbox=link.mailbox if link else None,
        agency_mailbox=agency.contact_email if agency else None,
    )  # fmt: skip
    if not chosen.as_agency:
        return message  # the mailbox it linked: proven when it was linked
    log.info("client %s: mail %s goes from the agency's mailbox (sender unverified)",
             client.client_id, message.key)  # fmt: skip
    extra = {k: v for k, v in message.extra.items() if k not in _THREAD}
    extra.update({SENT_AS: AS_AGENCY, ASKED_SENDER: asked})
    return replace(message, sender=chosen.sender, reply_to=chosen.reply_to, extra=extra)


def sender_verified(repos: Repositories, client: Client) -> bool:
    """Whether the client's mail goes from its contact e-mail: verified, or the mailbox it
    linked through Microsoft's admin consent (proven when linked; read only when unverified)."""
    if is_verified(client.contact_email, client.sender_check):
        return True
    if not client.contact_email:
        return False
    link = LinkedAccountRepository(repos.store).graph(client.client_id)
    return link is not None and (link.mailbox or "").lower() == client.contact_email.lower()


def sending_mailboxes(repos: Repositories, clients: Iterable[Client]) -> dict[str, set[str]]:
    """Each mailbox the clients' mail goes from, lower case, with the clients whose mail it
    sends (where their bounces come back): a verified (or linked) contact e-mail; the agency's
    own mailbox for all its clients (an unverified address's mail, its plans' notices). An
    unverified address is nobody's proven mailbox: never read."""
    owners: dict[str, set[str]] = {}
    agencies: dict[str, str | None] = {}
    for c in clients:
        if c.agency_id not in agencies:
            agency = repos.agencies.get(c.agency_id)
            agencies[c.agency_id] = agency.contact_email if agency is not None else None
        own = agencies[c.agency_id]
        if own:
            owners.setdefault(own.lower(), set()).add(c.client_id)
        if c.contact_email and sender_verified(repos, c):
            owners.setdefault(c.contact_email.lower(), set()).add(c.client_id)
    return owners


class SendingMailbox:
    def __init__(
        self,
        repos: Repositories,
        enqueue: Callable[[OutboundMessage, MessageContent], Any],
        clock: Clock,
        hashed: Callable[[str, str], str],
        audit: Callable[..., None],
        change: Callable[[str, Callable[[Client], Client]], Client],
    ) -> None:
        """``hashed``: the keyed hash (the people's pepper); ``change``: a read and replace
        of the client under its ETag (``ClientSettings.change``)."""
        self.repos = repos
        self.enqueue = enqueue
        self.clock = clock
        self.hashed = hashed
        self.audit = audit
        self.change = change

    # -- the state ---------------------------------------------------------------------------
    def status(self, client: Client) -> dict[str, object]:
        """What the API and the Settings page show: whether the contact e-mail is the From
        of the client's mail, and otherwise what it goes from and whether a code is out."""
        check = client.sender_check
        verified = sender_verified(self.repos, client)
        agency = self.repos.agencies.get(client.agency_id)
        live = (
            check is not None and check.code_hash is not None and check.expires_at is not None
            and check.expires_at > self.clock.now() and check.attempts < MAX_ATTEMPTS
        )  # fmt: skip
        return {
            "contact_email": client.contact_email,
            "verified": verified,
            "sends_from": client.contact_email
            if verified
            else (agency.contact_email if agency else None),
            "code_sent": live,
            "code_expires_at": check.expires_at if live and check else None,
            "attempts_left": MAX_ATTEMPTS - check.attempts if live and check else None,
        }

    # -- the code ----------------------------------------------------------------------------
    def send_code(self, client: Client) -> Client:
        """A new code to the contact address (the earlier one dies). Refused when the address
        is verified, when the agency has no mailbox to mail it from, or after
        ``MAX_CODES_A_DAY`` codes today."""
        check = client.sender_check
        if check is None or not client.contact_email:
            raise Invalid("the contact e-mail is verified already", "code",
                          code="sender_already_verified")  # fmt: skip
        if client.sandbox:
            # its mail goes to its own sandbox address anyway; a code mail from the agency's
            # mailbox to any address a trial typed, with the name it chose, would be a way to
            # mail strangers in the agency's name
            raise Invalid(
                "a client in the sandbox proves its address once it is live", "code",
                code="sender_sandbox",
            )  # fmt: skip
        agency = self.repos.agencies.get(client.agency_id)
        if agency is None or not agency.contact_email:
            raise Invalid(
                "the agency has no e-mail address of its own to mail the code from: the "
                "agency can mark the address verified", "code", code="sender_no_agency_mailbox",
            )  # fmt: skip
        # the address stored now: one the agency's upsert set over a waiting check included
        address = client.contact_email.strip().lower()
        check = check if check.address == address else for_address(check, address)
        now = self.clock.now()
        today = amsterdam_date(now)
        if not may_mail_code(check, today):
            raise Invalid(
                "enough codes were mailed today: use the latest, or try again tomorrow",
                "code", code="sender_codes_today",
            )  # fmt: skip
        code = new_code()
        digest = self.hashed(PURPOSE, hashed_value(client.client_id, check.address, code))

        def coded(c: Client) -> Client:
            current = c.sender_check
            if current is None or (c.contact_email or "").strip().lower() != address:
                raise Invalid("the contact e-mail changed meanwhile; try again", "code",
                              code="sender_code_stale")  # fmt: skip
            base = current if current.address == address else for_address(current, address)
            if not may_mail_code(base, today):  # another request mailed the last one
                raise Invalid("enough codes were mailed today: use the latest, or try again "
                              "tomorrow", "code", code="sender_codes_today")  # fmt: skip
            return replace(c, sender_check=with_code(base, digest, now, today))

        updated = self.change(client.client_id, coded)
        sent = updated.sender_check.codes_that_day if updated.sender_check else 0
        lang = client.language.value if client.language.value in _TEXT else "nl"
        words = {"client": client.name, "address": check.address, "code": code,
                 "agency": agency.contact_email}  # fmt: skip
        message = OutboundMessage(
            agency_outbox(client.agency_id),
            # one key per code: the day's count starts afresh after a verification, and a
            # second address's code mail that day had the first one's key (never mailed)
            f"sender-code|{client.client_id}|{today.isoformat()}|{sent}|{secrets.token_hex(4)}",
            Channel.EMAIL, None, check.address, now, sender=agency.contact_email,
            extra={SENT_AS: AS_AGENCY},
        )  # fmt: skip
        self.enqueue(message, MessageContent(subject=_SUBJECT[lang].format(**words),
                                             text=_TEXT[lang].format(**words), language=lang))  # fmt: skip
        return updated

    # -- proof -------------------------------------------------------------------------------
    def verify(self, client: Client, code: str, actor: str) -> Client:
        """The code mailed to the address, given back: the address is verified (audited).
        A wrong code counts; the last allowed voids it (a new one must be asked). Judged
        against the stored check in the same ETag write that counts it: a burst of requests
        that read the client at once is judged one by one, never more than the allowed tries
        at one code, and a right code after the code died is refused as any guess is
        (review33b: judged against the request's own read, the 6th and later were judged
        too, and the right one answered "stale" where a wrong one answered "wrong")."""
        if client.sender_check is None:
            raise Invalid("the contact e-mail is verified already", "code",
                          code="sender_already_verified")  # fmt: skip
        now = self.clock.now()
        given = "".join(ch for ch in code if ch.isdigit())
        wrong: list[Invalid] = []

        def judged(c: Client) -> Client:
            wrong.clear()  # a retry after another write judges afresh
            check = c.sender_check
            if check is None:
                raise Invalid("the contact e-mail is verified already", "code",
                              code="sender_already_verified")  # fmt: skip
            digest = self.hashed(PURPOSE, hashed_value(c.client_id, check.address, given))
            try:
                check_code(check, c.contact_email, digest, now, same)
            except CodeRefused as refused:
                if refused.reason.code != "sender_code_wrong":
                    raise Invalid(refused.reason, "code") from None
                wrong.append(Invalid(refused.reason, "code"))
                return replace(c, sender_check=after_wrong(check))
            return replace(c, sender_check=None)

        updated = self.change(client.client_id, judged)
        if wrong:
            raise wrong[0]
        self.audit(Event.SENDER_VERIFIED, agency_id=client.agency_id, client_id=client.client_id,
                   actor=actor, subject=client.client_id, how="code")  # fmt: skip
        return updated

    def mark_verified(self, client: Client, actor: str, seen: str | None = None) -> Client:
        """Agency staff's word that the address is the client's (a mailbox they administer,
        one they checked by phone): verified, audited. Never a client's own people's.
        ``seen``: the address the page showed them (the console's form carries it): a client's
        admin who changed it meanwhile (to another's mailbox) does not get that one vouched
        for by a click meant for the address staff checked (review33b)."""
        check = client.sender_check
        # checked first (small33): a verified address that is not the one staff saw is news
        # to them as well, never an unnoticed 200
        if (
            seen is not None
            and seen.strip().lower() != (client.contact_email or "").strip().lower()
        ):
            raise Invalid("the contact e-mail changed since the page showed it; look again",
                          "contact_email", code="sender_code_stale")  # fmt: skip
        if check is None or not client.contact_email:
            return client
        # the address stored now, as staff saw it: the agency's upsert may have set another
        # over a waiting check (which still names the older one: marked, that was refused as
        # stale every time, review33b)
        address = client.contact_email.strip().lower()

        def verified(c: Client) -> Client:
            if (c.contact_email or "").strip().lower() != address:
                raise Invalid("the contact e-mail changed meanwhile; look again", "code",
                              code="sender_code_stale")  # fmt: skip
            return replace(c, sender_check=None)

        updated = self.change(client.client_id, verified)
        self.audit(Event.SENDER_VERIFIED, agency_id=client.agency_id, client_id=client.client_id,
                   actor=actor, subject=client.client_id, how="agency")  # fmt: skip
        return updated
