"""The letter behind a "letter sent" line of a debtor's contact log, as it went out: for the
people who sent it (the console's dossier, the API's contact log). A debtor who calls about
"the letter", disputes what it said, or a judge asking for the 14-day letter (6:96 lid 6 BW
puts its content on the creditor) needs staff to see the PDF as sent; only the debtor could
(his portal's reminder page; newcomer17 F9).

A sent message's contact-log entry is keyed by its message (``…s<digest of the key>``,
:meth:`MessagingService._followups_done`): the debtor's letters are found by their keys'
prefixes (the dunning's ``dun|<debtor>|``, a letter by hand's ``hand|<debtor>|``, his plans'
``plan|<plan id>|``), one range read each, and the entry's digest names the one it is.
Tenancy: every read is in the client's partition and the debtor's own messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from shared.adapters.tables.plans_repo import PlanRepository
from shared.domain.messaging import Channel, OutboundMessage
from shared.domain.records import ContactEntry, ContactKind
from shared.services.conversations.by_hand import KEY_PREFIX as BY_HAND
from shared.services.errors import NotFound
from shared.services.messaging import MessagingService
from shared.services.messaging import _digest as entry_digest  # how its log entry names it
from shared.services.repositories import Repositories


@dataclass(frozen=True)
class SentLetter:
    entry_id: str
    key: str  # the outbox record's
    name: str  # the PDF's file name, safe for a header
    pdf: bytes


def is_letter_line(entry: ContactEntry) -> bool:
    """A contact-log line that says a letter went out (what may have a PDF behind it)."""
    return (
        entry.kind is ContactKind.MESSAGE
        and entry.channel == Channel.LETTER.value
        and "s" in entry.entry_id
    )


class SentLetters:
    def __init__(self, repos: Repositories, messaging: MessagingService) -> None:
        self.repos = repos
        self.messaging = messaging

    def with_letter(
        self, client_id: str, debtor_number: str, entries: Iterable[ContactEntry]
    ) -> set[str]:
        """The ids of ``entries`` (a page of the timeline) whose letter can be shown: nothing
        is read when none of them is a letter line."""
        lines = [e for e in entries if is_letter_line(e)]
        if not lines:
            return set()
        by_digest = self._by_digest(client_id, debtor_number)
        return {e.entry_id for e in lines if _digest_of(e.entry_id) in by_digest}

    def letter(self, client_id: str, debtor_number: str, entry_id: str) -> SentLetter:
        """The PDF of the letter the debtor's log entry ``entry_id`` says was sent. NotFound
        for an entry that is not his, not a letter line, or whose letter is not kept."""
        entry = self.repos.contacts.entry(client_id, debtor_number, entry_id)
        if entry is None or not is_letter_line(entry):
            raise NotFound("no such letter")
        message = self._by_digest(client_id, debtor_number).get(_digest_of(entry_id))
        if message is None:
            raise NotFound("no such letter")
        try:
            content = self.messaging.content_of(message)
        except LookupError as exc:
            raise NotFound("the letter's content is not kept") from exc
        pdf = next((a for a in content.attachments if a.content_type == "application/pdf"), None)
        if pdf is None:
            raise NotFound("no such letter")
        name = re.sub(r"[^A-Za-z0-9._-]", "_", pdf.name)[:100] or "brief.pdf"
        return SentLetter(entry_id, message.key, name, pdf.data)

    def _by_digest(self, client_id: str, debtor_number: str) -> dict[str, OutboundMessage]:
        prefixes = [f"dun|{debtor_number}|", f"{BY_HAND}{debtor_number}|"]
        plans = PlanRepository(self.repos.store).of_debtor(client_id, debtor_number)
        prefixes += [f"plan|{p.plan_id}|" for p in plans]
        found: dict[str, OutboundMessage] = {}
        for prefix in prefixes:
            for message, _ in self.messaging.outbox.with_prefix(client_id, prefix):
                # a longer debtor number sharing the prefix ("12" and "12|A") is another's
                if message.debtor_number == debtor_number and message.channel is Channel.LETTER:
                    found[entry_digest(message.key)] = message
        return found


def _digest_of(entry_id: str) -> str:
    return entry_id.rpartition("s")[2]
