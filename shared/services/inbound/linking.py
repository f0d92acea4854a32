"""Staff (through the API or the console) deciding whom a message concerns.

Linking files the message on each chosen debtor's contact log; "also create an action" puts
a task on the action list per debtor; choosing a template pauses each debtor's dunning
(reason: correspondence) and answers the sender from the same mailbox, in the same thread
("we are handling your message"). Every step is idempotent: linking again with the same
choice changes nothing, and the answer goes out once (its outbox key is the message's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from shared.adapters.tables.inbound_repo import FiledMail, InboundMailRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.inbound.answers import (
    DEFAULT_ANSWER,
    answer_template,
    references_for,
    render_answer,
    reply_subject,
    template_ids,
)
from shared.domain.inbound.mail import MailKind
from shared.domain.inbound.text import addresses
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.domain.parties import Client, Debtor
from shared.domain.records import ActionItem
from shared.ports.files import FileStore
from shared.ports.tables import PreconditionFailed
from shared.services.dunning import DunningService
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.inbound.filing import ATTACHMENTS_CONTAINER, MailFiling, action_id_for
from shared.services.inbound.strangers import is_summary
from shared.services.messaging import MessagingService
from shared.services.repositories import Repositories

PAUSE_REASON = "correspondence"


@dataclass(frozen=True)
class LinkRequest:
    debtors: tuple[str, ...]
    create_action: bool = False
    template: str | None = None  # an answer template id ("in-behandeling"); None: no answer
    note: str | None = None


class InboundMail:
    """The service the API and the console call."""

    def __init__(
        self,
        repos: Repositories,
        mail: InboundMailRepository,
        filing: MailFiling,
        messaging: MessagingService,
        dunning: DunningService,
        files: FileStore,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.mail = mail
        self.filing = filing
        self.messaging = messaging
        self.dunning = dunning
        self.files = files
        self.clock = clock

    # -- reading ---------------------------------------------------------------------------
    def listing(self, client: Client, *, state: str | None, page_size: int,
             continuation: str | None) -> tuple[list[FiledMail], str | None]:  # fmt: skip
        """The client's mail, newest first; without ``state``, the unlinked messages first and
        then the linked ones (the continuation says which part it continues)."""
        if state in ("unlinked", "linked"):
            return self.mail.list(client.client_id, linked=state == "linked",
                                  page_size=page_size, continuation=continuation)  # fmt: skip
        if state is not None:
            raise Invalid("state is unlinked, linked or absent", "state", code="mail_state_unknown")
        part, _, token = (continuation or "u:").partition(":")
        if part not in ("u", "l"):
            raise Invalid(
                "not a continuation of this list", "continuation", code="continuation_foreign"
            )
        items: list[FiledMail] = []
        if part == "u":
            items, more = self.mail.list(client.client_id, linked=False, page_size=page_size,
                                         continuation=token or None)  # fmt: skip
            if more:
                return items, f"u:{more}"
            token = ""
        room = page_size - len(items)
        if room <= 0:
            return items, "l:"
        linked, more = self.mail.list(client.client_id, linked=True, page_size=room,
                                      continuation=token or None)  # fmt: skip
        return items + linked, (f"l:{more}" if more else None)

    def get(self, client: Client, key: str) -> FiledMail:
        found = self.mail.get(client.client_id, key)
        if found is None:
            raise NotFound(f"message {key} not found")
        return found[0]

    def get_by_entry(self, client: Client, key_or_prefix: str) -> FiledMail:
        """A message by its key, or by the key's start a contact-log entry keeps (the
        dossier's timeline links to the message it filed)."""
        found = self.mail.get(client.client_id, key_or_prefix)
        if found is None and 8 <= len(key_or_prefix) < 32:
            key = self.mail.key_with_prefix(client.client_id, key_or_prefix)
            found = self.mail.get(client.client_id, key) if key else None
        if found is None:
            raise NotFound(f"message {key_or_prefix} not found")
        return found[0]

    def attachment(self, client: Client, key: str, index: int) -> tuple[str, str, bytes]:
        """(file name, content type, bytes) of one kept attachment of the client's message:
        the blob is only reached through the client's own row."""
        mail = self.get(client, key)
        if not 0 <= index < len(mail.attachments):
            raise NotFound(f"attachment {index} not found")
        note = mail.attachments[index]
        if note.blob is None:
            raise NotFound(f"attachment {index} was not kept: {note.skipped}")
        data = self.files.get(ATTACHMENTS_CONTAINER, note.blob)
        if data is None:
            raise NotFound(f"attachment {index} not found")
        return note.name, note.content_type, data

    @staticmethod
    def templates() -> list[str]:
        return template_ids()

    # -- linking ---------------------------------------------------------------------------
    def link(self, client: Client, key: str, request: LinkRequest, author: str) -> FiledMail:
        if not request.debtors:
            raise Invalid("name at least one debtor", "debtors", code="link_no_debtor")
        numbers = tuple(dict.fromkeys(request.debtors))
        for _ in range(5):
            found = self.mail.get(client.client_id, key)
            if found is None:
                raise NotFound(f"message {key} not found")
            mail, etag = found
            if request.template is not None and mail.kind is not MailKind.CORRESPONDENCE:
                raise Invalid(
                    "an automatic reply is filed, never answered and never pauses",
                    "template",
                    code="auto_reply_no_answer",
                )
            template = None
            if request.template is not None:
                template = answer_template(request.template or DEFAULT_ANSWER, "nl")
                if template is None:
                    raise Invalid(
                        f"unknown template {request.template}; use one of {template_ids()}",
                        "template",
                        code="unknown_answer_template",
                        params={"template": request.template, "templates": template_ids()},
                    )
            debtors = self.repos.debtors.get_many(client.client_id, list(numbers))
            missing = [n for n in numbers if n not in debtors]
            if missing:
                raise Invalid(
                    f"debtor(s) not found: {', '.join(missing)}",
                    "debtors",
                    code="debtors_not_found",
                    params={"debtors": ", ".join(missing)},
                )
            invoices = {c.debtor_number: c.invoice_numbers for c in mail.candidates}
            for number in numbers:
                self.filing.log_on(mail, number, invoices.get(number, ()), author=author)
                if request.create_action:
                    self._task(mail, number, request.note, author)
                if template is not None:
                    self._pause(client, debtors[number][0], author)
            answer_key, answer_note = mail.answer_key, mail.answer_note
            if template is not None and answer_key is None:
                first = debtors[numbers[0]][0]
                answer_key, answer_note = self._answer(
                    client, mail, first, request.template or DEFAULT_ANSWER
                )
            updated = replace(
                mail, linked=True, linked_by=author, linked_at=self.clock.now(),
                filed_debtors=tuple(dict.fromkeys([*mail.filed_debtors, *numbers])), answer_key=answer_key,
                answer_note=answer_note,
            )  # fmt: skip
            try:
                self.mail.save(updated, etag)
            except PreconditionFailed:
                continue
            self._resolve(mail, numbers, author)
            return updated
        raise ConflictingUpdate(f"message {key} keeps changing; retry")

    def _task(self, mail: FiledMail, number: str, note: str | None, author: str) -> None:
        item = ActionItem(
            client_id=mail.client_id, action_id=action_id_for(mail.received_at, mail.key, f"t{number}"[:40]),
            kind="staff_task", title=f"Handle the e-mail from {mail.sender}: {mail.subject}"[:500],
            created_at=self.clock.now(), debtor_number=number,
            detail={"mail": mail.key, "note": (note or "")[:2000], "by": author},
        )  # fmt: skip
        # once: linked before with an action: one task per message and debtor
        self.repos.actions.add_once(item)

    def _pause(self, client: Client, debtor: Debtor, author: str) -> None:
        today = amsterdam_date(self.clock.now())
        if debtor.pause and debtor.pause.reason == PAUSE_REASON and debtor.pause.active_on(today):
            return  # paused for correspondence already (a second link, a retry)
        self.dunning.pause_debtor(client, debtor.number, PAUSE_REASON, None, author)

    def _answer(
        self, client: Client, mail: FiledMail, debtor: Debtor, template_id: str
    ) -> tuple[str | None, str | None]:
        """The template answer, to the debtor's address on file only: in the message's own
        thread (Graph /reply, which answers the Reply-To or else the From address) when the
        sender is one of the debtor's addresses and no other Reply-To is set; otherwise a new
        e-mail to the debtor's first address on file (the one who wrote may be anyone).
        The outbox key and, when the answer did not go to the sender in the thread, why."""
        template = answer_template(template_id, debtor.language.value)
        assert template is not None
        on_file = [e.strip().lower() for e in debtor.emails if e.strip()]
        if not on_file:
            return None, "not answered: the debtor has no e-mail address on file"
        key = f"inbound-answer|{mail.key}"
        text = render_answer(template, debtor.name, client.name)
        foreign_reply_to = [a for a in addresses(mail.reply_to) if a not in on_file]
        in_thread = mail.sender.lower() in on_file and not foreign_reply_to
        extra = {"inbound_mail": mail.key}
        if in_thread:
            extra.update(
                graph_reply_to=mail.graph_id, in_reply_to=mail.internet_message_id,
                references=references_for(mail.internet_message_id, mail.references),
            )  # fmt: skip
            to, note = mail.sender.lower(), None
        else:
            to = on_file[0]
            why = "its Reply-To names another address" if foreign_reply_to else (
                "the sender is not one of the debtor's addresses")  # fmt: skip
            note = f"answered by a new e-mail to the debtor's address on file ({to}): {why}"
        message = OutboundMessage(
            client.client_id, key, Channel.EMAIL, debtor.number, to, self.clock.now(),
            sender=mail.mailbox, reply_to=mail.mailbox, extra=extra,
        )  # fmt: skip
        self.messaging.enqueue(
            message,
            MessageContent(
                subject=reply_subject(template, mail.subject), text=text, language=template.language
            ),
        )
        return key, note

    def _resolve(self, mail: FiledMail, numbers: Sequence[str], author: str) -> None:
        """The "whom does this concern?" item is answered by the link (someone who resolved
        or changed it meanwhile: theirs stands). The sender's item counting his messages is
        answered too (his next message opens a new one); the day's summary of unknown
        senders' mail is not: the others it counts are still nobody's."""
        if mail.action_id and not is_summary(mail.action_id):
            self.repos.actions.resolve_if_open(
                mail.client_id, mail.action_id, f"linked to {', '.join(numbers)} by {author}",
                self.clock.now(),
            )  # fmt: skip
